/* Step 1: which patient the session is with — an existing pseudonymous case, or a new one. Never a name.
 * Leaving this step creates the draft on the server (or moves it to another case). */
import { useEffect, useState } from 'preact/hooks';
import { AGE_BANDS, ApiError, GENDERS, api, type AgeBand, type Gender, type Institution, type PatientCase, type Submission } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, InfoNotice, RadioField, SelectField } from '../../components/Field';
import { StepActions, StepHeading } from '../../components/WizardSteps';
import { useI18n } from '../../i18n';
import { consentActive } from '../../intake';
import { submissionPath } from '../../router';
import { caseLabel } from '../CasesPage';

export function CaseStep({ sub }: { sub: Submission | null }) {
	const { t, errorText, fieldText } = useI18n();
	const i18n = useI18n();
	const { navigate } = useApp();
	const [institutions, setInstitutions] = useState<Institution[] | null>(null);
	const [institutionId, setInstitutionId] = useState(sub ? String(sub.institution_id) : '');
	const [cases, setCases] = useState<PatientCase[] | null>(null);
	const [mode, setMode] = useState<'existing' | 'new'>('existing');
	const [caseId, setCaseId] = useState(sub ? String(sub.case_id) : '');
	const [ageBand, setAgeBand] = useState('');
	const [gender, setGender] = useState('');
	const [errors, setErrors] = useState<{ institution?: string; case?: string }>({});
	const [error, setError] = useState('');
	const [loadError, setLoadError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let live = true;
		api.listInstitutions().then(
			(r) => {
				if (!live) return;
				setInstitutions(r.items);
				const only = r.items[0];
				if (!institutionId && r.items.length === 1 && only) setInstitutionId(String(only.id));
			},
			(err: unknown) => live && setLoadError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	useEffect(() => {
		if (!institutionId) {
			setCases(null);
			return undefined;
		}
		let live = true;
		setCases(null);
		api.listCases(Number(institutionId)).then(
			(r) => {
				if (!live) return;
				setCases(r.items);
				/* Nothing to pick from: start a new case. */
				if (!r.items.some(consentUsable)) setMode('new');
				if (caseId && !r.items.some((c) => String(c.id) === caseId)) setCaseId('');
			},
			(err: unknown) => live && setLoadError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [institutionId]);

	/* A case whose consent was withdrawn cannot carry a new submission. */
	function consentUsable(c: PatientCase) {
		return !c.consent || consentActive(c);
	}

	async function next(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: { institution?: string; case?: string } = {};
		if (!institutionId) errs.institution = t('wizard.case.pickInstitution');
		else if (mode === 'existing' && !caseId) errs.case = t('wizard.case.pickCase');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			document.getElementById(errs.institution ? 'wc-institution' : 'wc-case')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			let cid = Number(caseId);
			if (mode === 'new') {
				const body: { institution_id: number; age_band?: AgeBand; gender?: Gender } = { institution_id: Number(institutionId) };
				if (ageBand) body.age_band = ageBand as AgeBand;
				if (gender) body.gender = gender as Gender;
				const c = await api.createCase(body);
				cid = c.id;
			}
			let id: number;
			if (sub) {
				if (sub.case_id !== cid) await api.updateSubmission(sub.id, { case_id: cid });
				id = sub.id;
			} else {
				id = (await api.createSubmission({ case_id: cid })).id;
			}
			setBusy(false);
			navigate(submissionPath(id, 'consent'));
			return;
		} catch (err) {
			const fe = err instanceof ApiError ? fieldText(err, 'case_id') ?? fieldText(err, 'institution_id') : undefined;
			if (fe) setErrors(mode === 'existing' ? { case: fe } : { institution: fe });
			setError(errorText(err));
		}
		setBusy(false);
	}

	const usable = (cases ?? []).filter(consentUsable);
	const withdrawn = (cases ?? []).length - usable.length;

	return (
		<form class="form" onSubmit={next} noValidate>
			<StepHeading step="case" />
			<p>{t('wizard.case.intro')}</p>
			<InfoNotice>{t('wizard.case.noNames')}</InfoNotice>
			<ErrorNotice>{loadError || error}</ErrorNotice>
			{institutions === null && !loadError && <p class="loading">{t('common.loading')}</p>}
			{institutions !== null && institutions.length === 0 && <p class="notice notice-warn">{t('wizard.case.noInstitution')}</p>}
			{institutions !== null && institutions.length > 0 && (
				<>
					<SelectField
						id="wc-institution"
						label={t('wizard.case.institution')}
						value={institutionId}
						onChange={(v) => setInstitutionId(v)}
						options={[{ value: '', label: t('wizard.case.choose') }, ...institutions.map((i) => ({ value: String(i.id), label: i.name }))]}
						error={errors.institution}
					/>
					{institutionId && cases === null && !loadError && <p class="loading">{t('common.loading')}</p>}
					{institutionId && cases !== null && (
						<>
							{usable.length > 0 && (
								<RadioField
									id="wc-mode"
									label={t('wizard.case.which')}
									value={mode}
									onChange={(v) => setMode(v === 'new' ? 'new' : 'existing')}
									options={[
										{ value: 'existing', label: t('wizard.case.existing') },
										{ value: 'new', label: t('wizard.case.new') },
									]}
								/>
							)}
							{mode === 'existing' && usable.length > 0 ? (
								<SelectField
									id="wc-case"
									label={t('wizard.case.case')}
									hint={withdrawn > 0 ? t('wizard.case.withdrawnHidden', { n: withdrawn }) : undefined}
									value={caseId}
									onChange={setCaseId}
									options={[{ value: '', label: t('wizard.case.choose') }, ...usable.map((c) => ({ value: String(c.id), label: caseLabel(i18n, c) }))]}
									error={errors.case}
								/>
							) : (
								<fieldset class="fieldset">
									<legend>{t('wizard.case.newLegend')}</legend>
									<p class="hint">{t('wizard.case.newHint')}</p>
									<SelectField
										id="wc-age"
										label={t('case.ageBand')}
										optional
										value={ageBand}
										onChange={setAgeBand}
										options={[{ value: '', label: t('case.notGiven') }, ...AGE_BANDS.map((a) => ({ value: a, label: t(`age.${a}`) }))]}
									/>
									<SelectField
										id="wc-gender"
										label={t('case.gender')}
										optional
										value={gender}
										onChange={setGender}
										options={[{ value: '', label: t('case.notGiven') }, ...GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))]}
									/>
								</fieldset>
							)}
						</>
					)}
				</>
			)}
			{institutions !== null && institutions.length > 0 && <StepActions busy={busy} />}
		</form>
	);
}
