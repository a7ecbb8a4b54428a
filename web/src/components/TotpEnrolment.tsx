/* Turning on two-step sign-in: QR code and key from the server, then one code to prove the app works. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, type TotpEnrolment as Enrolment, type User } from '../api';
import { useI18n } from '../i18n';
import { ErrorNotice, TextField } from './Field';
import { SecretValue } from './SecretValue';

/* The server's SVG becomes an image URL: it is never put into the page as markup. */
export function svgDataUrl(svg: string): string {
	const bytes = new TextEncoder().encode(svg);
	let bin = '';
	for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return `data:image/svg+xml;base64,${btoa(bin)}`;
}

interface Props {
	idPrefix: string;
	onEnabled: (u: User) => void;
	onCancel?: () => void;
}

export function TotpEnrolment({ idPrefix, onEnabled, onCancel }: Props) {
	const { t, errorText, fieldText } = useI18n();
	const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
	const [loadError, setLoadError] = useState<unknown>(null);
	const [code, setCode] = useState('');
	const [codeError, setCodeError] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [attempt, setAttempt] = useState(0);

	useEffect(() => {
		let live = true;
		setLoadError(null);
		api.startTotp().then(
			(e) => live && setEnrolment(e),
			(err: unknown) => {
				if (!live) return;
				if (err instanceof ApiError && err.code === 'totp_already_enabled') {
					/* Enabled meanwhile (another tab): fetch the user so the caller moves on. */
					api.me().then(onEnabled, () => setLoadError(err));
				} else setLoadError(err);
			},
		);
		return () => {
			live = false;
		};
	}, [attempt]);

	const qrUrl = useMemo(() => (enrolment ? svgDataUrl(enrolment.qr_svg) : ''), [enrolment]);

	async function confirm(e: Event) {
		e.preventDefault();
		if (busy) return;
		const c = code.replace(/\s+/g, '');
		if (!/^\d{6}$/.test(c)) {
			setCodeError(t('totp.codeFormat'));
			document.getElementById(`${idPrefix}-code`)?.focus();
			return;
		}
		setBusy(true);
		setCodeError('');
		setError('');
		try {
			const u = await api.confirmTotp(c);
			setBusy(false);
			onEnabled(u);
			return;
		} catch (err) {
			if (err instanceof ApiError && (err.code === 'invalid_totp' || err.fields.code)) {
				setCodeError(fieldText(err, 'code') ?? errorText(err));
				setCode('');
				document.getElementById(`${idPrefix}-code`)?.focus();
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	if (loadError) {
		return (
			<div>
				<ErrorNotice>{errorText(loadError)}</ErrorNotice>
				<button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
					{t('common.retry')}
				</button>
			</div>
		);
	}
	if (!enrolment) return <p class="loading">{t('totp.preparing')}</p>;

	return (
		<form class="form totp-form" onSubmit={confirm} noValidate>
			<ErrorNotice>{error}</ErrorNotice>
			<ol class="steps">
				<li>
					<p>{t('totp.step1')}</p>
					<img class="qr" src={qrUrl} alt={t('totp.qrAlt')} width={200} height={200} />
				</li>
				<li>
					<p>{t('totp.step2')}</p>
					<SecretValue
						id={`${idPrefix}-secret`}
						label={t('totp.secretLabel')}
						value={enrolment.secret}
						display={enrolment.secret.replace(/(.{4})(?=.)/g, '$1 ')}
					/>
				</li>
				<li>
					<p>{t('totp.step3')}</p>
					<TextField
						id={`${idPrefix}-code`}
						label={t('totp.code')}
						value={code}
						onInput={setCode}
						autoComplete="one-time-code"
						inputMode="numeric"
						maxLength={7}
						required
						error={codeError}
						class="field-code"
					/>
				</li>
			</ol>
			<div class="form-actions">
				<button type="submit" class="button button-primary" disabled={busy}>
					{busy ? t('totp.confirming') : t('totp.confirm')}
				</button>
				{onCancel && (
					<button type="button" class="button" onClick={onCancel}>
						{t('common.cancel')}
					</button>
				)}
			</div>
		</form>
	);
}
