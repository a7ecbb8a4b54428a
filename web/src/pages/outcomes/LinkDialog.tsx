/* Making a one-time link for the client to answer on their own phone: the QR code to scan in the
 * session, and the address to copy into a message. Shown only this once. */
import { useState } from 'preact/hooks';
import type { Locale } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, SelectField, TextField } from '../../components/Field';
import { SecretValue } from '../../components/SecretValue';
import { svgDataUrl } from '../../components/TotpEnrolment';
import { useI18n } from '../../i18n';
import { type Measure, type NewLink, oapi } from './oapi';

interface Props {
	clientId: number;
	measures: Measure[];
	defaultId: number;
	nextSession: (instrumentId: number) => number;
	onClose: () => void;
	onMade: () => void;
}

export function LinkDialog({ clientId, measures, defaultId, nextSession, onClose, onMade }: Props) {
	const { t, dateTime, errorText, fieldText, locale } = useI18n();
	const usable = measures.filter((m) => m.languages.length > 0);
	const [measureId, setMeasureId] = useState(String(usable.find((m) => m.id === defaultId)?.id ?? usable[0]?.id ?? ''));
	const measure = usable.find((m) => String(m.id) === measureId);
	const pick = (m: Measure | undefined): Locale => (m?.languages.includes(locale) ? locale : (m?.languages[0] ?? 'en'));
	const [language, setLanguage] = useState<Locale>(pick(measure));
	const [session, setSession] = useState(String(measure ? nextSession(measure.id) : 1));
	const [made, setMade] = useState<NewLink | null>(null);
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		if (!measure) return;
		if (!/^\d+$/.test(session) || Number(session) < 1 || Number(session) > 1000) {
			setErrors({ session: t('field.range', { min: '1', max: '1000' }) });
			return;
		}
		setBusy(true);
		setError('');
		setErrors({});
		try {
			const l = await oapi.link(clientId, { instrument_id: measure.id, language, session_number: Number(session) });
			setMade(l);
			onMade();
		} catch (err) {
			setError(errorText(err));
			if (err && typeof err === 'object' && 'fields' in err) {
				const s = fieldText(err as Parameters<typeof fieldText>[0], 'session_number');
				if (s) setErrors({ session: s });
			}
		}
		setBusy(false);
	}

	if (made) {
		return (
			<Dialog id="client-link" title={t('oc.link.madeTitle')} onClose={onClose}>
				<p>{t('oc.link.madeIntro', { measure: made.link.instrument_name, session: made.link.session_number })}</p>
				<img class="qr oc-qr" src={svgDataUrl(made.qr_svg)} alt={t('oc.link.qrAlt')} width={240} height={240} />
				<SecretValue id="client-link-url" label={t('oc.link.url')} value={made.url} once />
				<p class="hint">{t('oc.link.expires', { when: dateTime(made.link.expires_at) })}</p>
				<div class="form-actions">
					<button type="button" class="button button-primary" onClick={onClose}>
						{t('common.done')}
					</button>
				</div>
			</Dialog>
		);
	}

	return (
		<Dialog id="client-link" title={t('oc.link.title')} onClose={onClose}>
			<form class="form" onSubmit={submit} noValidate>
				<p class="hint">{t('oc.link.intro')}</p>
				<ErrorNotice>{error}</ErrorNotice>
				{usable.length === 0 ? (
					<p class="empty">{t('oc.link.noMeasure')}</p>
				) : (
					<>
						<SelectField
							id="link-measure"
							label={t('oc.link.measure')}
							hint={t('oc.link.measureHint')}
							value={measureId}
							onChange={(v) => {
								setMeasureId(v);
								const m = usable.find((x) => String(x.id) === v);
								setLanguage(pick(m));
								if (m) setSession(String(nextSession(m.id)));
							}}
							options={usable.map((m) => ({ value: String(m.id), label: m.name }))}
						/>
						<SelectField
							id="link-language"
							label={t('oc.link.language')}
							value={language}
							onChange={(v) => setLanguage(v === 'nb' || v === 'da' ? v : 'en')}
							options={(measure?.languages ?? []).map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }))}
						/>
						<TextField id="link-session" type="number" inputMode="numeric" label={t('oc.enter.session')} value={session} onInput={setSession} error={errors.session} />
					</>
				)}
				<div class="form-actions">
					<button type="submit" class="button button-primary" disabled={busy || !measure}>
						{busy ? t('common.saving') : t('oc.link.submit')}
					</button>
					<button type="button" class="button" onClick={onClose}>
						{t('common.cancel')}
					</button>
				</div>
			</form>
		</Dialog>
	);
}
