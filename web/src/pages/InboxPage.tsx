/* Lab admin and supervisor: every submission sent to the lab, by state, institution, therapist and how
 * long it has waited in its state. Read-only here; the work on each one happens in later steps. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { SUBMISSION_STATES, api, type Institution, type StateCounts, type Submission, type SubmissionState } from '../api';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, SelectField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { StateBadge } from '../components/StateBadge';
import { type I18n, useI18n } from '../i18n';
import { RecordingFacts } from '../components/RecordingFacts';
import { RecordingPlayer } from '../components/RecordingPlayer';
import { HistoryTable, SubmissionFacts } from './SubmissionStatus';
import { RatingWorkSection } from '../components/workspace/RatingWorkSection';

/* States the lab works on, in path order; drafts are the therapist's own until sent. */
const SENT_STATES = SUBMISSION_STATES.filter((s) => s !== 'draft');
type StateFilter = '' | SubmissionState;
type Sort = 'waiting' | 'newest';

export function daysText({ t }: I18n, n: number): string {
	return n === 1 ? t('common.oneDay') : t('common.days', { n });
}

export function InboxPage() {
	const i18n = useI18n();
	const { t, date, dateTime, errorText } = i18n;
	const [institutions, setInstitutions] = useState<Institution[]>([]);
	const [institutionId, setInstitutionId] = useState('');
	const [therapistId, setTherapistId] = useState('');
	const [state, setState] = useState<StateFilter>('');
	const [sort, setSort] = useState<Sort>('waiting');
	const [items, setItems] = useState<Submission[] | null>(null);
	const [counts, setCounts] = useState<StateCounts>({});
	const [therapists, setTherapists] = useState<Map<number, string>>(new Map());
	const [error, setError] = useState('');
	const [loading, setLoading] = useState(false);
	const [open, setOpen] = useState<number | null>(null);

	useEffect(() => {
		api.listInstitutions().then(
			(r) => setInstitutions(r.items),
			() => undefined,
		);
	}, []);

	/* The state is filtered here, not by the server, so the counts of every state stay in view. */
	useEffect(() => {
		let live = true;
		setLoading(true);
		api
			.listSubmissions({ institution_id: institutionId || undefined, therapist_id: therapistId || undefined })
			.then(
				(r) => {
					if (!live) return;
					setItems(r.items);
					setCounts(r.counts ?? {});
					setTherapists((prev) => {
						const next = new Map(prev);
						for (const s of r.items) next.set(s.therapist_id, s.therapist_name || s.therapist_email);
						return next;
					});
					setError('');
				},
				(err: unknown) => live && setError(errorText(err)),
			)
			.finally(() => live && setLoading(false));
		return () => {
			live = false;
		};
	}, [institutionId, therapistId]);

	const countOf = (s: SubmissionState) => counts[s] ?? items?.filter((x) => x.state === s).length ?? 0;
	const sentTotal = SENT_STATES.reduce((n, s) => n + countOf(s), 0);

	const shown = useMemo(() => {
		if (!items) return [];
		const list = items.filter((s) => (state ? s.state === state : s.state !== 'draft'));
		return list.sort((a, b) =>
			sort === 'waiting' ? b.waiting_days - a.waiting_days || (a.state_changed_at < b.state_changed_at ? -1 : 1) : (b.submitted_at ?? b.created_at) < (a.submitted_at ?? a.created_at) ? -1 : 1,
		);
	}, [items, state, sort]);

	const chips: { value: StateFilter; label: string; n: number }[] = [
		{ value: '', label: t('inbox.allSent'), n: sentTotal },
		...SENT_STATES.map((s) => ({ value: s as StateFilter, label: t(`state.${s}`), n: countOf(s) })),
		{ value: 'draft', label: t('state.draft'), n: countOf('draft') },
	];

	const therapistOptions = [{ value: '', label: t('inbox.allTherapists') }, ...[...therapists.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => ({ value: String(id), label: name }))];

	return (
		<div class="page">
			<PageHeading>{t('inbox.title')}</PageHeading>
			<p class="lead">{t('inbox.intro')}</p>
			<nav class="state-filter" aria-label={t('inbox.byState')}>
				<ul>
					{chips.map((c) => (
						<li key={c.value || 'all'}>
							<button type="button" class={`chip${state === c.value ? ' chip-on' : ''}`} aria-pressed={state === c.value ? 'true' : 'false'} onClick={() => setState(c.value)}>
								<span class="chip-label">{c.label}</span> <span class="chip-count">{c.n}</span>
							</button>
						</li>
					))}
				</ul>
			</nav>
			<form class="filters" role="search" aria-label={t('inbox.filters')} onSubmit={(e) => e.preventDefault()}>
				<SelectField
					id="in-institution"
					label={t('inbox.institution')}
					value={institutionId}
					onChange={setInstitutionId}
					options={[{ value: '', label: t('inbox.allInstitutions') }, ...institutions.map((i) => ({ value: String(i.id), label: i.name }))]}
				/>
				<SelectField id="in-therapist" label={t('inbox.therapist')} value={therapistId} onChange={setTherapistId} options={therapistOptions} />
				<SelectField
					id="in-sort"
					label={t('inbox.sort')}
					value={sort}
					onChange={(v) => setSort(v === 'newest' ? 'newest' : 'waiting')}
					options={[
						{ value: 'waiting', label: t('inbox.sortWaiting') },
						{ value: 'newest', label: t('inbox.sortNewest') },
					]}
				/>
			</form>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && (
				<>
					<p class="hint" aria-live="polite">
						{t('inbox.count', { n: shown.length })}
					</p>
					{shown.length === 0 ? (
						<p class="empty">{t('inbox.empty')}</p>
					) : (
						<div class={`table-wrap${loading ? ' is-loading' : ''}`} role="region" aria-labelledby="inbox-caption" tabIndex={0} aria-busy={loading ? 'true' : undefined}>
							<table class="table">
								<caption id="inbox-caption" class="visually-hidden">
									{t('inbox.caption')}
								</caption>
								<thead>
									<tr>
										<th scope="col">{t('inbox.colCase')}</th>
										<th scope="col">{t('inbox.colInstitution')}</th>
										<th scope="col">{t('inbox.colTherapist')}</th>
										<th scope="col">{t('inbox.colState')}</th>
										<th scope="col">{t('inbox.colNext')}</th>
										<th scope="col">{t('inbox.colWaiting')}</th>
										<th scope="col">{t('inbox.colSubmitted')}</th>
										<th scope="col">
											<span class="visually-hidden">{t('inbox.colActions')}</span>
										</th>
									</tr>
								</thead>
								<tbody>
									{shown.map((s) => (
										<tr key={s.id}>
											<th scope="row" class="mono nowrap">
												{s.case_code}
											</th>
											<td>{s.institution_name}</td>
											<td class="break">{s.therapist_name || s.therapist_email}</td>
											<td>
												<StateBadge state={s.state} />
											</td>
											<td>{t(`next.${s.next_step}`)}</td>
											<td class="nowrap">
												<span class={s.waiting_days >= 14 ? 'waiting-long' : undefined}>{daysText(i18n, s.waiting_days)}</span>
												<span class="muted block">{t('inbox.since', { date: date(s.state_changed_at) })}</span>
											</td>
											<td class="nowrap">{s.submitted_at ? dateTime(s.submitted_at) : t('common.none')}</td>
											<td class="cell-actions">
												<button type="button" class="button button-small" aria-label={t('inbox.detailsLabel', { code: s.case_code })} onClick={() => setOpen(s.id)}>
													{t('inbox.details')}
												</button>
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					)}
				</>
			)}
			{open !== null && <SubmissionDialog id={open} onClose={() => setOpen(null)} />}
		</div>
	);
}

function SubmissionDialog({ id, onClose }: { id: number; onClose: () => void }) {
	const { t, errorText } = useI18n();
	const [sub, setSub] = useState<Submission | null>(null);
	const [error, setError] = useState('');
	useEffect(() => {
		let live = true;
		api.getSubmission(id).then(
			(s) => live && setSub(s),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [id]);
	return (
		<Dialog id="submission-details" title={sub ? t('submission.titleCase', { code: sub.case_code }) : t('submission.title')} onClose={onClose} wide>
			<ErrorNotice>{error}</ErrorNotice>
			{!sub && !error && <p class="loading">{t('common.loading')}</p>}
			{sub && (
				<>
					<p>
						<StateBadge state={sub.state} /> {t('submission.nextStep')}: {t(`next.${sub.next_step}`)}
					</p>
					<SubmissionFacts sub={sub} showTherapist />
					{'recording' in sub && <RecordingSection sub={sub} />}
					<RatingWorkSection sub={sub} />
					{sub.history && sub.history.length > 0 && (
						<>
							<h3>{t('submission.history')}</h3>
							<HistoryTable sub={sub} />
						</>
					)}
				</>
			)}
			<div class="form-actions">
				<button type="button" class="button" onClick={onClose}>
					{t('common.close')}
				</button>
			</div>
		</Dialog>
	);
}

/* The recording as the lab sees it: its state and facts, and the player once it can be played. */
function RecordingSection({ sub }: { sub: Submission }) {
	const { t } = useI18n();
	const rec = sub.recording ?? null;
	return (
		<section class="dialog-section" aria-labelledby="sd-rec-h">
			<h3 id="sd-rec-h">{t('recording.title')}</h3>
			{rec ? <RecordingFacts rec={rec} showState /> : <p>{t('recording.none')}</p>}
			{rec && rec.state === 'ready' && rec.playable && <RecordingPlayer rec={rec} label={t('recording.playerLabel', { code: sub.case_code })} id="sd-player" />}
		</section>
	);
}
