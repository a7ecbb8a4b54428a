/* "My development": closing the loop for a therapist. Their item scores across rated sessions
 * beside the practice minutes per week over the same period, and (once the client outcome
 * measures are wired in) their outcome figures. One chart in SVG, and every figure in tables. */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../../app-context';
import { ErrorNotice, SelectField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { useI18n } from '../../i18n';
import { linkClick } from '../../router';
import { EffectivenessSummary } from '../outcomes/EffectivenessPage';
import '../../styles/practice.css';
import { usePracticeErrors } from './errors';
import { PRACTICE_ROUTES } from './paths';
import { ACTIVITIES, DOMAINS, type Development, type RatedSession, type ScaleItems, addDays, practiceApi, todayUtc } from './practiceApi';
import { niceMax, weekShort } from './WeeklyChart';
import { TableRegion } from '../../components/TableRegion';

const PERIODS = [52, 104, 156] as const;
const W = 720;
const H = 260;
const LEFT = 48;
const RIGHT = 40;
const TOP = 12;
const BOTTOM = 34;

/* The Monday of a date's ISO week. */
function mondayOf(ymd: string): string {
	const d = new Date(`${ymd}T00:00:00Z`);
	return addDays(ymd, -((d.getUTCDay() + 6) % 7));
}

/* The facet that says how well: quality, or competence on scales that rate that instead. */
function qualityFacet(scale: ScaleItems | undefined): string {
	return scale?.items.some((i) => i.facets.includes('quality')) ? 'quality' : 'competence';
}

/* The value the chart shows for a session: its mean quality, or one item's. */
function valueOf(s: RatedSession, item: string, facet: string): number | null {
	if (!item) return s.quality;
	const v = s.scores[item]?.[facet];
	return typeof v === 'number' ? v : null;
}

function DevelopmentChart({ data, item, facet, id }: { data: Development; item: string; facet: string; id: string }) {
	const { t, num, day } = useI18n();
	const weeks = data.practice.weeks;
	const n = weeks.length;
	const first = weeks[0]?.start ?? data.from;
	const plotW = W - LEFT - RIGHT;
	const plotH = H - TOP - BOTTOM;
	const band = n ? plotW / n : plotW;
	const top = niceMax(Math.max(0, ...weeks.map((w) => w.minutes)));
	const yMin = (m: number) => TOP + plotH - (m / top) * plotH;
	const values = data.sessions.map((s) => valueOf(s, item, facet)).filter((v): v is number => v !== null);
	const qMax = Math.max(7, ...values);
	const yQ = (q: number) => TOP + plotH - (q / qMax) * plotH;
	const points = data.sessions
		.map((s) => {
			const v = valueOf(s, item, facet);
			const k = Math.floor((Date.parse(`${s.date}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / (7 * 86400000));
			return v === null || k < 0 || k >= n ? null : { x: LEFT + k * band + band / 2, y: yQ(v), v, s };
		})
		.filter((p): p is { x: number; y: number; v: number; s: RatedSession } => p !== null);
	const every = Math.ceil(n / 13);
	return (
		<svg class="pr-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} id={id}>
			<title id={`${id}-title`}>{t('practice.dev.chartTitle')}</title>
			<desc id={`${id}-desc`}>{t('practice.dev.chartDesc', { sessions: points.length, minutes: num(data.practice.total_minutes), from: day(data.from), to: day(data.to) })}</desc>
			{[0, top / 2, top].map((v) => (
				<g key={`m${v}`}>
					<line x1={LEFT} x2={W - RIGHT} y1={yMin(v)} y2={yMin(v)} class="pr-grid" />
					<text x={LEFT - 6} y={yMin(v) + 4} class="pr-axis-text" text-anchor="end">
						{num(v)}
					</text>
				</g>
			))}
			{[0, Math.round(qMax / 2), qMax].map((q) => (
				<text key={`q${q}`} x={W - RIGHT + 6} y={yQ(q) + 4} class="pr-axis-text pr-axis-quality">
					{num(q)}
				</text>
			))}
			{weeks.map((w, k) =>
				w.minutes ? (
					<rect key={w.start} class="pr-bar pr-bar-minutes" x={LEFT + k * band + band * 0.15} y={yMin(w.minutes)} width={Math.max(1, band * 0.7)} height={yMin(0) - yMin(w.minutes)}>
						<title>{`${weekShort(w.week)}: ${t('practice.minutesN', { n: num(w.minutes) })}`}</title>
					</rect>
				) : null,
			)}
			{weeks.map((w, k) =>
				k % every === 0 ? (
					<text key={`l${w.start}`} x={LEFT + k * band + band / 2} y={H - BOTTOM + 16} class="pr-axis-text" text-anchor="middle">
						{weekShort(w.week)}
					</text>
				) : null,
			)}
			{points.length > 1 && <polyline class="pr-quality-line" points={points.map((p) => `${p.x},${p.y}`).join(' ')} />}
			{points.map((p) => (
				<circle key={p.s.submission_id} class="pr-quality-dot" cx={p.x} cy={p.y} r={5}>
					<title>{`${day(p.s.date)}: ${num(p.v, 1)}`}</title>
				</circle>
			))}
			<line x1={LEFT} x2={W - RIGHT} y1={TOP + plotH} y2={TOP + plotH} class="pr-axis" />
		</svg>
	);
}

export function DevelopmentPage() {
	const { t, num, day, locale } = useI18n();
	const { errorText } = usePracticeErrors();
	const { navigate } = useApp();
	const [period, setPeriod] = useState<string>('52');
	const [data, setData] = useState<Development | null>(null);
	const [error, setError] = useState('');
	const [item, setItem] = useState('');

	useEffect(() => {
		let live = true;
		const to = todayUtc();
		const from = addDays(mondayOf(to), -7 * (Number(period) - 1));
		setError('');
		practiceApi.development({ from, to, lang: locale }).then(
			(d) => live && setData(d),
			(err: unknown) => live && setError(errorText(err)),
		);
		return () => {
			live = false;
		};
	}, [period, locale]);

	/* The scale of the newest session: its items are the rows. */
	const latest = data?.sessions[data.sessions.length - 1];
	const scale = data?.instruments.find((i) => i.id === latest?.instrument_id);
	const facet = qualityFacet(scale);
	const sessions = data?.sessions.filter((s) => s.instrument_id === scale?.id) ?? [];
	const goalItems = new Set((data?.goals ?? []).filter((g) => g.instrument_id === scale?.id && g.item_id).map((g) => g.item_id));

	return (
		<div class="page page-practice">
			<PageHeading>{t('practice.dev.title')}</PageHeading>
			<p class="lead">{t('practice.dev.intro')}</p>
			<p>
				<a href={PRACTICE_ROUTES.practice} onClick={(e) => linkClick(e, navigate, PRACTICE_ROUTES.practice)}>
					{t('practice.dev.toPractice')}
				</a>
			</p>
			<div class="filters">
				<SelectField id="dev-period" label={t('practice.dev.period')} value={period} onChange={setPeriod} options={PERIODS.map((p) => ({ value: String(p), label: t('practice.dev.periodWeeks', { n: p }) }))} />
				{scale && (
					<SelectField
						id="dev-item"
						label={t('practice.dev.show')}
						value={item}
						onChange={setItem}
						options={[{ value: '', label: t('practice.dev.meanQuality') }, ...scale.items.filter((i) => i.facets.includes(facet)).map((i) => ({ value: i.id, label: `${i.id}. ${i.label}` }))]}
					/>
				)}
			</div>
			<ErrorNotice>{error}</ErrorNotice>
			{data === null && !error && <p class="loading">{t('common.loading')}</p>}
			{data !== null && (
				<>
					<section class="card" aria-labelledby="dev-chart-h">
						<h2 id="dev-chart-h">{t('practice.dev.chartTitle')}</h2>
						<p class="hint">{t('practice.dev.chartHint')}</p>
						<DevelopmentChart id="dev-chart" data={data} item={item} facet={facet} />
						<ul class="pr-legend" aria-hidden="true">
							<li>
								<span class="pr-swatch pr-bar-minutes" />
								{t('practice.dev.legendMinutes')}
							</li>
							<li>
								<span class="pr-swatch pr-swatch-dot" />
								{item ? t('practice.dev.legendItem', { item }) : t('practice.dev.meanQuality')}
							</li>
						</ul>
					</section>

					<section class="card" aria-labelledby="dev-items-h">
						<h2 id="dev-items-h">{t('practice.dev.itemsTitle')}</h2>
						{sessions.length === 0 ? (
							<p class="empty">{t('practice.dev.noSessions')}</p>
						) : (
							<TableRegion id="dev-items" caption={t('practice.dev.itemsCaption', { scale: scale?.name ?? '', facet: t(facet === 'quality' ? 'practice.dev.facetQuality' : 'practice.dev.facetCompetence') })} tableClass="table table-dense pr-items" hiddenCaption={false}>
								<thead>
									<tr>
										<th scope="col">{t('practice.dev.item')}</th>
										{sessions.map((s) => (
											<th scope="col" key={s.submission_id} class="num nowrap">
												{day(s.date)}
											</th>
										))}
									</tr>
								</thead>
								<tbody>
									<tr>
										<th scope="row">{t('practice.dev.meanQuality')}</th>
										{sessions.map((s) => (
											<td key={s.submission_id} class="num">
												{s.quality === null ? '–' : num(s.quality, 1)}
											</td>
										))}
									</tr>
									{scale?.items
										.filter((i) => i.facets.includes(facet))
										.map((i) => (
											<tr key={i.id}>
												<th scope="row" class="break">
													{`${i.id}. ${i.label}`}
													{goalItems.has(i.id) && <span class="badge badge-info pr-source">{t('practice.dev.isGoal')}</span>}
												</th>
												{sessions.map((s) => {
													const v = s.scores[i.id]?.[facet];
													return (
														<td key={s.submission_id} class="num">
															{typeof v === 'number' ? num(v) : '–'}
														</td>
													);
												})}
											</tr>
										))}
								</tbody>
							</TableRegion>
						)}
					</section>

					<section class="card" aria-labelledby="dev-practice-h">
						<h2 id="dev-practice-h">{t('practice.dev.practiceTitle')}</h2>
						<p>{t('practice.dev.practiceTotal', { n: num(data.practice.total_minutes), hours: num(data.practice.total_minutes / 60, 1) })}</p>
						<div class="pr-split">
							<table class="table table-dense">
								<caption>{t('practice.dev.byActivity')}</caption>
								<tbody>
									{ACTIVITIES.map((a) => (
										<tr key={a}>
											<th scope="row">{t(`practice.activity.${a}`)}</th>
											<td class="num">{num(data.practice.by_activity[a] ?? 0)}</td>
										</tr>
									))}
								</tbody>
							</table>
							<table class="table table-dense">
								<caption>{t('practice.dev.byDomain')}</caption>
								<tbody>
									{DOMAINS.map((d) => (
										<tr key={d}>
											<th scope="row">{t(`practice.domain.${d}`)}</th>
											<td class="num">{num(data.practice.by_domain[d] ?? 0)}</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
						<details class="pr-details">
							<summary>{t('practice.dev.weeksTable')}</summary>
							<table class="table table-dense">
								<caption class="visually-hidden">{t('practice.dev.weeksTable')}</caption>
								<thead>
									<tr>
										<th scope="col">{t('practice.chart.week')}</th>
										<th scope="col" class="num">
											{t('practice.chart.total')}
										</th>
									</tr>
								</thead>
								<tbody>
									{data.practice.weeks.map((w) => (
										<tr key={w.start}>
											<th scope="row" class="nowrap">
												{t('practice.chart.weekOf', { week: weekShort(w.week), date: day(w.start) })}
											</th>
											<td class="num">{num(w.minutes)}</td>
										</tr>
									))}
								</tbody>
							</table>
						</details>
					</section>

					<section class="card" aria-labelledby="dev-outcomes-h">
						<h2 id="dev-outcomes-h">{t('practice.dev.outcomesTitle')}</h2>
						{data.outcomes === null ? <p class="muted">{t('practice.dev.outcomesMissing')}</p> : <EffectivenessSummary data={data.outcomes} headingLevel={3} />}
					</section>
				</>
			)}
		</div>
	);
}
