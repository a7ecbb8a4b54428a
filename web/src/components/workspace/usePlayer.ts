/* The state of the workspace's media element, and what the keyboard and the timeline do with it. */
import { useCallback, useRef, useState } from 'preact/hooks';

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
export const SKIP_S = 5;
/* One frame at 25 frames per second, the rate of PAL video and of the lab's recordings. */
export const FRAME_S = 1 / 25;

export interface Player {
	attach: (m: HTMLMediaElement | null) => void;
	media: () => HTMLMediaElement | null;
	time: number;
	duration: number;
	playing: boolean;
	rate: number;
	toggle: () => void;
	pause: () => void;
	seek: (s: number) => void;
	skip: (ds: number) => void;
	frame: (n: number) => void;
	setRate: (r: number) => void;
	faster: (dir: 1 | -1) => void;
	/* Media events, spread onto <video>/<audio>. */
	events: Record<string, (e: Event) => void>;
	/* Current time read from the element itself (fresher than `time` between renders). */
	now: () => number;
}

export function usePlayer(knownDuration: number): Player {
	const ref = useRef<HTMLMediaElement | null>(null);
	const [time, setTime] = useState(0);
	const [duration, setDuration] = useState(knownDuration);
	const [playing, setPlaying] = useState(false);
	const [rate, setRateState] = useState(1);
	const raf = useRef<number | null>(null);

	const end = () => {
		const m = ref.current;
		return m && Number.isFinite(m.duration) && m.duration > 0 ? m.duration : duration;
	};

	const seek = useCallback(
		(s: number) => {
			const m = ref.current;
			const to = Math.min(Math.max(0, s), end() || 0);
			if (m) m.currentTime = to;
			setTime(to);
		},
		[duration],
	);

	/* timeupdate comes only a few times a second: follow the picture more closely while playing. */
	const follow = () => {
		const m = ref.current;
		if (!m) return;
		setTime(m.currentTime);
		if (!m.paused) raf.current = requestAnimationFrame(follow);
	};

	const setRate = (r: number) => {
		const m = ref.current;
		if (m) {
			m.defaultPlaybackRate = r;
			m.playbackRate = r;
		}
		setRateState(r);
	};

	return {
		attach: (m) => {
			ref.current = m;
		},
		media: () => ref.current,
		time,
		duration,
		playing,
		rate,
		toggle: () => {
			const m = ref.current;
			if (!m) return;
			if (m.paused || m.ended) m.play().catch(() => undefined);
			else m.pause();
		},
		pause: () => ref.current?.pause(),
		seek,
		skip: (ds) => seek((ref.current?.currentTime ?? time) + ds),
		frame: (n) => {
			const m = ref.current;
			if (!m) return;
			m.pause();
			seek(m.currentTime + n * FRAME_S);
		},
		setRate,
		faster: (dir) => {
			const i = SPEEDS.indexOf(rate);
			const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (i < 0 ? 2 : i) + dir))] ?? 1;
			setRate(next);
		},
		now: () => ref.current?.currentTime ?? time,
		events: {
			onPlay: () => {
				setPlaying(true);
				if (raf.current !== null) cancelAnimationFrame(raf.current);
				raf.current = requestAnimationFrame(follow);
			},
			onPause: () => {
				setPlaying(false);
				setTime(ref.current?.currentTime ?? 0);
			},
			onEnded: () => setPlaying(false),
			onTimeUpdate: (e) => setTime((e.currentTarget as HTMLMediaElement).currentTime),
			onSeeked: (e) => setTime((e.currentTarget as HTMLMediaElement).currentTime),
			onDurationChange: (e) => {
				const d = (e.currentTarget as HTMLMediaElement).duration;
				if (Number.isFinite(d) && d > 0) setDuration(d);
			},
			onRateChange: (e) => setRateState((e.currentTarget as HTMLMediaElement).playbackRate),
			onContextMenu: (e) => e.preventDefault(),
		},
	};
}

/* "0:08.4", "12:34.0": the clock with tenths, as coders need it. */
export function clockTenths(secs: number): string {
	const s = Number.isFinite(secs) && secs > 0 ? secs : 0;
	const whole = Math.floor(s);
	const tenth = Math.floor((s - whole) * 10 + 1e-6);
	const h = Math.floor(whole / 3600);
	const m = Math.floor((whole % 3600) / 60);
	const ss = String(whole % 60).padStart(2, '0');
	return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : m}:${ss}.${tenth}`;
}

export function clock(secs: number): string {
	const s = Number.isFinite(secs) && secs > 0 ? Math.floor(secs) : 0;
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
