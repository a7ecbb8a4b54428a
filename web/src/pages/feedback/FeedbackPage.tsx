/* One session's feedback, as the therapist reads it: /feedback/{id}. Staff see the same page (a
 * preview while it is a draft), with a way to the editor. */
import { useApp } from '../../app-context';
import { ErrorNotice, InfoNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { FeedbackView } from '../../components/feedback/FeedbackView';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { reportUrl } from './fbapi';
import { type LoadProblem, useFeedbackData } from './load';
import { FB_ROUTES, editorPath } from './paths';
import { isStaff } from './routes';
import '../../styles/feedback.css';

export function FeedbackPage({ id }: { id: number }) {
	const { t, locale, day } = useI18n();
	const { user, navigate } = useApp();
	const staff = isStaff(user.role);
	const { data, problem, update } = useFeedbackData(id, locale, staff);

	if (!data) {
		return (
			<div class="page fb-page">
				<PageHeading>{t('fb.page.title')}</PageHeading>
				<BackLink />
				{problem ? <ProblemNotice problem={problem} /> : <p class="loading">{t('common.loading')}</p>}
			</div>
		);
	}

	const { feedback, profile } = data;
	const published = !!feedback.published_at;
	return (
		<div class="page fb-page">
			<div class="page-head fb-head">
				<div class="page-head-start">
					<PageHeading>{feedback.session_date ? t('fb.page.titleDate', { date: day(feedback.session_date) }) : t('fb.page.title')}</PageHeading>
					<p class="fb-facts">
						{[profile.instrument.name, staff ? feedback.therapist.name : '', feedback.institution_name].filter(Boolean).join(' · ')}
					</p>
					{published && feedback.published_at && (
						<p class="hint">{feedback.published_by_name ? t('fb.page.publishedBy', { date: day(feedback.published_at), name: feedback.published_by_name }) : t('fb.page.published', { date: day(feedback.published_at) })}</p>
					)}
				</div>
				<div class="button-row fb-no-print">
					<a class="button button-primary" href={reportUrl(id, locale)} download>
						{t('fb.report.download')}
					</a>
					<button type="button" class="button" onClick={() => window.print()}>
						{t('fb.page.print')}
					</button>
					{staff && (
						<a class="button" href={editorPath(id)} onClick={(e) => linkClick(e, navigate, editorPath(id))}>
							{published ? t('fb.page.toEditorPublished') : t('fb.page.toEditor')}
						</a>
					)}
				</div>
			</div>
			<BackLink />
			{staff && !published && <InfoNotice>{t('fb.page.draftPreview')}</InfoNotice>}
			<FeedbackView data={data} goalsEditable={user.role === 'therapist'} onGoal={(g) => update((d) => ({ ...d, goals: d.goals.map((x) => (x.id === g.id ? g : x)) }))} />
		</div>
	);
}

function BackLink() {
	const { t } = useI18n();
	const { user, navigate } = useApp();
	return (
		<p class="back-link fb-no-print">
			<a href={FB_ROUTES.list} onClick={(e) => linkClick(e, navigate, FB_ROUTES.list)}>
				{user.role === 'therapist' ? t('fb.page.backMine') : t('fb.page.backStaff')}
			</a>
		</p>
	);
}

export function ProblemNotice({ problem }: { problem: LoadProblem }) {
	const { t, errorText } = useI18n();
	const { user } = useApp();
	/* For the therapist, "not found" means "not published yet"; for the lab it means not found. */
	if (problem.kind === 'notPublished') return <InfoNotice>{user.role === 'therapist' ? t('fb.page.notPublished') : t('app.notFound')}</InfoNotice>;
	if (problem.kind === 'noConsensus') return <InfoNotice>{t('fb.page.noConsensus')}</InfoNotice>;
	return <ErrorNotice>{errorText(problem.err)}</ErrorNotice>;
}
