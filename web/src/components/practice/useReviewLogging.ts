/* Logs the time a therapist spends watching their own recording as deliberate practice.
 *
 * Wrap the player in an element and pass its ref; nothing in RecordingPlayer needs to change:
 *
 *     const box = useRef<HTMLDivElement>(null);
 *     const review = useReviewLogging(box, { enabled: isOwnRecording });
 *     <div ref={box}><RecordingPlayer rec={rec} label={...} /></div>
 *     <p role="status">{review.minutes > 0 && t('practice.review.logged', { n: review.minutes })}</p>
 *
 * (or use <ReviewPlayer>, which does exactly that). The hook listens, in the capture phase, to
 * the media element inside the box, counts the wall-clock time it is playing, and reports the
 * running total of each viewing (the token in the media URL) to POST
 * /api/practice/recording-review: every minute of playing, on pause and at the end, when the tab
 * is hidden, and when the component goes away. The server keeps the larger total, caps it (twice
 * the recording's length, and the time since the viewing began) and makes one log entry per
 * viewing from half a minute on, so repeated or lost reports do no harm. Only the therapist's
 * own recordings count; for anyone else the server answers 403 or 404 and the hook stays quiet. */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { practiceApi, type ReviewResult } from '../../pages/practice/practiceApi';

/* Report after this many more seconds of playing. */
const REPORT_EVERY = 60;
/* A gap between two time updates longer than this is not counted (the tab slept). */
const MAX_STEP = 2;

export interface ReviewLogging {
	/* Minutes logged for the current viewing (0 until the server has made an entry). */
	minutes: number;
	/* The last answer, or null before the first report. */
	last: ReviewResult | null;
	/* The last report failed (the viewing ended, the recording is gone, the network). */
	failed: boolean;
}

/* The viewing token in a media URL like /api/recordings/7/media?viewing=v_...; null if none. */
export function viewingOf(src: string): string | null {
	try {
		return new URL(src, 'http://x').searchParams.get('viewing');
	} catch {
		return null;
	}
}

export function useReviewLogging(box: RefObject<HTMLElement | null>, { enabled = true, onLogged }: { enabled?: boolean; onLogged?: (r: ReviewResult) => void } = {}): ReviewLogging {
	const [state, setState] = useState<ReviewLogging>({ minutes: 0, last: null, failed: false });
	const logged = useRef(onLogged);
	logged.current = onLogged;

	useEffect(() => {
		const el = box.current;
		if (!el || !enabled) return undefined;
		let viewing: string | null = null;
		let watched = 0;
		let reported = 0;
		let lastTick: number | null = null;
		let inflight = false;
		let again = false;
		let live = true;

		function report() {
			if (!viewing || watched - reported < 1) return;
			if (inflight) {
				again = true;
				return;
			}
			const token = viewing;
			const total = Math.floor(watched);
			inflight = true;
			practiceApi.reportReview(token, total).then(
				(r) => {
					inflight = false;
					if (token === viewing) reported = Math.max(reported, total);
					if (live) setState({ minutes: r.minutes, last: r, failed: false });
					logged.current?.(r);
					if (again) {
						again = false;
						report();
					}
				},
				() => {
					inflight = false;
					again = false;
					if (live) setState((s) => ({ ...s, failed: true }));
				},
			);
		}

		function media(e: Event): HTMLMediaElement | null {
			return e.target instanceof HTMLMediaElement ? e.target : null;
		}

		function tick(m: HTMLMediaElement) {
			const v = viewingOf(m.currentSrc || m.src);
			if (v !== viewing) {
				/* A new viewing: its own total, from zero. */
				report();
				viewing = v;
				watched = 0;
				reported = 0;
				lastTick = null;
				if (live) setState({ minutes: 0, last: null, failed: false });
			}
			const now = performance.now() / 1000;
			if (lastTick !== null && !m.paused) watched += Math.min(MAX_STEP, Math.max(0, now - lastTick));
			lastTick = m.paused ? null : now;
			if (watched - reported >= REPORT_EVERY) report();
		}

		const onTime = (e: Event) => {
			const m = media(e);
			if (m) tick(m);
		};
		const onStop = (e: Event) => {
			const m = media(e);
			if (!m) return;
			tick(m);
			lastTick = null;
			report();
		};
		const onHidden = () => {
			if (document.visibilityState === 'hidden') report();
		};
		el.addEventListener('playing', onTime, true);
		el.addEventListener('timeupdate', onTime, true);
		el.addEventListener('pause', onStop, true);
		el.addEventListener('ended', onStop, true);
		document.addEventListener('visibilitychange', onHidden);
		return () => {
			el.removeEventListener('playing', onTime, true);
			el.removeEventListener('timeupdate', onTime, true);
			el.removeEventListener('pause', onStop, true);
			el.removeEventListener('ended', onStop, true);
			document.removeEventListener('visibilitychange', onHidden);
			report();
			live = false;
		};
	}, [box, enabled]);

	return state;
}
