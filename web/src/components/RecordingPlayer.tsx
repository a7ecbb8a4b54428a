/* Plays a recording from the vault. Opening it starts a viewing, which the server writes to the audit
 * log once; the player then reads the recording with range requests, so seeking is at once. Besides
 * the browser's own controls there are ours, all reachable by keyboard: play and pause, 5 seconds
 * back and forward, a position slider and the speed. Nothing offers to save the file. A page may
 * ask it to play one stretch (a feedback clip): it opens if need be, starts at the clip's start and
 * pauses at its end; seeking outside the stretch lets it play on as usual. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Recording, type Viewing } from '../api';
import { useI18n } from '../i18n';
import { clock } from '../recording';
import { ErrorNotice } from './Field';

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const SKIP_SECONDS = 5;

/* What the player needs of a recording; video_codec null means sound only (absent: unknown, shown as video). */
export type PlayableRecording = Pick<Recording, 'id' | 'duration'> & { video_codec?: string | null };

/* One stretch to play, in seconds; a new seq plays it (again). */
export interface ClipRequest {
	start: number;
	end: number;
	seq: number;
}

interface Props {
	rec: PlayableRecording | Recording;
	/* Names the player for screen readers: "Recording of case P-…". */
	label: string;
	/* Prefix of the ids inside, for pages that could show more than one. */
	id?: string;
	clip?: ClipRequest | null;
	/* Called with the position whenever it changes (marking a clip's start and end). */
	onTime?: (secs: number) => void;
	/* Move focus to the play button once the recording is open (default); off when a clip button
	 * elsewhere opened it and should keep the focus. */
	focusOnOpen?: boolean;
}

