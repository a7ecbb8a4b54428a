/* The shape every message catalogue must have: exactly the keys of the English one. */
import type { en } from './en';

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };
