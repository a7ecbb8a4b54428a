/* Lab admin and supervisor: calibration. The lab admin makes an approved session (consent covering rater
 * training) a calibration session with a master rating and assigns raters in training; everyone here
 * sees each trainee's agreement with the master item by item and who is calibrated. */
import { useEffect, useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { api, type User } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, RadioField, SelectField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { CalibrationBadge, CalibrationRule } from './CalibrationStatus';
import { ComparisonTable } from './ComparisonTable';
import { ReliabilityTabs } from './ReliabilityTabs';
import { fmt, interval } from './format';
import { REL_ROUTES } from './paths';
import { type Calibration, type CalibrationSession, type Candidate, relApi } from './relapi';
import { TableRegion } from '../../components/TableRegion';
import '../../styles/reliability.css';

export function CalibrationPage() {
	const i18n = useI18n();
	const { t, errorText, day } = i18n;
	const { user } = useApp();
	const admin = user.role === 'lab_admin';
	const [sessions, setSessions] = useState<CalibrationSession[] | null>(null);
	const [trainees, setTrainees] = useState<Calibration[] | null>(null);
	const [open, setOpen] = useState<number | null>(null);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);

	useLoad(
		() => Promise.all([relApi.sessions(), relApi.trainees()]),
		([s, tr]) => {
			setSessions(s.items);
			setTrainees(tr.items);
			setError('');
		},
		(err) => setError(errorText(err)),
		[reload],
	);

	const changed = () => setReload((n) => n + 1);

	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.cal.title')}</PageHeading>
			<ReliabilityTabs current={REL_ROUTES.calibration} />
			<p class="lead">{t('rel.cal.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{trainees && trainees[0] && <CalibrationRule c={trainees[0]} />}

			<section aria-labelledby="cal-trainees-h">
				<h2 id="cal-trainees-h">{t('rel.cal.trainees')}</h2>
				{!trainees && !error && <p class="loading">{t('common.loading')}</p>}
				{trainees && trainees.length === 0 && <p class="empty">{t('rel.cal.noTrainees')}</p>}
				{trainees && trainees.length > 0 && (
					<TableRegion id="cal-trainees" caption={t('rel.cal.traineesCaption')} tableClass="table table-dense">
						<thead>
							<tr>
								<th scope="col">{t('rel.cal.trainee')}</th>
								<th scope="col">{t('rel.instrument')}</th>
								<th scope="col" class="num">
									{t('rel.cal.sessionsDone')}
								</th>
								<th scope="col" class="num">
									{t('rel.cal.icc')}
								</th>
								<th scope="col">{t('rel.col.ci')}</th>
								<th scope="col">{t('rel.cal.status')}</th>
							</tr>
						</thead>
						<tbody>
							{trainees.flatMap((c) =>
								(c.instruments.length ? c.instruments : [null]).map((x, k) => (
									<tr key={`${c.trainee_id}-${x?.instrument_id ?? 0}`}>
										{k === 0 ? <th scope="row">{c.name || c.email}</th> : <td />}
										<td>{x?.instrument.name ?? t('common.none')}</td>
										<td class="num">{x ? t('rel.cal.ofRequired', { n: x.n_sessions, m: c.rule.min_sessions }) : t('common.none')}</td>
										<td class="num">{fmt(i18n, x?.icc?.icc)}</td>
										<td class="nowrap">{interval(i18n, x?.icc?.ci_lower, x?.icc?.ci_upper)}</td>
										<td>
											<CalibrationBadge calibrated={!!x?.calibrated} />
										</td>
									</tr>
								)),
							)}
						</tbody>
					</TableRegion>
				)}
			</section>

			{admin && <MarkSession onDone={changed} />}

			<section aria-labelledby="cal-sessions-h">
				<h2 id="cal-sessions-h">{t('rel.cal.sessions')}</h2>
				{sessions && sessions.length === 0 && <p class="empty">{t('rel.cal.noCalSessions')}</p>}
				{sessions && sessions.length > 0 && (
					<TableRegion id="cal-sessions" caption={t('rel.cal.sessionsCaption')} tableClass="table table-dense">
						<thead>
							<tr>
								<th scope="col">{t('rel.cal.session')}</th>
								<th scope="col">{t('rel.cal.institution')}</th>
								<th scope="col">{t('rel.instrument')}</th>
								<th scope="col">{t('rel.cal.masterCol')}</th>
								<th scope="col" class="num">
									{t('rel.cal.traineeCount')}
								</th>
								<th scope="col">
									<span class="visually-hidden">{t('rel.cal.actions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{sessions.map((s) => (
								<tr key={s.id}>
									<th scope="row">
										{t('rel.cal.sessionName', { id: s.submission_id, date: day(s.session_date) })}
										{s.retired_at && (
											<>
												{' '}
												<span class="badge badge-off">{t('rel.cal.retired')}</span>
											</>
										)}
									</th>
									<td>{s.institution_name}</td>
									<td>{s.instrument_name ?? t('common.none')}</td>
									<td>{s.master_state === 'in_progress' ? t('rel.cal.masterOpen') : t('rel.cal.masterReady')}</td>
									<td class="num">{s.trainees.length}</td>
									<td class="cell-actions">
										<button type="button" class="button button-small" aria-expanded={open === s.id} aria-controls="cal-detail" onClick={() => setOpen(open === s.id ? null : s.id)}>
											{open === s.id ? t('rel.cal.hide') : t('rel.cal.open')}
										</button>
									</td>
								</tr>
							))}
						</tbody>
					</TableRegion>
				)}
				<div id="cal-detail">{open !== null && <SessionDetail key={`${open}-${reload}`} id={open} admin={admin} onChange={changed} />}</div>
			</section>
		</div>
	);
}

