/* The feedback as the therapist reads it, top to bottom: two minutes' worth first (summary, what went
 * well, what to work on, support and challenge), then the profile's charts, the written points with
 * their clips, the report to download, the meeting and the goals. Staff see the same as a preview. */
import { useI18n } from '../../i18n';
import { reportUrl } from '../../pages/feedback/fbapi';
import { numbers, scaleOf } from '../../pages/feedback/format';
import type { FeedbackData } from '../../pages/feedback/load';
import type { Goal } from '../../pages/feedback/types';
import { AtAGlance } from './AtAGlance';
import { GoalsList } from './GoalsList';
import { MeetingCard, currentMeeting } from './MeetingCard';
import { PointsView } from './PointsView';
import { ProfileView } from './ProfileView';

interface Props {
	data: FeedbackData;
	/* The therapist may mark goals achieved; staff read them. */
	goalsEditable: boolean;
	onGoal?: (g: Goal) => void;
	/* Prefix of ids (the editor's preview sits beside other charts). */
	id?: string;
}

export function FeedbackView({ data, goalsEditable, onGoal, id = 'fb' }: Props) {
	const { t, locale } = useI18n();
	const { profile, feedback, meetings, goals, def } = data;
	const nums = numbers(locale);
	const scale = scaleOf(profile, def);
	const labels = new Map(profile.items.map((i) => [i.id, `${i.id} ${i.label}`]));
	const itemLabel = (item: string) => labels.get(item) ?? item;
	const meeting = currentMeeting(meetings);
	return (
		<div class="fb-view">
			<section class="fb-section fb-section-glance" aria-labelledby={`${id}-glance-h`}>
				<h2 id={`${id}-glance-h`}>{t('fb.view.glance')}</h2>
				<AtAGlance feedback={feedback} profile={profile} scale={scale} nums={nums} id={`${id}-glance`} />
			</section>

			<section class="fb-section" aria-labelledby={`${id}-profile-h`}>
				<h2 id={`${id}-profile-h`}>{t('fb.view.profile')}</h2>
				<ProfileView profile={profile} scale={scale} nums={nums} id={`${id}-profile`} withTrend submissionId={feedback.submission_id} />
			</section>

			<section class="fb-section" aria-labelledby={`${id}-points-h`}>
				<h2 id={`${id}-points-h`}>{t('fb.view.points')}</h2>
				<PointsView feedback={feedback} itemLabel={itemLabel} id={`${id}-points`} />
			</section>

			<section class="fb-section" aria-labelledby={`${id}-meeting-h`}>
				<h2 id={`${id}-meeting-h`}>{t('fb.view.meeting')}</h2>
				{meeting ? <MeetingCard meeting={meeting} id={`${id}-meeting`} /> : <p class="empty">{t('fb.meeting.none')}</p>}
			</section>

			<section class="fb-section fb-section-cont" aria-labelledby={`${id}-goals-h`}>
				<h2 id={`${id}-goals-h`}>{t('fb.view.goals')}</h2>
				<GoalsList goals={goals} editable={goalsEditable} onChange={onGoal} />
			</section>

			<section class="fb-section fb-section-cont fb-no-print" aria-labelledby={`${id}-report-h`}>
				<h2 id={`${id}-report-h`}>{t('fb.view.report')}</h2>
				<p>
					<a class="button" href={reportUrl(feedback.submission_id, locale)} download>
						{t('fb.report.download')}
					</a>
				</p>
				<p class="hint">{t('fb.report.hint')}</p>
			</section>
		</div>
	);
}
