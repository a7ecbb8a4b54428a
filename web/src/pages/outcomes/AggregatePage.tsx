/* Lab and institution admins: outcomes over many therapists, only where at least five therapists
 * contributed, and never one therapist's figures. */
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { shareText } from './EffectivenessPage';
import { type AggregateItem, CATEGORIES, oapi } from './oapi';
import '../../styles/outcomes.css';

export function AggregatePage() {
	const i18n = useI18n();
	const { t, num, errorText, locale } = i18n;
	const [items, setItems] = useState<AggregateItem[] | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		let live = true;
		oapi.aggregate({ lang: locale }).then(
			(r) => live && setItems(r.items),
			(e: unknown) => live && setError(errorText(e)),
		);
		return () => {
			live = false;
		};
	}, [locale]);

	return (
		<div class="page">
			<PageHeading>{t('oc.agg.title')}</PageHeading>
			<p class="lead">{t('oc.agg.intro')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{items === null && !error && <p class="loading">{t('common.loading')}</p>}
			{items?.map((m) => (
				<section key={m.instrument_id} class="card" aria-labelledby={`agg-${m.instrument_id}`}>
					<h2 id={`agg-${m.instrument_id}`}>{m.name}</h2>
					{m.suppressed ? (
						<p class="notice notice-info">{t('oc.agg.suppressed', { n: m.n_therapists, min: m.min_therapists })}</p>
					) : (
						<>
							<p>{t('oc.agg.cases', { n: m.n ?? 0, therapists: m.n_therapists, dropped: m.n_dropped_out ?? 0 })}</p>
							<table class="table">
								<caption class="visually-hidden">{t('oc.eff.sharesCaption')}</caption>
								<thead>
									<tr>
										<th scope="col">{t('oc.eff.category')}</th>
										<th scope="col">{t('oc.eff.share')}</th>
									</tr>
								</thead>
								<tbody>
									{CATEGORIES.map((c) => (
										<tr key={c}>
											<th scope="row">{t(`oc.category.${c}`)}</th>
											<td>{m.categories ? shareText(i18n, m.categories[c]) : t('common.none')}</td>
										</tr>
									))}
								</tbody>
							</table>
							<dl class="facts">
								<dt>{t('oc.eff.d')}</dt>
								<dd>{m.effect_size ? t('oc.eff.ci', { value: num(m.effect_size.d, 2), lower: num(m.effect_size.lower, 2), upper: num(m.effect_size.upper, 2) }) : t('oc.eff.notYet')}</dd>
								<dt>{t('oc.agg.icc')}</dt>
								<dd>{m.therapist_icc === null || m.therapist_icc === undefined ? t('oc.eff.notYet') : i18n.percent(m.therapist_icc)}</dd>
							</dl>
						</>
					)}
				</section>
			))}
		</div>
	);
}
