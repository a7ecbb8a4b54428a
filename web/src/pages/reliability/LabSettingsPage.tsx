/* The lab's settings for the reliability views: the drift band and default period, and the rule for
 * calibration. Lab admins change them; supervisors read them. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { ReliabilityTabs } from './ReliabilityTabs';
import { REL_ROUTES } from './paths';
import { type LabSettings, relApi } from './relapi';
import '../../styles/reliability.css';

interface Draft {
	drift_band: string;
	drift_period: string;
	calibration_icc: string;
	calibration_min_sessions: string;
}

function draftOf(s: LabSettings): Draft {
	return {
		drift_band: String(s.drift_band),
		drift_period: s.drift_period,
		calibration_icc: String(s.calibration_icc),
		calibration_min_sessions: String(s.calibration_min_sessions),
	};
}

/* A decimal number typed with a comma or a point. */
function parseDecimal(s: string): number {
	const v = s.trim().replace(',', '.');
	return /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
}

export function LabSettingsPage() {
	const i18n = useI18n();
	const { t, errorText, fieldText, dateTime } = i18n;
	const { user, announce } = useApp();
	const admin = user.role === 'lab_admin';
	const [saved, setSaved] = useState<LabSettings | null>(null);
	const [draft, setDraft] = useState<Draft | null>(null);
	const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		relApi.settings().then(
			(s) => {
				setSaved(s);
				setDraft(draftOf(s));
			},
			(err: unknown) => setError(errorText(err)),
		);
	}, []);

	const set = (k: keyof Draft) => (v: string) => setDraft((d) => (d ? { ...d, [k]: v } : d));

	async function save(e: Event) {
		e.preventDefault();
		if (!draft) return;
		const band = parseDecimal(draft.drift_band);
		const icc = parseDecimal(draft.calibration_icc);
		const min = Number(draft.calibration_min_sessions);
		const bad: Partial<Record<keyof Draft, string>> = {};
		if (!(band > 0 && band <= 10)) bad.drift_band = t('rel.set.bandRange');
		if (!(icc > 0 && icc <= 1)) bad.calibration_icc = t('rel.set.iccRange');
		if (!Number.isInteger(min) || min < 1 || min > 100) bad.calibration_min_sessions = t('field.range', { min: 1, max: 100 });
		setErrors(bad);
		const first = Object.keys(bad)[0];
		if (first) {
			document.getElementById(`set-${first}`)?.focus();
			return;
		}
		setBusy(true);
		try {
			const s = await relApi.saveSettings({ drift_band: band, drift_period: draft.drift_period === 'month' ? 'month' : 'quarter', calibration_icc: icc, calibration_min_sessions: min });
			setSaved(s);
			setDraft(draftOf(s));
			setError('');
			announce(t('rel.set.saved'));
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const next: Partial<Record<keyof Draft, string>> = {};
				for (const k of Object.keys(err.fields)) if (k in draft) next[k as keyof Draft] = fieldText(err, k) ?? '';
				setErrors(next);
			}
			setError(errorText(err));
		} finally {
			setBusy(false);
		}
	}

	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.set.title')}</PageHeading>
			<ReliabilityTabs current={REL_ROUTES.settings} />
			<p class="lead">{t('rel.set.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{!draft && !error && <p class="loading">{t('common.loading')}</p>}
			{draft && saved && (
				<form class="card rel-settings" onSubmit={save} noValidate>
					<fieldset disabled={!admin}>
						<legend>{t('rel.set.drift')}</legend>
						<TextField id="set-drift_band" label={t('rel.set.band')} hint={t('rel.set.bandHint')} inputMode="text" value={draft.drift_band} onInput={set('drift_band')} error={errors.drift_band} />
						<SelectField
							id="set-drift_period"
							label={t('rel.set.period')}
							value={draft.drift_period}
							onChange={set('drift_period')}
							options={[
								{ value: 'quarter', label: t('rel.drift.quarter') },
								{ value: 'month', label: t('rel.drift.month') },
							]}
						/>
					</fieldset>
					<fieldset disabled={!admin}>
						<legend>{t('rel.set.calibration')}</legend>
						<TextField id="set-calibration_icc" label={t('rel.set.icc')} hint={t('rel.set.iccHint')} inputMode="text" value={draft.calibration_icc} onInput={set('calibration_icc')} error={errors.calibration_icc} />
						<TextField
							id="set-calibration_min_sessions"
							label={t('rel.set.minSessions')}
							type="number"
							min={1}
							max={100}
							value={draft.calibration_min_sessions}
							onInput={set('calibration_min_sessions')}
							error={errors.calibration_min_sessions}
						/>
					</fieldset>
					<p class="hint">{t('rel.set.minTherapists', { n: saved.min_therapists })}</p>
					{saved.updated_at && <p class="hint">{t('rel.set.updated', { when: dateTime(saved.updated_at) })}</p>}
					{admin ? (
						<div class="form-actions">
							<button type="submit" class="button button-primary" disabled={busy}>
								{busy ? t('common.saving') : t('rel.set.save')}
							</button>
						</div>
					) : (
						<p class="hint">{t('rel.set.readOnly')}</p>
					)}
				</form>
			)}
		</div>
	);
}
