/* Lab admin: one institution — its details and retention policy, data processing agreements,
 * treatment programmes and the therapists who belong to it. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, PROGRAMME_KINDS, api, type Agreement, type Institution, type Member, type ProgrammeKind } from '../api';
import { useApp } from '../app-context';
import { ErrorNotice, SelectField, TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';
import { ROUTES, linkClick } from '../router';
import { AgreementsSection } from './AgreementsSection';
import { daysText } from './InboxPage';
import { InstitutionDialog } from './InstitutionDialog';
import { MembersSection } from './MembersSection';

export function InstitutionPage({ id }: { id: number }) {
	const i18n = useI18n();
	const { t, dateTime, errorText } = i18n;
	const { navigate } = useApp();
	const [inst, setInst] = useState<Institution | null>(null);
	const [members, setMembers] = useState<Member[] | null>(null);
	const [agreements, setAgreements] = useState<Agreement[] | null>(null);
	const [error, setError] = useState('');
	const [editing, setEditing] = useState(false);
	const [reloadAgreements, setReloadAgreements] = useState(0);

	useEffect(() => {
		let live = true;
		api.getInstitution(id).then(
			(i) => live && setInst(i),
			(err: unknown) => live && setError(errorText(err)),
		);
		api.listMembers(id).then(
			(r) => live && setMembers(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [id]);

	useEffect(() => {
		let live = true;
		api.listAgreements(id).then(
			(r) => live && setAgreements(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [id, reloadAgreements]);

	const back = (
		<p class="back-link">
			<a href={ROUTES.institutions} onClick={(e) => linkClick(e, navigate, ROUTES.institutions)}>
				{t('institution.back')}
			</a>
		</p>
	);

	if (!inst) {
		return (
			<div class="page">
				{back}
				<PageHeading>{t('institution.title')}</PageHeading>
				<ErrorNotice>{error}</ErrorNotice>
				{!error && <p class="loading">{t('common.loading')}</p>}
			</div>
		);
	}

	const facts: [string, string][] = [
		[t('institution.country'), inst.country ? t(`country.${inst.country}`) : t('common.none')],
		[t('institution.orgNumber'), inst.org_number || t('common.none')],
		[t('institution.address'), inst.address || t('common.none')],
		[t('institution.contact'), [inst.contact_name, inst.contact_email, inst.contact_phone].filter(Boolean).join('\n') || t('common.none')],
		[t('institution.retentionDays'), daysText(i18n, inst.retention_days)],
		[t('institution.keepRatingsShort'), inst.keep_ratings_for_research ? t('common.yes') : t('common.no')],
		[t('institution.created'), dateTime(inst.created_at)],
	];

	return (
		<div class="page">
			{back}
			<div class="page-head">
				<PageHeading>{inst.name}</PageHeading>
				<button type="button" class="button" onClick={() => setEditing(true)}>
					{t('institution.edit')}
				</button>
			</div>
			<ErrorNotice>{error}</ErrorNotice>
			<section class="card" aria-labelledby="inst-details-h">
				<h2 id="inst-details-h">{t('institution.details')}</h2>
				<dl class="facts facts-wide">
					{facts.map(([k, v]) => (
						<div key={k}>
							<dt>{k}</dt>
							<dd class="break pre-line">{v}</dd>
						</div>
					))}
				</dl>
				<p class="hint">{t('institution.retentionExplained', { n: inst.retention_days })}</p>
			</section>

			<AgreementsSection institution={inst} members={members ?? []} agreements={agreements} onChanged={() => setReloadAgreements((n) => n + 1)} />

			<ProgrammesSection institution={inst} onChanged={setInst} />

			<MembersSection institution={inst} members={members} onMembers={setMembers} />

			{editing && (
				<InstitutionDialog
					institution={inst}
					onClose={() => setEditing(false)}
					onSaved={(i) => {
						setInst(i);
						setEditing(false);
					}}
				/>
			)}
		</div>
	);
}

function ProgrammesSection({ institution, onChanged }: { institution: Institution; onChanged: (i: Institution) => void }) {
	const { t, errorText, fieldText } = useI18n();
	const { announce } = useApp();
	const [kind, setKind] = useState<ProgrammeKind>('mbt_individual');
	const [name, setName] = useState('');
	const [errors, setErrors] = useState<{ name?: string; kind?: string }>({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);

	async function add(e: Event) {
		e.preventDefault();
		if (busy) return;
		if (!name.trim()) {
			setErrors({ name: t('field.required') });
			document.getElementById('prog-name')?.focus();
			return;
		}
		setBusy(true);
		setErrors({});
		setError('');
		try {
			const i = await api.addProgramme(institution.id, { kind, name: name.trim() });
			onChanged(i);
			announce(t('programmes.added', { name: name.trim() }));
			setName('');
		} catch (err) {
			if (err instanceof ApiError && Object.keys(err.fields).length) {
				const n = fieldText(err, 'name');
				const k = fieldText(err, 'kind');
				setErrors({ ...(n ? { name: n } : {}), ...(k ? { kind: k } : {}) });
				setError(t('error.fixFields'));
			} else setError(errorText(err));
		}
		setBusy(false);
	}

	return (
		<section class="card" aria-labelledby="prog-h">
			<h2 id="prog-h">{t('programmes.title')}</h2>
			<p class="hint">{t('programmes.intro')}</p>
			{institution.programmes.length === 0 ? (
				<p class="empty">{t('programmes.empty')}</p>
			) : (
				<ul class="item-list">
					{institution.programmes.map((p) => (
						<li key={p.id}>
							<span class="item-name">{p.name}</span> <span class="muted">· {t(`programme.${p.kind}`)}</span>
						</li>
					))}
				</ul>
			)}
			<h3>{t('programmes.addTitle')}</h3>
			<form class="form form-row" onSubmit={add} noValidate>
				<ErrorNotice>{error}</ErrorNotice>
				<SelectField
					id="prog-kind"
					label={t('programmes.kind')}
					value={kind}
					onChange={(v) => setKind(v as ProgrammeKind)}
					options={PROGRAMME_KINDS.map((k) => ({ value: k, label: t(`programme.${k}`) }))}
					error={errors.kind}
				/>
				<TextField id="prog-name" label={t('programmes.name')} hint={t('programmes.nameHint')} value={name} onInput={setName} maxLength={200} autoComplete="off" error={errors.name} />
				<div class="form-actions">
					<button type="submit" class="button" disabled={busy}>
						{t('programmes.add')}
					</button>
				</div>
			</form>
		</section>
	);
}
