/* Entering a client's answers from a paper form, item by item or only the total, and the
 * dialogs that use it: new answers, and a correction (a new version with a reason). */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, RadioField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { type I18n, useI18n } from '../../i18n';
import { isDay, todayLocal } from '../../intake';
import { type AnswerInput, type Measure, type ResponseRow, oapi } from './oapi';

/* Up to this many points an item is a row of choices; beyond, a number field (a 0-10 line). */
const CHOICES_MAX = 11;

function points(range: { min: number; max: number; step: number }): number[] {
	const out: number[] = [];
	const n = Math.round((range.max - range.min) / range.step);
	for (let k = 0; k <= n; k++) out.push(Math.round((range.min + k * range.step) * 1000) / 1000);
	return out;
}

interface FormState {
	mode: 'answers' | 'total';
	answers: Record<string, string>;
	total: string;
}

export function initialState(row?: ResponseRow | null): FormState {
	const answers: Record<string, string> = {};
	if (row?.answers) for (const [k, v] of Object.entries(row.answers)) answers[k] = v === null ? '' : String(v);
	return { mode: row && !row.answers ? 'total' : 'answers', answers, total: row && !row.answers ? String(row.score) : '' };
}

interface FieldsProps {
	idPrefix: string;
	measure: Measure;
	state: FormState;
	onState: (s: FormState) => void;
	errors: Record<string, string>;
}

/* The answer fields of one measure; the questionnaire's wording where it ships in this language. */
function AnswerFields({ idPrefix, measure, state, onState, errors }: FieldsProps) {
	const { t, num } = useI18n();
	const wording = new Map((measure.questionnaire?.items ?? []).map((i) => [i.id, i]));
	const set = (item: string, v: string) => onState({ ...state, answers: { ...state.answers, [item]: v } });
	return (
		<>
			<RadioField
				id={`${idPrefix}-mode`}
				label={t('oc.enter.mode')}
				inline
				value={state.mode}
				onChange={(v) => onState({ ...state, mode: v === 'total' ? 'total' : 'answers' })}
				options={[
					{ value: 'answers', label: t('oc.enter.modeAnswers') },
					{ value: 'total', label: t('oc.enter.modeTotal') },
				]}
			/>
			{state.mode === 'total' ? (
				<TextField
					id={`${idPrefix}-total`}
					type="number"
					inputMode="text"
					label={t('oc.enter.total', { min: num(measure.scoring.min, 1), max: num(measure.scoring.max, 1) })}
					value={state.total}
					onInput={(v) => onState({ ...state, total: v })}
					error={errors.score}
				/>
			) : (
				<div class="oc-answer-fields">
					{measure.items.map((it, k) => {
						const w = wording.get(it.id);
						const label = `${k + 1}. ${w?.text ?? it.text ?? it.label}`;
						const pts = points(it.range);
						const err = errors[`item:${it.id}`];
						if (pts.length <= CHOICES_MAX) {
							const texts = new Map((w?.answers ?? []).map((a) => [a.value, a.text]));
							return (
								<RadioField
									key={it.id}
									id={`${idPrefix}-item-${it.id}`}
									label={label}
									optional={!it.required}
									inline
									class="oc-answer"
									value={state.answers[it.id] ?? ''}
									onChange={(v) => set(it.id, v)}
									error={err}
									options={pts.map((p) => ({ value: String(p), label: texts.get(p) ? `${num(p)} – ${texts.get(p)}` : num(p, 1) }))}
								/>
							);
						}
						return (
							<TextField
								key={it.id}
								id={`${idPrefix}-item-${it.id}`}
								type="number"
								inputMode="text"
								label={`${label} (${num(it.range.min, 1)}–${num(it.range.max, 1)})`}
								optional={!it.required}
								value={state.answers[it.id] ?? ''}
								onInput={(v) => set(it.id, v)}
								error={err}
							/>
						);
					})}
				</div>
			)}
		</>
	);
}

/* What the form sends: {answers} or {score}; null with errors set when something is not a number. */
function collect(t: I18n['t'], measure: Measure, state: FormState, setErrors: (e: Record<string, string>) => void): { answers?: AnswerInput[]; score?: number } | null {
	const errs: Record<string, string> = {};
	if (state.mode === 'total') {
		const v = Number(state.total.replace(',', '.'));
		if (state.total.trim() === '' || !Number.isFinite(v)) {
			setErrors({ score: t('oc.field.number') });
			return null;
		}
		return { score: v };
	}
	const answers: AnswerInput[] = [];
	for (const it of measure.items) {
		const raw = (state.answers[it.id] ?? '').trim().replace(',', '.');
		if (raw === '') {
			if (it.required) answers.push({ item: it.id, value: null });
			continue;
		}
		const v = Number(raw);
		if (!Number.isFinite(v)) errs[`item:${it.id}`] = t('oc.field.number');
		else answers.push({ item: it.id, value: v });
	}
	setErrors(errs);
	return Object.keys(errs).length ? null : { answers };
}