function MarkSession({ onDone }: { onDone: () => void }) {
	const { t, day, errorText } = useI18n();
	const { announce } = useApp();
	const [items, setItems] = useState<Candidate[] | null>(null);
	const [choice, setChoice] = useState('');
	const [master, setMaster] = useState<'consensus' | 'new'>('consensus');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		relApi.candidates().then(
			(r) => {
				setItems(r.items);
				setChoice(r.items[0] ? String(r.items[0].submission_id) : '');
			},
			(err: unknown) => setError(errorText(err)),
		);
	}, []);

	async function submit(e: Event) {
		e.preventDefault();
		if (!choice) return;
		setBusy(true);
		try {
			await relApi.markSession(Number(choice), master);
			announce(t('rel.cal.marked'));
			setError('');
			onDone();
			const r = await relApi.candidates();
			setItems(r.items);
			setChoice(r.items[0] ? String(r.items[0].submission_id) : '');
		} catch (err) {
			setError(errorText(err));
		} finally {
			setBusy(false);
		}
	}

	return (
		<section aria-labelledby="cal-mark-h" class="card">
			<h2 id="cal-mark-h">{t('rel.cal.mark')}</h2>
			<p class="hint">{t('rel.cal.markHint')}</p>
			{items && items.length === 0 && <p class="empty">{t('rel.cal.noCandidates')}</p>}
			{items && items.length > 0 && (
				<form onSubmit={submit} noValidate>
					<SelectField
						id="cal-candidate"
						label={t('rel.cal.candidate')}
						value={choice}
						onChange={setChoice}
						options={items.map((c) => ({ value: String(c.submission_id), label: `${t('rel.cal.sessionName', { id: c.submission_id, date: day(c.session_date) })} – ${c.institution_name}` }))}
					/>
					<RadioField
						id="cal-master"
						label={t('rel.cal.masterChoice')}
						value={master}
						onChange={(v) => setMaster(v === 'new' ? 'new' : 'consensus')}
						options={[
							{ value: 'consensus', label: t('rel.cal.masterConsensus') },
							{ value: 'new', label: t('rel.cal.masterNew') },
						]}
					/>
					<div class="form-actions">
						<button type="submit" class="button button-primary" disabled={busy}>
							{t('rel.cal.markButton')}
						</button>
					</div>
				</form>
			)}
			<ErrorNotice>{error}</ErrorNotice>
		</section>
	);
}

