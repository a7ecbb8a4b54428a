/* Therapist: the caseload in outcome monitoring, who needs attention first, and registering a
 * client with consent to outcome monitoring. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { AGE_BANDS, type AgeBand, ApiError, GENDERS, type Gender, type Institution, type PatientCase, api } from '../../api';
import { useApp } from '../../app-context';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, ErrorNotice, SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useFocusFallback } from '../../components/focus';
import { useI18n } from '../../i18n';
import { isDay, todayLocal } from '../../intake';
import { linkClick } from '../../router';
import { StatusBadge } from './badges';
import { type Measure, type OutcomeClient, type OutcomeStatus, oapi } from './oapi';
import { OC_ROUTES, clientPath } from './paths';
import '../../styles/outcomes.css';

interface RegisterProps {
	measures: Measure[];
	onClose: () => void;
	onDone: (id: number) => void;
}

function RegisterClientDialog({ measures, onClose, onDone }: RegisterProps) {
	const { t, errorText, fieldText } = useI18n();
	const [institutions, setInstitutions] = useState<Institution[] | null>(null);
	const [cases, setCases] = useState<PatientCase[]>([]);
	const outcome = measures.filter((m) => m.scoring.use === 'outcome');
	const [mode, setMode] = useState<'new' | 'existing'>('new');
	const [institution, setInstitution] = useState('');
	const [caseId, setCaseId] = useState('');
	const [measure, setMeasure] = useState(String(outcome.find((m) => m.code === 'phq-9')?.id ?? outcome[0]?.id ?? ''));
	const [consent, setConsent] = useState(false);
	const [date, setDate] = useState(todayLocal());
	const [age, setAge] = useState('');
	const [gender, setGender] = useState('');
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		api.listInstitutions().then(
			(r) => {
				setInstitutions(r.items);
				if (r.items.length === 1 && r.items[0]) setInstitution(String(r.items[0].id));
			},
			(e: unknown) => setError(errorText(e)),
		);
		api.listCases().then(
			(r) => setCases(r.items.filter((c) => !c.consent?.withdrawn_date)),
			() => undefined,
		);
	}, []);

	async function submit(e: Event) {
		e.preventDefault();
		const errs: Record<string, string> = {};
		if (mode === 'new' && !institution) errs.institution = t('field.required');
		if (mode === 'existing' && !caseId) errs.case = t('field.required');
		if (!measure) errs.measure = t('field.required');
		if (!isDay(date)) errs.date = t('field.date');
		else if (date > todayLocal()) errs.date = t('oc.register.future');
		if (!consent) errs.consent = t('oc.register.consentNeeded');
		setErrors(errs);
		const first = Object.keys(errs)[0];
		if (first) {
			document.getElementById(`reg-${first}`)?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			const body: Parameters<typeof oapi.register>[0] = { consent_date: date, instrument_id: Number(measure) };
			if (mode === 'new') {
				body.institution_id = Number(institution);
				if (age) body.age_band = age as AgeBand;
				if (gender) body.gender = gender as Gender;
			} else body.case_id = Number(caseId);
			const c = await oapi.register(body);
			onDone(c.id);
		} catch (err) {
			if (err instanceof ApiError) {
				const fe: Record<string, string> = {};
				const d = fieldText(err, 'consent_date');
				if (d) fe.date = d;
				const i = fieldText(err, 'institution_id');
				if (i) fe.institution = i;
				setErrors(fe);
			}
			setError(err instanceof ApiError && err.code === 'already_enrolled' ? t('oc.register.already') : errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="register-client" title={t('oc.register.title')} onClose={onClose}>
			<form class="form" onSubmit={submit} noValidate>
				<ErrorNotice>{error}</ErrorNotice>
				<SelectField
					id="reg-mode"
					label={t('oc.register.who')}
					value={mode}
					onChange={(v) => setMode(v === 'existing' ? 'existing' : 'new')}
					options={[
						{ value: 'new', label: t('oc.register.newCase') },
						{ value: 'existing', label: t('oc.register.existingCase') },
					]}
				/>
				{mode === 'new' ? (
					<>
						<SelectField
							id="reg-institution"
							label={t('oc.register.institution')}
							value={institution}
							onChange={setInstitution}
							error={errors.institution}
							options={[{ value: '', label: t('wizard.case.choose') }, ...(institutions ?? []).map((i) => ({ value: String(i.id), label: i.name }))]}
						/>
						<SelectField id="reg-age" label={t('case.ageBand')} optional value={age} onChange={setAge} options={[{ value: '', label: t('case.notGiven') }, ...AGE_BANDS.map((a) => ({ value: a, label: t(`age.${a}`) }))]} />
						<SelectField id="reg-gender" label={t('case.gender')} optional value={gender} onChange={setGender} options={[{ value: '', label: t('case.notGiven') }, ...GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))]} />
					</>
				) : (
					<SelectField
						id="reg-case"
						label={t('oc.register.case')}
						value={caseId}
						onChange={setCaseId}
						error={errors.case}
						options={[{ value: '', label: t('wizard.case.choose') }, ...cases.map((c) => ({ value: String(c.id), label: `${c.code} · ${c.institution_name}` }))]}
					/>
				)}
				<SelectField
					id="reg-measure"
					label={t('oc.register.measure')}
					hint={t('oc.register.measureHint')}
					value={measure}
					onChange={setMeasure}
					error={errors.measure}
					options={outcome.map((m) => ({ value: String(m.id), label: m.name }))}
				/>
				<CheckboxField id="reg-consent" label={t('oc.register.consent')} hint={t('oc.register.consentHint')} checked={consent} onChange={setConsent} error={errors.consent} />
				<TextField id="reg-date" type="date" label={t('oc.register.consentDate')} value={date} onInput={setDate} error={errors.date} />
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy}>
						{busy ? t('common.saving') : t('oc.register.submit')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}

export function ClientsPage() {
	const { t, num, day, errorText, locale } = useI18n();
	const { navigate } = useApp();
	const [items, setItems] = useState<OutcomeClient[] | null>(null);
	const [counts, setCounts] = useState<Record<OutcomeStatus, number> | null>(null);
	const [measures, setMeasures] = useState<Measure[]>([]);
	const [error, setError] = useState('');
	const [registering, setRegistering] = useState(false);
	const tableRef = useRef<HTMLDivElement>(null);
	useFocusFallback(tableRef, [items]);

	useEffect(() => {
		let live = true;
		oapi.clients().then(
			(r) => {
				if (!live) return;
				setItems(r.items);
				setCounts(r.counts);
			},
			(e: unknown) => live && setError(errorText(e)),
		);
		oapi.measures(locale).then(
			(r) => live && setMeasures(r.items),
			() => undefined,
		);
		return () => {
			live = false;
		};
	}, []);

	const shown = (Object.entries(counts ?? {}) as [OutcomeStatus, number][]).filter(([, n]) => n > 0);

	return (
		<div class="page">
			<div class="page-head">
				<PageHeading>{t('oc.clients.title')}</PageHeading>
				<div class="button-row">
					<button type="button" class="button button-primary" onClick={() => setRegistering(true)} disabled={!measures.length}>
						{t('oc.clients.register')}
					</button>
					<a class="button" href={OC_ROUTES.effectiveness} onClick={(e) => linkClick(e, navigate, OC_ROUTES.effectiveness)}>
						{t('oc.eff.title')}
					</a>
				</div>
			</div>
			<p class="lead">{t('oc.clients.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{shown.length > 0 && (
				<ul class="oc-counts" aria-label={t('oc.clients.countsLabel')}>
					{shown.map(([s, n]) => (
						<li key={s}>
							<StatusBadge status={s} /> <span class="oc-count">{n}</span>
						</li>
					))}
				</ul>
			)}
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && items.length === 0 && <p class="empty">{t('oc.clients.empty')}</p>}
			{items !== null && items.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby="oc-clients-caption" tabIndex={0} ref={tableRef}>
					<table class="table">
						<caption id="oc-clients-caption" class="visually-hidden">
							{t('oc.clients.caption')}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('oc.clients.colCode')}</th>
								<th scope="col">{t('oc.clients.colStatus')}</th>
								<th scope="col">{t('oc.clients.colMeasure')}</th>
								<th scope="col" class="num">
									{t('oc.clients.colIntake')}
								</th>
								<th scope="col" class="num">
									{t('oc.clients.colLatest')}
								</th>
								<th scope="col">{t('oc.clients.colLastScore')}</th>
							</tr>
						</thead>
						<tbody>
							{items.map((c) => (
								<tr key={c.id} class={c.withdrawn ? 'row-disabled' : undefined}>
									<th scope="row" class="mono nowrap">
										<a href={clientPath(c.id)} onClick={(e) => linkClick(e, navigate, clientPath(c.id))}>
											{c.code}
										</a>
									</th>
									<td>
										<StatusBadge status={c.status} />
										{c.alert && <span class="badge badge-warn oc-badge-alarm oc-alert-badge">{t('oc.clients.riskAnswer')}</span>}
									</td>
									<td>{c.instrument_name}</td>
									<td class="num">{c.intake === null ? t('common.none') : num(c.intake, 1)}</td>
									<td class="num">{c.latest === null ? t('common.none') : num(c.latest, 1)}</td>
									<td>{c.latest_date ? day(c.latest_date) : t('oc.clients.noScores')}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{registering && <RegisterClientDialog measures={measures} onClose={() => setRegistering(false)} onDone={(id) => navigate(clientPath(id))} />}
		</div>
	);
}
