/* Lab admin: an institution's data processing agreements — draft one, attach the signed PDF, activate
 * it (which supersedes the one in force) and terminate it. The PDF opens in a new tab, never in a
 * frame: the API forbids framing. */
import { useRef, useState } from 'preact/hooks';
import { ApiError, agreementDocumentUrl, api, type Agreement, type AgreementInput, type Institution, type Member } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { CheckboxField, ErrorNotice, FileField, SaveCancel, TextAreaField, TextField } from '../components/Field';
import { AgreementBadge } from '../components/StateBadge';
import { useFocusFallback } from '../components/focus';
import { type I18n, type MessageKey, hasKey, useI18n } from '../i18n';
import { MAX_DOCUMENT_BYTES, isDay } from '../intake';

interface Props {
	institution: Institution;
	members: Member[];
	agreements: Agreement[] | null;
	onChanged: () => void;
}

type Pending = { kind: 'edit' | 'document' | 'activate' | 'terminate'; agreement: Agreement } | { kind: 'create' } | null;

/* "15 Jan 2026 to 31 Dec 2028"; with keep, each date stays on one line (no-break spaces). */
export function validityText({ t, day }: I18n, a: Agreement, keep = false): string {
	const d = (x: string | null) => (keep ? day(x).replace(/ /g, '\u00a0') : day(x));
	if (!a.valid_from && !a.valid_until) return t('common.none');
	if (!a.valid_until) return t('agreement.validFromOnly', { from: d(a.valid_from) });
	return t('agreement.validRange', { from: d(a.valid_from), until: d(a.valid_until) });
}

export function managerText({ t }: I18n, a: Agreement): string {
	return [a.manager_name, a.manager_title, a.manager_level].filter(Boolean).join(', ') || t('common.none');
}

