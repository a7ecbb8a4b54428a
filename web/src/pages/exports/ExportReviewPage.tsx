/* The lab admin's review of research export requests: what each researcher asked for and why;
 * approve (making the files, with or without the free text asked for), reject with a reason, or
 * revoke an export already made. */
import { useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { useApp } from '../../app-context';
import { CheckboxField, ErrorNotice, TextAreaField } from '../../components/Field';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { ExportCard } from './ExportCard';
import { type ExportRequest, exportsApi } from './exportsapi';
import '../../styles/exports.css';

type Action = { kind: 'approve' | 'reject' | 'revoke'; e: ExportRequest };

export function ExportReviewPage() {
	const { t, errorText } = useI18n();
	const { announce } = useApp();
	const [items, setItems] = useState<ExportRequest[] | null>(null);
	const [listError, setListError] = useState('');
	const [reload, setReload] = useState(0);
	const [action, setAction] = useState<Action | null>(null);
	const [note, setNote] = useState('');
	const [allowText, setAllowText] = useState(false);
	const [noteError, setNoteError] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useLoad(
		() => exportsApi.list(),
		(r) => {
			setItems(r.items);
			setListError('');
		},
		(err) => setListError(errorText(err)),
		[reload],
	);

	function open(kind: Action['kind'], e: ExportRequest) {
		setNote('');
		setAllowText(false);
		setNoteError('');
		setError('');
		setAction({ kind, e });
	}

	async function confirm() {
		if (!action || busy) return;
		if (action.kind === 'reject' && !note.trim()) {
			setNoteError(t('ex.review.rejectNoteRequired'));
			setError(t('error.fixFields'));
			document.getElementById('ex-decision-note')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			if (action.kind === 'approve') {
				await exportsApi.approve(action.e.id, { ...(note.trim() ? { note: note.trim() } : {}), allow_free_text: allowText });
				announce(t('ex.review.approved'));
			} else if (action.kind === 'reject') {
				await exportsApi.reject(action.e.id, note.trim());
				announce(t('ex.review.rejected'));
			} else {
				await exportsApi.withdraw(action.e.id, note.trim() || undefined);
				announce(t('ex.withdraw.done'));
			}
			setAction(null);
		} catch (err) {
			setError(errorText(err));
		}
		setBusy(false);
		setReload((x) => x + 1);
	}

	const who = (e: ExportRequest) => e.requested_by_name || e.requested_by_email;
	const pending = items?.filter((e) => e.state === 'requested' || e.state === 'failed') ?? [];
	const decided = items?.filter((e) => e.state !== 'requested' && e.state !== 'failed') ?? [];
	return (
		<div class="page">
			<PageHeading>{t('ex.review.title')}</PageHeading>
			<p class="lead">{t('ex.review.intro')}</p>
			<ErrorNotice>{listError}</ErrorNotice>
			{items === null && !listError && <p class="loading">{t('common.loading')}</p>}
			{items !== null && (
				<>
					<section aria-labelledby="ex-pending-h">
						<h2 id="ex-pending-h">{t('ex.review.pending', { n: pending.length })}</h2>
						{pending.length === 0 ? (
							<p class="empty">{t('ex.review.pendingNone')}</p>
						) : (
							<ul class="ex-list">
								{pending.map((e) => (
									<ExportCard key={e.id} e={e} showRequester>
										<button type="button" class="button button-primary button-small" aria-label={t('ex.review.approveLabel', { who: who(e) })} onClick={() => open('approve', e)}>
											{t('ex.review.approve')}
										</button>
										<button type="button" class="button button-small button-danger-quiet" aria-label={t('ex.review.rejectLabel', { who: who(e) })} onClick={() => open('reject', e)}>
											{t('ex.review.reject')}
										</button>
									</ExportCard>
								))}
							</ul>
						)}
					</section>
					<section aria-labelledby="ex-decided-h">
						<h2 id="ex-decided-h">{t('ex.review.decided', { n: decided.length })}</h2>
						{decided.length === 0 ? (
							<p class="empty">{t('ex.review.decidedNone')}</p>
						) : (
							<ul class="ex-list">
								{decided.map((e) => (
									<ExportCard key={e.id} e={e} showRequester>
										{(e.state === 'ready' || e.state === 'approved') && (
											<button type="button" class="button button-small button-danger-quiet" aria-label={t('ex.review.revokeLabel', { who: who(e) })} onClick={() => open('revoke', e)}>
												{t('ex.review.revoke')}
											</button>
										)}
									</ExportCard>
								))}
							</ul>
						)}
					</section>
				</>
			)}

			{action?.kind === 'approve' && (
				<ConfirmDialog id="ex-approve" title={t('ex.review.approveTitle')} confirmLabel={t('ex.review.approveSubmit')} onConfirm={confirm} onClose={() => setAction(null)} busy={busy} error={error} danger={false}>
					<p>{t('ex.review.approveText')}</p>
					{action.e.include_free_text && (
						<CheckboxField id="ex-allow-text" label={t('ex.review.allowFreeText')} hint={t('ex.review.allowFreeTextHint')} checked={allowText} onChange={setAllowText} />
					)}
					<TextAreaField id="ex-decision-note" label={t('ex.review.note')} value={note} onInput={setNote} rows={3} maxLength={2000} optional />
				</ConfirmDialog>
			)}
			{action?.kind === 'reject' && (
				<ConfirmDialog id="ex-reject" title={t('ex.review.rejectTitle')} confirmLabel={t('ex.review.rejectSubmit')} onConfirm={confirm} onClose={() => setAction(null)} busy={busy} error={error}>
					<p>{t('ex.review.rejectText')}</p>
					<TextAreaField id="ex-decision-note" label={t('ex.review.rejectNote')} value={note} onInput={setNote} rows={3} maxLength={2000} required error={noteError} />
				</ConfirmDialog>
			)}
			{action?.kind === 'revoke' && (
				<ConfirmDialog id="ex-revoke" title={t('ex.withdraw.title')} confirmLabel={t('ex.withdraw.submit')} onConfirm={confirm} onClose={() => setAction(null)} busy={busy} error={error}>
					<p>{t('ex.withdraw.text')}</p>
					<TextAreaField id="ex-decision-note" label={t('ex.withdraw.note')} value={note} onInput={setNote} rows={2} maxLength={2000} optional />
				</ConfirmDialog>
			)}
		</div>
	);
}
