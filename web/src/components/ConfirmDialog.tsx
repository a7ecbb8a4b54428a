/* Asking before something that cannot be undone: the consequences in words, then one clear button. */
import type { ComponentChildren } from 'preact';
import { Dialog } from './Dialog';
import { ErrorNotice } from './Field';
import { useI18n } from '../i18n';

interface Props {
	id: string;
	title: string;
	confirmLabel: string;
	onConfirm: (e: Event) => void;
	onClose: () => void;
	busy: boolean;
	error?: string;
	danger?: boolean;
	/* The explanation, and any fields the action needs (a date, a reason). */
	children: ComponentChildren;
}

export function ConfirmDialog({ id, title, confirmLabel, onConfirm, onClose, busy, error, danger = true, children }: Props) {
	const { t } = useI18n();
	return (
		<Dialog id={id} title={title} onClose={onClose}>
			<form
				class="form"
				noValidate
				onSubmit={(e) => {
					e.preventDefault();
					if (!busy) onConfirm(e);
				}}
			>
				<ErrorNotice>{error}</ErrorNotice>
				{children}
				<div class="form-actions">
					<button type="submit" class={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={busy}>
						{busy ? t('common.saving') : confirmLabel}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}
