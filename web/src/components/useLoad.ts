/* Loading what a component shows: the request runs again when its inputs change, and an answer
 * that arrives after they changed, or after the component went away, is dropped. */
import { useEffect } from 'preact/hooks';

/* Runs load() whenever deps change (nothing while load is null) and hands its result to onData,
 * or its failure to onError, unless deps changed or the component unmounted in the meantime. */
export function useLoad<T>(load: (() => Promise<T>) | null, onData: (value: T) => void, onError: (err: unknown) => void, deps: unknown[]): void {
	useEffect(() => {
		if (!load) return undefined;
		let live = true;
		load().then(
			(value) => {
				if (live) onData(value);
			},
			(err: unknown) => {
				if (live) onError(err);
			},
		);
		return () => {
			live = false;
		};
	}, deps);
}
