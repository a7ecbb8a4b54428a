/* After every rater has submitted: the ratings side by side (scores differing by 2 or more marked;
 * interventions matched within ±3 s, disagreeing codes marked, unmatched ones listed), the consensus
 * started from one rater's rating and edited in the workspace, and the supervisor's decision: approve,
 * or send back with a comment. A supervisor may also reopen a rater's submitted rating, with a reason. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice, TextAreaField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StateBadge } from '../../components/StateBadge';
import { ivTime } from '../../components/workspace/InterventionList';
import { facetKey } from '../../components/workspace/ScoreForm';
import { type MessageKey, useI18n } from '../../i18n';
import { formatNumber, makeForm } from './instrument';
import { ratingPath } from './paths';
import type { Comparison, InstrumentDef, Intervention, Rating, RatingSummary } from './types';
import { wsApi } from './wsapi';
import type { SubmissionState } from '../../api';
import '../../styles/workspace.css';

interface Data {
	state: SubmissionState | null;
	title: string;
	cmp: Comparison | null;
	pending: boolean;
	ratings: RatingSummary[];
	consensus: Rating | null;
	def: InstrumentDef | null;
}

const LETTERS = ['A', 'B', 'C'];

export function ConsensusPage({ submissionId }: { submissionId: number }) {
	const { t, day, errorText } = useI18n();
	const { user, navigate, announce } = useApp();
	const [data, setData] = useState<Data | null>(null);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);
	const [busy, setBusy] = useState(false);
	const [actionError, setActionError] = useState('');
	const [comment, setComment] = useState('');
	const [reopen, setReopen] = useState<RatingSummary | null>(null);
	const [reason, setReason] = useState('');

	useEffect(() => {
		let live = true;
		(async (): Promise<Data> => {
			let state: SubmissionState | null = null;
			let title = '';
			let instrumentId: number | null = null;
			if (user.role === 'rater') {
				const mine = (await wsApi.myAssignments()).items.find((a) => a.submission_id === submissionId);
				if (mine) {
					state = mine.submission_state;
					instrumentId = mine.instrument_id;
					title = [mine.session_number ? t('ws.session', { n: mine.session_number }) : '', mine.session_date ? day(mine.session_date) : ''].filter(Boolean).join(', ');
				}
			} else {
				const s = await wsApi.submission(submissionId);
				state = s.state as SubmissionState;
				instrumentId = s.instrument_id;
				title = s.case_code;
			}
			let cmp: Comparison | null = null;
			let pending = false;
			try {
				cmp = await wsApi.comparison(submissionId);
			} catch (err) {
				if (err instanceof ApiError && err.status === 409) pending = true;
				else throw err;
			}
			const ratings = (await wsApi.submissionRatings(submissionId)).items;
			const cs = ratings.filter((r) => r.kind === 'consensus');
			const last = cs[cs.length - 1];
			const consensus = last ? await wsApi.rating(last.id) : null;
			const iid = cmp?.ratings[0]?.instrument_id ?? instrumentId;
			const def = iid ? ((await wsApi.instrument(iid)).definition ?? null) : null;
			return { state, title, cmp, pending, ratings, consensus, def };
		})().then(
			(d) => {
				if (!live) return;
				setData(d);
				setError('');
			},
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [submissionId, reload]);

	async function act(fn: () => Promise<unknown>, done: string) {
		setBusy(true);
		setActionError('');
		try {
			await fn();
			announce(done);
			setReload((n) => n + 1);
			return true;
		} catch (err) {
			setActionError(errorText(err));
			return false;
		} finally {
			setBusy(false);
		}
	}

	async function start(basedOn: number) {
		setBusy(true);
		setActionError('');
		try {
			const c = await wsApi.startConsensus(submissionId, basedOn);
			navigate(ratingPath(c.id));
		} catch (err) {
			setActionError(errorText(err));
			setBusy(false);
		}
	}

	const heading = `${t('ws.cmp.title')}${data?.title ? ` – ${data.title}` : ''}`;
	if (error || !data)
		return (
			<div class="page">
				<PageHeading>{heading}</PageHeading>
				<ErrorNotice>{error}</ErrorNotice>
				{!error && <p class="loading">{t('common.loading')}</p>}
			</div>
		);
	const { state, cmp, consensus } = data;
	const supervisor = user.role === 'supervisor';
	const raters = cmp?.ratings ?? [];
	const name = (r: Rating, i: number) => t('ws.cmp.rater', { letter: LETTERS[i] ?? String(i + 1), name: r.rater_name || r.rater_email || '' });
	const submittedRaterRatings = data.ratings.filter((r) => r.kind === 'rater' && r.state === 'submitted');
	return (
		<div class="page ws-cmp">
			<PageHeading>{heading}</PageHeading>
			<p>{state && <StateBadge state={state} />}</p>
			<ErrorNotice>{actionError}</ErrorNotice>
			{data.pending && <p class="notice notice-info">{t('ws.cmp.pending')}</p>}
			<ConsensusActions
				data={data}
				busy={busy}
				supervisor={supervisor}
				canStart={(user.role === 'rater' || supervisor) && state === 'rated' && !consensus}
				raters={raters}
				name={name}
				onStart={start}
				comment={comment}
				onComment={setComment}
				onApprove={() => act(() => wsApi.approve(submissionId, comment.trim()), t('ws.cmp.approved'))}
				onSendBack={() => act(() => wsApi.sendBack(submissionId, comment.trim()), t('ws.cmp.sentBack'))}
				open={(id) => navigate(ratingPath(id))}
			/>
			{cmp && data.def && <ScoresTable cmp={cmp} def={data.def} consensus={consensus} name={name} />}
			{cmp?.interventions && <InterventionsTable cmp={cmp} name={name} />}
			{supervisor && submittedRaterRatings.length > 0 && (state === 'rated' || state === 'assigned') && (
				<section aria-labelledby="cmp-reopen-h">
					<h2 id="cmp-reopen-h">{t('ws.reopen.title')}</h2>
					<p class="hint">{t('ws.reopen.intro')}</p>
					<ul class="plain-list">
						{submittedRaterRatings.map((r) => (
							<li key={r.id}>
								{r.rater_name || r.rater_email}{' '}
								<button
									type="button"
									class="button button-small"
									onClick={() => {
										setReason('');
										setReopen(r);
									}}
								>
									{t('ws.reopen.button')}
									<span class="visually-hidden"> – {r.rater_name || r.rater_email}</span>
								</button>
							</li>
						))}
					</ul>
				</section>
			)}
			{reopen && (
				<ConfirmDialog
					id="ws-reopen"
					title={t('ws.reopen.dialog', { name: reopen.rater_name || reopen.rater_email || '' })}
					confirmLabel={t('ws.reopen.button')}
					busy={busy}
					error={actionError}
					onClose={() => setReopen(null)}
					onConfirm={async () => {
						if (!reason.trim()) {
							setActionError(t('ws.reopen.needReason'));
							return;
						}
						const ok = await act(() => wsApi.reopen(reopen.id, reason.trim()), t('ws.reopen.done'));
						if (ok) setReopen(null);
					}}
				>
					<p>{t('ws.reopen.text')}</p>
					<TextAreaField id="ws-reopen-reason" label={t('ws.reopen.reason')} value={reason} onInput={setReason} rows={3} required />
				</ConfirmDialog>
			)}
		</div>
	);
}

function ConsensusActions(p: {
	data: Data;
	busy: boolean;
	supervisor: boolean;
	canStart: boolean;
	raters: Rating[];
	name: (r: Rating, i: number) => string;
	onStart: (id: number) => void;
	comment: string;
	onComment: (v: string) => void;
	onApprove: () => void;
	onSendBack: () => void;
	open: (id: number) => void;
}) {
	const { t } = useI18n();
	const c = p.data.consensus;
	const state = p.data.state;
	const basedOn = c ? p.raters.findIndex((r) => r.id === c.based_on) : -1;
	return (
		<section class="card ws-consensus" aria-labelledby="cmp-consensus-h">
			<h2 id="cmp-consensus-h">{t('ws.cmp.consensus')}</h2>
			{!c && p.canStart && (
				<>
					<p>{t('ws.cmp.startIntro')}</p>
					<div class="button-row">
						{p.raters.map((r, i) => (
							<button key={r.id} type="button" class="button button-primary" disabled={p.busy} onClick={() => p.onStart(r.id)}>
								{t('ws.cmp.startFrom', { rater: p.name(r, i) })}
							</button>
						))}
					</div>
				</>
			)}
			{!c && !p.canStart && <p>{state === 'rated' ? t('ws.cmp.noConsensusYet') : t('ws.cmp.notYet')}</p>}
			{c && (
				<>
					<p>
						{t(`ws.cmp.cstate.${c.state}` as MessageKey)}
						{basedOn >= 0 && p.raters[basedOn] && <> {t('ws.cmp.basedOn', { rater: p.name(p.raters[basedOn] as Rating, basedOn) })}</>}
					</p>
					{c.supervisor_comment && <p class="notice notice-info">{t('ws.cmp.comment', { comment: c.supervisor_comment })}</p>}
					<div class="button-row">
						<button type="button" class={`button ${c.state === 'in_progress' ? 'button-primary' : ''}`} onClick={() => p.open(c.id)}>
							{c.state === 'in_progress' ? t('ws.cmp.openConsensus') : t('ws.cmp.viewConsensus')}
						</button>
					</div>
				</>
			)}
			{p.supervisor && c && c.state === 'submitted' && state === 'consensus' && (
				<form class="form ws-decide" onSubmit={(e) => e.preventDefault()} aria-labelledby="cmp-decide-h">
					<h3 id="cmp-decide-h">{t('ws.cmp.decide')}</h3>
					<TextAreaField id="cmp-comment" label={t('ws.cmp.commentLabel')} optional value={p.comment} onInput={p.onComment} rows={3} hint={t('ws.cmp.commentHint')} />
					<div class="form-actions">
						<button type="button" class="button button-primary" disabled={p.busy} onClick={p.onApprove}>
							{t('ws.cmp.approve')}
						</button>
						<button type="button" class="button" disabled={p.busy} onClick={p.onSendBack}>
							{t('ws.cmp.sendBack')}
						</button>
					</div>
				</form>
			)}
		</section>
	);
}

function ScoresTable({ cmp, def, consensus, name }: { cmp: Comparison; def: InstrumentDef; consensus: Rating | null; name: (r: Rating, i: number) => string }) {
	const { t, locale } = useI18n();
	const num = (n: number, d: number) => formatNumber(locale, n, d);
	const form = useMemo(() => makeForm(def, locale), [def, locale]);
	const flagged = new Map(cmp.scores.map((s) => [`${s.item}.${s.facet}`, s]));
	const facetName = (f: string) => {
		const k = facetKey(f);
		return k ? t(k) : f;
	};
	const rows: { key: string; item: string; label: string; facet: string }[] = [];
	for (const it of form.items) for (const f of it.facets) rows.push({ key: `${it.id}.${f.facet}`, item: it.id, label: `${it.id} ${it.label}`, facet: facetName(f.facet) });
	for (const g of form.globals) rows.push({ key: `global.${g.id}`, item: 'global', label: g.label, facet: t('ws.cmp.global') });
	const value = (r: Rating, key: string) => {
		const [item = '', facet = ''] = key.split('.');
		const v = r.scores[item]?.[facet];
		return typeof v === 'number' ? v : null;
	};
	const nDiffer = rows.filter((r) => flagged.get(r.key)?.disagree).length;
	return (
		<section class="ws-cmp-section">
			<h2 id="cmp-scores-h">{t('ws.cmp.scores')}</h2>
			<p class="hint">{t('ws.cmp.scoresIntro', { n: nDiffer })}</p>
			<div class="table-wrap" role="region" aria-labelledby="cmp-scores-h" tabIndex={0}>
				<table class="table ws-cmp-table">
					<caption class="visually-hidden">{t('ws.cmp.scores')}</caption>
					<thead>
						<tr>
							<th scope="col">{t('ws.cmp.item')}</th>
							<th scope="col">{t('ws.cmp.facet')}</th>
							{cmp.ratings.map((r, i) => (
								<th scope="col" key={r.id} class="num">
									{name(r, i)}
								</th>
							))}
							<th scope="col" class="num">
								{t('ws.cmp.difference')}
							</th>
							{consensus && (
								<th scope="col" class="num">
									{t('ws.cmp.consensusCol')}
								</th>
							)}
						</tr>
					</thead>
					<tbody>
						{rows.map((row) => {
							const f = flagged.get(row.key);
							const vals = cmp.ratings.map((r) => value(r, row.key));
							const nums = vals.filter((v): v is number => v !== null);
							const diff = nums.length >= 2 ? Math.max(...nums) - Math.min(...nums) : null;
							const differ = f ? f.disagree : diff !== null && diff >= 2;
							const cv = consensus ? value(consensus, row.key) : null;
							return (
								<tr key={row.key} class={differ ? 'ws-differ' : undefined}>
									<th scope="row">{row.label}</th>
									<td>{row.facet}</td>
									{vals.map((v, i) => (
										<td key={i} class="num">
											{v === null ? t('common.none') : num(v, 2)}
										</td>
									))}
									<td class="num">
										{diff === null ? t('common.none') : num(diff, 2)}
										{differ && <span class="ws-differ-tag">{t('ws.cmp.differs')}</span>}
									</td>
									{consensus && <td class="num">{cv === null ? t('common.none') : num(cv, 2)}</td>}
								</tr>
							);
						})}
					</tbody>
				</table>
			</div>
		</section>
	);
}

function InterventionsTable({ cmp, name }: { cmp: Comparison; name: (r: Rating, i: number) => string }) {
	const { t, locale } = useI18n();
	const num = (n: number, d: number) => formatNumber(locale, n, d);
	const iv = cmp.interventions;
	const a = cmp.ratings[0];
	const b = cmp.ratings[1];
	if (!iv || !a || !b) return null;
	const nDiffer = iv.matched.filter((m) => m.codes_differ).length;
	const cell = (x: Intervention) => (
		<>
			<td class="mono nowrap">{ivTime(x)}</td>
			<td>{x.code}</td>
		</>
	);
	return (
		<section class="ws-cmp-section">
			<h2 id="cmp-iv-h">{t('ws.cmp.interventions')}</h2>
			<p class="hint">
				{t('ws.cmp.ivIntro', { s: num(iv.tolerance_s, 1), matched: iv.matched.length, differ: nDiffer })}
				{iv.kappa !== null && <> {t('ws.cmp.kappa', { k: num(iv.kappa, 2) })}</>}
			</p>
			<div class="table-wrap" role="region" aria-labelledby="cmp-iv-h" tabIndex={0}>
				<table class="table ws-cmp-table">
					<caption class="visually-hidden">{t('ws.cmp.matched')}</caption>
					<thead>
						<tr>
							<th scope="col">{t('ws.cmp.timeOf', { letter: 'A' })}</th>
							<th scope="col">{t('ws.cmp.codeOf', { letter: 'A' })}</th>
							<th scope="col">{t('ws.cmp.timeOf', { letter: 'B' })}</th>
							<th scope="col">{t('ws.cmp.codeOf', { letter: 'B' })}</th>
							<th scope="col">{t('ws.cmp.agreement')}</th>
						</tr>
					</thead>
					<tbody>
						{iv.matched.map((m) => (
							<tr key={`${m.a.client_id}-${m.b.client_id}`} class={m.codes_differ ? 'ws-differ' : undefined}>
								{cell(m.a)}
								{cell(m.b)}
								<td>{m.codes_differ ? <span class="ws-differ-tag">{t('ws.cmp.codesDiffer')}</span> : t('ws.cmp.same')}</td>
							</tr>
						))}
						{iv.matched.length === 0 && (
							<tr>
								<td colSpan={5}>{t('ws.cmp.noneMatched')}</td>
							</tr>
						)}
					</tbody>
				</table>
			</div>
			<div class="ws-unmatched">
				{[
					{ list: iv.unmatched_a, r: a, i: 0 },
					{ list: iv.unmatched_b, r: b, i: 1 },
				].map(({ list, r, i }) => (
					<div key={r.id}>
						<h3>{t('ws.cmp.onlyBy', { rater: name(r, i), n: list.length })}</h3>
						{list.length === 0 ? (
							<p class="hint">{t('ws.cmp.noneUnmatched')}</p>
						) : (
							<ul class="plain-list">
								{list.map((x) => (
									<li key={x.client_id}>
										<span class="mono">{ivTime(x)}</span> <strong>{x.code}</strong>
										{x.note ? ` – ${x.note}` : ''}
									</li>
								))}
							</ul>
						)}
					</div>
				))}
			</div>
		</section>
	);
}
