/* Step 2: the therapist declares the patient's written consent for the case — when it was signed and
 * what it covers — and may upload a scan of the form. The declaration belongs to the case, so it is
 * saved there and serves every later submission of the same patient. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, consentFormUrl, type PatientCase, type Submission } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, FileField, RadioField, TextField } from '../../components/Field';
import { StepActions, StepHeading } from '../../components/WizardSteps';
import { useI18n } from '../../i18n';
import { FORM_TYPES, MAX_DOCUMENT_BYTES, isDay, todayLocal } from '../../intake';
import { submissionPath } from '../../router';

type YesNo = '' | 'yes' | 'no';
type Errors = Partial<Record<'date' | 'qa' | 'training' | 'research' | 'form', string>>;

const yn = (b: boolean | undefined): YesNo => (b === undefined ? '' : b ? 'yes' : 'no');

export function ConsentStep({ sub }: { sub: Submission }) {
	const { t, day, errorText, fieldText } = useI18n();
	const { navigate } = useApp();
	const [pcase, setCase] = useState<PatientCase | null>(null);
	const [loadError, setLoadError] = useState('');
	const [date, setDate] = useState('');
	const [qa, setQa] = useState<YesNo>('');
	const [training, setTraining] = useState<YesNo>('');
	const [research, setResearch] = useState<YesNo>('');
	const [file, setFile] = useState<File | null>(null);
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let live = true;
		api.getCase(sub.case_id).then(
			(c) => {
				if (!live) return;
				setCase(c);
				if (c.consent) {
					setDate(c.consent.signed_date);
					setQa(yn(c.consent.quality_assurance));
					setTraining(yn(c.consent.rater_training));
					setResearch(yn(c.consent.research));
				}
			},
			(err: unknown) => live && setLoadError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	function check(): Errors {
		const errs: Errors = {};
		if (!date) errs.date = t('wizard.consent.dateRequired');
		else if (!isDay(date)) errs.date = t('field.date');
		else if (date > todayLocal()) errs.date = t('wizard.consent.dateFuture');
		if (!qa) errs.qa = t('wizard.answerYesNo');
		if (!training) errs.training = t('wizard.answerYesNo');
		if (!research) errs.research = t('wizard.answerYesNo');
		if (file && !FORM_TYPES.includes(file.type)) errs.form = t('wizard.consent.formType');
		else if (file && file.size > MAX_DOCUMENT_BYTES) errs.form = t('wizard.fileTooLarge', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 });
		return errs;
	}

	function focusFirst(errs: Errors) {
		const id = errs.date ? 'cs-date' : errs.qa ? 'cs-qa-yes' : errs.training ? 'cs-training-yes' : errs.research ? 'cs-research-yes' : errs.form ? 'cs-form' : null;
		if (id) document.getElementById(id)?.focus();
	}

	function changed(c: PatientCase): boolean {
		const k = c.consent;
		return !k || k.signed_date !== date || yn(k.quality_assurance) !== qa || yn(k.rater_training) !== training || yn(k.research) !== research;
	}

	/* Saves the declaration (when it changed) and the scan (when one was chosen); true when all went well. */
	async function save(): Promise<boolean> {
		if (!pcase) return false;
		setError('');
		try {
			let c = pcase;
			if (changed(c)) {
				c = await api.declareConsent(c.id, { signed_date: date, quality_assurance: qa === 'yes', rater_training: training === 'yes', research: research === 'yes' });
				setCase(c);
			}
			if (file) {
				c = await api.uploadConsentForm(c.id, file, file.type);
				setCase(c);
				setFile(null);
			}
			return true;
		} catch (err) {
			if (err instanceof ApiError) {
				const fe: Errors = {};
				const d = fieldText(err, 'signed_date');
				if (d) fe.date = d;
				for (const [k, f] of [['qa', 'quality_assurance'], ['training', 'rater_training'], ['research', 'research']] as const) {
					const m = fieldText(err, f);
					if (m) fe[k] = m;
				}
				if (err.status === 413 || err.code === 'unsupported_file' || err.code === 'empty_file') fe.form = err.code === 'unsupported_file' ? t('wizard.consent.formType') : errorText(err);
				setErrors(fe);
				setError(Object.keys(fe).length ? t('error.fixFields') : errorText(err));
				focusFirst(fe);
			} else setError(errorText(err));
			return false;
		}
	}

	async function go(e: Event | null, to: 'case' | 'session') {
		e?.preventDefault();
		if (busy) return;
		const errs = check();
		if (to === 'case' && Object.keys(errs).length) {
			/* Going back with a half-filled declaration: nothing complete to save, nothing saved. */
			navigate(submissionPath(sub.id, 'case'));
			return;
		}
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			focusFirst(errs);
			return;
		}
		setBusy(true);
		const ok = await save();
		setBusy(false);
		if (ok) navigate(submissionPath(sub.id, to));
	}

	const yesNo = [
		{ value: 'yes', label: t('common.yes') },
		{ value: 'no', label: t('common.no') },
	];

	if (loadError) return <ErrorNotice>{loadError}</ErrorNotice>;
	if (!pcase) return <p class="loading">{t('common.loading')}</p>;

	const withdrawn = pcase.consent?.withdrawn_date;
	if (withdrawn) {
		return (
			<div>
				<StepHeading step="consent" />
				<div class="notice notice-error" role="alert">
					{t('wizard.consent.withdrawn', { code: pcase.code, date: day(withdrawn) })}
				</div>
				<div class="form-actions">
					<button type="button" class="button button-primary" onClick={() => navigate(submissionPath(sub.id, 'case'))}>
						{t('wizard.consent.pickAnother')}
					</button>
				</div>
			</div>
		);
	}

	return (
		<form class="form" onSubmit={(e) => go(e, 'session')} noValidate>
			<StepHeading step="consent" />
			<p>{t('wizard.consent.intro', { code: pcase.code })}</p>
			{pcase.consent && <p class="hint">{t('wizard.consent.already', { date: day(pcase.consent.signed_date) })}</p>}
			<ErrorNotice>{error}</ErrorNotice>
			<TextField id="cs-date" label={t('consent.signedDate')} type="date" value={date} onInput={setDate} required error={errors.date} class="field-date" />
			<fieldset class="fieldset">
				<legend>{t('wizard.consent.scopeLegend')}</legend>
				<p class="hint">{t('wizard.consent.scopeHint')}</p>
				<RadioField id="cs-qa" label={t('consent.qa')} inline value={qa} onChange={(v) => setQa(v as YesNo)} options={yesNo} error={errors.qa} />
				{qa === 'no' && <p class="notice notice-warn">{t('wizard.consent.qaNeeded')}</p>}
				<RadioField id="cs-training" label={t('consent.training')} inline value={training} onChange={(v) => setTraining(v as YesNo)} options={yesNo} error={errors.training} />
				<RadioField id="cs-research" label={t('consent.research')} inline value={research} onChange={(v) => setResearch(v as YesNo)} options={yesNo} error={errors.research} />
			</fieldset>
			{pcase.consent?.has_form && (
				<p>
					{t('wizard.consent.formOnFile')}{' '}
					<a href={consentFormUrl(pcase.id)} target="_blank" rel="noopener">
						{t('wizard.consent.viewForm')}
						<span class="visually-hidden"> ({t('common.newTab')})</span>
					</a>
				</p>
			)}
			<FileField
				id="cs-form"
				label={pcase.consent?.has_form ? t('wizard.consent.replaceForm') : t('wizard.consent.form')}
				hint={t('wizard.consent.formHint')}
				optional
				accept={FORM_TYPES.join(',')}
				onFile={setFile}
				error={errors.form}
			/>
			<StepActions busy={busy} onBack={() => go(null, 'case')} />
		</form>
	);
}
