/* Step 4: the therapist's two declarations, a last look at the requisition, and sending it. When the
 * server refuses (no active agreement, no consent, ...), its reason is shown with a way to fix it. */
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, type PatientCase, type Submission } from '../../api';
import { useApp } from '../../app-context';
import { CheckboxField, ErrorNotice } from '../../components/Field';
import { StepActions, StepHeading } from '../../components/WizardSteps';
import { useI18n } from '../../i18n';
import { submitProblem, type SubmitProblem, type WizardStep } from '../../intake';
import { submissionPath } from '../../router';

type Refusal = { problem: SubmitProblem | null; message: string };

export function DeclarationsStep({ sub, pcase }: { sub: Submission; pcase: PatientCase | null }) {
	const { t, day, errorText } = useI18n();
	const { navigate, announce } = useApp();
	const [consent, setConsent] = useState(sub.declared_consent);
	const [noIds, setNoIds] = useState(sub.declared_no_identifiers);
	const [errors, setErrors] = useState<{ consent?: string; ids?: string }>({});
	const [error, setError] = useState('');
	const [refusal, setRefusal] = useState<Refusal | null>(null);
	const [busy, setBusy] = useState(false);
	const refusalRef = useRef<HTMLDivElement>(null);
	/* What the server holds now, so an unchanged step is not saved again. */
	const [stored, setStored] = useState({ consent: sub.declared_consent, noIds: sub.declared_no_identifiers });

	async function save(): Promise<boolean> {
		setError('');
		if (consent === stored.consent && noIds === stored.noIds) return true;
		try {
			const s = await api.updateSubmission(sub.id, { declared_consent: consent, declared_no_identifiers: noIds });
			setStored({ consent: s.declared_consent, noIds: s.declared_no_identifiers });
			return true;
		} catch (err) {
			setError(errorText(err));
			return false;
		}
	}

	/* Leaves for another step, keeping the ticks. */
	async function goTo(step: WizardStep) {
		if (busy) return;
		setBusy(true);
		const ok = await save();
		setBusy(false);
		if (ok) navigate(submissionPath(sub.id, step));
	}

	async function send(e: Event) {
		e.preventDefault();
		if (busy) return;
		setRefusal(null);
		const errs: { consent?: string; ids?: string } = {};
		if (!consent) errs.consent = t('wizard.decl.consentRequired');
		if (!noIds) errs.ids = t('wizard.decl.idsRequired');
		setErrors(errs);
		setBusy(true);
		const saved = await save();
		if (!saved || Object.keys(errs).length) {
			setBusy(false);
			if (Object.keys(errs).length) {
				setError(t('error.fixFields'));
				document.getElementById(errs.consent ? 'decl-consent' : 'decl-identifiers')?.focus();
			}
			return;
		}
		try {
			const s = await api.submitSubmission(sub.id);
			setBusy(false);
			navigate(submissionPath(s.id));
			announce(t('wizard.sent', { code: s.case_code }));
			return;
		} catch (err) {
			if (err instanceof ApiError && (err.code === 'cannot_submit' || err.status === 422)) {
				setRefusal({ problem: submitProblem(err.message), message: err.message });
				window.setTimeout(() => refusalRef.current?.focus(), 0);
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	function fixLink(p: SubmitProblem) {
		if (!p.fix) return null;
		if (p.fix === 'declarations') {
			return (
				<button type="button" class="button button-small" onClick={() => p.field && document.getElementById(p.field)?.focus()}>
					{t('submit.fixHere')}
				</button>
			);
		}
		const href = submissionPath(sub.id, p.fix);
		return (
			<a
				href={href}
				onClick={(e) => {
					if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
					e.preventDefault();
					goTo(p.fix ?? 'case');
				}}
			>
				{t(`submit.fix.${p.fix}`)}
			</a>
		);
	}

	const consentText = pcase?.consent
		? t('wizard.decl.consentSummary', {
				date: day(pcase.consent.signed_date),
				scopes: [
					pcase.consent.quality_assurance ? t('consent.qa') : null,
					pcase.consent.rater_training ? t('consent.training') : null,
					pcase.consent.research ? t('consent.research') : null,
				]
					.filter(Boolean)
					.join(', ') || t('consent.noScope'),
			})
		: t('consent.none');

	const summary: { label: string; value: string; step: WizardStep }[] = [
		{ label: t('wizard.decl.case'), value: `${sub.case_code} · ${sub.institution_name}`, step: 'case' },
		{ label: t('wizard.decl.consent'), value: consentText, step: 'consent' },
		{ label: t('session.date'), value: sub.session_date ? day(sub.session_date) : t('wizard.decl.missing'), step: 'session' },
		{ label: t('session.number'), value: sub.session_number ? String(sub.session_number) : t('wizard.decl.missing'), step: 'session' },
		{ label: t('session.phase'), value: sub.treatment_phase ? t(`phase.${sub.treatment_phase}`) : t('wizard.decl.missing'), step: 'session' },
		{ label: t('session.modality'), value: sub.modality ? t(`modality.${sub.modality}`) : t('wizard.decl.missing'), step: 'session' },
		{ label: t('session.instrument'), value: sub.instrument_name ?? t('wizard.decl.missing'), step: 'session' },
		{ label: t('session.questions'), value: sub.questions || t('common.none'), step: 'session' },
	];

	return (
		<form class="form" onSubmit={send} noValidate>
			<StepHeading step="declarations" />
			<h3 id="decl-summary-h">{t('wizard.decl.summary')}</h3>
			<dl class="facts facts-wide summary" aria-labelledby="decl-summary-h">
				{summary.map((row, i) => (
					<div key={i}>
						<dt>{row.label}</dt>
						<dd class="break pre-line">{row.value}</dd>
					</div>
				))}
			</dl>
			<div class="button-row">
				<button type="button" class="button button-small" disabled={busy} onClick={() => goTo('case')}>
					{t('wizard.decl.changeCase')}
				</button>
				<button type="button" class="button button-small" disabled={busy} onClick={() => goTo('consent')}>
					{t('wizard.decl.changeConsent')}
				</button>
				<button type="button" class="button button-small" disabled={busy} onClick={() => goTo('session')}>
					{t('wizard.decl.changeSession')}
				</button>
			</div>

			<h3>{t('wizard.decl.title')}</h3>
			<ErrorNotice>{error}</ErrorNotice>
			<CheckboxField id="decl-consent" label={t('wizard.decl.consentLabel')} hint={t('wizard.decl.consentHint')} checked={consent} onChange={setConsent} error={errors.consent} />
			<CheckboxField
				id="decl-identifiers"
				label={t('wizard.decl.idsLabel')}
				hint={t('wizard.decl.idsHint')}
				checked={noIds}
				onChange={setNoIds}
				error={errors.ids}
			/>
			{refusal && (
				<div id="submit-refused" class="notice notice-error refusal" role="alert" tabIndex={-1} ref={refusalRef}>
					<p class="refusal-title">{t('submit.refused')}</p>
					<p>{refusal.problem ? t(refusal.problem.text) : refusal.message}</p>
					{refusal.problem && <p>{refusal.problem.fix ? fixLink(refusal.problem) : t('submit.askLab')}</p>}
				</div>
			)}
			<StepActions busy={busy} nextLabel={t('wizard.decl.send')} onBack={() => goTo('session')} />
		</form>
	);
}
