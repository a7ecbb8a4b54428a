/* Per item, how much (adherence) and how well (quality) on the instrument's scale: one bar each, a
 * dashed line at "good enough", and where the lab has enough approved ratings its middle half (the
 * band from the first to the third quartile) with the median as a tick. Solid and hatched bars, a
 * dashed line and a grey band read the same in black and white. */
import { useI18n } from '../../i18n';
import type { Numbers, Scale } from '../../pages/feedback/format';
import type { Reference } from '../../pages/feedback/types';
import { ChartFigure, Patterns, Swatch, wrapLabel } from './ChartFigure';

export interface Bar {
	/* "adherence", "quality", or a global's id. */
	facet: string;
	/* The facet's name as the user reads it. */
	name: string;
	value: number | null;
	reference: Reference | null;
	/* Hatched (adherence) or solid (quality and the rest). */
	hatched: boolean;
}

export interface BarRow {
	id: string;
	label: string;
	bars: Bar[];
}

interface Props {
	id: string;
	title: string;
	caption?: string;
	rows: BarRow[];
	scale: Scale;
	goodEnough: number | null;
	nums: Numbers;
	/* Show the legend's adherence swatch (not for the global ratings). */
	twoFacets: boolean;
}

const W = 760;
const LABEL_X = 8;
const X0 = 300;
const X1 = 700;
const BAR_H = 14;
const BAR_GAP = 5;
const ROW_PAD = 9;
const LINE_H = 16;
const AXIS_H = 26;