/* The server's field names ("answers[3]", "score") as this form's. */
function serverErrors(err: ApiError, sent: AnswerInput[] | undefined, fieldText: (e: ApiError, f: string) => string | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const f of Object.keys(err.fields)) {
		const m = /^answers\[(\d+)\]$/.exec(f);
		const text = fieldText(err, f) ?? '';
		if (m && sent) {
			const a = sent[Number(m[1])];
			if (a) out[`item:${a.item}`] = text;
		} else out[f] = text;
	}
	return out;
}

interface EnterProps {
	clientId: number;
	measures: Measure[];
	/* The measure to start with: the client's primary one. */
	defaultId: number;
	nextSession: (instrumentId: number) => number;
	onClose: () => void;
	onDone: () => void;
}

export function EnterAnswersDialog({ clientId, measures, defaultId, nextSession, onClose, onDone }: EnterProps) {
	const { t, errorText, fieldText } = useI18n();
	const [measureId, setMeasureId] = useState(String(measures.find((m) => m.id === defaultId)?.id ?? measures[0]?.id ?? ''));
	const measure = measures.find((m) => String(m.id) === measureId);
	const [session, setSession] = useState(String(measure ? nextSession(measure.id) : 1));
	const [date, setDate] = useState(todayLocal());
	const [state, setState] = useState<FormState>(initialState());
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		if (!measure) return;
		const body = collect(t, measure, state, setErrors);
		if (!body) return;
		const errs: Record<string, string> = {};
		if (!/^\d+$/.test(session) || Number(session) < 1 || Number(session) > 1000) errs.session_number = t('field.range', { min: '1', max: '1000' });
		if (!isDay(date) || date > todayLocal()) errs.session_date = t('field.date');
		if (Object.keys(errs).length) {
			setErrors(errs);
			return;
		}
		setBusy(true);
		setError('');
		try {
			await oapi.enter(clientId, { instrument_id: measure.id, session_number: Number(session), session_date: date, ...body });
			onDone();
		} catch (err) {
			if (err instanceof ApiError) setErrors(serverErrors(err, body.answers, fieldText));
			setError(err instanceof ApiError && err.code === 'too_many_missing' ? t('oc.enter.tooManyMissing') : errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="enter-answers" title={t('oc.enter.title')} onClose={onClose} wide>
			<form class="form" onSubmit={submit} noValidate>
				<ErrorNotice>{error}</ErrorNotice>
				<SelectField
					id="enter-measure"
					label={t('oc.enter.measure')}
					value={measureId}
					onChange={(v) => {
						setMeasureId(v);
						setSession(String(nextSession(Number(v))));
						setState(initialState());
						setErrors({});
					}}
					options={measures.map((m) => ({ value: String(m.id), label: m.name }))}
				/>
				<div class="form-row">
					<TextField id="enter-session" type="number" inputMode="numeric" label={t('oc.enter.session')} value={session} onInput={setSession} error={errors.session_number} />
					<TextField id="enter-date" type="date" label={t('oc.enter.date')} value={date} onInput={setDate} error={errors.session_date} />
				</div>
				{measure && <AnswerFields idPrefix="enter" measure={measure} state={state} onState={setState} errors={errors} />}
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy}>
						{busy ? t('common.saving') : t('oc.enter.submit')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}

interface CorrectProps {
	row: ResponseRow;
	measure: Measure;
	onClose: () => void;
	onDone: () => void;
}

export function CorrectDialog({ row, measure, onClose, onDone }: CorrectProps) {
	const { t, errorText, fieldText, day } = useI18n();
	const [state, setState] = useState<FormState>(initialState(row));
	const [reason, setReason] = useState('');
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		const body = collect(t, measure, state, setErrors);
		if (!body) return;
		if (!reason.trim()) {
			setErrors({ reason: t('oc.correct.reasonNeeded') });
			document.getElementById('correct-reason')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			await oapi.correct(row.id, { reason: reason.trim(), ...body });
			onDone();
		} catch (err) {
			if (err instanceof ApiError) setErrors(serverErrors(err, body.answers, fieldText));
			setError(err instanceof ApiError && err.code === 'too_many_missing' ? t('oc.enter.tooManyMissing') : errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="correct-answers" title={t('oc.correct.title', { session: row.session_number, date: day(row.session_date) })} onClose={onClose} wide>
			<form class="form" onSubmit={submit} noValidate>
				<p class="hint">{t('oc.correct.intro')}</p>
				<ErrorNotice>{error}</ErrorNotice>
				<TextAreaField id="correct-reason" label={t('oc.correct.reason')} value={reason} onInput={setReason} rows={2} maxLength={2000} error={errors.reason} />
				<AnswerFields idPrefix="correct" measure={measure} state={state} onState={setState} errors={errors} />
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy}>
						{busy ? t('common.saving') : t('oc.correct.submit')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}
