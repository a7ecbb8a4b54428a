/* Changing one's own password, with the rules shown and the server's field errors beside each field. */
import { useState } from 'preact/hooks';
import { ApiError, api, type User } from '../api';
import { useI18n } from '../i18n';
import { ErrorNotice, TextField } from './Field';

export const MIN_PASSWORD = 12;

interface Props {
	forced: boolean;
	onChanged: (u: User) => void;
}

type Fields = { current?: string; next?: string; repeat?: string };

export function PasswordForm({ forced, onChanged }: Props) {
	const { t, errorText, fieldText } = useI18n();
	const [current, setCurrent] = useState('');
	const [next, setNext] = useState('');
	const [repeat, setRepeat] = useState('');
	const [errors, setErrors] = useState<Fields>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const p = forced ? 'fpw' : 'pw';

	function focusFirst(f: Fields) {
		const first = f.current ? 'current' : f.next ? 'new' : f.repeat ? 'repeat' : null;
		if (first) document.getElementById(`${p}-${first}`)?.focus();
	}

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const f: Fields = {};
		if (!current) f.current = t('password.required');
		if ([...next].length < MIN_PASSWORD) f.next = t('password.tooShort');
		else if (next !== repeat) f.repeat = t('password.mismatch');
		setErrors(f);
		if (Object.keys(f).length) {
			setError(t('error.fixFields'));
			focusFirst(f);
			return;
		}
		setBusy(true);
		setError('');
		try {
			const u = await api.changePassword(current, next);
			setCurrent('');
			setNext('');
			setRepeat('');
			setBusy(false);
			onChanged(u);
			return;
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const sf: Fields = {};
				const cur = fieldText(err, 'current_password');
				const nw = fieldText(err, 'new_password');
				if (cur) sf.current = cur;
				if (nw) sf.next = nw;
				setErrors(sf);
				setError(cur || nw ? t('error.fixFields') : errorText(err));
				focusFirst(sf);
			} else if (err instanceof ApiError && err.code === 'wrong_current_password') {
				setErrors({ current: errorText(err) });
				setError(t('error.fixFields'));
				focusFirst({ current: 'x' });
			} else if (err instanceof ApiError && err.code === 'weak_password') {
				setErrors({ next: errorText(err) });
				setError(t('error.fixFields'));
				focusFirst({ next: 'x' });
			} else {
				setError(errorText(err));
			}
		}
		setBusy(false);
	}

	return (
		<form class="form" onSubmit={submit} noValidate>
			<ErrorNotice id={`${p}-error`}>{error}</ErrorNotice>
			<TextField
				id={`${p}-current`}
				label={t('password.current')}
				hint={forced ? t('password.currentHintForced') : undefined}
				type="password"
				value={current}
				onInput={setCurrent}
				autoComplete="current-password"
				required
				error={errors.current}
			/>
			<div id={`${p}-rules`} class="rules">
				<p class="rules-title">{t('password.rulesTitle')}</p>
				<ul>
					<li>{t('password.ruleLength')}</li>
					<li>{t('password.ruleCommon')}</li>
				</ul>
				<p class="hint">{t('password.tip')}</p>
			</div>
			<TextField
				id={`${p}-new`}
				label={t('password.new')}
				type="password"
				value={next}
				onInput={setNext}
				autoComplete="new-password"
				required
				describedBy={`${p}-rules`}
				error={errors.next}
			/>
			<TextField
				id={`${p}-repeat`}
				label={t('password.repeat')}
				type="password"
				value={repeat}
				onInput={setRepeat}
				autoComplete="new-password"
				required
				error={errors.repeat}
			/>
			<div class="form-actions">
				<button type="submit" class="button button-primary" disabled={busy}>
					{busy ? t('common.saving') : t('password.submit')}
				</button>
			</div>
		</form>
	);
}
