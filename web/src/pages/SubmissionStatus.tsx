/* A submission after it was sent: where it is on its path, what happens next, the requisition and its
 * history. Right after sending, the next step is uploading the recording (the wizard's last step);
 * once the recording is in the vault it can be played here. */
import { useState } from 'preact/hooks';
import { type Submission } from '../api';
import { useApp } from '../app-context';
import { PageHeading } from '../components/PageHeading';
import { RecordingFacts } from '../components/RecordingFacts';
import { RecordingPlayer } from '../components/RecordingPlayer';
import { RecordingUpload } from '../components/RecordingUpload';
import { StateBadge } from '../components/StateBadge';
import { WizardSteps } from '../components/WizardSteps';
import { useI18n } from '../i18n';
import { ROUTES, linkClick } from '../router';

export function SubmissionStatus({ sub: first }: { sub: Submission }) {
	const { t, dateTime } = useI18n();
	const { navigate } = useApp();
	const [sub, setSub] = useState(first);
	/* The upload is the wizard's last step; it stays framed as one while this page is open, so the
	 * therapist sees it through to "Ready". */
	const [uploadStep] = useState(first.next_step === 'upload_recording');
	/* A server without the recording vault sends no recording field at all. */
	const vault = 'recording' in sub;
	const rec = sub.recording ?? null;
	const player = rec && rec.playable && rec.state === 'ready' && (
		<RecordingPlayer rec={rec} label={t('recording.playerLabel', { code: sub.case_code })} />
	);
	return (
		<div class="page">
			<div class="page-head page-head-start">
				<PageHeading>{t('submission.titleCase', { code: sub.case_code })}</PageHeading>
				<StateBadge state={sub.state} />
			</div>
			<p class="lead">
				{t('submission.nextStep')}: <strong>{t(`next.${sub.next_step}`)}</strong>
			</p>
			{uploadStep && (
				<>
					<WizardSteps current="recording" />
					<section class="card wizard-card" aria-labelledby="rec-h">
						<h2 id="rec-h">
							<span class="wizard-step-of">{t('wizard.stepOf', { n: 5, total: 5 })}</span> {t('wizard.step.recording')}
						</h2>
						<p class="notice notice-success">{t('recording.sent', { date: dateTime(sub.submitted_at) })}</p>
						{vault ? (
							<>
								{sub.state === 'submitted' && <p>{t('recording.intro')}</p>}
								<RecordingUpload sub={sub} onSubmission={setSub} />
								{player}
							</>
						) : (
							<>
								<p>{t('recording.next')}</p>
								<p class="notice notice-info">{t('recording.notYet')}</p>
								<ul class="plain-list">
									<li>{t('recording.keep')}</li>
									<li>{t('recording.noNames')}</li>
								</ul>
							</>
						)}
					</section>
				</>
			)}
			{!uploadStep && rec && (
				<section class="card" aria-labelledby="rec-h">
					<h2 id="rec-h">{t('recording.title')}</h2>
					{rec.state === 'ready' ? <RecordingFacts rec={rec} /> : <RecordingUpload sub={sub} onSubmission={setSub} />}
					{player}
				</section>
			)}
			{sub.state === 'withdrawn' && <p class="notice notice-warn">{t('submission.withdrawnText')}</p>}
			<section class="card" aria-labelledby="sub-req-h">
				<h2 id="sub-req-h">{t('submission.requisition')}</h2>
				<SubmissionFacts sub={sub} />
			</section>
			{sub.history && sub.history.length > 0 && (
				<section>
					<h2>{t('submission.history')}</h2>
					<HistoryTable sub={sub} />
				</section>
			)}
			<p>
				<a href={ROUTES.submissions} onClick={(e) => linkClick(e, navigate, ROUTES.submissions)}>
					{t('submission.backToList')}
				</a>
			</p>
		</div>
	);
}

export function SubmissionFacts({ sub, showTherapist = false }: { sub: Submission; showTherapist?: boolean }) {
	const { t, day, dateTime } = useI18n();
	const rows: [string, string][] = [];
	if (showTherapist) rows.push([t('inbox.colTherapist'), sub.therapist_name ? `${sub.therapist_name} (${sub.therapist_email})` : sub.therapist_email]);
	rows.push(
		[t('submission.institution'), sub.institution_name],
		[t('submission.case'), sub.case_code],
		[t('session.date'), day(sub.session_date)],
		[t('session.number'), sub.session_number ? String(sub.session_number) : t('common.none')],
		[t('session.phase'), sub.treatment_phase ? t(`phase.${sub.treatment_phase}`) : t('common.none')],
		[t('session.modality'), sub.modality ? t(`modality.${sub.modality}`) : t('common.none')],
		[t('session.instrument'), sub.instrument_name ?? t('common.none')],
		[t('session.questions'), sub.questions || t('common.none')],
		[t('submission.declarations'), sub.declared_consent && sub.declared_no_identifiers ? t('submission.declaredBoth') : t('submission.declaredNot')],
		[t('submission.created'), dateTime(sub.created_at)],
		[t('submission.submitted'), sub.submitted_at ? dateTime(sub.submitted_at) : t('common.none')],
	);
	return (
		<dl class="facts facts-wide">
			{rows.map(([k, v], i) => (
				<div key={i}>
					<dt>{k}</dt>
					<dd class="break pre-line">{v}</dd>
				</div>
			))}
		</dl>
	);
}

/* The API promises ISO 8601; tolerate Unix seconds too, so a history never shows 1970. */
function isoOf(at: string | number): string {
	return typeof at === 'number' ? new Date(at * 1000).toISOString() : at;
}

export function HistoryTable({ sub }: { sub: Submission }) {
	const { t, dateTime } = useI18n();
	const hid = `hist-caption-${sub.id}`;
	return (
		<div class="table-wrap" role="region" aria-labelledby={hid} tabIndex={0}>
			<table class="table table-dense">
				<caption id={hid} class="visually-hidden">
					{t('submission.history')}
				</caption>
				<thead>
					<tr>
						<th scope="col">{t('submission.colTime')}</th>
						<th scope="col">{t('submission.colChange')}</th>
						<th scope="col">{t('submission.colBy')}</th>
					</tr>
				</thead>
				<tbody>
					{(sub.history ?? []).map((h, i) => (
						<tr key={i}>
							<td class="nowrap">
								<time dateTime={isoOf(h.at)}>{dateTime(isoOf(h.at))}</time>
							</td>
							<td>
								{h.from_state && h.to_state && h.from_state !== h.to_state
									? t('submission.change', { from: t(`state.${h.from_state}`), to: t(`state.${h.to_state}`) })
									: h.to_state
										? t(`state.${h.to_state}`)
										: h.event}
							</td>
							<td class="break">{h.actor_email ?? t('audit.system')}</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}
