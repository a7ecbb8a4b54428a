/* In the inbox's submission details: the raters of a submission and their ratings' states. The lab
 * admin assigns raters (1 to 3, two by default, with a due date) and ends an assignment to reassign;
 * lab admin and supervisor find the comparison, the consensus and the approval from here. */
import { useEffect, useState } from 'preact/hooks';
import { type User, api } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, SelectField, TextField } from '../Field';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { consensusPath } from '../../pages/workspace/paths';
import type { AssignmentRow } from '../../pages/workspace/types';
import { wsApi } from '../../pages/workspace/wsapi';

const ASSIGNABLE = ['recording_ready', 'assigned'];
const COMPARABLE = ['rated', 'consensus', 'approved', 'feedback_published', 'closed'];
const MAX_RATERS = 3;

function inDays(n: number): string {
	const d = new Date(Date.now() + n * 864e5);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/* Before the recording is verified there is nothing to assign; after a withdrawal nothing to do. */
const HIDDEN = ['draft', 'submitted', 'withdrawn'];

interface Props {
	sub: { id: number; state: string; case_code: string };
	onChanged?: () => void;
}

export function RatingWorkSection(p: Props) {
	return HIDDEN.includes(p.sub.state) ? null : <Raters {...p} />;
}

function Raters({ sub, onChanged }: Props) {
	const { t, day, dateTime, errorText } = useI18n();
	const { user, navigate, announce } = useApp();
	const admin = user.role === 'lab_admin';
	const [rows, setRows] = useState<AssignmentRow[] | null>(null);
	const [raters, setRaters] = useState<User[]>([]);
	const [chosen, setChosen] = useState<string[]>(['', '']);
	const [due, setDue] = useState(inDays(14));
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [ending, setEnding] = useState<AssignmentRow | null>(null);
	const [reason, setReason] = useState('');

	useEffect(() => {
		let live = true;
		wsApi.assignments(sub.id).then(
			(r) => live && setRows(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		if (admin)
			api.listUsers({ role: 'rater' }).then(
				(r) => live && setRaters(r.items.filter((u) => !u.disabled)),
				() => undefined,
			);
		return () => {
			live = false;
		};
	}, [sub.id]);

	const active = rows?.filter((r) => !r.ended_at) ?? [];
	const room = MAX_RATERS - active.length;
	const canAssign = admin && ASSIGNABLE.includes(sub.state) && room > 0;
	const slots = chosen.slice(0, Math.max(1, Math.min(room, chosen.length)));
	const taken = new Set(active.map((r) => r.rater_id));

	async function assign(e: Event) {
		e.preventDefault();
		const ids = slots.filter(Boolean).map(Number);
		if (!ids.length) {
			setError(t('ws.assign.needRater'));
			return;
		}
		if (new Set(ids).size !== ids.length) {
			setError(t('ws.assign.twice'));
			return;
		}
		setBusy(true);
		setError('');
		try {
			const r = await wsApi.assign(sub.id, ids, due);
			setRows(r.items);
			setChosen(['', '']);
			announce(t('ws.assign.done', { n: ids.length, code: sub.case_code }));
			onChanged?.();
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(false);
	}

	async function end(e: Event) {
		e.preventDefault();
		if (!ending) return;
		if (!reason.trim()) {
			setError(t('ws.assign.needReason'));
			return;
		}
		setBusy(true);
		setError('');
		try {
			const r = await wsApi.endAssignment(ending.id, reason.trim());
			setRows(r.items);
			announce(t('ws.assign.ended', { name: ending.rater_name || ending.rater_email }));
			setEnding(null);
			setReason('');
			onChanged?.();
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(false);
	}

	const options = [{ value: '', label: t('ws.assign.choose') }, ...raters.filter((u) => !taken.has(u.id)).map((u) => ({ value: String(u.id), label: u.display_name ? `${u.display_name} (${u.email})` : u.email }))];
	return (
		<section class="dialog-section" aria-labelledby="sd-raters-h">
			<h3 id="sd-raters-h">{t('ws.assign.title')}</h3>
			<ErrorNotice>{error}</ErrorNotice>
			{rows === null && !error && <p class="loading">{t('common.loading')}</p>}
			{rows !== null && rows.length === 0 && <p>{t('ws.assign.none')}</p>}
			{rows !== null && rows.length > 0 && (
				<div class="table-wrap">
					<table class="table">
						<caption class="visually-hidden">{t('ws.assign.title')}</caption>
						<thead>
							<tr>
								<th scope="col">{t('ws.assign.rater')}</th>
								<th scope="col">{t('ws.assign.due')}</th>
								<th scope="col">{t('ws.assign.rating')}</th>
								<th scope="col">{t('ws.assign.assigned')}</th>
								{admin && (
									<th scope="col">
										<span class="visually-hidden">{t('ws.assign.actions')}</span>
									</th>
								)}
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.id} class={r.ended_at ? 'muted' : undefined}>
									<th scope="row" class="break">
										{r.rater_name || r.rater_email}
									</th>
									<td class="nowrap">{r.due_date ? day(r.due_date) : t('common.none')}</td>
									<td>{r.ended_at ? t('ws.assign.endedAt', { date: dateTime(r.ended_at) }) : r.rating_state ? t(`ws.state.${r.rating_state as 'in_progress'}`) : t('common.none')}</td>
									<td class="nowrap">{dateTime(r.assigned_at)}</td>
									{admin && (
										<td class="cell-actions">
											{!r.ended_at && r.rating_state === 'in_progress' && (
												<button
													type="button"
													class="button button-small button-danger-quiet"
													onClick={() => {
														setEnding(r);
														setReason('');
													}}
												>
													{t('ws.assign.end')}
													<span class="visually-hidden"> – {r.rater_name || r.rater_email}</span>
												</button>
											)}
										</td>
									)}
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{ending && (
				<form class="form inline-form ws-end-form" noValidate onSubmit={end} aria-label={t('ws.assign.endTitle', { name: ending.rater_name || ending.rater_email })}>
					<TextField id="sd-end-reason" label={t('ws.assign.endReason', { name: ending.rater_name || ending.rater_email })} value={reason} onInput={setReason} required autoFocus />
					<div class="button-row">
						<button type="submit" class="button button-danger" disabled={busy}>
							{t('ws.assign.endConfirm')}
						</button>
						<button type="button" class="button" onClick={() => setEnding(null)}>
							{t('common.cancel')}
						</button>
					</div>
				</form>
			)}
			{canAssign && (
				<form class="form ws-assign" noValidate onSubmit={assign} aria-labelledby="sd-assign-h">
					<h4 id="sd-assign-h">{active.length ? t('ws.assign.more') : t('ws.assign.new')}</h4>
					<div class="form-grid">
						{slots.map((v, i) => (
							<SelectField
								key={i}
								id={`sd-rater-${i}`}
								label={t('ws.assign.raterN', { n: i + 1 })}
								value={v}
								options={options.filter((o) => !o.value || o.value === v || !slots.includes(o.value))}
								onChange={(x) => setChosen((c) => c.map((y, j) => (j === i ? x : y)))}
							/>
						))}
						<TextField id="sd-due" type="date" label={t('ws.assign.due')} value={due} onInput={setDue} />
					</div>
					<div class="button-row">
						{slots.length < room && (
							<button type="button" class="button button-small" onClick={() => setChosen((c) => [...c.slice(0, slots.length), ''])}>
								{t('ws.assign.addRater')}
							</button>
						)}
						{slots.length > 1 && (
							<button type="button" class="button button-small" onClick={() => setChosen((c) => c.slice(0, slots.length - 1))}>
								{t('ws.assign.removeRater')}
							</button>
						)}
						<button type="submit" class="button button-primary" disabled={busy}>
							{t('ws.assign.submit')}
						</button>
					</div>
				</form>
			)}
			{COMPARABLE.includes(sub.state) && (
				<p>
					<a class="button" href={consensusPath(sub.id)} onClick={(e) => linkClick(e, navigate, consensusPath(sub.id))}>
						{sub.state === 'consensus' && user.role === 'supervisor' ? t('ws.assign.toApprove') : t('ws.assign.toComparison')}
					</a>
				</p>
			)}
		</section>
	);
}
