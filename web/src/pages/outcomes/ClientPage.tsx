/* Therapist: one client in outcome monitoring. The course on each measure with the cut-off, the
 * reliable-change band and the lab's expected band; the not-on-track flag and the change
 * category; entering answers, sending a link, correcting with a reason, ending the treatment,
 * recording a withdrawal of consent. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, InfoNotice, RadioField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { isDay, todayLocal } from '../../intake';
import { linkClick } from '../../router';
import { CorrectDialog, EnterAnswersDialog } from './AnswersForm';
import { CategoryBadge, StatusBadge } from './badges';
import { LinkDialog } from './LinkDialog';
import { type ClientDetail, type Link, type Measure, type ResponseRow, type Trajectory, oapi } from './oapi';
import { OC_ROUTES } from './paths';
import { TrajectoryChart } from './TrajectoryChart';
import '../../styles/outcomes.css';

type Open = { kind: 'enter' } | { kind: 'link' } | { kind: 'end' } | { kind: 'withdraw' } | { kind: 'correct'; row: ResponseRow } | { kind: 'history'; row: ResponseRow } | null;

function linkState(l: Link): 'used' | 'revoked' | 'expired' | 'open' {
	if (l.used_at) return 'used';
	if (l.revoked_at) return 'revoked';
	if (new Date(l.expires_at).getTime() <= Date.now()) return 'expired';
	return 'open';
}

function TrajectorySection({ tr, measure, rows, onCorrect, onHistory, readOnly }: { tr: Trajectory; measure: Measure | undefined; rows: ResponseRow[]; onCorrect: (r: ResponseRow) => void; onHistory: (r: ResponseRow) => void; readOnly: boolean }) {
	const { t, num, day } = useI18n();
	const id = `tr-${tr.instrument_id}`;
	const bandLabel = (name: string | null) => (name ? (measure?.scoring.bands.find((b) => b.name === name)?.label ?? name) : t('common.none'));
	const rowById = new Map(rows.map((r) => [r.id, r]));
	const worse = tr.category === 'deteriorated';
	return (
		<section class="card oc-trajectory" aria-labelledby={`${id}-h`}>
			<div class="section-head">
				<h2 id={`${id}-h`}>
					{tr.name}
					{tr.primary && <span class="oc-primary"> · {t('oc.client.primary')}</span>}
				</h2>
				<div class="badges">
					{!tr.rules.alliance && tr.n > 0 && <CategoryBadge category={tr.category} />}
					{tr.not_on_track && <span class="badge badge-warn oc-badge-alarm">{t('oc.status.not_on_track')}</span>}
				</div>
			</div>
			{tr.not_on_track && (
				<p class="notice notice-warn oc-flag" role="note">
					{worse ? t('oc.client.flagWorse', { rc: num(tr.rules.reliable_change ?? 0, 1) }) : t('oc.client.flagBand')}
				</p>
			)}
			{tr.rules.alliance && tr.latest && tr.rules.cutoff !== null && tr.latest.score < tr.rules.cutoff && <p class="notice notice-warn">{t('oc.client.allianceLow', { cutoff: num(tr.rules.cutoff, 1) })}</p>}
			{tr.n === 0 ? (
				<p class="empty">{t('oc.client.noScores')}</p>
			) : (
				<>
					<p class="oc-summary">
						{tr.intake && t('oc.client.intake', { score: num(tr.intake.score, 1), session: tr.intake.session_number })}
						{tr.latest && tr.n > 1 && (
							<>
								{' '}
								{t('oc.client.latest', { score: num(tr.latest.score, 1), session: tr.latest.session_number, change: `${(tr.change ?? 0) > 0 ? '+' : ''}${num(tr.change ?? 0, 1)}` })}{' '}
								{tr.reliable ? t('oc.client.reliable') : t('oc.client.notReliable', { rc: num(tr.rules.reliable_change ?? 0, 1) })}
							</>
						)}
					</p>
					<TrajectoryChart tr={tr} id={id} />
				</>
			)}
			{!tr.rules.alliance && <p class="hint">{tr.expected.available ? t('oc.client.expectedFrom', { n: tr.expected.n_clients }) : t('oc.client.expectedLater', { n: tr.expected.n_clients, min: tr.expected.min_clients })}</p>}
			{tr.points.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
					<table class="table">
						<caption id={`${id}-caption`} class="visually-hidden">
							{t('oc.client.tableCaption', { measure: tr.name })}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('oc.client.colSession')}</th>
								<th scope="col">{t('oc.client.colDate')}</th>
								<th scope="col" class="num">
									{t('oc.client.colScore')}
								</th>
								<th scope="col">{t('oc.client.colBand')}</th>
								<th scope="col">{t('oc.client.colBy')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('cases.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{tr.points.map((p) => {
								const row = rowById.get(p.response_id);
								return (
									<tr key={p.response_id}>
										<th scope="row">{p.session_number}</th>
										<td>{day(p.session_date)}</td>
										<td class="num">{num(p.score, 1)}</td>
										<td>
											{bandLabel(p.band)}
											{p.alerts.map((a) => (
												<span key={a.item} class="badge badge-warn oc-badge-alarm oc-alert-badge">
													{a.label}
												</span>
											))}
										</td>
										<td>
											{t(p.entered_by === 'client' ? 'oc.client.byClient' : 'oc.client.byTherapist')}
											{p.version > 1 && <span class="muted"> · {t('oc.client.version', { n: p.version })}</span>}
										</td>
										<td class="cell-actions">
											{row && !readOnly && measure && (
												<button type="button" class="button button-small" onClick={() => onCorrect(row)}>
													{t('oc.client.correct')}
													<span class="visually-hidden"> {t('oc.client.sessionN', { n: p.session_number })}</span>
												</button>
											)}
											{row && p.version > 1 && (
												<button type="button" class="button button-small button-quiet" onClick={() => onHistory(row)}>
													{t('oc.client.history')}
													<span class="visually-hidden"> {t('oc.client.sessionN', { n: p.session_number })}</span>
												</button>
											)}
										</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</div>
			)}
		</section>
	);
}

function HistoryDialog({ row, onClose }: { row: ResponseRow; onClose: () => void }) {
	const { t, num, dateTime, errorText } = useI18n();
	const [versions, setVersions] = useState<ResponseRow[] | null>(null);
	const [error, setError] = useState('');
	useEffect(() => {
		oapi.response(row.id).then(
			(r) => setVersions(r.versions ?? []),
			(e: unknown) => setError(errorText(e)),
		);
	}, []);
	return (
		<Dialog id="answers-history" title={t('oc.history.title', { session: row.session_number })} onClose={onClose} wide>
			<ErrorNotice>{error}</ErrorNotice>
			{versions === null && !error && <p class="loading">{t('common.loading')}</p>}
			{versions && (
				<table class="table">
					<caption class="visually-hidden">{t('oc.history.title', { session: row.session_number })}</caption>
					<thead>
						<tr>
							<th scope="col">{t('oc.history.version')}</th>
							<th scope="col" class="num">
								{t('oc.client.colScore')}
							</th>
							<th scope="col">{t('oc.history.when')}</th>
							<th scope="col">{t('oc.history.reason')}</th>
						</tr>
					</thead>
					<tbody>
						{versions.map((v) => (
							<tr key={v.id}>
								<th scope="row">{v.version}</th>
								<td class="num">{num(v.score, 1)}</td>
								<td>{dateTime(v.created_at)}</td>
								<td>{v.reason ?? t('oc.history.original')}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</Dialog>
	);
}

export function ClientPage({ id }: { id: number }) {
	const { t, day, dateTime, errorText, fieldText, locale } = useI18n();
	const { navigate, announce } = useApp();
	const [c, setC] = useState<ClientDetail | null>(null);
	const [measures, setMeasures] = useState<Measure[]>([]);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);
	const [open, setOpen] = useState<Open>(null);
	const [endStatus, setEndStatus] = useState<'ended' | 'dropped_out'>('ended');
	const [date, setDate] = useState(todayLocal());
	const [dialogError, setDialogError] = useState('');
	const [dateError, setDateError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let live = true;
		oapi.client(id, locale).then(
			(r) => {
				if (!live) return;
				setC(r);
				setError('');
			},
			(e: unknown) => live && setError(errorText(e)),
		);
		return () => {
			live = false;
		};
	}, [id, reload, locale]);
	useEffect(() => {
		oapi.measures(locale).then(
			(r) => setMeasures(r.items),
			() => undefined,
		);
	}, [locale]);

	if (!c) {
		return (
			<div class="page">
				<PageHeading>{t('oc.client.title')}</PageHeading>
				<ErrorNotice>{error}</ErrorNotice>
				{!error && <p class="loading">{t('common.loading')}</p>}
			</div>
		);
	}

	const active = c.treatment === 'active' && !c.withdrawn;
	const measureOf = (instrumentId: number) => measures.find((m) => m.id === instrumentId);
	const nextSession = (instrumentId: number) => {
		const tr = c.trajectories.find((x) => x.instrument_id === instrumentId);
		return tr && tr.points.length ? Math.max(...tr.points.map((p) => p.session_number)) + 1 : 1;
	};
	const latestAlerts = c.trajectories.flatMap((tr) => (tr.points.length ? (tr.points[tr.points.length - 1]?.alerts ?? []) : []));
	const close = () => {
		setOpen(null);
		setDialogError('');
		setDateError('');
	};
	const changed = (msg: string) => {
		close();
		announce(msg);
		setReload((n) => n + 1);
	};
	const openDated = (kind: 'end' | 'withdraw') => {
		setDate(todayLocal());
		setEndStatus('ended');
		setOpen({ kind });
	};

	async function dated(kind: 'end' | 'withdraw') {
		if (!c) return;
		if (!isDay(date) || date > todayLocal() || date < c.consent_date) {
			setDateError(t('oc.client.dateRange'));
			return;
		}
		setBusy(true);
		setDialogError('');
		try {
			if (kind === 'end') await oapi.end(c.id, { status: endStatus, ended_date: date });
			else await oapi.withdraw(c.id, date);
			changed(t(kind === 'end' ? 'oc.client.ended' : 'oc.client.withdrawnDone'));
		} catch (err) {
			if (err instanceof ApiError) setDateError(fieldText(err, kind === 'end' ? 'ended_date' : 'withdrawn_date') ?? '');
			setDialogError(errorText(err));
		}
		setBusy(false);
	}

	async function revoke(l: Link) {
		try {
			await oapi.revoke(l.id);
			announce(t('oc.links.revokedDone'));
			setReload((n) => n + 1);
		} catch (err) {
			setError(errorText(err));
		}
	}

	return (
		<div class="page">
			<a class="back-link" href={OC_ROUTES.clients} onClick={(e) => linkClick(e, navigate, OC_ROUTES.clients)}>
				{t('oc.client.back')}
			</a>
			<div class="page-head">
				<PageHeading>{t('oc.client.heading', { code: c.code })}</PageHeading>
				<div class="badges">
					<StatusBadge status={c.status} />
				</div>
			</div>
			<ErrorNotice>{error}</ErrorNotice>
			<dl class="facts">
				<dt>{t('oc.client.institution')}</dt>
				<dd>{c.institution_name}</dd>
				<dt>{t('oc.client.consent')}</dt>
				<dd>{c.withdrawn ? t('consent.withdrawnOn', { date: day(c.withdrawn_date) }) : t('oc.client.consentOn', { date: day(c.consent_date) })}</dd>
				<dt>{t('oc.client.treatment')}</dt>
				<dd>{c.treatment === 'active' ? t('oc.treatment.active') : t(c.treatment === 'ended' ? 'oc.treatment.ended' : 'oc.treatment.dropped_out', { date: day(c.ended_date) })}</dd>
			</dl>
			{latestAlerts.length > 0 && (
				<p class="notice notice-warn oc-flag" role="note">
					{t('oc.client.riskLatest', { what: latestAlerts.map((a) => a.label).join('; ') })}
				</p>
			)}
			{c.withdrawn && <InfoNotice>{t('oc.client.withdrawnInfo')}</InfoNotice>}
			{active && (
				<div class="button-row oc-actions">
					<button type="button" class="button button-primary" onClick={() => setOpen({ kind: 'enter' })} disabled={!measures.length}>
						{t('oc.client.enter')}
					</button>
					<button type="button" class="button" onClick={() => setOpen({ kind: 'link' })} disabled={!measures.length}>
						{t('oc.client.sendLink')}
					</button>
					<button type="button" class="button" onClick={() => openDated('end')}>
						{t('oc.client.end')}
					</button>
					<button type="button" class="button button-danger-quiet" onClick={() => openDated('withdraw')}>
						{t('oc.client.withdraw')}
					</button>
				</div>
			)}
			{!active && !c.withdrawn && (
				<div class="button-row oc-actions">
					<button type="button" class="button button-danger-quiet" onClick={() => openDated('withdraw')}>
						{t('oc.client.withdraw')}
					</button>
				</div>
			)}
			{c.trajectories.map((tr) => (
				<TrajectorySection
					key={tr.instrument_id}
					tr={tr}
					measure={measureOf(tr.instrument_id)}
					rows={c.responses.filter((r) => r.instrument_id === tr.instrument_id)}
					readOnly={c.withdrawn}
					onCorrect={(row) => setOpen({ kind: 'correct', row })}
					onHistory={(row) => setOpen({ kind: 'history', row })}
				/>
			))}
			{c.links.length > 0 && (
				<section class="card" aria-labelledby="oc-links-h">
					<h2 id="oc-links-h">{t('oc.links.title')}</h2>
					<div class="table-wrap" role="region" aria-labelledby="oc-links-caption" tabIndex={0}>
						<table class="table">
							<caption id="oc-links-caption" class="visually-hidden">
								{t('oc.links.caption')}
							</caption>
							<thead>
								<tr>
									<th scope="col">{t('oc.links.measure')}</th>
									<th scope="col">{t('oc.client.colSession')}</th>
									<th scope="col">{t('oc.link.language')}</th>
									<th scope="col">{t('oc.links.made')}</th>
									<th scope="col">{t('oc.links.state')}</th>
									<th scope="col">
										<span class="visually-hidden">{t('cases.colActions')}</span>
									</th>
								</tr>
							</thead>
							<tbody>
								{c.links.map((l) => {
									const st = linkState(l);
									return (
										<tr key={l.id}>
											<th scope="row">{l.instrument_name}</th>
											<td>{l.session_number}</td>
											<td>{t(`lang.${l.language}`)}</td>
											<td>{dateTime(l.created_at)}</td>
											<td>{st === 'open' ? t('oc.links.open', { when: dateTime(l.expires_at) }) : st === 'used' ? t('oc.links.used', { when: dateTime(l.used_at) }) : t(`oc.links.${st}`)}</td>
											<td class="cell-actions">
												{st === 'open' && (
													<button type="button" class="button button-small button-danger-quiet" onClick={() => revoke(l)}>
														{t('oc.links.revoke')}
													</button>
												)}
											</td>
										</tr>
									);
								})}
							</tbody>
						</table>
					</div>
				</section>
			)}
			{open?.kind === 'enter' && <EnterAnswersDialog clientId={c.id} measures={measures} defaultId={c.instrument_id} nextSession={nextSession} onClose={close} onDone={() => changed(t('oc.enter.saved'))} />}
			{open?.kind === 'link' && <LinkDialog clientId={c.id} measures={measures} defaultId={c.instrument_id} nextSession={nextSession} onClose={close} onMade={() => setReload((n) => n + 1)} />}
			{open?.kind === 'correct' && measureOf(open.row.instrument_id) && (
				<CorrectDialog row={open.row} measure={measureOf(open.row.instrument_id) as Measure} onClose={close} onDone={() => changed(t('oc.correct.saved'))} />
			)}
			{open?.kind === 'history' && <HistoryDialog row={open.row} onClose={close} />}
			{open?.kind === 'end' && (
				<ConfirmDialog id="end-treatment" title={t('oc.client.end')} confirmLabel={t('oc.client.endConfirm')} danger={false} busy={busy} error={dialogError} onClose={close} onConfirm={() => dated('end')}>
					<RadioField
						id="end-status"
						label={t('oc.client.endHow')}
						value={endStatus}
						onChange={(v) => setEndStatus(v === 'dropped_out' ? 'dropped_out' : 'ended')}
						options={[
							{ value: 'ended', label: t('oc.client.endPlanned') },
							{ value: 'dropped_out', label: t('oc.client.endDropout') },
						]}
					/>
					<TextField id="end-date" type="date" label={t('oc.client.endDate')} value={date} onInput={setDate} error={dateError} />
				</ConfirmDialog>
			)}
			{open?.kind === 'withdraw' && (
				<ConfirmDialog id="withdraw-outcomes" title={t('oc.client.withdraw')} confirmLabel={t('oc.client.withdrawConfirm')} busy={busy} error={dialogError} onClose={close} onConfirm={() => dated('withdraw')}>
					<p>{t('oc.client.withdrawExplain')}</p>
					<TextField id="withdraw-date" type="date" label={t('oc.client.withdrawDate')} value={date} onInput={setDate} error={dateError} />
				</ConfirmDialog>
			)}
		</div>
	);
}
