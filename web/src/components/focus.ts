/* Keeping the keyboard in place when the control that had focus disappears (a row's button after
 * the row changed state): focus moves to a stable element instead of falling back to the page. */
import { type RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

export function useFocusFallback(target: RefObject<HTMLElement | null>, deps: unknown[]): void {
	useEffect(() => {
		/* After the browser has settled: a dialog closing hands focus back first. */
		const timer = window.setTimeout(() => {
			const a = document.activeElement;
			if (!a || a === document.body || !a.isConnected) target.current?.focus();
		}, 0);
		return () => window.clearTimeout(timer);
	}, deps);
}
