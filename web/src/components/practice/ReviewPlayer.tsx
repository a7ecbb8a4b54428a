/* The player for a therapist's own recording: the usual RecordingPlayer, and the time spent
 * watching logged as deliberate practice (see useReviewLogging). For the feedback page and the
 * practice page; for any other role it is just the player (only therapists log practice). */
import { useRef } from 'preact/hooks';
import type { ComponentProps } from 'preact';
import { useApp } from '../../app-context';
import { useI18n } from '../../i18n';
import { type ClipRequest, RecordingPlayer } from '../RecordingPlayer';
import { type ReviewResult } from '../../pages/practice/practiceApi';
import { useReviewLogging } from './useReviewLogging';

interface Props {
	rec: ComponentProps<typeof RecordingPlayer>['rec'];
	label: string;
	id?: string;
	/* Passed on to the player: a clip to play (the feedback page), and whether to take focus. */
	clip?: ClipRequest | null;
	focusOnOpen?: boolean;
	onLogged?: (r: ReviewResult) => void;
}

export function ReviewPlayer({ rec, label, id = 'review-player', clip = null, focusOnOpen = true, onLogged }: Props) {
	const { t } = useI18n();
	const { user } = useApp();
	const enabled = user.role === 'therapist';
	const box = useRef<HTMLDivElement>(null);
	const review = useReviewLogging(box, onLogged ? { enabled, onLogged } : { enabled });
	return (
		<div class="pr-review" ref={box}>
			<RecordingPlayer rec={rec} label={label} id={id} clip={clip} focusOnOpen={focusOnOpen} />
			{enabled && (
				<p class="hint" role="status">
					{review.minutes > 0 ? t('practice.review.logged', { n: review.minutes }) : t('practice.review.counts')}
				</p>
			)}
		</div>
	);
}
