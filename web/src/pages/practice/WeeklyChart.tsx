/* Practice minutes per week as stacked bars, one colour per goal, drawn in SVG (no inline styles:
 * colours come from classes), with a legend and the same figures as a table for screen readers
 * and for anyone who prefers numbers. */
import { useI18n } from '../../i18n';
import type { GoalSeries, PracticeWeeks } from './practiceApi';
import { TableRegion } from '../../components/TableRegion';

const W = 720;
const H = 240;
const LEFT = 48;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 34;
export const SERIES_COLOURS = 8;

/* A round number at or above max for the top of the axis. */
export function niceMax(max: number): number {
	if (max <= 30) return 30;
	const steps = [60, 90, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2400, 3000, 3600, 4800, 6000];
	return steps.find((s) => s >= max) ?? Math.ceil(max / 600) * 600;
}

/* "W07" from "2026-W07". */
export function weekShort(week: string): string {
	const m = /W(\d+)$/.exec(week);
	return m ? `W${m[1]}` : week;
}

export function useSeriesName(): (s: Pick<GoalSeries, 'goal_id' | 'description' | 'item_label'>) => string {
	const { t } = useI18n();
	return (s) => {
		if (s.goal_id === null) return t('practice.chart.noGoal');
		const d = s.description ?? t('practice.chart.goal', { id: s.goal_id });
		return s.item_label ? `${d} (${s.item_label})` : d;
	};
}

interface Props {
	data: PracticeWeeks;
	id: string;
}

export function WeeklyChart({ data, id }: Props) {
	const { t, num, day } = useI18n();
	const name = useSeriesName();
	const n = data.weeks.length;
	const top = niceMax(Math.max(0, ...data.weeks.map((w) => w.minutes)));
	const plotW = W - LEFT - RIGHT;
	const plotH = H - TOP - BOTTOM;
	const band = n ? plotW / n : plotW;
	const barW = Math.max(2, band * 0.7);
	const y = (m: number) => TOP + plotH - (m / top) * plotH;
	const ticks = [0, top / 3, (2 * top) / 3, top];
	const every = n <= 13 ? 1 : Math.ceil(n / 13);
	const first = data.weeks[0];
	const last = data.weeks[n - 1];

	return (
		<div class="pr-chart" id={id}>
			<svg class="pr-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-svg-title ${id}-svg-desc`} preserveAspectRatio="xMidYMid meet">
				<title id={`${id}-svg-title`}>{t('practice.chart.svgTitle', { n })}</title>
				<desc id={`${id}-svg-desc`}>
					{t('practice.chart.svgDesc', { total: num(data.total_minutes), from: first ? day(first.start) : '', to: last ? day(last.start) : '' })}
				</desc>
				{ticks.map((v) => (
					<g key={v} class="pr-tick">
						<line x1={LEFT} x2={W - RIGHT} y1={y(v)} y2={y(v)} class="pr-grid" />
						<text x={LEFT - 6} y={y(v) + 4} class="pr-axis-text" text-anchor="end">
							{num(v)}
						</text>
					</g>
				))}
				<text x={12} y={TOP + plotH / 2} class="pr-axis-text" text-anchor="middle" transform={`rotate(-90 12 ${TOP + plotH / 2})`}>
					{t('practice.chart.minutesAxis')}
				</text>
				{data.weeks.map((w, k) => {
					let base = 0;
					const x = LEFT + k * band + (band - barW) / 2;
					return (
						<g key={w.start} class="pr-week" data-week={w.week}>
							{data.series.map((s, j) => {
								const m = s.minutes[k] ?? 0;
								if (!m) return null;
								const y0 = y(base + m);
								const h = y(base) - y0;
								base += m;
								return (
									<rect key={j} class={`pr-bar pr-series-${j % SERIES_COLOURS}`} x={x} y={y0} width={barW} height={Math.max(h, 0.5)}>
										<title>{`${weekShort(w.week)} · ${name(s)}: ${t('practice.minutesN', { n: num(m) })}`}</title>
									</rect>
								);
							})}
							{k % every === 0 && (
								<text x={LEFT + k * band + band / 2} y={H - BOTTOM + 16} class="pr-axis-text" text-anchor="middle">
									{weekShort(w.week)}
								</text>
							)}
						</g>
					);
				})}
				<line x1={LEFT} x2={W - RIGHT} y1={TOP + plotH} y2={TOP + plotH} class="pr-axis" />
			</svg>
			{data.series.length > 0 && (
				<ul class="pr-legend" aria-label={t('practice.chart.legend')}>
					{data.series.map((s, j) => (
						<li key={s.goal_id ?? 'none'}>
							<span class={`pr-swatch pr-series-${j % SERIES_COLOURS}`} aria-hidden="true" />
							{name(s)}
						</li>
					))}
				</ul>
			)}
			<TableRegion id={id} caption={t('practice.chart.tableCaption')} tableClass="table table-dense pr-table" hiddenCaption={false}>
				<thead>
					<tr>
						<th scope="col">{t('practice.chart.week')}</th>
						{data.series.map((s) => (
							<th scope="col" key={s.goal_id ?? 'none'}>
								{name(s)}
							</th>
						))}
						<th scope="col">{t('practice.chart.total')}</th>
					</tr>
				</thead>
				<tbody>
					{data.weeks.map((w, k) => (
						<tr key={w.start}>
							<th scope="row" class="nowrap">
								{t('practice.chart.weekOf', { week: weekShort(w.week), date: day(w.start) })}
							</th>
							{data.series.map((s) => (
								<td key={s.goal_id ?? 'none'} class="num">
									{num(s.minutes[k] ?? 0)}
								</td>
							))}
							<td class="num">{num(w.minutes)}</td>
						</tr>
					))}
				</tbody>
			</TableRegion>
		</div>
	);
}
