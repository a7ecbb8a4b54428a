/* A submission's state as a coloured badge with its name, and the agreement status likewise. */
import type { AgreementStatus, SubmissionState } from '../api';
import { useI18n } from '../i18n';

const STATE_TONE: Record<SubmissionState, string> = {
	draft: 'off',
	submitted: 'info',
	recording_ready: 'info',
	assigned: 'info',
	rated: 'info',
	consensus: 'info',
	approved: 'info',
	feedback_published: 'ok',
	closed: 'ok',
	withdrawn: 'warn',
};

export function StateBadge({ state }: { state: SubmissionState }) {
	const { t } = useI18n();
	return <span class={`badge badge-${STATE_TONE[state] ?? 'off'}`}>{t(`state.${state}`)}</span>;
}

const AGREEMENT_TONE: Record<AgreementStatus, string> = {
	draft: 'off',
	active: 'ok',
	expired: 'warn',
	superseded: 'off',
	terminated: 'warn',
};

export function AgreementBadge({ status }: { status: AgreementStatus }) {
	const { t } = useI18n();
	return <span class={`badge badge-${AGREEMENT_TONE[status] ?? 'off'}`}>{t(`agreement.status.${status}`)}</span>;
}
