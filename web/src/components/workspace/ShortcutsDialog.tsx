/* The workspace's keyboard shortcuts, each changeable: choose "Change", press the new key. Digits and
 * the numeric keypad are not offered (digits choose scores); a key already in use is refused. */
import { useState } from 'preact/hooks';
import { Dialog } from '../Dialog';
import { type MessageKey, useI18n } from '../../i18n';
import { ACTIONS, type Action, DEFAULT_KEYS, type KeyMap, keyName, usableKey } from '../../pages/workspace/shortcuts';

interface Props {
	keys: KeyMap;
	onChange: (k: KeyMap) => void;
	onClose: () => void;
}

const ACTION_KEYS: Record<Action, MessageKey> = {
	playPause: 'ws.keys.playPause',
	back: 'ws.keys.back',
	forward: 'ws.keys.forward',
	frameBack: 'ws.keys.frameBack',
	frameForward: 'ws.keys.frameForward',
	slower: 'ws.keys.slower',
	faster: 'ws.keys.faster',
	mark: 'ws.keys.mark',
	codePoint: 'ws.keys.codePoint',
	codeLine: 'tr.key.codeLine',
	undo: 'ws.keys.undo',
	shortcuts: 'ws.keys.shortcuts',
};

export function ShortcutsDialog({ keys, onChange, onClose }: Props) {
	const { t } = useI18n();
	const [waiting, setWaiting] = useState<Action | null>(null);
	const [message, setMessage] = useState('');
	const space = t('ws.key.space');

	function capture(a: Action, e: KeyboardEvent) {
		if (e.key === 'Tab') return;
		e.preventDefault();
		e.stopPropagation();
		if (e.key === 'Escape') {
			setWaiting(null);
			setMessage('');
			return;
		}
		if (!usableKey(e)) {
			setMessage(t('ws.keys.unusable', { key: keyName(e.key, space) }));
			return;
		}
		const taken = ACTIONS.find((b) => b !== a && keys[b].toLowerCase() === e.key.toLowerCase());
		if (taken) {
			setMessage(t('ws.keys.taken', { key: keyName(e.key, space), action: t(ACTION_KEYS[taken]) }));
			return;
		}
		onChange({ ...keys, [a]: e.key.length === 1 ? e.key.toLowerCase() : e.key });
		setWaiting(null);
		setMessage(t('ws.keys.changed', { action: t(ACTION_KEYS[a]), key: keyName(e.key, space) }));
	}

	return (
		<Dialog id="ws-keys" title={t('ws.keys.title')} onClose={onClose} wide>
			<div data-own-keys="">
				<p class="hint">{t('ws.keys.intro')}</p>
				<table class="table ws-keys-table">
					<caption class="visually-hidden">{t('ws.keys.title')}</caption>
					<thead>
						<tr>
							<th scope="col">{t('ws.keys.action')}</th>
							<th scope="col">{t('ws.keys.key')}</th>
							<th scope="col">
								<span class="visually-hidden">{t('ws.keys.change')}</span>
							</th>
						</tr>
					</thead>
					<tbody>
						{ACTIONS.map((a) => (
							<tr key={a}>
								<th scope="row">{t(ACTION_KEYS[a])}</th>
								<td>
									<kbd>{keyName(keys[a], space)}</kbd>
								</td>
								<td>
									{waiting === a ? (
										<button type="button" class="button button-small button-primary" autoFocus onKeyDown={(e) => capture(a, e)} onBlur={() => setWaiting(null)}>
											{t('ws.keys.press')}
										</button>
									) : (
										<button
											type="button"
											class="button button-small"
											onClick={() => {
												setWaiting(a);
												setMessage('');
											}}
										>
											{t('ws.keys.change')}
											<span class="visually-hidden"> {t(ACTION_KEYS[a])}</span>
										</button>
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
				<p class="dialog-status" role="status">
					{message}
				</p>
				<p class="hint">{t('ws.keys.fixed')}</p>
				<div class="form-actions">
					<button
						type="button"
						class="button"
						onClick={() => {
							onChange({ ...DEFAULT_KEYS });
							setMessage(t('ws.keys.resetDone'));
						}}
					>
						{t('ws.keys.reset')}
					</button>
					<button type="button" class="button button-primary" onClick={onClose}>
						{t('common.close')}
					</button>
				</div>
			</div>
		</Dialog>
	);
}
