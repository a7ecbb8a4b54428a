/* Lab admin: registering an institution or changing its details, contact and retention policy. */
import { useState } from 'preact/hooks';
import { ApiError, COUNTRIES, api, type Country, type Institution, type InstitutionInput } from '../api';
import { useApp } from '../app-context';
import { Dialog } from '../components/Dialog';
import { CheckboxField, ErrorNotice, SelectField, TextAreaField, TextField } from '../components/Field';
import { useI18n } from '../i18n';

interface Props {
	/* null: a new institution. */
	institution: Institution | null;
	onClose: () => void;
	onSaved: (i: Institution) => void;
}

const FIELDS = ['name', 'org_number', 'country', 'address', 'contact_name', 'contact_email', 'contact_phone', 'retention_days', 'keep_ratings_for_research'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;

export const DEFAULT_RETENTION_DAYS = 30;

/* The shape of an organisation number in each country; the server also checks the check digit. */
export function orgNumberProblem(country: string, value: string): 'digits9' | 'digits8' | 'digits10' | null {
	const digits = value.replace(/[\s.-]/g, '');
	if (!digits) return null;
	if (country === 'NO' && !/^\d{9}$/.test(digits)) return 'digits9';
	if (country === 'DK' && !/^\d{8}$/.test(digits)) return 'digits8';
	if (country === 'SE' && !/^\d{10}$/.test(digits)) return 'digits10';
	return null;
}

export function InstitutionDialog({ institution, onClose, onSaved }: Props) {
	const { t, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const i = institution;
	const [name, setName] = useState(i?.name ?? '');
	const [orgNumber, setOrgNumber] = useState(i?.org_number ?? '');
	const [country, setCountry] = useState<string>(i?.country ?? 'NO');
	const [address, setAddress] = useState(i?.address ?? '');
	const [contactName, setContactName] = useState(i?.contact_name ?? '');
	const [contactEmail, setContactEmail] = useState(i?.contact_email ?? '');
	const [contactPhone, setContactPhone] = useState(i?.contact_phone ?? '');
	const [retention, setRetention] = useState(String(i?.retention_days ?? DEFAULT_RETENTION_DAYS));
	const [keepRatings, setKeepRatings] = useState(i?.keep_ratings_for_research ?? false);
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	const ids: Record<Field, string> = {
		name: 'inst-name',
		org_number: 'inst-org',
		country: 'inst-country',
		address: 'inst-address',
		contact_name: 'inst-contact-name',
		contact_email: 'inst-contact-email',
		contact_phone: 'inst-contact-phone',
		retention_days: 'inst-retention',
		keep_ratings_for_research: 'inst-keep',
	};

	function focusFirst(errs: Errors) {
		const f = FIELDS.find((k) => errs[k]);
		if (f) document.getElementById(ids[f])?.focus();
	}

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: Errors = {};
		if (!name.trim()) errs.name = t('field.required');
		const org = orgNumberProblem(country, orgNumber);
		if (org) errs.org_number = t(`institution.org.${org}`);
		const em = contactEmail.trim();
		if (em && !/^[^\s@]+@[^\s@]+$/.test(em)) errs.contact_email = t('field.email');
		const r = retention.trim();
		if (!/^\d+$/.test(r) || Number(r) > 3650) errs.retention_days = t('institution.retentionRange');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			focusFirst(errs);
			return;
		}
		const opt = (v: string) => (v.trim() ? v.trim() : null);
		const body: InstitutionInput = {
			name: name.trim(),
			org_number: opt(orgNumber.replace(/[\s.-]/g, '')),
			country: country as Country,
			address: opt(address),
			contact_name: opt(contactName),
			contact_email: opt(em),
			contact_phone: opt(contactPhone),
			retention_days: Number(r),
			keep_ratings_for_research: keepRatings,
		};
		setBusy(true);
		setError('');
		try {
			const saved = i ? await api.updateInstitution(i.id, body) : await api.createInstitution(body);
			setBusy(false);
			onSaved(saved);
			/* After onSaved: it may navigate, which clears the status line. */
			announce(t(i ? 'institution.saved' : 'institution.registered', { name: saved.name }));
			return;
		} catch (err) {
			if (err instanceof ApiError) {
				const fe: Errors = {};
				for (const f of FIELDS) {
					const m = fieldText(err, f);
					if (m) fe[f] = m;
				}
				if (err.code === 'name_taken' && !fe.name) fe.name = errorText(err);
				setErrors(fe);
				setError(Object.keys(fe).length ? t('error.fixFields') : errorText(err));
				focusFirst(fe);
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="institution-form" title={i ? t('institution.editTitle', { name: i.name }) : t('institution.createTitle')} onClose={onClose} wide>
			<form class="form" onSubmit={submit} noValidate>
				<ErrorNotice>{error}</ErrorNotice>
				<TextField id="inst-name" label={t('institution.name')} value={name} onInput={setName} required maxLength={200} autoComplete="off" error={errors.name} />
				<div class="form-grid">
					<SelectField
						id="inst-country"
						label={t('institution.country')}
						value={country}
						onChange={setCountry}
						options={COUNTRIES.map((c) => ({ value: c, label: t(`country.${c}`) }))}
						error={errors.country}
					/>
					<TextField
						id="inst-org"
						label={t('institution.orgNumber')}
						hint={t('institution.orgHint')}
						optional
						inputMode="numeric"
						value={orgNumber}
						onInput={setOrgNumber}
						maxLength={20}
						autoComplete="off"
						spellcheck={false}
						error={errors.org_number}
					/>
				</div>
				<TextAreaField id="inst-address" label={t('institution.address')} optional rows={3} maxLength={500} value={address} onInput={setAddress} error={errors.address} />
				<fieldset class="fieldset">
					<legend>{t('institution.contact')}</legend>
					<div class="form-grid">
						<TextField id="inst-contact-name" label={t('institution.contactName')} optional value={contactName} onInput={setContactName} maxLength={200} autoComplete="off" error={errors.contact_name} />
						<TextField
							id="inst-contact-email"
							label={t('institution.contactEmail')}
							optional
							type="email"
							value={contactEmail}
							onInput={setContactEmail}
							maxLength={254}
							autoComplete="off"
							spellcheck={false}
							error={errors.contact_email}
						/>
						<TextField
							id="inst-contact-phone"
							label={t('institution.contactPhone')}
							optional
							type="tel"
							inputMode="tel"
							value={contactPhone}
							onInput={setContactPhone}
							maxLength={40}
							autoComplete="off"
							error={errors.contact_phone}
						/>
					</div>
				</fieldset>
				<fieldset class="fieldset">
					<legend>{t('institution.retention')}</legend>
					<TextField
						id="inst-retention"
						label={t('institution.retentionDays')}
						hint={t('institution.retentionHint', { n: DEFAULT_RETENTION_DAYS })}
						type="number"
						inputMode="numeric"
						min={0}
						max={3650}
						value={retention}
						onInput={setRetention}
						required
						error={errors.retention_days}
						class="field-narrow"
					/>
					<CheckboxField
						id="inst-keep"
						label={t('institution.keepRatings')}
						hint={t('institution.keepRatingsHint')}
						checked={keepRatings}
						onChange={setKeepRatings}
						error={errors.keep_ratings_for_research}
					/>
				</fieldset>
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy}>
						{busy ? t('common.saving') : i ? t('institution.save') : t('institution.create')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}
