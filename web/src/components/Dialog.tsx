/* A modal dialog on the native <dialog>: focus stays inside, Escape closes, focus returns to the opener. */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n';

interface Props {
	id: string;
	title: string;
	onClose: () => void;
	children: ComponentChildren;
	wide?: boolean;
}

export function Dialog({ id, title, onClose, children, wide }: Props) {
	const { t } = useI18n();
	const ref = useRef<HTMLDialogElement>(null);
	const closeRef = useRef(onClose);
	closeRef.current = onClose;

	useLayoutEffect(() => {
		const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
		const d = ref.current;
		if (d && !d.open) d.showModal();
		return () => {
			if (d?.open) d.close();
			if (opener && opener.isConnected) opener.focus();
		};
	}, []);

	useEffect(() => {
		const d = ref.current;
		if (!d) return undefined;
		/* Escape: let the component decide (it unmounts us) instead of the browser closing it. */
		const onCancel = (e: Event) => {
			e.preventDefault();
			closeRef.current();
		};
		d.addEventListener('cancel', onCancel);
		return () => d.removeEventListener('cancel', onCancel);
	}, []);

	return (
		<dialog ref={ref} id={id} class={`dialog${wide ? ' dialog-wide' : ''}`} aria-labelledby={`${id}-title`}>
			<div class="dialog-head">
				<h2 id={`${id}-title`}>{title}</h2>
				<button type="button" class="button-icon" aria-label={t('common.close')} onClick={() => closeRef.current()}>
					<span aria-hidden="true">×</span>
				</button>
			</div>
			<div class="dialog-body">{children}</div>
		</dialog>
	);
}
