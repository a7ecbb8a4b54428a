/* Institution admin: whether the institution's data processing agreement is in force, and how many of
 * its submissions are in each state — counts only, never a single session. */
import { useEffect, useState } from 'preact/hooks';
import { SUBMISSION_STATES, api, type Agreement, type Institution, type StateCounts } from '../api';
import { ErrorNotice } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { AgreementBadge } from '../components/StateBadge';
import { useI18n } from '../i18n';
import { managerText, validityText } from './AgreementsSection';

export function MyInstitutionPage() {
	const { t, errorText } = useI18n();
	const [items, setItems] = useState<Institution[] | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		let live = true;
		api.listInstitutions().then(
			(r) => live && setItems(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	return (
		<div class="page">
			<PageHeading>{t('myInstitution.title')}</PageHeading>
			<p class="lead">{t('myInstitution.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && items.length === 0 && <p class="empty">{t('myInstitution.none')}</p>}
			{items?.map((i) => <InstitutionOverview key={i.id} inst={i} />)}
		</div>
	);
}

function InstitutionOverview({ inst }: { inst: Institution }) {
	const i18n = useI18n();
	const { t, day, errorText } = i18n;
	const [agreements, setAgreements] = useState<Agreement[] | null>(null);
	const [counts, setCounts] = useState<{ counts: StateCounts; total: number } | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		let live = true;
		api.listAgreements(inst.id).then(
			(r) => live && setAgreements(r.items),
			(err: unknown) => live && setError(errorText(err)),
		);
		api.submissionCounts(inst.id).then(
			(r) => live && setCounts(r),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [inst.id]);

	const active = agreements?.find((a) => a.status === 'active') ?? null;
	const latest = agreements && agreements.length ? [...agreements].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0] : undefined;
	const h = `mi-${inst.id}`;

	return (
		<section class="institution-overview" aria-labelledby={`${h}-h`}>
			<h2 id={`${h}-h`}>{inst.name}</h2>
			<ErrorNotice>{error}</ErrorNotice>
			<div class="cards cards-2">
				<section class="card" aria-labelledby={`${h}-agr`}>
					<h3 id={`${h}-agr`} class="card-title">
						{t('myInstitution.agreement')}
					</h3>
					{agreements === null && !error && <p class="loading">{t('common.loading')}</p>}
					{agreements !== null && !active && (
						<>
							<p class="notice notice-warn">{t('myInstitution.noAgreement')}</p>
							{latest && (
								<p>
									{t('myInstitution.latest', { version: latest.version })} <AgreementBadge status={latest.status} />
								</p>
							)}
						</>
					)}
					{active && (
						<>
							<p>
								<AgreementBadge status="active" /> {t('myInstitution.inForce', { version: active.version })}
							</p>
							<dl class="facts">
								<div>
									<dt>{t('agreements.colSigned')}</dt>
									<dd>{day(active.signed_date)}</dd>
								</div>
								<div>
									<dt>{t('agreements.colValid')}</dt>
									<dd>{validityText(i18n, active)}</dd>
								</div>
								<div>
									<dt>{t('agreements.colManager')}</dt>
									<dd>{managerText(i18n, active)}</dd>
								</div>
								<div>
									<dt>{t('agreements.colSignatories')}</dt>
									<dd>{active.signatories.length ? active.signatories.map((s) => s.display_name || s.email).join(', ') : t('common.none')}</dd>
								</div>
							</dl>
						</>
					)}
					<p class="hint">{t('myInstitution.retention', { n: inst.retention_days })}</p>
				</section>
				<section class="card" aria-labelledby={`${h}-counts`}>
					<h3 id={`${h}-counts`} class="card-title">
						{t('myInstitution.submissions')}
					</h3>
					{counts === null && !error && <p class="loading">{t('common.loading')}</p>}
					{counts && (
						<>
							<p class="big-number">{t('myInstitution.total', { n: counts.total })}</p>
							<table class="table table-dense counts-table">
								<caption class="visually-hidden">{t('myInstitution.countsCaption', { name: inst.name })}</caption>
								<thead>
									<tr>
										<th scope="col">{t('myInstitution.colState')}</th>
										<th scope="col" class="num">
											{t('myInstitution.colCount')}
										</th>
									</tr>
								</thead>
								<tbody>
									{SUBMISSION_STATES.map((s) => (
										<tr key={s}>
											<th scope="row">{t(`state.${s}`)}</th>
											<td class="num">{counts.counts[s] ?? 0}</td>
										</tr>
									))}
								</tbody>
							</table>
							<p class="hint">{t('myInstitution.countsOnly')}</p>
						</>
					)}
				</section>
			</div>
		</section>
	);
}
