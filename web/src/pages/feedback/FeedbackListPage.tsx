/* /feedback. For the therapist, "My feedback": every published feedback with its meeting, the
 * practice goals, and how the scores moved across sessions. For the lab (supervisors, raters, lab
 * admins): the approved submissions and how far their feedback has come, to open the editor. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { useApp } from '../../app-context';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StateBadge } from '../../components/StateBadge';
import { GoalsList } from '../../components/feedback/GoalsList';
import { TrendChart, trendItems } from '../../components/feedback/TrendChart';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { fbApi } from './fbapi';
import { numbers, scaleOf } from './format';
import { instrumentDef } from './load';
import { editorPath, feedbackPath } from './paths';
import { isStaff } from './routes';
import type { FeedbackListItem, FeedbackStatus, Goal, Profile } from './types';
import type { InstrumentDef } from '../workspace/types';
import { TableRegion } from '../../components/TableRegion';
import '../../styles/feedback.css';

export function FeedbackListPage() {
	const { user } = useApp();
	return isStaff(user.role) ? <StaffList /> : <MyFeedback />;
}

function useList() {
	const { errorText } = useI18n();
	const [items, setItems] = useState<FeedbackListItem[] | null>(null);
	const [error, setError] = useState('');
	useLoad(
		() => fbApi.list(),
		(r) => setItems(r.items),
		(err) => setError(errorText(err)),
		[],
	);
	return { items, error };
}

function sessionText(t: ReturnType<typeof useI18n>['t'], day: (d: string | null) => string, it: { session_date: string | null; session_number: number | null }): string {
	const parts = [it.session_date ? day(it.session_date) : '', it.session_number ? t('fb.list.sessionNo', { n: it.session_number }) : ''].filter(Boolean);
	return parts.join(', ') || t('fb.list.session');
}

function MeetingCell({ it }: { it: FeedbackListItem }) {
	const { t, dateTime } = useI18n();
	if (!it.meeting) return <span class="muted">{t('fb.list.noMeeting')}</span>;
	return (
		<>
			<span class="block">{t(`fb.meeting.state.${it.meeting.state}`)}</span>
			<span class={`muted block${it.meeting.state === 'cancelled' ? ' fb-struck' : ''}`}>{dateTime(it.meeting.starts_at)}</span>
		</>
	);
}

function MyFeedback() {
	const { t, day, locale, errorText } = useI18n();
	const { navigate } = useApp();
	const { items, error } = useList();
	const [goals, setGoals] = useState<Goal[] | null>(null);
	const [goalsError, setGoalsError] = useState('');
	const [trend, setTrend] = useState<{ profile: Profile; def: InstrumentDef | null; id: number } | null>(null);

	useEffect(() => {
		fbApi.goals().then(
			(r) => setGoals(r.items),
			(err: unknown) => setGoalsError(errorText(err)),
		);
	}, []);

	const published = useMemo(() => (items ?? []).filter((i) => i.feedback_status === 'published').sort((a, b) => (b.session_date ?? '').localeCompare(a.session_date ?? '') || b.submission_id - a.submission_id), [items]);

	/* The newest profile holds the trend across all rated sessions. */
	useEffect(() => {
		const latest = published[0];
		if (!latest) return undefined;
		let live = true;
		fbApi
			.profile(latest.submission_id, locale)
			.then(async (p) => ({ profile: p, def: await instrumentDef(p.instrument.code, p.instrument.version), id: latest.submission_id }))
			.then(
				(x) => live && setTrend(x),
				() => undefined,
			);
		return () => {
			live = false;
		};
	}, [published[0]?.submission_id, locale]);

	const sessionOf = (g: Goal) => {
		const it = published.find((p) => p.submission_id === g.submission_id);
		return it ? sessionText(t, day, it) : null;
	};
	const nums = numbers(locale);

	return (
		<div class="page fb-page">
			<PageHeading>{t('fb.mine.title')}</PageHeading>
			<p class="lead">{t('fb.mine.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null &&
				(published.length === 0 ? (
					<p class="empty">{t('fb.mine.none')}</p>
				) : (
					<TableRegion id="fb-mine" caption={t('fb.mine.caption')} tableClass="table">
						<thead>
							<tr>
								<th scope="col">{t('fb.list.colSession')}</th>
								<th scope="col">{t('fb.list.colInstrument')}</th>
								<th scope="col">{t('fb.list.colPublished')}</th>
								<th scope="col">{t('fb.list.colMeeting')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('fb.list.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{published.map((it) => {
								const s = sessionText(t, day, it);
								return (
									<tr key={it.submission_id}>
										<th scope="row" class="nowrap">
											{s}
										</th>
										<td>{it.instrument_name ?? t('common.none')}</td>
										<td class="nowrap">{it.published_at ? day(it.published_at) : t('common.none')}</td>
										<td>
											<MeetingCell it={it} />
										</td>
										<td class="cell-actions">
											<a class="button button-small button-primary" href={feedbackPath(it.submission_id)} aria-label={t('fb.mine.openLabel', { session: s })} onClick={(e) => linkClick(e, navigate, feedbackPath(it.submission_id))}>
												{t('fb.mine.open')}
											</a>
										</td>
									</tr>
								);
							})}
						</tbody>
					</TableRegion>
				))}

			<section class="fb-section-plain" aria-labelledby="fb-goals-h">
				<h2 id="fb-goals-h">{t('fb.mine.goals')}</h2>
				<p class="hint">{t('fb.mine.goalsIntro')}</p>
				<ErrorNotice>{goalsError}</ErrorNotice>
				{goals === null && !goalsError ? <p class="loading">{t('common.loading')}</p> : null}
				{goals !== null && <GoalsList goals={goals} editable onChange={(g) => setGoals((gs) => (gs ?? []).map((x) => (x.id === g.id ? g : x)))} sessionOf={sessionOf} />}
			</section>

			{trend && trendItems(trend.profile.trend).length > 0 && (
				<section class="fb-section-plain" aria-labelledby="fb-trend-h">
					<h2 id="fb-trend-h">{t('fb.mine.trend')}</h2>
					<p class="hint">{t('fb.mine.trendIntro')}</p>
					<TrendChart
						id="fb-mine-trend"
						trend={trend.profile.trend}
						scale={scaleOf(trend.profile, trend.def)}
						goodEnough={trend.profile.good_enough}
						nums={nums}
						initialItem={trend.profile.improvements[0]?.item ?? null}
						currentSubmission={trend.id}
					/>
				</section>
			)}
		</div>
	);
}

