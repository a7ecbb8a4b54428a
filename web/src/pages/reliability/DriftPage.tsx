/* Lab admin and supervisor: rater drift. Each rater's mean deviation from the approved consensus per
 * item facet, over the whole span and per month or quarter, with a small line per item; deviations
 * beyond the lab's band are flagged. */
import { useState } from 'preact/hooks';
import { useLoad } from '../../components/useLoad';
import { CheckboxField, ErrorNotice, SelectField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { InstrumentFilters, type RelFilters, useFidelityInstruments } from './InstrumentFilters';
import { ReliabilityTabs } from './ReliabilityTabs';
import { Sparkline } from './Sparkline';
import { fmt, signed, varFacet, varName } from './format';
import { REL_ROUTES } from './paths';
import { type Drift, type DriftRater, type Period, relApi } from './relapi';
import { TableRegion } from '../../components/TableRegion';
import '../../styles/reliability.css';

export function DriftPage() {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const [filters, setFilters] = useState<RelFilters>({ instrument_id: '', from: '', to: '' });
	const [period, setPeriod] = useState<Period | ''>('');
	const [applied, setApplied] = useState<Period | ''>('');
	const instruments = useFidelityInstruments((id) => setFilters((f) => ({ ...f, instrument_id: id })));
	const [data, setData] = useState<Drift | null>(null);
	const [error, setError] = useState('');

	useLoad(
		filters.instrument_id ? () => relApi.drift({ instrument_id: filters.instrument_id, from: filters.from || undefined, to: filters.to || undefined, period: applied || undefined }) : null,
		(r) => {
			setData(r);
			setError('');
		},
		(err) => setError(errorText(err)),
		[filters, applied],
	);

	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.drift.title')}</PageHeading>
			<ReliabilityTabs current={REL_ROUTES.drift} />
			<p class="lead">{t('rel.drift.intro')}</p>
			{instruments && instruments.length > 0 && (
				<InstrumentFilters
					idPrefix="drift"
					instruments={instruments}
					value={filters}
					onApply={(f) => {
						setFilters(f);
						setApplied(period);
					}}
				>
					<SelectField
						id="drift-period"
						label={t('rel.drift.period')}
						value={period}
						onChange={(v) => setPeriod(v === 'month' || v === 'quarter' ? v : '')}
						options={[
							{ value: '', label: t('rel.drift.periodDefault') },
							{ value: 'quarter', label: t('rel.drift.quarter') },
							{ value: 'month', label: t('rel.drift.month') },
						]}
					/>
				</InstrumentFilters>
			)}
			<ErrorNotice>{error}</ErrorNotice>
			{!data && !error && <p class="loading">{t('common.loading')}</p>}
			{data && (
				<>
					<p class="notice notice-info">{t('rel.drift.band', { band: fmt(i18n, data.band, 1) })}</p>
					{data.raters.length === 0 && <p class="empty">{t('rel.drift.none')}</p>}
					{data.raters.map((r) => (
						<RaterDrift key={r.rater_id} rater={r} periods={data.periods} band={data.band} />
					))}
				</>
			)}
		</div>
	);
}

function RaterDrift({ rater, periods, band }: { rater: DriftRater; periods: string[]; band: number }) {
	const i18n = useI18n();
	const { t } = i18n;
	const [all, setAll] = useState(false);
	const rows = all ? rater.items : rater.items.filter((x) => x.flagged);
	const id = `drift-${rater.rater_id}`;
	return (
		<section class="rel-rater" aria-labelledby={`${id}-h`}>
			<div class="section-head">
				<h2 id={`${id}-h`}>
					{rater.name || rater.email}{' '}
					{rater.flagged ? <span class="badge badge-warn">{t('rel.drift.flagged')}</span> : <span class="badge badge-ok">{t('rel.drift.within')}</span>}
				</h2>
				<CheckboxField id={`${id}-all`} label={t('rel.drift.showAll')} checked={all} onChange={setAll} />
			</div>
			<p class="hint">{t('rel.drift.ratings', { n: rater.n_ratings })}</p>
			{rows.length === 0 ? (
				<p class="empty">{t('rel.drift.allWithin')}</p>
			) : (
				<TableRegion id={id} caption={t('rel.drift.caption', { name: rater.name || rater.email })} tableClass="table table-dense rel-table">
					<thead>
						<tr>
							<th scope="col">{t('rel.col.item')}</th>
							<th scope="col">{t('rel.col.facet')}</th>
							<th scope="col" class="num">
								{t('rel.drift.mean')}
							</th>
							<th scope="col" class="num">
								{t('rel.col.n')}
							</th>
							<th scope="col">{t('rel.drift.trendCol')}</th>
							<th scope="col">{t('rel.drift.flag')}</th>
						</tr>
					</thead>
					<tbody>
						{rows.map((x) => (
							<tr key={`${x.kind}-${x.item ?? ''}-${x.facet}`} class={x.flagged ? 'rel-flagged' : undefined}>
								<th scope="row">{varName(i18n, x)}</th>
								<td>{varFacet(i18n, x)}</td>
								<td class="num">{signed(i18n, x.mean)}</td>
								<td class="num">{x.n}</td>
								<td>
									<Sparkline periods={periods} values={x.periods} band={band} />
								</td>
								<td>{x.flagged ? <span class="badge badge-warn">{t('rel.drift.beyond')}</span> : <span class="muted">{t('rel.drift.ok')}</span>}</td>
							</tr>
						))}
					</tbody>
				</TableRegion>
			)}
		</section>
	);
}
