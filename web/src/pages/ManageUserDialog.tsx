/* One user account: change role, disable or enable, reset password or two-step sign-in. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ROLES, api, type Role, type User } from '../api';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, SelectField } from '../components/Field';
import { SecretValue } from '../components/SecretValue';
import { type MessageKey, useI18n } from '../i18n';

interface Props {
	target: User;
	self: boolean;
	onClose: () => void;
	onChanged: (u: User) => void;
}

type Pending = 'disable' | 'resetPassword' | 'resetTotp' | null;

const CONFIRM_TEXT: Record<Exclude<Pending, null>, MessageKey> = {
	disable: 'users.disableConfirm',
	resetPassword: 'users.resetPasswordConfirm',
	resetTotp: 'users.resetTotpConfirm',
};

export function ManageUserDialog({ target, self, onClose, onChanged }: Props) {
	const { t, dateTime, errorText } = useI18n();
	const [role, setRole] = useState<Role>(target.role);
	const [pending, setPending] = useState<Pending>(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [status, setStatus] = useState('');
	const [otp, setOtp] = useState<string | null>(null);
	const name = target.display_name || target.email;
	const confirmRef = useRef<HTMLButtonElement>(null);
	const statusRef = useRef<HTMLParagraphElement>(null);

	useEffect(() => {
		if (pending) confirmRef.current?.focus();
	}, [pending]);

	async function run(action: () => Promise<string>) {
		if (busy) return;
		setBusy(true);
		setError('');
		setStatus('');
		try {
			setStatus(await action());
		} catch (err) {
			setError(errorText(err));
		}
		setPending(null);
		setBusy(false);
		/* The button that was pressed may be gone: keep keyboard focus inside the dialog, on the outcome. */
		window.setTimeout(() => {
			const a = document.activeElement;
			if (!a || a === document.body || !a.isConnected || (a instanceof HTMLButtonElement && a.disabled)) statusRef.current?.focus();
		}, 0);
	}

	const saveRole = () =>
		run(async () => {
			const u = await api.updateUser(target.id, { role });
			onChanged(u);
			return t('users.roleSaved', { role: t(`role.${u.role}`) });
		});

	const setDisabled = (disabled: boolean) =>
		run(async () => {
			const u = await api.updateUser(target.id, { disabled });
			onChanged(u);
			return t(u.disabled ? 'users.disabledDone' : 'users.enabledDone');
		});

	const resetPassword = () =>
		run(async () => {
			const r = await api.resetPassword(target.id);
			setOtp(r.one_time_password);
			window.setTimeout(() => document.getElementById('mu-otp')?.focus(), 0);
			onChanged(await api.getUser(target.id));
			return t('users.passwordResetDone');
		});

	const resetTotp = () =>
		run(async () => {
			const u = await api.resetTotp(target.id);
			onChanged(u);
			return t('users.totpResetDone');
		});

	function confirmPending() {
		if (pending === 'disable') setDisabled(true);
		else if (pending === 'resetPassword') resetPassword();
		else if (pending === 'resetTotp') resetTotp();
	}

	return (
		<Dialog id="manage-user" title={t('users.manageTitle', { name })} onClose={onClose} wide>
			<p class="muted">
				{target.email} · {t(`role.${target.role}`)}
			</p>
			<p class="hint">{t('users.details', { created: dateTime(target.created_at), last: target.last_login_at ? dateTime(target.last_login_at) : t('common.never') })}</p>
			<ErrorNotice>{error}</ErrorNotice>
			<p class="dialog-status" role="status" tabIndex={-1} ref={statusRef}>
				{status}
			</p>
			{otp && <SecretValue id="mu-otp" label={t('users.otpLabel')} value={otp} once />}

			<section class="dialog-section">
				<div class="inline-form">
					<SelectField
						id="mu-role"
						label={t('users.roleSection')}
						value={role}
						onChange={(v) => setRole(v as Role)}
						options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
					/>
					<button type="button" class="button" disabled={busy || role === target.role} onClick={saveRole}>
						{t('users.saveRole')}
					</button>
				</div>
			</section>

			<section class="dialog-section">
				<h3>{t('users.accessSection')}</h3>
				{pending ? (
					<div class="confirm" role="group" aria-labelledby="mu-confirm-text">
						<p id="mu-confirm-text">{t(CONFIRM_TEXT[pending])}</p>
						<div class="form-actions">
							<button type="button" class="button button-danger" disabled={busy} onClick={confirmPending} ref={confirmRef}>
								{t('users.confirm')}
							</button>
							<button type="button" class="button" onClick={() => setPending(null)}>
								{t('common.cancel')}
							</button>
						</div>
					</div>
				) : (
					<div class="button-row">
						{!self &&
							(target.disabled ? (
								<button type="button" class="button" disabled={busy} onClick={() => setDisabled(false)}>
									{t('users.enable')}
								</button>
							) : (
								<button type="button" class="button button-danger-quiet" disabled={busy} onClick={() => setPending('disable')}>
									{t('users.disable')}
								</button>
							))}
						<button type="button" class="button" disabled={busy} onClick={() => setPending('resetPassword')}>
							{t('users.resetPassword')}
						</button>
						{target.totp_enabled && (
							<button type="button" class="button" disabled={busy} onClick={() => setPending('resetTotp')}>
								{t('users.resetTotp')}
							</button>
						)}
					</div>
				)}
			</section>
			<div class="form-actions">
				<button type="button" class="button" onClick={onClose}>
					{t('common.close')}
				</button>
			</div>
		</Dialog>
	);
}
