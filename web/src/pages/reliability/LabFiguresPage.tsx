/* Lab figures: per item median and quartiles of approved consensus scores, by year and programme, for
 * the lab and an institution beside it. Lab staff may pick any institution; an institution admin sees
 * their own, and only when it and the lab have at least five therapists each. */
import { useEffect, useState } from 'preact/hooks';
import { api, type Institution } from '../../api';
import { useApp } from '../../app-context';
import { ErrorNotice, SelectField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { InstrumentFilters, type RelFilters, useFidelityInstruments } from './InstrumentFilters';
import { fmt, varFacet, varName } from './format';
import { type FigureGroup, type FigureItem, type LabFigures, relApi } from './relapi';
import { TableRegion } from '../../components/TableRegion';
import '../../styles/reliability.css';

interface Extra {
	year: string;
	programme_id: string;
	institution_id: string;
}

export function LabFiguresPage() {
	const i18n = useI18n();
	const { t, errorText } = i18n;
	const { user } = useApp();
	const lab = user.role !== 'institution_admin';
	const [filters, setFilters] = useState<RelFilters>({ instrument_id: '', from: '', to: '' });
	const [extra, setExtra] = useState<Extra>({ year: '', programme_id: '', institution_id: '' });
	const [applied, setApplied] = useState<Extra>(extra);
	const instruments = useFidelityInstruments((id) => setFilters((f) => ({ ...f, instrument_id: id })));
	const [institutions, setInstitutions] = useState<Institution[]>([]);
	const [data, setData] = useState<LabFigures | null>(null);
	const [error, setError] = useState('');

	useEffect(() => {
		if (lab) api.listInstitutions().then((r) => setInstitutions(r.items), () => undefined);
	}, []);

	useEffect(() => {
		if (!filters.instrument_id) return;
		let live = true;
		relApi
			.figures({
				instrument_id: filters.instrument_id,
				year: applied.year || undefined,
				programme_id: applied.programme_id || undefined,
				institution_id: lab && !applied.programme_id ? applied.institution_id || undefined : undefined,
			})
			.then(
				(r) => {
					if (!live) return;
					setData(r);
					setError('');
				},
				(err: unknown) => {
					if (!live) return;
					setData(null);
					setError(errorText(err));
				},
			);
		return () => {
			live = false;
		};
	}, [filters, applied]);

	const set = (k: keyof Extra) => (v: string) => setExtra((e) => ({ ...e, [k]: v }));
	const years = data?.years.map((y) => y.year) ?? [];
	const programmes = (data?.programmes ?? []).filter((p) => !lab || !extra.institution_id || String(p.institution_id) === extra.institution_id);
	const [labGroup, instGroup] = data?.groups ?? [];
	const instName = (id: number | null) => institutions.find((x) => x.id === id)?.name ?? t('rel.fig.institution');

	return (
		<div class="page rel-page">
			<PageHeading>{t('rel.fig.title')}</PageHeading>
			<p class="lead">{lab ? t('rel.fig.introLab') : t('rel.fig.introInstitution')}</p>
			{instruments && instruments.length > 0 && (
				<InstrumentFilters
					idPrefix="fig"
					instruments={instruments}
					value={filters}
					period={false}
					onApply={(f) => {
						setFilters(f);
						setApplied({ ...extra });
					}}
				>
					<SelectField id="fig-year" label={t('rel.fig.year')} value={extra.year} onChange={set('year')} options={[{ value: '', label: t('rel.fig.allYears') }, ...years.map((y) => ({ value: y, label: y }))]} />
					{lab && (
						<SelectField
							id="fig-institution"
							label={t('rel.fig.institution')}
							value={extra.institution_id}
							onChange={(v) => setExtra((e) => ({ ...e, institution_id: v, programme_id: '' }))}
							options={[{ value: '', label: t('rel.fig.noInstitution') }, ...institutions.map((x) => ({ value: String(x.id), label: x.name }))]}
						/>
					)}
					<SelectField
						id="fig-programme"
						label={t('rel.fig.programme')}
						value={extra.programme_id}
						onChange={set('programme_id')}
						options={[{ value: '', label: t('rel.fig.allProgrammes') }, ...programmes.map((p) => ({ value: String(p.id), label: lab ? `${p.institution_name}: ${p.name}` : p.name }))]}
					/>
				</InstrumentFilters>
			)}
			<p class="notice notice-info">{t('rel.fig.rule')}</p>
			<ErrorNotice>{error}</ErrorNotice>
			{!data && !error && <p class="loading">{t('common.loading')}</p>}
			{data && labGroup && (
				<>
					<GroupNotice g={labGroup} name={t('rel.fig.lab')} />
					{instGroup && <GroupNotice g={instGroup} name={instName(instGroup.institution_id)} />}
					<FiguresTable lab={labGroup} inst={instGroup ?? null} instLabel={instGroup ? instName(instGroup.institution_id) : ''} />
				</>
			)}
		</div>
	);
}

function GroupNotice({ g, name }: { g: FigureGroup; name: string }) {
	const { t } = useI18n();
	if (g.suppressed) return <p class="notice notice-warn">{t('rel.fig.suppressed', { name })}</p>;
	return <p class="hint">{t('rel.fig.groupSize', { name, ratings: g.n_ratings, therapists: g.n_therapists })}</p>;
}

function cell(i18n: ReturnType<typeof useI18n>, x: FigureItem | undefined) {
	if (!x || x.median === null) return i18n.t('common.none');
	return i18n.t('rel.fig.medianIqr', { median: fmt(i18n, x.median, 1), q1: fmt(i18n, x.q1, 1), q3: fmt(i18n, x.q3, 1) });
}

function FiguresTable({ lab, inst, instLabel }: { lab: FigureGroup; inst: FigureGroup | null; instLabel: string }) {
	const i18n = useI18n();
	const { t } = i18n;
	const showInst = inst && !inst.suppressed;
	if (lab.suppressed && !showInst) return null;
	const rows = lab.suppressed && inst ? inst.items : lab.items;
	const key = (x: FigureItem) => `${x.kind}-${x.item ?? ''}-${x.facet}`;
	const instByKey = new Map((inst?.items ?? []).map((x) => [key(x), x]));
	return (
		<TableRegion id="fig" caption={t('rel.fig.caption')} tableClass="table table-dense rel-table">
			<thead>
				<tr>
					<th scope="col">{t('rel.col.item')}</th>
					<th scope="col">{t('rel.col.facet')}</th>
					{!lab.suppressed && <th scope="col">{t('rel.fig.labCol')}</th>}
					{showInst && <th scope="col">{instLabel}</th>}
				</tr>
			</thead>
			<tbody>
				{rows.map((x) => (
					<tr key={key(x)}>
						<th scope="row">{varName(i18n, x)}</th>
						<td>{varFacet(i18n, x)}</td>
						{!lab.suppressed && <td class="nowrap">{cell(i18n, x)}</td>}
						{showInst && <td class="nowrap">{cell(i18n, instByKey.get(key(x)))}</td>}
					</tr>
				))}
			</tbody>
		</TableRegion>
	);
}
