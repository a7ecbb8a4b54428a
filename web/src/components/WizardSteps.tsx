/* Where the therapist is in the requisition: the five steps, the current one marked for screen readers. */
import { useEffect, useRef } from 'preact/hooks';
import { WIZARD_STEPS, type WizardStep } from '../intake';
import { useI18n } from '../i18n';

export function WizardSteps({ current }: { current: WizardStep }) {
	const { t } = useI18n();
	const at = WIZARD_STEPS.indexOf(current);
	return (
		<nav class="wizard-nav" aria-label={t('wizard.stepsLabel')}>
			<ol class="wizard-steps">
				{WIZARD_STEPS.map((s, i) => {
					const state = i < at ? 'done' : i === at ? 'current' : 'todo';
					return (
						<li key={s} class={`wizard-step wizard-step-${state}`} aria-current={i === at ? 'step' : undefined}>
							<span class="wizard-step-number" aria-hidden="true">
								{i < at ? '✓' : i + 1}
							</span>
							<span class="wizard-step-name">{t(`wizard.step.${s}`)}</span>
							{state === 'done' && <span class="visually-hidden"> ({t('wizard.stepDone')})</span>}
						</li>
					);
				})}
			</ol>
		</nav>
	);
}

/* The step's own heading: it takes the focus when the step opens, so a screen reader says where the user is. */
export function StepHeading({ step }: { step: WizardStep }) {
	const { t } = useI18n();
	const ref = useRef<HTMLHeadingElement>(null);
	useEffect(() => {
		ref.current?.focus();
	}, []);
	return (
		<h2 id="wz-step-h" ref={ref} tabIndex={-1} class="wizard-step-title">
			<span class="wizard-step-of">{t('wizard.stepOf', { n: WIZARD_STEPS.indexOf(step) + 1, total: WIZARD_STEPS.length })}</span>{' '}
			{t(`wizard.step.${step}`)}
		</h2>
	);
}

/* Back and Next at the foot of a step. Both save what is on the step first. */
export function StepActions({ busy, nextLabel, onBack }: { busy: boolean; nextLabel?: string; onBack?: () => void }) {
	const { t } = useI18n();
	return (
		<div class="form-actions wizard-actions">
			{onBack && (
				<button type="button" class="button" disabled={busy} onClick={onBack}>
					{t('wizard.back')}
				</button>
			)}
			<button type="submit" class="button button-primary" disabled={busy}>
				{busy ? t('common.saving') : (nextLabel ?? t('wizard.next'))}
			</button>
		</div>
	);
}
