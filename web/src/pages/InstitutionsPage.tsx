/* Lab admin: the institutions the lab works for; register a new one, open one to manage it. */
import { useEffect, useState } from 'preact/hooks';
import { api, type Institution } from '../api';
import { useApp } from '../app-context';
import { ErrorNotice } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n';
import { institutionPath, linkClick } from '../router';
import { daysText } from './InboxPage';
import { InstitutionDialog } from './InstitutionDialog';

export function InstitutionsPage() {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const { navigate } = useApp();
	const [items, setItems] = useState<Institution[] | null>(null);
	const [error, setError] = useState('');
	const [creating, setCreating] = useState(false);

	useEffect(() => {
		let live = true;
		api.listInstitutions().then(
			(r) => {
				if (!live) return;
				setItems([...r.items].sort((a, b) => a.name.localeCompare(b.name)));
				setError('');
			},
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, []);

	return (
		<div class="page">
			<div class="page-head">
				<PageHeading>{t('institutions.title')}</PageHeading>
				<button type="button" class="button button-primary" onClick={() => setCreating(true)}>
					{t('institutions.new')}
				</button>
			</div>
			<p class="lead">{t('institutions.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items !== null && items.length === 0 && <p class="empty">{t('institutions.empty')}</p>}
			{items !== null && items.length > 0 && (
				<div class="table-wrap" role="region" aria-labelledby="inst-caption" tabIndex={0}>
					<table class="table">
						<caption id="inst-caption" class="visually-hidden">
							{t('institutions.caption')}
						</caption>
						<thead>
							<tr>
								<th scope="col">{t('institutions.colName')}</th>
								<th scope="col">{t('institutions.colCountry')}</th>
								<th scope="col">{t('institutions.colOrg')}</th>
								<th scope="col">{t('institutions.colProgrammes')}</th>
								<th scope="col">{t('institutions.colRetention')}</th>
								<th scope="col">{t('institutions.colContact')}</th>
							</tr>
						</thead>
						<tbody>
							{items.map((i) => {
								const href = institutionPath(i.id);
								return (
									<tr key={i.id}>
										<th scope="row">
											<a href={href} onClick={(e) => linkClick(e, navigate, href)}>
												{i.name}
											</a>
										</th>
										<td>{i.country ? t(`country.${i.country}`) : t('common.none')}</td>
										<td class="mono">{i.org_number || t('common.none')}</td>
										<td>{i.programmes.length ? i.programmes.map((p) => p.name).join(', ') : t('common.none')}</td>
										<td class="nowrap">{daysText(i18n, i.retention_days)}</td>
										<td class="break">{[i.contact_name, i.contact_email].filter(Boolean).join(' · ') || t('common.none')}</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</div>
			)}
			{creating && (
				<InstitutionDialog
					institution={null}
					onClose={() => setCreating(false)}
					onSaved={(i) => {
						setCreating(false);
						navigate(institutionPath(i.id));
					}}
				/>
			)}
		</div>
	);
}