function SessionDetail({ id, admin, onChange }: { id: number; admin: boolean; onChange: () => void }) {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const { announce } = useApp();
	const [s, setS] = useState<CalibrationSession | null>(null);
	const [raters, setRaters] = useState<User[]>([]);
	const [pick, setPick] = useState('');
	const [shown, setShown] = useState<number | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		relApi.session(id).then(setS, (err: unknown) => setError(errorText(err)));
		if (admin) api.listUsers({ role: 'rater' }).then((r) => setRaters(r.items), () => undefined);
	}, [id]);

	const free = raters.filter((r) => !s?.trainees.some((x) => x.trainee_id === r.id));

	async function assign(e: Event) {
		e.preventDefault();
		const who = pick || (free[0] ? String(free[0].id) : '');
		if (!who) return;
		try {
			setS(await relApi.addTrainees(id, [Number(who)]));
			setError('');
			setPick('');
			announce(t('rel.cal.assigned'));
			onChange();
		} catch (err) {
			setError(errorText(err));
		}
	}

	async function retire() {
		try {
			setS(await relApi.retire(id));
			announce(t('rel.cal.retiredDone'));
			onChange();
		} catch (err) {
			setError(errorText(err));
		}
	}

	if (!s) return error ? <ErrorNotice>{error}</ErrorNotice> : <p class="loading">{t('common.loading')}</p>;
	return (
		<section class="card" aria-labelledby="cal-detail-h">
			<h3 id="cal-detail-h">{t('rel.cal.sessionName', { id: s.submission_id, date: i18n.day(s.session_date) })}</h3>
			<p class="hint">{s.master_state === 'in_progress' ? t('rel.cal.masterOpenHint') : t('rel.cal.masterReadyHint')}</p>
			{s.trainees.length === 0 ? (
				<p class="empty">{t('rel.cal.noTraineesHere')}</p>
			) : (
				<ul class="rel-trainees">
					{s.trainees.map((x) => (
						<li key={x.trainee_id}>
							<span class="item-name">{x.name || x.email}</span> – {x.rating_state === 'submitted' ? t('rel.cal.rated') : t('rel.cal.rating')}
							{x.agreement && (
								<>
									{' '}
									– {t('rel.cal.agreementLine', { mad: fmt(i18n, x.agreement.mean_abs_difference), exact: i18n.percent(x.agreement.exact ?? 0), near: i18n.percent(x.agreement.within_one ?? 0) })}{' '}
									<button type="button" class="button button-small button-quiet" aria-expanded={shown === x.trainee_id} onClick={() => setShown(shown === x.trainee_id ? null : x.trainee_id)}>
										{shown === x.trainee_id ? t('rel.cal.hideItems') : t('rel.cal.showItems')}
									</button>
								</>
							)}
							{shown === x.trainee_id && x.comparison && <ComparisonTable id={`cal-cmp-${x.trainee_id}`} caption={t('rel.cal.cmpCaption', { name: x.name || x.email })} rows={x.comparison} />}
						</li>
					))}
				</ul>
			)}
			{admin && !s.retired_at && (
				<form class="inline-form" onSubmit={assign} noValidate>
					<SelectField
						id="cal-assign"
						label={t('rel.cal.assignLabel')}
						value={pick || (free[0] ? String(free[0].id) : '')}
						onChange={setPick}
						options={free.map((r) => ({ value: String(r.id), label: r.display_name || r.email }))}
					/>
					<button type="submit" class="button" disabled={free.length === 0}>
						{t('rel.cal.assign')}
					</button>
					<button type="button" class="button button-quiet" onClick={retire}>
						{t('rel.cal.retire')}
					</button>
				</form>
			)}
			<ErrorNotice>{error}</ErrorNotice>
		</section>
	);
}
