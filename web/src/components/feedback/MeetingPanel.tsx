/* The feedback meeting, for the lab: book it (time, length, video link, who comes; the therapist is
 * always invited), move it, cancel it with a reason, follow the mail to each participant, and after
 * the meeting write down what was agreed and the practice goals. Marking it held closes the
 * submission, which starts the countdown to the recording's deletion: the dialog says so first. */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { useI18n } from '../../i18n';
import { fbApi } from '../../pages/feedback/fbapi';
import { isoFromLocalInput, localInputValue, meetingTime, timeZoneName } from '../../pages/feedback/format';
import type { FeedbackData } from '../../pages/feedback/load';
import type { GoalInput, Meeting, MeetingInput } from '../../pages/feedback/types';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorNotice, SelectField, TextAreaField, TextField } from '../Field';
import { GoalsList } from './GoalsList';
import { MailStatus } from './MailStatus';
import { MeetingCard, currentMeeting } from './MeetingCard';

interface Props {
	data: FeedbackData;
	onMeetings: (m: Meeting[]) => void;
	/* After the meeting is marked held: the submission is closed and goals exist; reload it all. */
	onHeld: () => void;
}

type Mode = { kind: 'view' } | { kind: 'schedule' } | { kind: 'reschedule'; meeting: Meeting } | { kind: 'held'; meeting: Meeting };

