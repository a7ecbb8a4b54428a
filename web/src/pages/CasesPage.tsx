/* Therapist: one's pseudonymous patient cases, what each patient consented to, and withdrawing consent. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, consentFormUrl, type PatientCase } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice, TextAreaField, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useFocusFallback } from '../components/focus';
import { type I18n, useI18n } from '../i18n';
import { consentActive, isDay, todayLocal } from '../intake';

/* "P-7K3Q-9D · 26–35 · female · consent of 12 Mar 2026" — how a case is named in a list. */
export function caseLabel({ t, day }: I18n, c: PatientCase): string {
	const parts = [c.code];
	if (c.age_band) parts.push(t(`age.${c.age_band}`));
	if (c.gender) parts.push(t(`gender.${c.gender}`));
	parts.push(c.consent ? t('case.consentOf', { date: day(c.consent.signed_date) }) : t('consent.none'));
	return parts.join(' · ');
}

export function ConsentState({ c }: { c: PatientCase }) {
	const { t, day } = useI18n();
	const k = c.consent;
	if (!k) return <span class="badge badge-warn">{t('consent.none')}</span>;
	if (k.withdrawn_date) return <span class="badge badge-off">{t('consent.withdrawnOn', { date: day(k.withdrawn_date) })}</span>;
	const scopes = [k.quality_assurance ? t('consent.qa') : null, k.rater_training ? t('consent.training') : null, k.research ? t('consent.research') : null].filter(Boolean);
	return (
		<>
			<span class="badge badge-ok">{t('consent.givenOn', { date: day(k.signed_date) })}</span>
			<span class="consent-scopes">{scopes.length ? scopes.join(', ') : t('consent.noScope')}</span>
		</>
	);
}

export function CasesPage() {
	const { t, dateTime, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const [items, setItems] = useState<PatientCase[] | null>(null);
	const [error, setError] = useState('');
	const [reload, setReload] = useState(0);
	const [withdrawing, setWithdrawing] = useState<PatientCase | null>(null);
	const [date, setDate] = useState('');
	const [note, setNote] = useState('');
	const [errors, setErrors] = useState<{ date?: string; note?: string }>({});
	const [dialogError, setDialogError] = useState('');
	const [busy, setBusy] = useState(false);
	const tableRef = useRef<HTMLDivElement>(null);
	useFocusFallback(tableRef, [items]);

	useEffect(() => {
		let live = true;
		api.listCases().then(
			(r) => {
				if (!live) return;
				setItems(r.items);
				setError('');
			},
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [reload]);

	function open(c: PatientCase) {
		setDate(todayLocal());
		setNote('');
		setErrors({});
		setDialogError('');
		setWithdrawing(c);
	}

	async function withdraw() {
		if (!withdrawing) return;
		const errs: { date?: string } = {};
		if (!isDay(date)) errs.date = t('field.date');
		else if (date > todayLocal()) errs.date = t('cases.withdrawFuture');
		else if (withdrawing.consent && date < withdrawing.consent.signed_date) errs.date = t('cases.withdrawBeforeSigned');
		setErrors(errs);
		if (errs.date) {
			document.getElementById('wd-date')?.focus();
			return;
		}
		setBusy(true);
		setDialogError('');
		try {
			const body: { withdrawn_date: string; note?: string } = { withdrawn_date: date };
			if (note.trim()) body.note = note.trim();
			const c = await api.withdrawConsent(withdrawing.id, body);
			announce(t('cases.withdrawn', { code: c.code }));
			setWithdrawing(null);
			setReload((n) => n + 1);
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const fe: { date?: string; note?: string } = {};
				const d = fieldText(err, 'withdrawn_date');
				const n = fieldText(err, 'note');
				if (d) fe.date = d;
				if (n) fe.note = n;
				setErrors(fe);
				document.getElementById(fe.date ? 'wd-date' : 'wd-note')?.focus();
			}
			setDialogError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<div class="page">
			<PageHeading>{t('cases.title')}</PageHeading>
			<p class="lead">{t('cases.intro')}</p>
			<p class="hint">{t('cases.newHint')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && items.length === 0 && <p class="empty">{t('cases.empty')}</p>}
			{items !== null && items.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby="cases-caption" tabIndex={0} ref={tableRef}>
					<table class="table">
						<caption id="cases-caption" class="visually-hidden">
							{t('cases.caption')}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('cases.colCode')}</th>
								<th scope="col">{t('cases.colInstitution')}</th>
								<th scope="col">{t('cases.colPatient')}</th>
								<th scope="col">{t('cases.colConsent')}</th>
								<th scope="col">{t('cases.colSubmissions')}</th>
								<th scope="col">{t('cases.colCreated')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('cases.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{items.map((c) => (
								<tr key={c.id} class={c.consent?.withdrawn_date ? 'row-disabled' : undefined}>
									<th scope="row" class="mono nowrap">
										{c.code}
									</th>
									<td>{c.institution_name}</td>
									<td>{[c.age_band ? t(`age.${c.age_band}`) : null, c.gender ? t(`gender.${c.gender}`) : null].filter(Boolean).join(' · ') || t('case.notGiven')}</td>
									<td>
										<ConsentState c={c} />
										{c.consent?.has_form && (
											<>
												{' '}
												<a href={consentFormUrl(c.id)} target="_blank" rel="noopener" class="nowrap">
													{t('cases.viewForm')}
													<span class="visually-hidden"> {t('cases.viewFormOf', { code: c.code })} ({t('common.newTab')})</span>
												</a>
											</>
										)}
									</td>
									<td>{c.submission_count}</td>
									<td class="nowrap">{dateTime(c.created_at)}</td>
									<td class="cell-actions">
										{consentActive(c) && (
											<button
												type="button"
												class="button button-small button-danger-quiet"
												aria-label={t('cases.withdrawLabel', { code: c.code })}
												onClick={() => open(c)}
											>
												{t('cases.withdraw')}
											</button>
										)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{withdrawing && (
				<ConfirmDialog
					id="withdraw-consent"
					title={t('cases.withdrawTitle', { code: withdrawing.code })}
					confirmLabel={t('cases.withdrawConfirm')}
					onConfirm={withdraw}
					onClose={() => setWithdrawing(null)}
					busy={busy}
					error={dialogError}
				>
					<div class="confirm">
						<p>{t('cases.withdrawText', { code: withdrawing.code, n: withdrawing.submission_count })}</p>
						<p>{t('cases.withdrawFinal')}</p>
					</div>
					<TextField id="wd-date" label={t('cases.withdrawDate')} type="date" value={date} onInput={setDate} required error={errors.date} class="field-date" />
					<TextAreaField id="wd-note" label={t('cases.withdrawNote')} hint={t('cases.withdrawNoteHint')} optional rows={3} maxLength={1000} value={note} onInput={setNote} error={errors.note} />
				</ConfirmDialog>
			)}
		</div>
	);
}
