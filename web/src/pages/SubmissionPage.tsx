/* One submission: the requisition wizard while it is a draft, its progress once it has been sent. */
import { useEffect, useState } from 'preact/hooks';
import { api, type PatientCase, type Submission } from '../api';
import { useApp } from '../app-context';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { StateBadge } from '../components/StateBadge';
import { WizardSteps } from '../components/WizardSteps';
import { useI18n } from '../i18n';
import { firstOpenStep, isWizardStep, type WizardStep } from '../intake';
import { ROUTES, linkClick } from '../router';
import { SubmissionStatus } from './SubmissionStatus';
import { CaseStep } from './wizard/CaseStep';
import { ConsentStep } from './wizard/ConsentStep';
import { DeclarationsStep } from './wizard/DeclarationsStep';
import { SessionStep } from './wizard/SessionStep';

interface Props {
	/* null: a new requisition, no draft yet. */
	id: number | null;
	step?: string | undefined;
}

export function SubmissionPage({ id, step }: Props) {
	const { t, errorText } = useI18n();
	const [sub, setSub] = useState<Submission | null>(null);
	const [pcase, setCase] = useState<PatientCase | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [attempt, setAttempt] = useState(0);

	useEffect(() => {
		if (id === null) return undefined;
		let live = true;
		setError(null);
		(async () => {
			const s = await api.getSubmission(id);
			/* The case says whether consent is in place; without it the draft opens at the consent step. */
			const c = s.state === 'draft' ? await api.getCase(s.case_id).catch(() => null) : null;
			if (!live) return;
			setCase(c);
			setSub(s);
		})().catch((err: unknown) => live && setError(err));
		return () => {
			live = false;
		};
	}, [id, attempt]);

	if (id === null) return <Wizard sub={null} pcase={null} step="case" />;
	if (error) {
		return (
			<div class="page">
				<PageHeading>{t('submission.title')}</PageHeading>
				<ErrorNotice>{errorText(error)}</ErrorNotice>
				<BackToList />
				<button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
					{t('common.retry')}
				</button>
			</div>
		);
	}
	if (!sub) return <p class="loading">{t('common.loading')}</p>;
	if (sub.state !== 'draft') return <SubmissionStatus sub={sub} />;
	const at: WizardStep = isWizardStep(step) && step !== 'recording' ? step : firstOpenStep(sub, pcase);
	return <Wizard sub={sub} pcase={pcase} step={at} />;
}

function BackToList() {
	const { t } = useI18n();
	const { navigate } = useApp();
	return (
		<p>
			<a href={ROUTES.submissions} onClick={(e) => linkClick(e, navigate, ROUTES.submissions)}>
				{t('submission.backToList')}
			</a>
		</p>
	);
}

function Wizard({ sub, pcase, step }: { sub: Submission | null; pcase: PatientCase | null; step: WizardStep }) {
	const { t, errorText } = useI18n();
	const { navigate, announce } = useApp();
	const [deleting, setDeleting] = useState(false);
	const [busy, setBusy] = useState(false);
	const [deleteError, setDeleteError] = useState('');

	async function remove() {
		if (!sub) return;
		setBusy(true);
		setDeleteError('');
		try {
			await api.deleteSubmission(sub.id);
			setBusy(false);
			setDeleting(false);
			navigate(ROUTES.submissions);
			announce(t('wizard.deleted', { code: sub.case_code }));
			return;
		} catch (err) {
			setDeleteError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<div class="page page-wizard">
			<div class="page-head page-head-start">
				<PageHeading focus={false}>{sub ? t('wizard.titleDraft', { code: sub.case_code }) : t('wizard.titleNew')}</PageHeading>
				{sub && <StateBadge state={sub.state} />}
			</div>
			<p class="lead">{t('wizard.intro')}</p>
			<WizardSteps current={step} />
			<section class="card wizard-card" aria-labelledby="wz-step-h">
				{step === 'case' && <CaseStep sub={sub} />}
				{step === 'consent' && sub && <ConsentStep sub={sub} />}
				{step === 'session' && sub && <SessionStep sub={sub} />}
				{step === 'declarations' && sub && <DeclarationsStep sub={sub} pcase={pcase} />}
			</section>
			<div class="wizard-foot">
				<BackToList />
				{sub && (
					<button type="button" class="button button-danger-quiet" onClick={() => setDeleting(true)}>
						{t('wizard.delete')}
					</button>
				)}
			</div>
			{deleting && sub && (
				<ConfirmDialog
					id="delete-draft"
					title={t('wizard.deleteTitle')}
					confirmLabel={t('wizard.deleteConfirm')}
					onConfirm={remove}
					onClose={() => setDeleting(false)}
					busy={busy}
					error={deleteError}
				>
					<p>{t('wizard.deleteText', { code: sub.case_code })}</p>
				</ConfirmDialog>
			)}
		</div>
	);
}