export function MeetingPanel({ data, onMeetings, onHeld }: Props) {
	const { t, errorText } = useI18n();
	const { user, announce } = useApp();
	const { feedback, meetings } = data;
	const [mode, setMode] = useState<Mode>({ kind: 'view' });
	const [cancelling, setCancelling] = useState<Meeting | null>(null);
	const [reason, setReason] = useState('');
	const [reasonError, setReasonError] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const current = currentMeeting(meetings);
	const scheduled = current?.state === 'scheduled' ? current : null;
	const held = meetings.find((m) => m.state === 'held') ?? null;
	const earlier = meetings.filter((m) => m !== current).sort((a, b) => b.id - a.id);
	const published = !!feedback.published_at;

	async function reloadMeetings() {
		try {
			onMeetings((await fbApi.meetings(feedback.submission_id)).items);
		} catch (err) {
			setError(errorText(err));
		}
	}

	async function schedule(input: MeetingInput) {
		if (mode.kind === 'reschedule') await fbApi.reschedule(mode.meeting.id, input);
		else await fbApi.schedule(feedback.submission_id, input);
		announce(mode.kind === 'reschedule' ? t('fb.meeting.rescheduled') : t('fb.meeting.scheduled'));
		setMode({ kind: 'view' });
		await reloadMeetings();
	}

	async function cancel() {
		if (!cancelling) return;
		if (!reason.trim()) {
			setReasonError(t('fb.meeting.reasonRequired'));
			return;
		}
		setBusy(true);
		setError('');
		try {
			await fbApi.cancel(cancelling.id, reason.trim());
			setCancelling(null);
			setReason('');
			announce(t('fb.meeting.cancelled'));
			await reloadMeetings();
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<section class="fb-section-plain fb-meeting-panel" aria-labelledby="fb-meeting-panel-h">
			<h2 id="fb-meeting-panel-h">{t('fb.meeting.panelTitle')}</h2>
			<ErrorNotice>{error && !cancelling ? error : ''}</ErrorNotice>

			{current && mode.kind !== 'reschedule' && (
				<>
					<MeetingCard meeting={current} id="fb-panel-meeting" />
					{current.mail && <MailStatus id="fb-mail" mail={current.mail} canRetry={user.role === 'lab_admin'} onRetried={reloadMeetings} />}
				</>
			)}

			{scheduled && mode.kind === 'view' && (
				<>
					<p class="button-row">
						<button type="button" class="button" onClick={() => setMode({ kind: 'reschedule', meeting: scheduled })}>
							{t('fb.meeting.reschedule')}
						</button>
						<button type="button" class="button button-danger-quiet" onClick={() => setCancelling(scheduled)}>
							{t('fb.meeting.cancel')}
						</button>
						<button type="button" class="button button-primary" disabled={!published} onClick={() => setMode({ kind: 'held', meeting: scheduled })} aria-describedby={published ? undefined : 'fb-held-why'}>
							{t('fb.held.button')}
						</button>
					</p>
					{!published && (
						<p id="fb-held-why" class="hint">
							{t('fb.held.needsPublished')}
						</p>
					)}
				</>
			)}

			{!scheduled && !held && mode.kind === 'view' && (
				<>
					{!current && <p class="empty">{t('fb.meeting.noneStaff')}</p>}
					<p>
						<button type="button" class="button button-primary" onClick={() => setMode({ kind: 'schedule' })}>
							{t('fb.meeting.schedule')}
						</button>
					</p>
				</>
			)}

			{(mode.kind === 'schedule' || mode.kind === 'reschedule') && (
				<ScheduleForm
					meeting={mode.kind === 'reschedule' ? mode.meeting : null}
					data={data}
					onSubmit={schedule}
					onCancel={() => setMode({ kind: 'view' })}
				/>
			)}

			{mode.kind === 'held' && (
				<HeldForm
					meeting={mode.meeting}
					data={data}
					onDone={() => {
						setMode({ kind: 'view' });
						announce(t('fb.held.done'));
						onHeld();
					}}
					onCancel={() => setMode({ kind: 'view' })}
				/>
			)}

			{held && data.goals.length > 0 && (
				<>
					<h3>{t('fb.view.goals')}</h3>
					<GoalsList goals={data.goals} editable={false} />
				</>
			)}

			{earlier.length > 0 && (
				<details class="fb-earlier">
					<summary>{t('fb.meeting.earlier', { n: earlier.length })}</summary>
					<ul class="plain-list">
						{earlier.map((m) => (
							<EarlierMeeting key={m.id} meeting={m} />
						))}
					</ul>
				</details>
			)}

			{cancelling && (
				<ConfirmDialog
					id="fb-cancel-meeting"
					title={t('fb.meeting.cancelTitle')}
					confirmLabel={t('fb.meeting.cancelConfirm')}
					onConfirm={cancel}
					onClose={() => {
						setCancelling(null);
						setReasonError('');
						setError('');
					}}
					busy={busy}
					error={error}
				>
					<p>{t('fb.meeting.cancelExplain')}</p>
					<TextAreaField id="fb-cancel-reason" label={t('fb.meeting.reason')} value={reason} onInput={setReason} rows={3} maxLength={1000} error={reasonError || undefined} />
				</ConfirmDialog>
			)}
		</section>
	);
}

function EarlierMeeting({ meeting }: { meeting: Meeting }) {
	const { t, locale } = useI18n();
	return (
		<li>
			{t(`fb.meeting.state.${meeting.state}`)}: {meetingTime(locale, meeting.starts_at, meeting.duration_min)}
		</li>
	);
}

/* Book or move the meeting. Times are typed in the user's own time zone and sent as UTC. */
function ScheduleForm({ meeting, data, onSubmit, onCancel }: { meeting: Meeting | null; data: FeedbackData; onSubmit: (m: MeetingInput) => Promise<void>; onCancel: () => void }) {
	const { t, errorText, fieldText } = useI18n();
	const { user } = useApp();
	const people = data.feedback.participants_available ?? [];
	const therapistId = data.feedback.therapist.id;
	const [when, setWhen] = useState(meeting ? localInputValue(meeting.starts_at) : '');
	const [duration, setDuration] = useState(String(meeting?.duration_min ?? 45));
	const [link, setLink] = useState(meeting?.link ?? '');
	const [chosen, setChosen] = useState<Set<number>>(() => new Set([therapistId, ...(people.some((p) => p.id === user.id) ? [user.id] : [])]));
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [formError, setFormError] = useState('');
	const [busy, setBusy] = useState(false);
	const pre = meeting ? 'fb-res' : 'fb-sch';

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: Record<string, string> = {};
		const iso = isoFromLocalInput(when);
		const mins = Number(duration);
		if (!iso) errs.starts_at = t('fb.meeting.errWhen');
		else if (Date.parse(iso) < Date.now() - 60000) errs.starts_at = t('fb.meeting.errPast');
		if (!Number.isInteger(mins) || mins < 5 || mins > 480) errs.duration_min = t('fb.meeting.errDuration');
		if (!/^https:\/\/[^\s/]+\.[^\s]+$/i.test(link.trim())) errs.link = t('fb.meeting.errLink');
		setErrors(errs);
		setFormError('');
		if (Object.keys(errs).length || !iso) {
			const first = Object.keys(errs)[0];
			if (first) document.getElementById(`${pre}-${first}`)?.focus();
			return;
		}
		setBusy(true);
		try {
			await onSubmit({ starts_at: iso, duration_min: mins, link: link.trim(), ...(meeting ? {} : { participant_ids: [...chosen] }) });
		} catch (err) {
			if (err instanceof ApiError) {
				const next: Record<string, string> = {};
				for (const f of Object.keys(err.fields)) next[f] = fieldText(err, f) ?? '';
				setErrors(next);
			}
			setFormError(err instanceof ApiError && err.status === 409 && !meeting ? t('fb.meeting.alreadyScheduled') : errorText(err));
			setBusy(false);
		}
	}

	return (
		<form class="form fb-schedule" noValidate onSubmit={submit} aria-labelledby={`${pre}-h`}>
			<h3 id={`${pre}-h`}>{meeting ? t('fb.meeting.rescheduleTitle') : t('fb.meeting.scheduleTitle')}</h3>
			<ErrorNotice>{formError}</ErrorNotice>
			<div class="form-grid">
				<div class={`field${errors.starts_at ? ' has-error' : ''}`}>
					<label for={`${pre}-starts_at`}>{t('fb.meeting.when')}</label>
					<input
						id={`${pre}-starts_at`}
						type="datetime-local"
						value={when}
						min={localInputValue(new Date().toISOString())}
						onInput={(e) => setWhen(e.currentTarget.value)}
						aria-invalid={errors.starts_at ? 'true' : undefined}
						aria-describedby={`${pre}-starts_at-hint${errors.starts_at ? ` ${pre}-starts_at-error` : ''}`}
					/>
					<p id={`${pre}-starts_at-hint`} class="hint">
						{t('fb.meeting.whenHint', { zone: timeZoneName() })}
					</p>
					{errors.starts_at && (
						<p id={`${pre}-starts_at-error`} class="field-error">
							{errors.starts_at}
						</p>
					)}
				</div>
				<TextField id={`${pre}-duration_min`} label={t('fb.meeting.durationLabel')} type="number" min={5} max={480} value={duration} onInput={setDuration} error={errors.duration_min} class="field-narrow" inputMode="numeric" />
			</div>
			<TextField id={`${pre}-link`} label={t('fb.meeting.linkLabel')} value={link} onInput={setLink} error={errors.link} hint={t('fb.meeting.linkHint')} autoComplete="url" />
			{!meeting && (
				<fieldset class={`fieldset${errors.participant_ids ? ' has-error' : ''}`}>
					<legend>{t('fb.meeting.participants')}</legend>
					{people.length === 0 && <p class="hint">{t('fb.meeting.noPeople')}</p>}
					{people.map((p) => (
						<div class="field-checkbox" key={p.id}>
							<input
								id={`${pre}-p-${p.id}`}
								type="checkbox"
								checked={chosen.has(p.id)}
								disabled={p.id === therapistId}
								onChange={(e) => {
									const on = e.currentTarget.checked;
									setChosen((s) => {
										const n = new Set(s);
										if (on) n.add(p.id);
										else n.delete(p.id);
										return n;
									});
								}}
							/>
							<label for={`${pre}-p-${p.id}`}>
								{p.name} <span class="muted">({roleName(t, p.role)})</span>
								{p.id === therapistId && <span class="muted"> – {t('fb.meeting.always')}</span>}
							</label>
						</div>
					))}
					{errors.participant_ids && <p class="field-error">{errors.participant_ids}</p>}
				</fieldset>
			)}
			{meeting && <p class="hint">{t('fb.meeting.rescheduleHint')}</p>}
			<div class="form-actions">
				<button type="submit" class="button button-primary" disabled={busy}>
					{busy ? t('common.saving') : meeting ? t('fb.meeting.rescheduleSubmit') : t('fb.meeting.scheduleSubmit')}
				</button>
				<button type="button" class="button" onClick={onCancel}>
					{t('common.cancel')}
				</button>
			</div>
		</form>
	);
}

