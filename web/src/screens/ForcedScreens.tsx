/* The steps a new account must take before anything else: its own password, then two-step sign-in. */
import type { Locale, User } from '../api';
import { BareLayout } from '../components/BareLayout';
import { PasswordForm } from '../components/PasswordForm';
import { PageHeading } from '../components/PageHeading';
import { TotpEnrolment } from '../components/TotpEnrolment';
import { useI18n } from '../i18n';

interface Props {
	onUser: (u: User) => void;
	onLocale: (l: Locale) => void;
	onSignOut: () => void;
}

export function ForcedPasswordScreen({ onUser, onLocale, onSignOut }: Props) {
	const { t } = useI18n();
	return (
		<BareLayout onLocale={onLocale} onSignOut={onSignOut}>
			<PageHeading>{t('password.forcedTitle')}</PageHeading>
			<p class="lead">{t('password.forcedIntro')}</p>
			<PasswordForm forced onChanged={onUser} />
		</BareLayout>
	);
}

export function ForcedTotpScreen({ onUser, onLocale, onSignOut }: Props) {
	const { t } = useI18n();
	return (
		<BareLayout onLocale={onLocale} onSignOut={onSignOut} wide>
			<PageHeading>{t('totp.forcedTitle')}</PageHeading>
			<p class="lead">{t('totp.forcedIntro')}</p>
			<TotpEnrolment idPrefix="ftotp" onEnabled={onUser} />
		</BareLayout>
	);
}
