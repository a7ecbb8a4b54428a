/* One's own account: display name, language, password and two-step sign-in. */
import { useState } from 'preact/hooks';
import { ApiError, LOCALES, api } from '../api';
import { useApp } from '../app-context';
import { ErrorNotice, SelectField, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { PasswordForm } from '../components/PasswordForm';
import { TotpEnrolment } from '../components/TotpEnrolment';
import { isLocale, useI18n } from '../i18n';

export function AccountPage() {
	const { t, locale, errorText, fieldText } = useI18n();
	const { user, setUser, announce, setLocale } = useApp();
	const [name, setName] = useState(user.display_name);
	const [nameError, setNameError] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [enrolling, setEnrolling] = useState(false);

	async function saveProfile(e: Event) {
		e.preventDefault();
		if (busy) return;
		setBusy(true);
		setError('');
		setNameError('');
		try {
			const u = await api.updateMe({ display_name: name.trim() });
			setUser(u);
			announce(t('account.saved'));
		} catch (err) {
			const fe = err instanceof ApiError ? fieldText(err, 'display_name') : undefined;
			if (fe) setNameError(fe);
			setError(fe ? t('error.fixFields') : errorText(err));
		}
		setBusy(false);
	}

	return (
		<div class="page">
			<PageHeading>{t('account.title')}</PageHeading>
			<div class="cards cards-2">
				<section class="card" aria-labelledby="acc-profile-h">
					<h2 id="acc-profile-h">{t('account.profile')}</h2>
					<dl class="facts">
						<div>
							<dt>{t('account.email')}</dt>
							<dd class="break">{user.email}</dd>
						</div>
						<div>
							<dt>{t('account.role')}</dt>
							<dd>{t(`role.${user.role}`)}</dd>
						</div>
					</dl>
					<form class="form" onSubmit={saveProfile} noValidate>
						<ErrorNotice>{error}</ErrorNotice>
						<TextField id="acc-name" label={t('account.displayName')} value={name} onInput={setName} autoComplete="name" maxLength={200} error={nameError} />
						<SelectField
							id="acc-lang"
							label={t('account.language')}
							hint={t('account.languageHint')}
							value={locale}
							onChange={(v) => isLocale(v) && setLocale(v)}
							options={LOCALES.map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }))}
						/>
						<div class="form-actions">
							<button type="submit" class="button button-primary" disabled={busy}>
								{busy ? t('common.saving') : t('account.save')}
							</button>
						</div>
					</form>
				</section>

				<section class="card" aria-labelledby="acc-sec-h">
					<h2 id="acc-sec-h">{t('account.security')}</h2>
					<h3>{t('totp.title')}</h3>
					<p>
						<span class={`badge ${user.totp_enabled ? 'badge-ok' : 'badge-warn'}`}>{user.totp_enabled ? t('totp.on') : t('totp.off')}</span>{' '}
						{user.totp_enabled ? t('totp.enabledText') : t('totp.disabledText')}
					</p>
					<p class="hint">{user.totp_required ? t('totp.requiredNote') : t('totp.optionalNote')}</p>
					{user.totp_enabled ? (
						<p class="hint">{t('totp.resetHint')}</p>
					) : enrolling ? (
						<TotpEnrolment
							idPrefix="acc-totp"
							onEnabled={(u) => {
								setEnrolling(false);
								setUser(u);
								announce(t('totp.done'));
							}}
							onCancel={() => setEnrolling(false)}
						/>
					) : (
						<button type="button" class="button" onClick={() => setEnrolling(true)}>
							{t('totp.start')}
						</button>
					)}

					<h3 id="acc-pw-h">{t('password.title')}</h3>
					<PasswordForm
						forced={false}
						onChanged={(u) => {
							setUser(u);
							announce(t('password.changed'));
						}}
					/>
				</section>
			</div>
		</div>
	);
}
