/* Rules the intake screens share: the wizard's steps, reading the server's "cannot submit" reasons,
 * and small helpers for calendar dates. */
import type { PatientCase, Submission } from './api';
import type { MessageKey } from './i18n';

export const WIZARD_STEPS = ['case', 'consent', 'session', 'declarations', 'recording'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export function isWizardStep(s: unknown): s is WizardStep {
	return typeof s === 'string' && (WIZARD_STEPS as readonly string[]).includes(s);
}

/* Where a draft should open: the first step that still lacks something. */
export function firstOpenStep(s: Submission, c: PatientCase | null): WizardStep {
	if (s.state !== 'draft') return 'recording';
	if (!c || !c.consent || c.consent.withdrawn_date) return 'consent';
	if (!s.session_date || !s.session_number || !s.modality || !s.instrument_id) return 'session';
	return 'declarations';
}

/* What is missing before a requisition can be sent, as the server words it (see core/workflow.c),
 * and the step where the therapist can put it right (null: only the lab can). */
export interface SubmitProblem {
	text: MessageKey;
	fix: WizardStep | null;
	/* The control on that step to put the keyboard on. */
	field?: string;
}

const PROBLEMS: [RegExp, SubmitProblem][] = [
	[/no active data processing agreement/i, { text: 'submit.noAgreement', fix: null }],
	[/not signed the institution/i, { text: 'submit.notSignatory', fix: null }],
	[/no consent is declared/i, { text: 'submit.noConsent', fix: 'consent' }],
	[/withdrawn consent/i, { text: 'submit.consentWithdrawn', fix: 'case' }],
	[/does not cover quality assurance/i, { text: 'submit.consentNotQa', fix: 'consent', field: 'cs-qa-yes' }],
	[/session date, session number/i, { text: 'submit.noSessionDetails', fix: 'session' }],
	[/signed written consent before the recording/i, { text: 'submit.declareConsent', fix: 'declarations', field: 'decl-consent' }],
	[/no full names or identity numbers/i, { text: 'submit.declareNoIdentifiers', fix: 'declarations', field: 'decl-identifiers' }],
];

export function submitProblem(message: string): SubmitProblem | null {
	for (const [re, p] of PROBLEMS) if (re.test(message)) return p;
	return null;
}

/* Today's date where the user is, as "YYYY-MM-DD" (what <input type="date"> and the API use). */
export function todayLocal(): string {
	const d = new Date();
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function isDay(s: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(s);
}

/* Consent is in force: declared and not withdrawn. */
export function consentActive(c: PatientCase): boolean {
	return !!c.consent && !c.consent.withdrawn_date;
}

/* Files a scanned consent form may be. */
export const FORM_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
