/* Step 3: what the raters need to know about the session — when, which session, where in the
 * treatment, individual or group, which scale to rate it on, and the therapist's own questions. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, MODALITIES, TREATMENT_PHASES, api, type Instrument, type Modality, type Submission, type SubmissionInput, type TreatmentPhase } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, RadioField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { StepActions, StepHeading } from '../../components/WizardSteps';
import { useI18n } from '../../i18n';
import { isDay, todayLocal } from '../../intake';
import { submissionPath } from '../../router';

const FIELDS = ['session_date', 'session_number', 'treatment_phase', 'modality', 'instrument_id', 'questions'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;

const FIELD_ID: Record<Field, string> = {
	session_date: 'ss-date',
	session_number: 'ss-number',
	treatment_phase: 'ss-phase-early',
	modality: 'ss-modality-individual',
	instrument_id: 'ss-instrument',
	questions: 'ss-questions',
};

export const QUESTIONS_MAX = 4000;

export function SessionStep({ sub }: { sub: Submission }) {
	const { t, errorText, fieldText } = useI18n();
	const { navigate } = useApp();
	const [date, setDate] = useState(sub.session_date ?? '');
	const [number, setNumber] = useState(sub.session_number ? String(sub.session_number) : '');
	const [phase, setPhase] = useState<string>(sub.treatment_phase ?? '');
	const [modality, setModality] = useState<string>(sub.modality ?? '');
	const [instrument, setInstrument] = useState(sub.instrument_id ? String(sub.instrument_id) : '');
	const [questions, setQuestions] = useState(sub.questions ?? '');
	const [instruments, setInstruments] = useState<Instrument[] | null>(null);
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let live = true;
		api.listInstruments().then(
			(r) => {
				if (!live) return;
				/* Sessions are rated on fidelity scales; outcome measures are the client's. */
				const scales = r.items.filter((i) => i.kind === 'fidelity');
				setInstruments(scales);
				const only = scales[0];
				if (!instrument && scales.length === 1 && only) setInstrument(String(only.id));
			},
			(err: unknown) => {
				if (!live) return;
				setInstruments([]);
				setError(errorText(err));
			},
		);
		return () => {
			live = false;
		};
	}, []);

	function focusFirst(errs: Errors) {
		const f = FIELDS.find((k) => errs[k]);
		if (f) document.getElementById(FIELD_ID[f])?.focus();
	}

	/* What the raters need before the requisition can be sent; the rest may wait. */
	function check(): Errors {
		const errs: Errors = {};
		if (!date) errs.session_date = t('field.required');
		else if (!isDay(date)) errs.session_date = t('field.date');
		else if (date > todayLocal()) errs.session_date = t('wizard.session.dateFuture');
		const n = number.trim();
		if (!n) errs.session_number = t('field.required');
		else if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > 9999) errs.session_number = t('wizard.session.numberRange');
		if (!phase) errs.treatment_phase = t('wizard.session.pickPhase');
		if (!modality) errs.modality = t('wizard.session.pickModality');
		if (!instrument) errs.instrument_id = t('wizard.session.pickInstrument');
		return errs;
	}

	function body(): SubmissionInput {
		const n = number.trim();
		return {
			session_date: isDay(date) ? date : null,
			session_number: /^\d+$/.test(n) && Number(n) >= 1 && Number(n) <= 9999 ? Number(n) : null,
			treatment_phase: phase ? (phase as TreatmentPhase) : null,
			modality: modality ? (modality as Modality) : null,
			instrument_id: instrument ? Number(instrument) : null,
			questions: questions.trim() ? questions : null,
		};
	}

	/* Saves whatever is filled in, complete or not: a draft keeps half-done work. */
	async function save(): Promise<boolean> {
		setError('');
		try {
			await api.updateSubmission(sub.id, body());
			return true;
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: Errors = {};
				for (const f of FIELDS) {
					const m = fieldText(err, f);
					if (m) fe[f] = m;
				}
				setErrors(fe);
				setError(err.code === 'identity_number' ? t('error.identity_number') : t('error.fixFields'));
				focusFirst(fe);
			} else setError(errorText(err));
			return false;
		}
	}

	async function go(e: Event | null, to: 'consent' | 'declarations') {
		e?.preventDefault();
		if (busy) return;
		setBusy(true);
		setErrors({});
		const ok = await save();
		setBusy(false);
		if (!ok) return;
		if (to === 'declarations') {
			const errs = check();
			if (Object.keys(errs).length) {
				setErrors(errs);
				setError(t('wizard.session.savedIncomplete'));
				focusFirst(errs);
				return;
			}
		}
		navigate(submissionPath(sub.id, to));
	}

	const instrumentOptions = [{ value: '', label: t('wizard.case.choose') }, ...(instruments ?? []).map((i) => ({ value: String(i.id), label: `${i.name} (${i.version})` }))];

	return (
		<form class="form" onSubmit={(e) => go(e, 'declarations')} noValidate>
			<StepHeading step="session" />
			<p>{t('wizard.session.intro', { code: sub.case_code })}</p>
			<ErrorNotice>{error}</ErrorNotice>
			<div class="form-grid">
				<TextField id="ss-date" label={t('session.date')} type="date" value={date} onInput={setDate} required error={errors.session_date} class="field-date" />
				<TextField
					id="ss-number"
					label={t('session.number')}
					hint={t('wizard.session.numberHint')}
					type="number"
					inputMode="numeric"
					min={1}
					max={9999}
					value={number}
					onInput={setNumber}
					required
					error={errors.session_number}
					class="field-narrow"
				/>
			</div>
			<RadioField
				id="ss-phase"
				label={t('session.phase')}
				hint={t('wizard.session.phaseHint')}
				inline
				value={phase}
				onChange={setPhase}
				options={TREATMENT_PHASES.map((p) => ({ value: p, label: t(`phase.${p}`) }))}
				error={errors.treatment_phase}
			/>
			<RadioField
				id="ss-modality"
				label={t('session.modality')}
				inline
				value={modality}
				onChange={setModality}
				options={MODALITIES.map((m) => ({ value: m, label: t(`modality.${m}`) }))}
				error={errors.modality}
			/>
			{instruments === null ? (
				<p class="loading">{t('common.loading')}</p>
			) : (
				<SelectField
					id="ss-instrument"
					label={t('session.instrument')}
					hint={instruments.length === 0 ? t('wizard.session.noInstruments') : t('wizard.session.instrumentHint')}
					value={instrument}
					onChange={setInstrument}
					options={instrumentOptions}
					error={errors.instrument_id}
				/>
			)}
			<TextAreaField
				id="ss-questions"
				label={t('session.questions')}
				hint={t('wizard.session.questionsHint')}
				optional
				rows={6}
				maxLength={QUESTIONS_MAX}
				value={questions}
				onInput={setQuestions}
				error={errors.questions}
			/>
			<StepActions busy={busy} onBack={() => go(null, 'consent')} />
		</form>
	);
}
