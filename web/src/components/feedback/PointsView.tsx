/* The written feedback's points as the therapist reads them, strengths first, each with its clips:
 * a button plays the stretch in the recording player beside the points (one audited viewing for the
 * whole page). When the recording has been deleted, the clip times are still listed. */
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import type { ClipRequest } from '../RecordingPlayer';
import { ReviewPlayer } from '../practice/ReviewPlayer';
import { clipTime } from '../../pages/feedback/format';
import type { Clip, Feedback, Point } from '../../pages/feedback/types';

interface Props {
	feedback: Feedback;
	itemLabel: (id: string) => string;
	/* Heading level of each point. */
	level?: 3 | 4;
	id: string;
}

export function sortPoints(points: Point[]): Point[] {
	const rank = (p: Point) => (p.kind === 'strength' ? 0 : 1);
	return [...points].sort((a, b) => rank(a) - rank(b) || a.position - b.position || a.id - b.id);
}

export function clipRange(c: Clip | { start_ms: number; end_ms: number }): string {
	return `${clipTime(c.start_ms)}–${clipTime(c.end_ms)}`;
}

export function PointsView({ feedback, itemLabel, level = 3, id }: Props) {
	const { t } = useI18n();
	const [clip, setClip] = useState<ClipRequest | null>(null);
	const [playing, setPlaying] = useState<Clip | null>(null);
	const seq = useRef(0);
	const playerBox = useRef<HTMLDivElement>(null);
	const rec = feedback.recording;
	const canPlay = !!rec && rec.available;
	const points = sortPoints(feedback.points);
	const anyClips = points.some((p) => p.clips.length > 0);
	const H = level === 3 ? 'h3' : 'h4';

	function play(c: Clip) {
		seq.current += 1;
		setClip({ start: c.start_ms / 1000, end: c.end_ms / 1000, seq: seq.current });
		setPlaying(c);
		playerBox.current?.scrollIntoView?.({ block: 'nearest' });
	}

	if (points.length === 0) return <p class="empty">{t('fb.points.none')}</p>;

	return (
		<div class={`fb-points-layout${anyClips ? ' fb-with-player' : ''}`}>
			<ol class="fb-points">
				{points.map((p) => (
					<li key={p.id} id={`point-${p.id}`} class={`fb-point fb-point-${p.kind}`} tabIndex={-1}>
						<p class="fb-point-kind">
							<span class={`badge badge-${p.kind === 'strength' ? 'ok' : 'info'}`}>{p.kind === 'strength' ? t('fb.kind.strength') : t('fb.kind.improvement')}</span>
							{p.item_id && <span class="fb-point-item">{itemLabel(p.item_id)}</span>}
						</p>
						<H class="fb-point-title">{p.title}</H>
						{p.body && <p class="pre-line">{p.body}</p>}
						{p.clips.length > 0 && (
							<ul class="fb-clips" aria-label={t('fb.clips.listLabel', { title: p.title })}>
								{p.clips.map((c) => (
									<li key={c.id}>
										{canPlay ? (
											<button
												type="button"
												class={`button button-small fb-clip-play${playing?.id === c.id ? ' is-current' : ''}`}
												aria-label={t('fb.clips.playLabel', { range: clipRange(c), label: c.label || p.title })}
												onClick={() => play(c)}
											>
												<span aria-hidden="true">▶ </span>
												{t('fb.clips.play', { range: clipRange(c) })}
											</button>
										) : (
											<span class="fb-clip-time">{clipRange(c)}</span>
										)}
										{c.label && <span class="fb-clip-label">{c.label}</span>}
										<span class="fb-clip-print">{t('fb.clips.printed', { range: clipRange(c) })}</span>
									</li>
								))}
							</ul>
						)}
					</li>
				))}
			</ol>
			{anyClips && (
				<div class="fb-player-box" ref={playerBox}>
					{!rec ? (
						<p class="hint">{t('fb.clips.noRecording')}</p>
					) : !rec.available ? (
						<p class="notice notice-info fb-rec-deleted">{t('fb.clips.deleted')}</p>
					) : (
						<>
							<p class="fb-now-playing" aria-live="polite">
								{playing ? t('fb.clips.nowPlaying', { range: clipRange(playing), label: playing.label || t('fb.clips.noLabel') }) : t('fb.clips.pick')}
							</p>
							{/* The therapist's watching counts as practice (reviewing one's own recording). */}
							<ReviewPlayer rec={{ id: rec.id, duration: rec.duration }} label={t('fb.clips.playerLabel')} id={`${id}-player`} clip={clip} focusOnOpen={false} />
						</>
					)}
				</div>
			)}
		</div>
	);
}
