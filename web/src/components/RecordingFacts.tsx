/* What the lab knows about a recording: its state, length, size, kind and format. */
import type { Recording } from '../api';
import { useI18n } from '../i18n';
import { clock, formatText, mediaKindText, recordingReason, sizeText } from '../recording';

export function RecordingFacts({ rec, showState = false }: { rec: Recording; showState?: boolean }) {
	const i18n = useI18n();
	const { t, dateTime } = i18n;
	const rows: [string, string, string?][] = [];
	if (showState) rows.push([t('recording.stateLabel'), t(`recording.state.${rec.state}`)]);
	if ((rec.state === 'refused' || rec.state === 'failed') && rec.error) rows.push([t('recording.reason'), recordingReason(i18n, rec.error)]);
	if (rec.state === 'uploading') rows.push([t('recording.received'), t('recording.progress', { sent: sizeText(i18n, rec.received), total: sizeText(i18n, rec.size) })]);
	if (rec.duration !== null) rows.push([t('recording.duration'), clock(rec.duration)]);
	if (rec.state !== 'uploading') rows.push([t('recording.size'), sizeText(i18n, rec.size)]);
	if (rec.video_codec || rec.audio_codec) {
		rows.push([t('recording.kind'), mediaKindText(i18n, rec)]);
		rows.push([t('recording.format'), formatText(rec)]);
	}
	if (rec.state === 'ready') rows.push([t('recording.playback'), rec.browser_playable ? t('recording.playsAsIs') : t('recording.playsConverted')]);
	if (rec.completed_at) rows.push([t('recording.uploaded'), dateTime(rec.completed_at)]);
	if (rec.sha256) rows.push([t('recording.checksum'), rec.sha256, 'mono break']);
	return (
		<dl class="facts facts-wide">
			{rows.map(([k, v, cls], i) => (
				<div key={i}>
					<dt>{k}</dt>
					<dd class={cls}>{v}</dd>
				</div>
			))}
		</dl>
	);
}