export function AgreementsSection({ institution, members, agreements, onChanged }: Props) {
	const i18n = useI18n();
	const { t, day, dateTime } = i18n;
	const [pending, setPending] = useState<Pending>(null);
	const close = () => setPending(null);
	const done = () => {
		setPending(null);
		onChanged();
	};
	const active = agreements?.find((a) => a.status === 'active') ?? null;
	const headRef = useRef<HTMLHeadingElement>(null);
	useFocusFallback(headRef, [agreements]);

	return (
		<section class="card" aria-labelledby="agr-h">
			<div class="section-head">
				<h2 id="agr-h" ref={headRef} tabIndex={-1} class="focus-target">{t('agreements.title')}</h2>
				<button type="button" class="button" onClick={() => setPending({ kind: 'create' })}>
					{t('agreements.new')}
				</button>
			</div>
			<p class="hint">{t('agreements.intro')}</p>
			{agreements !== null &&
				(active ? (
					<p class="notice notice-success">{t('agreements.inForce', { version: active.version, validity: validityText(i18n, active) })}</p>
				) : (
					<p class="notice notice-warn">{t('agreements.noneInForce')}</p>
				))}
			{agreements === null && <p class="loading">{t('common.loading')}</p>}
			{agreements !== null && agreements.length === 0 && <p class="empty">{t('agreements.empty')}</p>}
			{agreements !== null && agreements.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby="agr-caption" tabIndex={0}>
					<table class="table">
						<caption id="agr-caption" class="visually-hidden">
							{t('agreements.caption', { name: institution.name })}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('agreements.colVersion')}</th>
								<th scope="col">{t('agreements.colStatus')}</th>
								<th scope="col">{t('agreements.colSigned')}</th>
								<th scope="col">{t('agreements.colValid')}</th>
								<th scope="col">{t('agreements.colManager')}</th>
								<th scope="col">{t('agreements.colSignatories')}</th>
								<th scope="col">{t('agreements.colDocument')}</th>
								<th scope="col">
									<span class="visually-hidden">{t('agreements.colActions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{agreements.map((a) => (
								<tr key={a.id} class={a.status === 'superseded' || a.status === 'terminated' ? 'row-disabled' : undefined}>
									<th scope="row">{a.version}</th>
									<td>
										<AgreementBadge status={a.status} />
										{a.status === 'terminated' && (
											<span class="block hint">
												{t('agreements.terminatedOn', { date: dateTime(a.ended_at) })}
												{a.termination_reason ? `: ${a.termination_reason}` : ''}
											</span>
										)}
										{a.status === 'active' && a.activated_at && <span class="block hint">{t('agreements.activatedOn', { date: dateTime(a.activated_at) })}</span>}
									</td>
									<td class="nowrap">{day(a.signed_date)}</td>
									<td>{validityText(i18n, a, true)}</td>
									<td>{managerText(i18n, a)}</td>
									<td>{a.signatories.length ? a.signatories.map((s) => s.display_name || s.email).join(', ') : t('common.none')}</td>
									<td>
										{a.has_document ? (
											<a href={agreementDocumentUrl(a.id)} target="_blank" rel="noopener" class="nowrap">
												{t('agreements.viewPdf')}
												<span class="visually-hidden">
													{' '}
													{t('agreements.ofVersion', { version: a.version })} ({t('common.newTab')})
												</span>
											</a>
										) : (
											<span class="muted">{t('agreements.noDocument')}</span>
										)}
									</td>
									<td class="cell-actions">
										<div class="action-stack">
											{a.status === 'draft' && (
												<>
													<button type="button" class="button button-small" aria-label={t('agreements.editLabel', { version: a.version })} onClick={() => setPending({ kind: 'edit', agreement: a })}>
														{t('agreements.edit')}
													</button>
													<button
														type="button"
														class="button button-small"
														aria-label={t(a.has_document ? 'agreements.replacePdfLabel' : 'agreements.uploadPdfLabel', { version: a.version })}
														onClick={() => setPending({ kind: 'document', agreement: a })}
													>
														{a.has_document ? t('agreements.replacePdf') : t('agreements.uploadPdf')}
													</button>
													<button
														type="button"
														class="button button-small button-primary"
														aria-label={t('agreements.activateLabel', { version: a.version })}
														onClick={() => setPending({ kind: 'activate', agreement: a })}
													>
														{t('agreements.activate')}
													</button>
												</>
											)}
											{(a.status === 'active' || a.status === 'expired') && (
												<button
													type="button"
													class="button button-small button-danger-quiet"
													aria-label={t('agreements.terminateLabel', { version: a.version })}
													onClick={() => setPending({ kind: 'terminate', agreement: a })}
												>
													{t('agreements.terminate')}
												</button>
											)}
										</div>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{pending?.kind === 'create' && <AgreementDialog institution={institution} members={members} agreement={null} onClose={close} onSaved={done} />}
			{pending?.kind === 'edit' && <AgreementDialog institution={institution} members={members} agreement={pending.agreement} onClose={close} onSaved={done} />}
			{pending?.kind === 'document' && <DocumentDialog agreement={pending.agreement} onClose={close} onSaved={done} />}
			{pending?.kind === 'activate' && <ActivateDialog institution={institution} agreement={pending.agreement} current={active} onClose={close} onDone={done} />}
			{pending?.kind === 'terminate' && <TerminateDialog institution={institution} agreement={pending.agreement} onClose={close} onDone={done} />}
		</section>
	);
}

const AGREEMENT_FIELDS = ['version', 'signed_date', 'valid_from', 'valid_until', 'manager_name', 'manager_title', 'manager_level', 'signatory_ids'] as const;
type AgreementField = (typeof AGREEMENT_FIELDS)[number];
type Errors = Partial<Record<AgreementField, string>>;
const FIELD_ID: Record<AgreementField, string> = {
	version: 'agr-version',
	signed_date: 'agr-signed',
	valid_from: 'agr-from',
	valid_until: 'agr-until',
	manager_name: 'agr-manager-name',
	manager_title: 'agr-manager-title',
	manager_level: 'agr-manager-level',
	signatory_ids: 'agr-signatories',
};

function AgreementDialog({ institution, members, agreement, onClose, onSaved }: { institution: Institution; members: Member[]; agreement: Agreement | null; onClose: () => void; onSaved: () => void }) {
	const { t, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const a = agreement;
	const [version, setVersion] = useState(a?.version ?? '');
	const [signed, setSigned] = useState(a?.signed_date ?? '');
	const [from, setFrom] = useState(a?.valid_from ?? '');
	const [until, setUntil] = useState(a?.valid_until ?? '');
	const [managerName, setManagerName] = useState(a?.manager_name ?? '');
	const [managerTitle, setManagerTitle] = useState(a?.manager_title ?? '');
	const [managerLevel, setManagerLevel] = useState(a?.manager_level ?? '');
	const [signatories, setSignatories] = useState<number[]>(a?.signatories.map((s) => s.user_id) ?? []);
	const [errors, setErrors] = useState<Errors>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	function focusFirst(errs: Errors) {
		const f = AGREEMENT_FIELDS.find((k) => errs[k]);
		if (f) document.getElementById(f === 'signatory_ids' ? `agr-sig-${members[0]?.user_id ?? ''}` : FIELD_ID[f])?.focus();
	}

	async function submit(e: Event) {
		e.preventDefault();
		if (busy) return;
		const errs: Errors = {};
		if (!version.trim()) errs.version = t('field.required');
		for (const [k, v] of [['signed_date', signed], ['valid_from', from], ['valid_until', until]] as const) if (v && !isDay(v)) errs[k] = t('field.date');
		if (!errs.valid_until && from && until && until < from) errs.valid_until = t('agreement.untilBeforeFrom');
		setErrors(errs);
		if (Object.keys(errs).length) {
			setError(t('error.fixFields'));
			focusFirst(errs);
			return;
		}
		const opt = (v: string) => (v.trim() ? v.trim() : null);
		const body: AgreementInput = {
			version: version.trim(),
			signed_date: opt(signed),
			valid_from: opt(from),
			valid_until: opt(until),
			manager_name: opt(managerName),
			manager_title: opt(managerTitle),
			manager_level: opt(managerLevel),
			signatory_ids: signatories,
		};
		setBusy(true);
		setError('');
		try {
			const saved = a ? await api.updateAgreement(a.id, body) : await api.createAgreement(institution.id, body);
			setBusy(false);
			onSaved();
			announce(t(a ? 'agreement.saved' : 'agreement.created', { version: saved.version }));
			return;
		} catch (err) {
			if (err instanceof ApiError) {
				const fe: Errors = {};
				for (const f of AGREEMENT_FIELDS) {
					const m = fieldText(err, f);
					if (m) fe[f] = m;
				}
				setErrors(fe);
				setError(Object.keys(fe).length ? t('error.fixFields') : errorText(err));
				focusFirst(fe);
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<Dialog id="agreement-form" title={a ? t('agreement.editTitle', { version: a.version }) : t('agreement.createTitle', { name: institution.name })} onClose={onClose} wide>
			<form class="form" onSubmit={submit} noValidate>
				<p class="hint">{t('agreement.draftHint')}</p>
				<ErrorNotice>{error}</ErrorNotice>
				<div class="form-grid">
					<TextField id="agr-version" label={t('agreement.version')} hint={t('agreement.versionHint')} value={version} onInput={setVersion} required maxLength={50} autoComplete="off" error={errors.version} />
					<TextField id="agr-signed" label={t('agreement.signedDate')} type="date" value={signed} onInput={setSigned} error={errors.signed_date} class="field-date" />
					<TextField id="agr-from" label={t('agreement.validFrom')} type="date" value={from} onInput={setFrom} error={errors.valid_from} class="field-date" />
					<TextField id="agr-until" label={t('agreement.validUntil')} hint={t('agreement.validUntilHint')} optional type="date" value={until} onInput={setUntil} error={errors.valid_until} class="field-date" />
				</div>
				<fieldset class="fieldset">
					<legend>{t('agreement.manager')}</legend>
					<p class="hint">{t('agreement.managerHint')}</p>
					<div class="form-grid">
						<TextField id="agr-manager-name" label={t('agreement.managerName')} value={managerName} onInput={setManagerName} maxLength={200} autoComplete="off" error={errors.manager_name} />
						<TextField id="agr-manager-title" label={t('agreement.managerTitle')} value={managerTitle} onInput={setManagerTitle} maxLength={200} autoComplete="off" error={errors.manager_title} />
						<TextField
							id="agr-manager-level"
							label={t('agreement.managerLevel')}
							hint={t('agreement.managerLevelHint')}
							value={managerLevel}
							onInput={setManagerLevel}
							maxLength={100}
							autoComplete="off"
							error={errors.manager_level}
						/>
					</div>
				</fieldset>
				<fieldset class={`fieldset${errors.signatory_ids ? ' has-error' : ''}`} id="agr-signatories" aria-describedby={errors.signatory_ids ? 'agr-signatories-error' : 'agr-signatories-hint'}>
					<legend>{t('agreement.signatories')}</legend>
					<p class="hint" id="agr-signatories-hint">
						{members.length ? t('agreement.signatoriesHint') : t('agreement.noMembers')}
					</p>
					{members.map((m) => (
						<CheckboxField
							key={m.user_id}
							id={`agr-sig-${m.user_id}`}
							label={`${m.display_name || m.email} (${m.email})`}
							checked={signatories.includes(m.user_id)}
							onChange={(on) => setSignatories(on ? [...signatories, m.user_id] : signatories.filter((x) => x !== m.user_id))}
						/>
					))}
					{errors.signatory_ids && (
						<p id="agr-signatories-error" class="field-error">
							{errors.signatory_ids}
						</p>
					)}
				</fieldset>
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy}>
						{busy ? t('common.saving') : a ? t('agreement.save') : t('agreement.create')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}

function DocumentDialog({ agreement, onClose, onSaved }: { agreement: Agreement; onClose: () => void; onSaved: () => void }) {
	const { t, errorText } = useI18n();
	const { announce } = useApp();
	const [file, setFile] = useState<File | null>(null);
	const [fieldError, setFieldError] = useState('');
	const [busy, setBusy] = useState(false);

	async function upload(e: Event) {
		e.preventDefault();
		if (busy) return;
		let problem = '';
		if (!file) problem = t('agreement.pickPdf');
		else if (file.type && file.type !== 'application/pdf' && !/\.pdf$/i.test(file.name)) problem = t('agreement.notPdf');
		else if (file.size > MAX_DOCUMENT_BYTES) problem = t('wizard.fileTooLarge', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 });
		setFieldError(problem);
		if (problem || !file) {
			document.getElementById('agr-pdf')?.focus();
			return;
		}
		setBusy(true);
		try {
			await api.uploadAgreementDocument(agreement.id, file);
			setBusy(false);
			onSaved();
			announce(t('agreement.pdfUploaded', { version: agreement.version }));
			return;
		} catch (err) {
			setFieldError(err instanceof ApiError && err.code === 'unsupported_file' ? t('agreement.notPdf') : errorText(err));
			document.getElementById('agr-pdf')?.focus();
		}
		setBusy(false);
	}

	return (
		<Dialog id="agreement-document" title={t('agreement.pdfTitle', { version: agreement.version })} onClose={onClose}>
			<form class="form" onSubmit={upload} noValidate>
				<FileField id="agr-pdf" label={t('agreement.pdf')} hint={t('agreement.pdfHint')} accept="application/pdf,.pdf" onFile={setFile} error={fieldError} />
				<SaveCancel busy={busy} label={t('agreement.upload')} onCancel={onClose} />
			</form>
		</Dialog>
	);
}

/* The names of what an agreement still lacks, from the server's 422 agreement_incomplete. */
function missingItems(t: I18n['t'], err: ApiError): string[] {
	return Object.keys(err.fields).map((f) => {
		const key = `agreement.missing.${f}`;
		return hasKey(key) ? t(key as MessageKey) : `${f}: ${err.fields[f]}`;
	});
}

function ActivateDialog({ institution, agreement, current, onClose, onDone }: { institution: Institution; agreement: Agreement; current: Agreement | null; onClose: () => void; onDone: () => void }) {
	const { t, errorText } = useI18n();
	const { announce } = useApp();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [missing, setMissing] = useState<string[]>([]);

	async function activate() {
		setBusy(true);
		setError('');
		setMissing([]);
		try {
			await api.activateAgreement(agreement.id);
			setBusy(false);
			onDone();
			announce(t('agreement.activated', { version: agreement.version, name: institution.name }));
			return;
		} catch (err) {
			if (err instanceof ApiError && err.code === 'agreement_incomplete') {
				setError(t('agreement.incomplete'));
				setMissing(missingItems(t, err));
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<ConfirmDialog
			id="activate-agreement"
			title={t('agreement.activateTitle', { version: agreement.version })}
			confirmLabel={t('agreement.activateConfirm')}
			onConfirm={activate}
			onClose={onClose}
			busy={busy}
			danger={false}
		>
			{error && (
				<div class="notice notice-error" role="alert">
					<p>{error}</p>
					{missing.length > 0 && (
						<ul class="missing-list">
							{missing.map((m) => (
								<li key={m}>{m}</li>
							))}
						</ul>
					)}
				</div>
			)}
			<p>{t('agreement.activateText', { name: institution.name })}</p>
			{current && <p>{t('agreement.activateSupersedes', { version: current.version })}</p>}
		</ConfirmDialog>
	);
}

function TerminateDialog({ institution, agreement, onClose, onDone }: { institution: Institution; agreement: Agreement; onClose: () => void; onDone: () => void }) {
	const { t, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const [reason, setReason] = useState('');
	const [reasonError, setReasonError] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function terminate() {
		if (!reason.trim()) {
			setReasonError(t('agreement.reasonRequired'));
			document.getElementById('agr-reason')?.focus();
			return;
		}
		setBusy(true);
		setError('');
		setReasonError('');
		try {
			await api.terminateAgreement(agreement.id, reason.trim());
			setBusy(false);
			onDone();
			announce(t('agreement.terminated', { version: agreement.version }));
			return;
		} catch (err) {
			const fe = err instanceof ApiError ? fieldText(err, 'reason') : undefined;
			if (fe) {
				setReasonError(fe);
				document.getElementById('agr-reason')?.focus();
			}
			setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<ConfirmDialog
			id="terminate-agreement"
			title={t('agreement.terminateTitle', { version: agreement.version })}
			confirmLabel={t('agreement.terminateConfirm')}
			onConfirm={terminate}
			onClose={onClose}
			busy={busy}
			error={error}
		>
			<div class="confirm">
				<p>{t('agreement.terminateText', { name: institution.name })}</p>
				<p>{t('agreement.terminateRetention', { n: institution.retention_days })}</p>
			</div>
			<TextAreaField id="agr-reason" label={t('agreement.reason')} rows={3} maxLength={1000} value={reason} onInput={setReason} required error={reasonError} />
		</ConfirmDialog>
	);
}
