/* The therapist's practice page: goals (from feedback meetings and their own) with review dates
 * and what is due for review, the weekly chart of practice minutes per goal, and the practice
 * log. Watching the recording of a goal's session is one click away and logs itself. */
import { useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { api, type Recording } from '../../api';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { ReviewPlayer } from '../../components/practice/ReviewPlayer';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import '../../styles/practice.css';
import { EntryDialog } from './EntryDialog';
import { GoalDialog, ReviewDateDialog } from './GoalDialog';
import { usePracticeErrors } from './errors';
import { PRACTICE_ROUTES } from './paths';
import { type Goal, type GoalState, type PracticeEntry, type PracticeWeeks, practiceApi } from './practiceApi';
import { WeeklyChart } from './WeeklyChart';
import { TableRegion } from '../../components/TableRegion';

const CHART_WEEKS = 12;

type Editing = { kind: 'new'; goalId: number | null } | { kind: 'edit'; entry: PracticeEntry };

export function PracticePage() {
	const { t, num, day, locale } = useI18n();
	const { errorText } = usePracticeErrors();
	const { navigate, announce } = useApp();
	const [goals, setGoals] = useState<Goal[] | null>(null);
	const [weeks, setWeeks] = useState<PracticeWeeks | null>(null);
	const [log, setLog] = useState<PracticeEntry[] | null>(null);
	const [loadError, setLoadError] = useState('');
	const [reload, setReload] = useState(0);
	const [addingGoal, setAddingGoal] = useState(false);
	const [dating, setDating] = useState<Goal | null>(null);
	const [editing, setEditing] = useState<Editing | null>(null);
	const [deleting, setDeleting] = useState<PracticeEntry | null>(null);
	const [watching, setWatching] = useState<{ goal: Goal; rec: Recording } | null>(null);
	const [busy, setBusy] = useState(false);
	const [actionError, setActionError] = useState('');

	useLoad(
		() => Promise.all([practiceApi.goals(locale), practiceApi.weekly(CHART_WEEKS, locale), practiceApi.log({ limit: 200 })]),
		([g, w, l]) => {
			setGoals(g.items);
			setWeeks(w);
			setLog(l.items);
			setLoadError('');
		},
		(err) => setLoadError(errorText(err)),
		[reload, locale],
	);

	const refresh = () => setReload((x) => x + 1);
	const due = (goals ?? []).filter((g) => g.due_for_review);

	async function setState(g: Goal, state: GoalState) {
		if (busy) return;
		setBusy(true);
		setActionError('');
		try {
			await practiceApi.updateGoal(g.id, { state });
			announce(t(`practice.goals.stateDone.${state}`, { goal: g.description }));
			refresh();
		} catch (err) {
			setActionError(errorText(err));
		}
		setBusy(false);
	}

	async function watch(g: Goal) {
		if (busy || g.recording_id === null) return;
		setBusy(true);
		setActionError('');
		try {
			setWatching({ goal: g, rec: await api.getRecording(g.recording_id) });
		} catch (err) {
			setActionError(errorText(err));
		}
		setBusy(false);
	}

	async function remove() {
		if (!deleting || busy) return;
		setBusy(true);
		setActionError('');
		try {
			await practiceApi.deleteEntry(deleting.id);
			announce(t('practice.log.deleted'));
			setDeleting(null);
			refresh();
		} catch (err) {
			setActionError(errorText(err));
		}
		setBusy(false);
	}

	const goalName = (g: Goal) => (g.item_label ? `${g.description} (${g.item_label})` : g.description);

	return (
		<div class="page page-practice">
			<PageHeading>{t('practice.title')}</PageHeading>
			<p class="lead">{t('practice.intro')}</p>
			<p>
				<a href={PRACTICE_ROUTES.development} onClick={(e) => linkClick(e, navigate, PRACTICE_ROUTES.development)}>
					{t('practice.toDevelopment')}
				</a>
			</p>
			<ErrorNotice>{loadError}</ErrorNotice>
			{due.length > 0 && (
				<div class="notice notice-warn pr-due" role="note" aria-labelledby="pr-due-h">
					<h2 id="pr-due-h" class="pr-due-title">
						{t('practice.due.title', { n: due.length })}
					</h2>
					<ul class="plain-list">
						{due.map((g) => (
							<li key={g.id}>{t('practice.due.item', { goal: goalName(g), date: day(g.review_date) })}</li>
						))}
					</ul>
					<p>{t('practice.due.what')}</p>
				</div>
			)}

			<section class="card" aria-labelledby="pr-goals-h">
				<div class="section-head">
					<h2 id="pr-goals-h">{t('practice.goals.title')}</h2>
					<button type="button" class="button" onClick={() => setAddingGoal(true)}>
						{t('practice.goals.add')}
					</button>
				</div>
				<ErrorNotice>{actionError}</ErrorNotice>
				{goals === null && !loadError && <p class="loading">{t('common.loading')}</p>}
				{goals !== null && goals.length === 0 && <p class="empty">{t('practice.goals.empty')}</p>}
				{goals !== null && goals.length > 0 && (
					<TableRegion id="pr-goals" caption={t('practice.goals.caption')} tableClass="table pr-goals">
						<thead>
							<tr>
								<th scope="col">{t('practice.goals.colGoal')}</th>
								<th scope="col">{t('practice.goals.colTarget')}</th>
								<th scope="col">{t('practice.goals.colReview')}</th>
								<th scope="col">{t('practice.goals.colState')}</th>
								<th scope="col" class="num">
									{t('practice.goals.colMinutes')}
								</th>
								<th scope="col">
									<span class="visually-hidden">{t('practice.goals.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{goals.map((g) => (
								<tr key={g.id} class={g.state !== 'active' ? 'row-disabled' : undefined}>
									<th scope="row" class="break">
										{g.description}
										{g.item_label && <span class="pr-item">{t('practice.goals.item', { item: g.item_id ?? '', label: g.item_label })}</span>}
										<span class="badge badge-info pr-source">{t(`practice.goals.source.${g.source}`)}</span>
									</th>
									<td class="break">{g.target}</td>
									<td class="nowrap">
										{day(g.review_date)}
										{g.due_for_review && <span class="badge badge-warn pr-due-badge">{t('practice.goals.due')}</span>}
									</td>
									<td>{t(`practice.state.${g.state}`)}</td>
									<td class="num">{num(g.practice_minutes)}</td>
									<td class="cell-actions">
										<div class="pr-actions">
											{g.state === 'active' && (
												<button type="button" class="button button-small" aria-label={t('practice.goals.logFor', { goal: g.description })} onClick={() => setEditing({ kind: 'new', goalId: g.id })}>
													{t('practice.goals.log')}
												</button>
											)}
											{g.recording_id !== null && (
												<button type="button" class="button button-small" aria-label={t('practice.goals.watchFor', { goal: g.description })} disabled={busy} onClick={() => watch(g)}>
													{t('practice.goals.watch')}
												</button>
											)}
											{g.state === 'active' ? (
												<>
													<button type="button" class="button button-small" aria-label={t('practice.goals.achievedFor', { goal: g.description })} disabled={busy} onClick={() => setState(g, 'achieved')}>
														{t('practice.goals.achieved')}
													</button>
													<button type="button" class="button button-small" aria-label={t('practice.goals.newDateFor', { goal: g.description })} onClick={() => setDating(g)}>
														{t('practice.goals.newDate')}
													</button>
													<button type="button" class="button button-small button-danger-quiet" aria-label={t('practice.goals.dropFor', { goal: g.description })} disabled={busy} onClick={() => setState(g, 'dropped')}>
														{t('practice.goals.drop')}
													</button>
												</>
											) : (
												<button type="button" class="button button-small" aria-label={t('practice.goals.reactivateFor', { goal: g.description })} disabled={busy} onClick={() => setState(g, 'active')}>
													{t('practice.goals.reactivate')}
												</button>
											)}
										</div>
									</td>
								</tr>
							))}
						</tbody>
					</TableRegion>
				)}
			</section>

			<section class="card" aria-labelledby="pr-chart-h">
				<h2 id="pr-chart-h">{t('practice.chart.title', { n: CHART_WEEKS })}</h2>
				{weeks === null && !loadError && <p class="loading">{t('common.loading')}</p>}
				{weeks !== null && (
					<>
						<p class="pr-total">{t('practice.chart.totalText', { n: num(weeks.total_minutes), weeks: CHART_WEEKS })}</p>
						<WeeklyChart id="pr-weekly" data={weeks} />
					</>
				)}
			</section>

			<section class="card" aria-labelledby="pr-log-h">
				<div class="section-head">
					<h2 id="pr-log-h">{t('practice.log.title')}</h2>
					<button type="button" class="button button-primary" onClick={() => setEditing({ kind: 'new', goalId: null })}>
						{t('practice.log.add')}
					</button>
				</div>
				{log === null && !loadError && <p class="loading">{t('common.loading')}</p>}
				{log !== null && log.length === 0 && <p class="empty">{t('practice.log.empty')}</p>}
				{log !== null && log.length > 0 && (
					<TableRegion id="pr-log" caption={t('practice.log.caption')} tableClass="table pr-log">
						<thead>
							<tr>
								<th scope="col">{t('practice.log.colDate')}</th>
								<th scope="col" class="num">
									{t('practice.log.colMinutes')}
								</th>
								<th scope="col">{t('practice.log.colActivity')}</th>
								<th scope="col">{t('practice.log.colDomain')}</th>
								<th scope="col">{t('practice.log.colGoal')}</th>
								<th scope="col">{t('practice.log.colReflection')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('practice.log.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{log.map((e) => (
								<tr key={e.id}>
									<th scope="row" class="nowrap">
										{day(e.date)}
									</th>
									<td class="num">{num(e.minutes)}</td>
									<td>
										{t(`practice.activity.${e.activity}`)}
										{e.source === 'recording_review' && <span class="badge badge-info pr-auto">{t('practice.log.auto')}</span>}
									</td>
									<td>{e.domain ? t(`practice.domain.${e.domain}`) : <span class="muted">{t('practice.domain.unset')}</span>}</td>
									<td class="break">{e.goal_description ?? <span class="muted">{t('practice.log.noGoal')}</span>}</td>
									<td class="break pre-line">{e.reflection}</td>
									<td class="cell-actions">
										<div class="pr-actions">
											<button type="button" class="button button-small" aria-label={t('practice.log.editLabel', { date: day(e.date) })} onClick={() => setEditing({ kind: 'edit', entry: e })}>
												{t('practice.log.edit')}
											</button>
											<button type="button" class="button button-small button-danger-quiet" aria-label={t('practice.log.deleteLabel', { date: day(e.date) })} onClick={() => setDeleting(e)}>
												{t('practice.log.delete')}
											</button>
										</div>
									</td>
								</tr>
							))}
						</tbody>
					</TableRegion>
				)}
			</section>

			{addingGoal && (
				<GoalDialog
					onClose={() => setAddingGoal(false)}
					onSaved={(g) => {
						setAddingGoal(false);
						announce(t('practice.goals.added', { goal: g.description }));
						refresh();
					}}
				/>
			)}
			{dating && (
				<ReviewDateDialog
					goal={dating}
					onClose={() => setDating(null)}
					onSaved={(g) => {
						setDating(null);
						announce(t('practice.goals.dateSet', { goal: g.description, date: day(g.review_date) }));
						refresh();
					}}
				/>
			)}
			{editing && (
				<EntryDialog
					entry={editing.kind === 'edit' ? editing.entry : null}
					goalId={editing.kind === 'new' ? editing.goalId : null}
					goals={goals ?? []}
					onClose={() => setEditing(null)}
					onSaved={(e) => {
						setEditing(null);
						announce(t('practice.log.saved', { n: num(e.minutes), date: day(e.date) }));
						refresh();
					}}
				/>
			)}
			{deleting && (
				<ConfirmDialog id="delete-entry" title={t('practice.log.deleteTitle')} confirmLabel={t('practice.log.deleteConfirm')} onConfirm={remove} onClose={() => setDeleting(null)} busy={busy} error={actionError}>
					<p>{t('practice.log.deleteText', { n: num(deleting.minutes), date: day(deleting.date) })}</p>
				</ConfirmDialog>
			)}
			{watching && (
				<Dialog
					id="watch-dialog"
					wide
					title={t('practice.watch.title')}
					onClose={() => {
						setWatching(null);
						/* The player reports what was watched as it closes. */
						window.setTimeout(refresh, 500);
					}}
				>
					<p>{t('practice.watch.intro', { goal: watching.goal.description })}</p>
					<ReviewPlayer rec={watching.rec} id="watch-player" label={t('practice.watch.label', { goal: watching.goal.description })} />
				</Dialog>
			)}
		</div>
	);
}