export function ItemBars({ id, title, caption, rows, scale, goodEnough, nums, twoFacets }: Props) {
	const { t } = useI18n();
	const span = scale.max - scale.min || 1;
	const x = (v: number) => X0 + ((Math.min(scale.max, Math.max(scale.min, v)) - scale.min) / span) * (X1 - X0);
	const hasRef = rows.some((r) => r.bars.some((b) => b.reference));

	let y = AXIS_H;
	const laid = rows.map((r) => {
		const lines = wrapLabel(`${r.id === r.label ? '' : `${r.id} `}${r.label}`, 38);
		const h = Math.max(r.bars.length * (BAR_H + BAR_GAP) - BAR_GAP, lines.length * LINE_H) + ROW_PAD * 2;
		const top = y;
		y += h;
		return { r, lines, top, h };
	});
	const H = y + AXIS_H;
	const ticks: number[] = [];
	for (let v = Math.ceil(scale.min); v <= scale.max; v += span > 12 ? Math.ceil(span / 10) : 1) ticks.push(v);

	const legend = (
		<ul class="fb-legend">
			{twoFacets && (
				<li>
					<Swatch kind="hatch" prefix={id} /> {t('fb.facet.adherence')}
				</li>
			)}
			<li>
				<Swatch kind="solid" prefix={id} /> {twoFacets ? t('fb.facet.quality') : t('fb.chart.score')}
			</li>
			{goodEnough !== null && (
				<li>
					<Swatch kind="good" prefix={id} /> {t('fb.chart.goodEnough', { value: nums.one(goodEnough) })}
				</li>
			)}
			{hasRef && (
				<>
					<li>
						<Swatch kind="band" prefix={id} /> {t('fb.chart.refBand')}
					</li>
					<li>
						<Swatch kind="median" prefix={id} /> {t('fb.chart.refMedian')}
					</li>
				</>
			)}
		</ul>
	);

	const table = (
		<table class="table table-dense fb-table">
			<caption>{title}</caption>
			<thead>
				<tr>
					<th scope="col">{t('fb.chart.colItem')}</th>
					<th scope="col">{t('fb.chart.colFacet')}</th>
					<th scope="col" class="num">
						{t('fb.chart.colScore')}
					</th>
					{hasRef && (
						<>
							<th scope="col" class="num">
								{t('fb.chart.colMedian')}
							</th>
							<th scope="col" class="num">
								{t('fb.chart.colMiddle')}
							</th>
						</>
					)}
				</tr>
			</thead>
			<tbody>
				{rows.flatMap((r) =>
					r.bars.map((b) => (
						<tr key={`${r.id}-${b.facet}`}>
							<th scope="row">{r.id === r.label ? r.label : `${r.id} ${r.label}`}</th>
							<td>{b.name}</td>
							<td class="num">{b.value === null ? t('fb.chart.noScore') : nums.one(b.value)}</td>
							{hasRef && (
								<>
									<td class="num">{b.reference ? nums.one(b.reference.median) : t('common.none')}</td>
									<td class="num nowrap">{b.reference ? `${nums.one(b.reference.q1)}–${nums.one(b.reference.q3)}` : t('common.none')}</td>
								</>
							)}
						</tr>
					)),
				)}
			</tbody>
		</table>
	);

	return (
		<ChartFigure id={id} title={title} caption={caption} legend={legend} table={table}>
			<svg class="fb-svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true" focusable="false">
				<Patterns prefix={id} />
				{ticks.map((v) => (
					<g key={v}>
						<line class="fb-grid" x1={x(v)} y1={AXIS_H - 4} x2={x(v)} y2={H - AXIS_H + 4} />
						<text class="fb-axis" x={x(v)} y={AXIS_H - 10} text-anchor="middle">
							{nums.whole(v)}
						</text>
						<text class="fb-axis" x={x(v)} y={H - 8} text-anchor="middle">
							{nums.whole(v)}
						</text>
					</g>
				))}
				{laid.map(({ r, lines, top, h }, i) => (
					<g key={r.id}>
						{i % 2 === 1 && <rect class="fb-row-alt" x="0" y={top} width={W} height={h} />}
						<text class="fb-label" x={LABEL_X} y={top + h / 2 - ((lines.length - 1) * LINE_H) / 2 + 4}>
							{lines.map((l, k) => (
								<tspan key={k} x={LABEL_X} dy={k === 0 ? 0 : LINE_H}>
									{l}
								</tspan>
							))}
						</text>
						{r.bars.map((b, k) => {
							const by = top + (h - (r.bars.length * (BAR_H + BAR_GAP) - BAR_GAP)) / 2 + k * (BAR_H + BAR_GAP);
							const ref = b.reference;
							return (
								<g key={b.facet}>
									{ref && <rect class="fb-ref" x={x(ref.q1)} y={by - 2} width={Math.max(2, x(ref.q3) - x(ref.q1))} height={BAR_H + 4} />}
									{b.value !== null ? (
										<rect
											class={b.hatched ? 'fb-bar-hatch' : 'fb-bar-quality'}
											fill={b.hatched ? `url(#${id}-hatch)` : undefined}
											x={X0}
											y={by}
											width={Math.max(3, x(b.value) - X0)}
											height={BAR_H}
										/>
									) : null}
									{ref && (
										<>
											<line class="fb-median-halo" x1={x(ref.median)} y1={by - 4} x2={x(ref.median)} y2={by + BAR_H + 4} />
											<line class="fb-median" x1={x(ref.median)} y1={by - 4} x2={x(ref.median)} y2={by + BAR_H + 4} />
										</>
									)}
									<text class={b.value === null ? 'fb-value fb-value-none' : 'fb-value'} x={b.value === null ? X0 + 4 : Math.max(X0 + 3, x(b.value)) + 6} y={by + BAR_H - 3}>
										{b.value === null ? t('fb.chart.noScoreShort', { facet: b.name }) : `${twoFacets ? `${b.name.slice(0, 1)} ` : ''}${nums.one(b.value)}`}
									</text>
								</g>
							);
						})}
					</g>
				))}
				{goodEnough !== null && <line class="fb-good" x1={x(goodEnough)} y1={AXIS_H - 4} x2={x(goodEnough)} y2={H - AXIS_H + 4} />}
			</svg>
		</ChartFigure>
	);
}