function roleName(t: ReturnType<typeof useI18n>['t'], role: string): string {
	switch (role) {
		case 'therapist':
			return t('role.therapist');
		case 'rater':
			return t('role.rater');
		case 'supervisor':
			return t('role.supervisor');
		case 'lab_admin':
			return t('role.lab_admin');
		default:
			return role;
	}
}

interface GoalRow extends GoalInput {
	key: number;
}

let goalKey = 0;

function inMonths(n: number): string {
	const d = new Date();
	d.setMonth(d.getMonth() + n);
	return d.toISOString().slice(0, 10);
}

/* After the meeting: notes, the improvement points agreed, and practice goals, then a confirmation. */
function HeldForm({ meeting, data, onDone, onCancel }: { meeting: Meeting; data: FeedbackData; onDone: () => void; onCancel: () => void }) {
	const { t, errorText, fieldText, day } = useI18n();
	const improvements = data.feedback.points.filter((p) => p.kind === 'improvement');
	const [notes, setNotes] = useState(meeting.notes);
	const [agreed, setAgreed] = useState(meeting.agreed || improvements.map((p) => `– ${p.title}`).join('\n'));
	const [goals, setGoals] = useState<GoalRow[]>(() =>
		improvements.filter((p) => p.item_id).slice(0, 3).map((p) => ({ key: ++goalKey, item_id: p.item_id ?? '', description: p.title, target: '', review_date: inMonths(6) })),
	);
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [confirming, setConfirming] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const items = data.profile.items;
	const setGoal = (key: number, patch: Partial<GoalRow>) => setGoals((gs) => gs.map((g) => (g.key === key ? { ...g, ...patch } : g)));

	function check(e: Event) {
		e.preventDefault();
		const errs: Record<string, string> = {};
		goals.forEach((g, i) => {
			if (!g.item_id) errs[`g-${i}-item`] = t('fb.held.errItem');
			if (!g.description.trim()) errs[`g-${i}-description`] = t('field.required');
			if (!g.target.trim()) errs[`g-${i}-target`] = t('field.required');
			if (!/^\d{4}-\d{2}-\d{2}$/.test(g.review_date)) errs[`g-${i}-review`] = t('fb.held.errDate');
		});
		setErrors(errs);
		const first = Object.keys(errs)[0];
		if (first) {
			document.getElementById(`fb-held-${first}`)?.focus();
			return;
		}
		setError('');
		setConfirming(true);
	}

	async function confirm() {
		setBusy(true);
		setError('');
		try {
			await fbApi.held(meeting.id, { notes: notes.trim(), agreed: agreed.trim(), goals: goals.map(({ key: _k, ...g }) => ({ ...g, description: g.description.trim(), target: g.target.trim() })) });
			setConfirming(false);
			onDone();
		} catch (err) {
			if (err instanceof ApiError) {
				const next: Record<string, string> = {};
				for (const f of Object.keys(err.fields)) {
					const m = /^goals(?:\[(\d+)\]|\.(\d+))\.(item_id|description|target|review_date)$/.exec(f);
					const text = fieldText(err, f) ?? '';
					if (m) next[`g-${m[1] ?? m[2]}-${m[3] === 'item_id' ? 'item' : m[3] === 'review_date' ? 'review' : m[3]}`] = text;
					else next[f] = text;
				}
				setErrors(next);
			}
			setError(errorText(err));
		}
		setBusy(false);
	}

	const itemOptions = [{ value: '', label: t('fb.held.chooseItem') }, ...items.map((i) => ({ value: i.id, label: `${i.id} ${i.label}` }))];

	return (
		<>
		<form class="form fb-held" noValidate onSubmit={check} aria-labelledby="fb-held-h">
			<h3 id="fb-held-h">{t('fb.held.title')}</h3>
			<p class="hint">{t('fb.held.intro')}</p>
			<TextAreaField id="fb-held-notes" label={t('fb.held.notes')} value={notes} onInput={setNotes} rows={4} maxLength={10000} error={errors.notes} optional />
			<TextAreaField id="fb-held-agreed" label={t('fb.held.agreed')} value={agreed} onInput={setAgreed} rows={4} maxLength={10000} error={errors.agreed} hint={t('fb.held.agreedHint')} />
			<fieldset class="fieldset fb-goal-rows">
				<legend>{t('fb.held.goals')}</legend>
				<p class="hint">{t('fb.held.goalsHint')}</p>
				{goals.map((g, i) => {
					const n = i + 1;
					return (
						<div class="fb-goal-row" key={g.key} role="group" aria-label={t('fb.held.goalGroup', { n })}>
							<SelectField id={`fb-held-g-${i}-item`} label={t('fb.held.goalItem', { n })} value={g.item_id} onChange={(v) => setGoal(g.key, { item_id: v })} options={itemOptions} error={errors[`g-${i}-item`]} />
							<TextField id={`fb-held-g-${i}-description`} label={t('fb.held.goalDescription', { n })} value={g.description} onInput={(v) => setGoal(g.key, { description: v })} maxLength={1000} error={errors[`g-${i}-description`]} />
							<TextField id={`fb-held-g-${i}-target`} label={t('fb.held.goalTarget', { n })} value={g.target} onInput={(v) => setGoal(g.key, { target: v })} maxLength={500} error={errors[`g-${i}-target`]} hint={t('fb.held.targetHint')} />
							<TextField id={`fb-held-g-${i}-review`} label={t('fb.held.goalReview', { n })} type="date" value={g.review_date} onInput={(v) => setGoal(g.key, { review_date: v })} error={errors[`g-${i}-review`]} class="field-date" />
							<p>
								<button type="button" class="button button-small button-danger-quiet" onClick={() => setGoals((gs) => gs.filter((x) => x.key !== g.key))} aria-label={t('fb.held.removeGoalLabel', { n })}>
									{t('fb.held.removeGoal')}
								</button>
							</p>
						</div>
					);
				})}
				<button type="button" class="button button-small" onClick={() => setGoals((gs) => [...gs, { key: ++goalKey, item_id: '', description: '', target: '', review_date: inMonths(6) }])}>
					{t('fb.held.addGoal')}
				</button>
			</fieldset>
			<div class="form-actions">
				<button type="submit" class="button button-primary">
					{t('fb.held.next')}
				</button>
				<button type="button" class="button" onClick={onCancel}>
					{t('common.cancel')}
				</button>
			</div>
		</form>
			{confirming && (
				<ConfirmDialog id="fb-held-confirm" title={t('fb.held.confirmTitle')} confirmLabel={t('fb.held.confirm')} onConfirm={confirm} onClose={() => setConfirming(false)} busy={busy} error={error} danger={false}>
					<p>{t('fb.held.confirmGoals', { n: goals.length })}</p>
					{goals.length > 0 && (
						<ul>
							{goals.map((g) => (
								<li key={g.key}>
									{g.description} – {t('fb.held.reviewOn', { date: day(g.review_date) })}
								</li>
							))}
						</ul>
					)}
					<p class="notice notice-warn">{t('fb.held.retention')}</p>
				</ConfirmDialog>
			)}
		</>
	);
}
