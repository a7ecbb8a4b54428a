/* Sign-in: email and password, then the authenticator code when the server asks for it. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Locale, type User } from '../api';
import { BareLayout } from '../components/BareLayout';
import { ErrorNotice, InfoNotice, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';

export type LoginNotice = 'expired' | 'signedOut' | null;

interface Props {
	notice: LoginNotice;
	onSignedIn: (user: User) => void;
	onLocale: (l: Locale) => void;
}

export function LoginScreen({ notice, onSignedIn, onLocale }: Props) {
	const { t, errorText, inSeconds } = useI18n();
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [code, setCode] = useState('');
	const [needCode, setNeedCode] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [blockedFor, setBlockedFor] = useState(0);
	const [info, setInfo] = useState<LoginNotice>(notice);
	const passwordRef = useRef<HTMLInputElement>(null);
	const codeRef = useRef<HTMLInputElement>(null);
	const [focusCode, setFocusCode] = useState(0);

	useEffect(() => {
		if (focusCode) codeRef.current?.focus();
	}, [focusCode]);

	/* After 429 the button stays disabled until Retry-After has passed. */
	useEffect(() => {
		if (blockedFor <= 0) return undefined;
		const timer = window.setTimeout(() => setBlockedFor(0), blockedFor * 1000);
		return () => window.clearTimeout(timer);
	}, [blockedFor]);

	async function submit(e: Event) {
		e.preventDefault();
		if (busy || blockedFor > 0) return;
		setInfo(null);
		if (!email.trim() || !password) {
			setError(t('login.missing'));
			return;
		}
		if (needCode && !/^\d{6}$/.test(code.trim())) {
			setError(t('totp.codeFormat'));
			codeRef.current?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			const s = await api.signIn(email.trim(), password, needCode ? code.trim() : undefined);
			onSignedIn(s.user);
			return;
		} catch (err) {
			if (err instanceof ApiError && err.code === 'totp_required') {
				setNeedCode(true);
				setCode('');
				setFocusCode((n) => n + 1);
			} else if (err instanceof ApiError && err.code === 'invalid_totp') {
				setError(errorText(err));
				setCode('');
				setFocusCode((n) => n + 1);
			} else if (err instanceof ApiError && err.code === 'invalid_credentials') {
				setError(errorText(err));
				setPassword('');
				passwordRef.current?.focus();
			} else if (err instanceof ApiError && err.code === 'throttled') {
				const wait = err.retryAfter;
				setError(wait !== null && wait > 0 ? t('login.throttled', { when: inSeconds(wait) }) : t('login.throttledNoWait'));
				if (wait !== null && wait > 0) setBlockedFor(wait);
			} else {
				setError(errorText(err));
			}
		}
		setBusy(false);
	}

	return (
		<BareLayout onLocale={onLocale}>
			<PageHeading focus={false}>{t('login.title')}</PageHeading>
			<p class="lead">{t('login.intro')}</p>
			{info === 'expired' && <InfoNotice id="login-notice">{t('login.sessionExpired')}</InfoNotice>}
			{info === 'signedOut' && <InfoNotice id="login-notice">{t('login.signedOut')}</InfoNotice>}
			<ErrorNotice id="login-error">{error}</ErrorNotice>
			<form class="form" onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
				<TextField id="login-email" label={t('login.email')} type="email" value={email} onInput={setEmail} autoComplete="username" required spellcheck={false} />
				<TextField
					id="login-password"
					label={t('login.password')}
					type="password"
					value={password}
					onInput={setPassword}
					autoComplete="current-password"
					required
					inputRef={passwordRef}
				/>
				{needCode && (
					<TextField
						id="login-totp"
						label={t('login.totp')}
						hint={t('login.totpNeeded')}
						value={code}
						onInput={setCode}
						autoComplete="one-time-code"
						inputMode="numeric"
						maxLength={6}
						required
						inputRef={codeRef}
						class="field-code"
					/>
				)}
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy || blockedFor > 0}>
						{busy ? t('login.submitting') : t('login.submit')}
					</button>
				</div>
			</form>
			<p class="hint login-help">{t('login.help')}</p>
		</BareLayout>
	);
}