type Filter = '' | FeedbackStatus;
const STATUS_TONE: Record<FeedbackStatus, string> = { none: 'warn', draft: 'info', published: 'ok' };

function StaffList() {
	const { t, day } = useI18n();
	const { navigate } = useApp();
	const { items, error } = useList();
	const [filter, setFilter] = useState<Filter>('');
	const all = items ?? [];
	const count = (f: Filter) => (f ? all.filter((i) => i.feedback_status === f).length : all.length);
	const shown = all
		.filter((i) => !filter || i.feedback_status === filter)
		.sort((a, b) => {
			const rank: Record<FeedbackStatus, number> = { none: 0, draft: 1, published: 2 };
			return rank[a.feedback_status] - rank[b.feedback_status] || (a.session_date ?? '').localeCompare(b.session_date ?? '') || a.submission_id - b.submission_id;
		});
	const chips: { value: Filter; label: string }[] = [
		{ value: '', label: t('fb.staff.all') },
		{ value: 'none', label: t('fb.status.none') },
		{ value: 'draft', label: t('fb.status.draft') },
		{ value: 'published', label: t('fb.status.published') },
	];
	return (
		<div class="page fb-page">
			<PageHeading>{t('fb.staff.title')}</PageHeading>
			<p class="lead">{t('fb.staff.intro')}</p>
			<nav class="state-filter" aria-label={t('fb.staff.byStatus')}>
				<ul>
					{chips.map((c) => (
						<li key={c.value || 'all'}>
							<button type="button" class={`chip${filter === c.value ? ' chip-on' : ''}`} aria-pressed={filter === c.value ? 'true' : 'false'} onClick={() => setFilter(c.value)}>
								<span class="chip-label">{c.label}</span> <span class="chip-count">{count(c.value)}</span>
							</button>
						</li>
					))}
				</ul>
			</nav>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null &&
				(shown.length === 0 ? (
					<p class="empty">{t('fb.staff.none')}</p>
				) : (
					<TableRegion id="fb-staff" caption={t('fb.staff.caption')} tableClass="table">
						<thead>
							<tr>
								<th scope="col">{t('fb.list.colSession')}</th>
								<th scope="col">{t('fb.list.colTherapist')}</th>
								<th scope="col">{t('fb.list.colInstrument')}</th>
								<th scope="col">{t('fb.list.colState')}</th>
								<th scope="col">{t('fb.list.colFeedback')}</th>
								<th scope="col">{t('fb.list.colMeeting')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('fb.list.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{shown.map((it) => {
								const s = sessionText(t, day, it);
								const who = `${it.therapist_name}, ${s}`;
								const editText = it.feedback_status === 'none' ? t('fb.staff.write') : it.feedback_status === 'draft' ? t('fb.staff.edit') : t('fb.staff.manage');
								return (
									<tr key={it.submission_id}>
										<th scope="row" class="nowrap">
											{s}
										</th>
										<td>
											<span class="block">{it.therapist_name}</span>
											<span class="muted block">{it.institution_name}</span>
										</td>
										<td>{it.instrument_name ?? t('common.none')}</td>
										<td>
											<StateBadge state={it.state} />
										</td>
										<td>
											<span class={`badge badge-${STATUS_TONE[it.feedback_status]}`}>{t(`fb.status.${it.feedback_status}`)}</span>
											{it.published_at && <span class="muted block">{day(it.published_at)}</span>}
										</td>
										<td>
											<MeetingCell it={it} />
										</td>
										<td class="cell-actions">
											<span class="button-row">
												<a class="button button-small button-primary" href={editorPath(it.submission_id)} aria-label={t('fb.staff.actionLabel', { action: editText, who })} onClick={(e) => linkClick(e, navigate, editorPath(it.submission_id))}>
													{editText}
												</a>
												{it.feedback_status !== 'none' && (
													<a class="button button-small" href={feedbackPath(it.submission_id)} aria-label={t('fb.staff.actionLabel', { action: t('fb.staff.view'), who })} onClick={(e) => linkClick(e, navigate, feedbackPath(it.submission_id))}>
														{t('fb.staff.view')}
													</a>
												)}
											</span>
										</td>
									</tr>
								);
							})}
						</tbody>
					</TableRegion>
				))}
		</div>
	);
}