export function RecordingPlayer({ rec, label, id = 'player', clip = null, onTime, focusOnOpen = true }: Props) {
	const { t, num, errorText } = useI18n();
	const [viewing, setViewing] = useState<Viewing | null>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [playing, setPlaying] = useState(false);
	const [time, setTime] = useState(0);
	const [duration, setDuration] = useState(rec.duration ?? 0);
	const [rate, setRate] = useState(1);
	const media = useRef<HTMLMediaElement | null>(null);
	const playRef = useRef<HTMLButtonElement>(null);
	/* Opening is the user's request to play: start once the first frames are in. */
	const startWhenReady = useRef(false);
	const isVideo = rec.video_codec !== null;
	/* The stretch being played: pause at its end. */
	const clipRef = useRef<{ start: number; end: number } | null>(null);
	const clipWatch = useRef<number | null>(null);
	const focusNext = useRef(focusOnOpen);

	useEffect(() => {
		if (viewing && focusNext.current) playRef.current?.focus();
		focusNext.current = focusOnOpen;
	}, [viewing]);

	useEffect(() => {
		if (!clip) return;
		clipRef.current = { start: clip.start, end: clip.end };
		const m = media.current;
		if (!viewing || !m) {
			focusNext.current = false;
			void open();
			return;
		}
		m.currentTime = clip.start;
		m.play().catch(() => undefined);
	}, [clip?.seq]);

	useEffect(
		() => () => {
			if (clipWatch.current !== null) cancelAnimationFrame(clipWatch.current);
		},
		[],
	);

	/* timeupdate comes a few times a second: watch the clip's end more closely while it plays. */
	function watchClip() {
		const m = media.current;
		const c = clipRef.current;
		clipWatch.current = null;
		if (!m || !c || m.paused) return;
		if (m.currentTime >= c.end) {
			m.pause();
			clipRef.current = null;
			return;
		}
		clipWatch.current = requestAnimationFrame(watchClip);
	}

	async function open() {
		if (busy) return;
		setBusy(true);
		setError('');
		try {
			const v = await api.startViewing(rec.id);
			startWhenReady.current = true;
			setTime(0);
			setPlaying(false);
			setViewing(v);
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(false);
	}

	function el(): HTMLMediaElement | null {
		return media.current;
	}

	function toggle() {
		const m = el();
		if (!m) return;
		if (m.paused || m.ended) m.play().catch(() => undefined);
		else m.pause();
	}

	function seek(to: number) {
		const m = el();
		if (!m) return;
		const c = clipRef.current;
		if (c && (to < c.start - 0.05 || to > c.end)) clipRef.current = null;
		const end = Number.isFinite(m.duration) ? m.duration : duration;
		m.currentTime = Math.min(Math.max(0, to), end || 0);
		setTime(m.currentTime);
	}

	function changeRate(r: number) {
		const m = el();
		if (!m) return;
		m.defaultPlaybackRate = r;
		m.playbackRate = r;
		setRate(r);
	}

	function keys(e: KeyboardEvent) {
		if (e.altKey || e.ctrlKey || e.metaKey || !el()) return;
		const tag = e.target instanceof HTMLElement ? e.target.tagName : '';
		/* Space already means something on buttons, lists, the slider and the native controls. */
		const spaceFree = !['BUTTON', 'SELECT', 'INPUT', 'VIDEO', 'AUDIO', 'A'].includes(tag);
		const key = e.key.toLowerCase();
		if (key === 'k' || (e.key === ' ' && spaceFree)) toggle();
		else if (key === 'j') seek((el()?.currentTime ?? 0) - SKIP_SECONDS);
		else if (key === 'l') seek((el()?.currentTime ?? 0) + SKIP_SECONDS);
		else return;
		e.preventDefault();
	}

	const report = (m: HTMLMediaElement) => {
		setTime(m.currentTime);
		onTime?.(m.currentTime);
	};

	const events = {
		onPlay: () => {
			setPlaying(true);
			if (clipRef.current && clipWatch.current === null) clipWatch.current = requestAnimationFrame(watchClip);
		},
		onPause: () => setPlaying(false),
		onEnded: () => setPlaying(false),
		onTimeUpdate: (e: Event) => {
			const m = e.currentTarget as HTMLMediaElement;
			report(m);
			const c = clipRef.current;
			if (c && !m.paused && m.currentTime >= c.end) {
				m.pause();
				clipRef.current = null;
			}
		},
		onSeeked: (e: Event) => report(e.currentTarget as HTMLMediaElement),
		/* A seek with the browser's own controls outside the clip ends the clip. */
		onSeeking: (e: Event) => {
			const c = clipRef.current;
			const at = (e.currentTarget as HTMLMediaElement).currentTime;
			if (c && (at < c.start - 0.05 || at > c.end)) clipRef.current = null;
		},
		onDurationChange: (e: Event) => {
			const d = (e.currentTarget as HTMLMediaElement).duration;
			if (Number.isFinite(d) && d > 0) setDuration(d);
		},
		onRateChange: (e: Event) => setRate((e.currentTarget as HTMLMediaElement).playbackRate),
		onCanPlay: (e: Event) => {
			if (!startWhenReady.current) return;
			startWhenReady.current = false;
			const m = e.currentTarget as HTMLMediaElement;
			if (clipRef.current) m.currentTime = clipRef.current.start;
			m.play().catch(() => undefined);
		},
		/* Most often the viewing has ended (it lasts some hours) or the connection broke. */
		onError: () => {
			setPlaying(false);
			setError(t('player.error'));
		},
		/* No "Save video as…". */
		onContextMenu: (e: Event) => e.preventDefault(),
	};

	if (!viewing) {
		return (
			<div class="player player-closed">
				<ErrorNotice>{error}</ErrorNotice>
				<button type="button" class="button button-primary" onClick={open} disabled={busy}>
					{busy ? t('player.opening') : t('player.open')}
				</button>
				<p class="hint">{t('player.audited')}</p>
			</div>
		);
	}

	const common = {
		src: viewing.media_url,
		controls: true,
		controlsList: 'nodownload noremoteplayback',
		disableRemotePlayback: true,
		preload: 'metadata' as const,
		'aria-label': label,
		ref: (m: HTMLMediaElement | null) => {
			media.current = m;
		},
		...events,
	};
	const position = t('player.positionText', { at: clock(time), total: clock(duration) });

	return (
		<div class="player" role="group" aria-label={label} onKeyDown={keys}>
			{isVideo ? <video class="player-media" playsInline disablePictureInPicture {...common} /> : <audio class="player-media player-audio" {...common} />}
			<div class="player-controls">
				<button type="button" class="button player-play" ref={playRef} onClick={toggle}>
					{playing ? t('player.pause') : t('player.play')}
				</button>
				<button type="button" class="button" onClick={() => seek((el()?.currentTime ?? 0) - SKIP_SECONDS)}>
					{t('player.back', { n: SKIP_SECONDS })}
				</button>
				<button type="button" class="button" onClick={() => seek((el()?.currentTime ?? 0) + SKIP_SECONDS)}>
					{t('player.forward', { n: SKIP_SECONDS })}
				</button>
				<div class="player-seek">
					<label for={`${id}-seek`} class="visually-hidden">
						{t('player.position')}
					</label>
					<input
						id={`${id}-seek`}
						type="range"
						min={0}
						max={duration > 0 ? duration : 0}
						step={0.1}
						value={time}
						aria-valuetext={position}
						onInput={(e) => seek(Number(e.currentTarget.value))}
					/>
					<span class="player-time" aria-hidden="true">
						{clock(time)} / {clock(duration)}
					</span>
				</div>
				<div class="player-speed">
					<label for={`${id}-speed`}>{t('player.speed')}</label>
					<select id={`${id}-speed`} value={String(rate)} onChange={(e) => changeRate(Number(e.currentTarget.value))}>
						{SPEEDS.map((s) => (
							<option key={s} value={String(s)}>
								{num(s, 2)}×
							</option>
						))}
					</select>
				</div>
			</div>
			<ErrorNotice>{error}</ErrorNotice>
			{error && (
				<button type="button" class="button" onClick={open} disabled={busy}>
					{t('player.reopen')}
				</button>
			)}
			<p class="hint">{t('player.keys', { n: SKIP_SECONDS })}</p>
		</div>
	);
}
