/* Therapist: one's own submissions with their state and next step; drafts can be resumed or deleted. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Submission } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useFocusFallback } from '../components/focus';
import { StateBadge } from '../components/StateBadge';
import { useI18n } from '../i18n';
import { ROUTES, linkClick, submissionPath } from '../router';

export function SubmissionsPage() {
	const { t, day, dateTime, errorText } = useI18n();
	const { navigate, announce } = useApp();
	const [items, setItems] = useState<Submission[] | null>(null);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);
	const [deleting, setDeleting] = useState<Submission | null>(null);
	const [busy, setBusy] = useState(false);
	const [deleteError, setDeleteError] = useState('');
	const tableRef = useRef<HTMLDivElement>(null);
	useFocusFallback(tableRef, [items]);

	useEffect(() => {
		let live = true;
		api.listSubmissions().then(
			(r) => {
				if (!live) return;
				setItems([...r.items].sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : b.id - a.id)));
				setError('');
			},
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [reload]);

	async function remove() {
		if (!deleting) return;
		setBusy(true);
		setDeleteError('');
		try {
			await api.deleteSubmission(deleting.id);
			announce(t('wizard.deleted', { code: deleting.case_code }));
			setDeleting(null);
			setReload((n) => n + 1);
		} catch (err) {
			setDeleteError(errorText(err));
		}
		setBusy(false);
	}

	const drafts = items?.filter((s) => s.state === 'draft').length ?? 0;

	return (
		<div class="page">
			<div class="page-head">
				<PageHeading>{t('submissions.title')}</PageHeading>
				<a class="button button-primary" href={ROUTES.newSubmission} onClick={(e) => linkClick(e, navigate, ROUTES.newSubmission)}>
					{t('submissions.new')}
				</a>
			</div>
			<p class="lead">{t('submissions.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && items.length === 0 && <p class="empty">{t('submissions.empty')}</p>}
			{items !== null && items.length > 0 && (
				<>
					<p class="hint" aria-live="polite">
						{t('submissions.count', { n: items.length, drafts })}
					</p>
					<div class="table-wrap" role="region" aria-labelledby="subs-caption" tabIndex={0} ref={tableRef}>
						<table class="table">
							<caption id="subs-caption" class="visually-hidden">
								{t('submissions.caption')}
							</caption>
							<thead>
								<tr>
									<th scope="col">{t('submissions.colCase')}</th>
									<th scope="col">{t('submissions.colInstitution')}</th>
									<th scope="col">{t('submissions.colSession')}</th>
									<th scope="col">{t('submissions.colState')}</th>
									<th scope="col">{t('submissions.colNext')}</th>
									<th scope="col">{t('submissions.colUpdated')}</th>
									<th scope="col">
										<span class="visually-hidden">{t('submissions.colActions')}</span>
									</th>
								</tr>
							</thead>
							<tbody>
								{items.map((s) => {
									const href = submissionPath(s.id);
									const draft = s.state === 'draft';
									return (
										<tr key={s.id}>
											<th scope="row" class="mono nowrap">
												{s.case_code}
											</th>
											<td>{s.institution_name}</td>
											<td>
												{s.session_date ? day(s.session_date) : t('common.none')}
												{s.session_number ? <span class="muted"> · {t('submissions.sessionNo', { n: s.session_number })}</span> : null}
											</td>
											<td>
												<StateBadge state={s.state} />
											</td>
											<td>{t(`next.${s.next_step}`)}</td>
											<td class="nowrap">{dateTime(s.updated_at)}</td>
											<td class="cell-actions">
												<a
													class="button button-small"
													href={href}
													aria-label={t(draft ? 'submissions.continueLabel' : 'submissions.openLabel', { code: s.case_code })}
													onClick={(e) => linkClick(e, navigate, href)}
												>
													{draft ? t('submissions.continue') : t('submissions.open')}
												</a>{' '}
												{draft && (
													<button
														type="button"
														class="button button-small button-danger-quiet"
														aria-label={t('submissions.deleteLabel', { code: s.case_code })}
														onClick={() => {
															setDeleteError('');
															setDeleting(s);
														}}
													>
														{t('submissions.delete')}
													</button>
												)}
											</td>
										</tr>
									);
								})}
							</tbody>
						</table>
					</div>
				</>
			)}
			{deleting && (
				<ConfirmDialog
					id="delete-draft"
					title={t('wizard.deleteTitle')}
					confirmLabel={t('wizard.deleteConfirm')}
					onConfirm={remove}
					onClose={() => setDeleting(null)}
					busy={busy}
					error={deleteError}
				>
					<p>{t('wizard.deleteText', { code: deleting.case_code })}</p>
				</ConfirmDialog>
			)}
		</div>
	);
}
