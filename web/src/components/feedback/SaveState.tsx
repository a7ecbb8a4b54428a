/* Whether the summary is on the server: saved, saving, or offline with the text kept in the browser. */
import { useI18n } from '../../i18n';
import type { SaveStatus } from '../../pages/feedback/summaryAutosave';

export function SaveState({ status }: { status: SaveStatus }) {
	const { t } = useI18n();
	return (
		<p class={`fb-save fb-save-${status}`} data-status={status}>
			<svg class="fb-save-dot" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
				<circle cx="5" cy="5" r="5" />
			</svg>
			{t(`fb.save.${status}`)}
		</p>
	);
}
