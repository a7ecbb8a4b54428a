/* What every page may use: the signed-in user, navigation and the status line. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Locale, User } from './api';

export interface AppCtx {
	user: User;
	/* Replace the signed-in user after the server returned a fresh copy. */
	setUser: (u: User) => void;
	navigate: (path: string) => void;
	/* Show and announce a short status message ("Profile saved"). */
	announce: (msg: string) => void;
	/* Switch the UI language at once and keep it in the profile. */
	setLocale: (l: Locale) => void;
	serverVersion: string | null;
}

export const AppContext = createContext<AppCtx | null>(null);

export function useApp(): AppCtx {
	const ctx = useContext(AppContext);
	if (!ctx) throw new Error('useApp outside AppContext');
	return ctx;
}
