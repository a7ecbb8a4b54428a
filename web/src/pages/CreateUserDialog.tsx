/* Creating a user account; the one-time password is shown once afterwards. */
import { useState } from 'preact/hooks';
import { ApiError, ROLES, api, type Role } from '../api';
import { useApp } from '../app-context';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, SaveCancel, SelectField, TextField } from '../components/Field';
import { SecretValue } from '../components/SecretValue';
import { useI18n } from '../i18n';

interface Props {
	onClose: () => void;
	onCreated: () => void;
}

type Errors = Partial<Record<'email' | 'display_name' | 'role' | 'institution_id', string>>;

export function CreateUserDialog({ onClose, onCreated }: Props) {
	const { t, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const [email, setEmail] = useState('');
	const [name, setName] = useState('');
	const [role, setRole] = useState<Role>('therapist');
	const [institution, setInstitution] = useState('');
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [created, setCreated] = useState<{ email: string; otp: string } | null>(null);

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: Errors = {};
		const em = email.trim();
		if (!em) errs.email = t('field.required');
		else if (!/^[^\s@]+@[^\s@]+$/.test(em)) errs.email = t('field.email');
		const inst = institution.trim();
		if (inst && !/^\d+$/.test(inst)) errs.institution_id = t('users.invalidInstitution');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			document.getElementById(errs.email ? 'cu-email' : 'cu-institution')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			const body: { email: string; role: Role; display_name?: string; institution_id?: number } = { email: em, role };
			if (name.trim()) body.display_name = name.trim();
			if (inst) body.institution_id = Number(inst);
			const r = await api.createUser(body);
			setCreated({ email: r.user.email, otp: r.one_time_password });
			announce(t('users.created', { email: r.user.email }));
			onCreated();
			/* The form is gone: put the keyboard on the password to copy. */
			window.setTimeout(() => document.getElementById('cu-otp')?.focus(), 0);
		} catch (err) {
			if (err instanceof ApiError) {
				const fe: Errors = {};
				for (const f of ['email', 'display_name', 'role', 'institution_id'] as const) {
					const m = fieldText(err, f);
					if (m) fe[f] = m;
				}
				if (err.code === 'email_taken' && !fe.email) fe.email = errorText(err);
				setErrors(fe);
				setError(Object.keys(fe).length ? t('error.fixFields') : errorText(err));
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="create-user" title={t('users.createTitle')} onClose={onClose}>
			{created ? (
				<div class="created">
					<p class="notice notice-success">{t('users.created', { email: created.email })}</p>
					<p>{t('users.otpIntro', { email: created.email })}</p>
					<SecretValue id="cu-otp" label={t('users.otpLabel')} value={created.otp} once />
					<div class="form-actions">
						<button type="button" class="button button-primary" onClick={onClose}>
							{t('common.done')}
						</button>
					</div>
				</div>
			) : (
				<form class="form" onSubmit={submit} noValidate>
					<ErrorNotice>{error}</ErrorNotice>
					<TextField id="cu-email" label={t('users.email')} type="email" value={email} onInput={setEmail} required autoComplete="off" spellcheck={false} error={errors.email} />
					<TextField id="cu-name" label={t('users.displayName')} value={name} onInput={setName} optional autoComplete="off" error={errors.display_name} />
					<SelectField
						id="cu-role"
						label={t('users.role')}
						value={role}
						onChange={(v) => setRole(v as Role)}
						options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
						error={errors.role}
					/>
					<TextField
						id="cu-institution"
						label={t('users.institution')}
						hint={t('users.institutionHint')}
						inputMode="numeric"
						value={institution}
						onInput={setInstitution}
						optional
						error={errors.institution_id}
					/>
					<SaveCancel busy={busy} label={t('users.createSubmit')} onCancel={onClose} />
				</form>
			)}
		</Dialog>
	);
}
