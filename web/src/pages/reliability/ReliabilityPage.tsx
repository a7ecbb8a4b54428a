/* Lab admin and supervisor: the reliability dashboard. ICC per item facet, global rating and total over
 * approved double-rated sessions, with the form shown explained in one line, its interval and the
 * number of sessions; kappa on the coded interventions; filtered by rating scale and period. */
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { InstrumentFilters, type RelFilters, useFidelityInstruments } from './InstrumentFilters';
import { ReliabilityTabs } from './ReliabilityTabs';
import { fmt, iccBand, interval, varFacet, varName } from './format';
import { REL_ROUTES } from './paths';
import { type EventAgreement, type Reliability, type ReliabilityVar, relApi } from './relapi';
import { TableRegion } from '../../components/TableRegion';
import '../../styles/reliability.css';

export function ReliabilityPage() {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const [filters, setFilters] = useState<RelFilters>({ instrument_id: '', from: '', to: '' });
	const instruments = useFidelityInstruments((id) => setFilters((f) => ({ ...f, instrument_id: id })));
	const [data, setData] = useState<Reliability | null>(null);
	const [error, setError] = useState('');
	const [loading, setLoading] = useState(false);

	useEffect(() => {
		if (!filters.instrument_id) return;
		let live = true;
		setLoading(true);
		relApi
			.reliability({ instrument_id: filters.instrument_id, from: filters.from || undefined, to: filters.to || undefined })
			.then(
				(r) => {
					if (!live) return;
					setData(r);
					setError('');
				},
				(err: unknown) => live && setError(errorText(err)),
			)
			.finally(() => live && setLoading(false));
		return () => {
			live = false;
		};
	}, [filters]);

	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.title')}</PageHeading>
			<ReliabilityTabs current={REL_ROUTES.dashboard} />
			<p class="lead">{t('rel.intro')}</p>
			{instruments && instruments.length > 0 && <InstrumentFilters idPrefix="rel" instruments={instruments} value={filters} onApply={setFilters} />}
			{instruments && instruments.length === 0 && <p class="empty">{t('rel.noInstruments')}</p>}
			<ErrorNotice>{error}</ErrorNotice>
			{!data && !error && <p class="loading">{t('common.loading')}</p>}
			{data && (
				<div class={loading ? 'is-loading' : undefined} aria-busy={loading ? 'true' : undefined}>
					<p class="notice notice-info rel-explain">{t('rel.explainIcc1')}</p>
					<p class="hint" aria-live="polite">
						{t('rel.sessions', { n: data.n_sessions })}
					</p>
					<IccTable id="rel-items" caption={t('rel.itemsCaption')} rows={data.items} />
					<h2>{t('rel.totals')}</h2>
					<p class="hint">{t('rel.totalsHint')}</p>
					<IccTable id="rel-totals" caption={t('rel.totalsCaption')} rows={data.totals} />
					<h2>{t('rel.events')}</h2>
					<EventsCard ev={data.events} />
				</div>
			)}
		</div>
	);
}

function IccTable({ id, caption, rows }: { id: string; caption: string; rows: ReliabilityVar[] }) {
	const i18n = useI18n();
	const { t } = i18n;
	return (
		<TableRegion id={id} caption={caption} tableClass="table table-dense rel-table" tableId={id}>
			<thead>
				<tr>
					<th scope="col">{t('rel.col.item')}</th>
					<th scope="col">{t('rel.col.facet')}</th>
					<th scope="col" class="num">
						{t('rel.col.icc1')}
					</th>
					<th scope="col">{t('rel.col.ci')}</th>
					<th scope="col" class="num">
						{t('rel.col.n')}
					</th>
					<th scope="col" class="num">
						{t('rel.col.icc1k')}
					</th>
					<th scope="col" class="num">
						{t('rel.col.icc2')}
					</th>
					<th scope="col">{t('rel.col.band')}</th>
				</tr>
			</thead>
			<tbody>
				{rows.map((r) => {
					const band = iccBand(r.icc?.ICC1.icc);
					return (
						<tr key={`${r.kind}-${r.item ?? ''}-${r.facet}`}>
							<th scope="row">{varName(i18n, r)}</th>
							<td>{varFacet(i18n, r)}</td>
							<td class="num">{r.icc ? fmt(i18n, r.icc.ICC1.icc) : <span class="muted">{t(r.reason === 'no_variation' ? 'rel.noVariation' : 'rel.tooFew')}</span>}</td>
							<td class="nowrap">{r.icc ? interval(i18n, r.icc.ICC1.ci_lower, r.icc.ICC1.ci_upper) : t('common.none')}</td>
							<td class="num">{r.n_sessions}</td>
							<td class="num">{r.icc ? fmt(i18n, r.icc.ICC1k.icc) : t('common.none')}</td>
							<td class="num">{r.icc ? fmt(i18n, r.icc.ICC2.icc) : t('common.none')}</td>
							<td>{band ? <span class={`badge rel-band-${band}`}>{t(`rel.band.${band}`)}</span> : t('common.none')}</td>
						</tr>
					);
				})}
			</tbody>
		</TableRegion>
	);
}

function EventsCard({ ev }: { ev: EventAgreement | null }) {
	const i18n = useI18n();
	const { t } = i18n;
	if (!ev) return <p class="empty">{t('rel.eventsNone')}</p>;
	return (
		<div class="card">
			<p class="hint">{t('rel.eventsHint', { s: i18n.num(ev.tolerance_ms / 1000, 1) })}</p>
			<dl class="facts rel-facts">
				<div>
					<dt>{t('rel.kappa')}</dt>
					<dd>
						{ev.kappa === null ? t('rel.noMatches') : fmt(i18n, ev.kappa)} {ev.kappa !== null && <span class="muted">({t('rel.ciShort', { ci: interval(i18n, ev.ci_lower, ev.ci_upper) })})</span>}
					</dd>
				</div>
				<div>
					<dt>{t('rel.agreement')}</dt>
					<dd>{ev.p_observed === null ? t('common.none') : i18n.percent(ev.p_observed)}</dd>
				</div>
				<div>
					<dt>{t('rel.col.n')}</dt>
					<dd>{ev.n_sessions}</dd>
				</div>
				<div>
					<dt>{t('rel.matched')}</dt>
					<dd>{ev.n_matched}</dd>
				</div>
				<div>
					<dt>{t('rel.unmatched')}</dt>
					<dd>{t('rel.unmatchedAB', { a: ev.unmatched_a, b: ev.unmatched_b })}</dd>
				</div>
			</dl>
		</div>
	);
}
