/* What became of the mail about a meeting, per recipient: queued, being sent, sent, or failed after
 * its attempts (highlighted, with the mail server's reason). A lab admin may send a failed one again. */
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { fbApi } from '../../pages/feedback/fbapi';
import type { Mail, MailState } from '../../pages/feedback/types';
import { ErrorNotice } from '../Field';
import { TableRegion } from '../TableRegion';

const TONE: Record<MailState, string> = { queued: 'info', sending: 'info', sent: 'ok', failed: 'danger' };

interface Props {
	id: string;
	mail: Mail[];
	/* The publication notice has its own heading and caption, at the page's second level. */
	notice?: boolean;
	canRetry: boolean;
	onRetried: () => void;
}

export function MailStatus({ id, mail, notice = false, canRetry, onRetried }: Props) {
	const { t, dateTime, errorText } = useI18n();
	const [busy, setBusy] = useState<number | null>(null);
	const [error, setError] = useState('');
	const failed = mail.filter((m) => m.state === 'failed').length;

	async function retry(m: Mail) {
		setBusy(m.id);
		setError('');
		try {
			await fbApi.retryMail(m.id);
			onRetried();
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(null);
	}

	return (
		<section class="fb-mail" aria-labelledby={`${id}-h`}>
			{notice ? <h2 id={`${id}-h`}>{t('fb.mail.noticeTitle')}</h2> : <h3 id={`${id}-h`}>{t('fb.mail.title')}</h3>}
			{failed > 0 && (
				<p class="notice notice-error fb-mail-alert">{canRetry ? t('fb.mail.failedAdmin', { n: failed }) : t('fb.mail.failedStaff', { n: failed })}</p>
			)}
			<ErrorNotice>{error}</ErrorNotice>
			{mail.length === 0 ? (
				<p class="empty">{t('fb.mail.none')}</p>
			) : (
				<TableRegion id={id} caption={t(notice ? 'fb.mail.noticeCaption' : 'fb.mail.caption')} tableClass="table table-dense">
					<thead>
						<tr>
							<th scope="col">{t('fb.mail.colTo')}</th>
							<th scope="col">{t('fb.mail.colKind')}</th>
							<th scope="col">{t('fb.mail.colState')}</th>
							<th scope="col" class="num">
								{t('fb.mail.colAttempts')}
							</th>
							<th scope="col">{t('fb.mail.colDetail')}</th>
							{canRetry && (
								<th scope="col">
									<span class="visually-hidden">{t('fb.list.colActions')}</span>
								</th>
							)}
						</tr>
					</thead>
					<tbody>
						{mail.map((m) => (
							<tr key={m.id} class={m.state === 'failed' ? 'fb-mail-failed' : undefined} data-state={m.state}>
								<th scope="row" class="break">
									{m.to_addr}
								</th>
								<td>{mailKind(t, m.kind)}</td>
								<td>
									<span class={`badge badge-${TONE[m.state]}`}>{t(`fb.mail.state.${m.state}`)}</span>
								</td>
								<td class="num">{m.attempts}</td>
								<td class="break">{m.state === 'sent' ? (m.sent_at ? dateTime(m.sent_at) : '') : (m.last_error ?? '')}</td>
								{canRetry && (
									<td class="cell-actions">
										{m.state === 'failed' && (
											<button type="button" class="button button-small" disabled={busy === m.id} onClick={() => retry(m)} aria-label={t('fb.mail.retryLabel', { to: m.to_addr })}>
												{t('fb.mail.retry')}
											</button>
										)}
									</td>
								)}
							</tr>
						))}
					</tbody>
				</TableRegion>
			)}
		</section>
	);
}

function mailKind(t: ReturnType<typeof useI18n>['t'], kind: string): string {
	switch (kind) {
		case 'feedback_published':
			return t('fb.mail.kind.feedback_published');
		case 'meeting_invite':
			return t('fb.mail.kind.meeting_invite');
		case 'meeting_update':
			return t('fb.mail.kind.meeting_update');
		case 'meeting_cancel':
			return t('fb.mail.kind.meeting_cancel');
		default:
			return kind;
	}
}
