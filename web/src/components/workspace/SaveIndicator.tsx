/* Whether the rater's changes are on the server: saved, saving, or offline with changes waiting. */
import { useI18n } from '../../i18n';
import type { SaveStatus } from '../../pages/workspace/autosave';

export function SaveIndicator({ status, pending }: { status: SaveStatus; pending: number }) {
	const { t } = useI18n();
	const text =
		status === 'saved'
			? t('ws.save.saved')
			: status === 'saving'
				? t('ws.save.saving')
				: status === 'offline'
					? t('ws.save.offline', { n: pending })
					: status === 'retrying'
						? t('ws.save.retrying', { n: pending })
						: t('ws.save.stopped');
	return (
		<p class={`ws-save ws-save-${status}`} data-status={status}>
			<svg class="ws-save-dot" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
				<circle cx="5" cy="5" r="5" />
			</svg>
			{text}
		</p>
	);
}
