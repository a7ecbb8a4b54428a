/* A secret shown once (one-time password, API token, TOTP key) with a copy button. */
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n';

interface Props {
	id: string;
	label: string;
	value: string;
	/* Say that it is shown only once. */
	once?: boolean;
	/* What to show when it differs from what is copied (a key in groups of four). */
	display?: string;
}

/* Long secrets wrap over lines instead of scrolling out of sight on a phone. */
const WRAP_FROM = 24;

export function SecretValue({ id, label, value, once, display }: Props) {
	const { t } = useI18n();
	const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
	const shown = display ?? value;
	const [status, setStatus] = useState('');

	async function copy() {
		try {
			await navigator.clipboard.writeText(value);
			setStatus(t('common.copied'));
		} catch {
			input.current?.select();
			setStatus(t('common.copyFailed'));
		}
	}

	return (
		<div class="secret">
			<label for={id}>{label}</label>
			<div class="secret-row">
				{shown.length > WRAP_FROM ? (
					<textarea
						id={id}
						ref={input}
						class="mono secret-text"
						readOnly
						rows={2}
						value={shown}
						spellcheck={false}
						autocomplete="off"
						onFocus={(e) => e.currentTarget.select()}
						aria-describedby={once ? `${id}-once` : undefined}
					/>
				) : (
					<input
						id={id}
						ref={input}
						class="mono"
						type="text"
						readOnly
						value={shown}
						spellcheck={false}
						autocomplete="off"
						onFocus={(e) => e.currentTarget.select()}
						aria-describedby={once ? `${id}-once` : undefined}
					/>
				)}
				<button type="button" class="button" onClick={copy}>
					{t('common.copy')}
				</button>
			</div>
			{once && (
				<p id={`${id}-once`} class="hint">
					{t('common.showOnce')}
				</p>
			)}
			<p class="copy-status" role="status">
				{status}
			</p>
		</div>
	);
}
