/* How the scores of each item moved across the therapist's rated sessions: one item at a time with
 * quality (solid line, round points) and adherence (dashed line, square points), or every item's
 * quality side by side as small charts. The "good enough" line is dashed grey. */
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import type { Numbers, Scale } from '../../pages/feedback/format';
import type { TrendItem } from '../../pages/feedback/types';
import { ChartFigure, Swatch } from './ChartFigure';

interface Props {
	id: string;
	trend: TrendItem[];
	scale: Scale;
	goodEnough: number | null;
	nums: Numbers;
	/* The item to show first (an improvement point's), when it has a trend. */
	initialItem?: string | null;
	/* The session this page is about, marked on the charts. */
	currentSubmission?: number | null;
}

const ALL = '*';

/* Items with at least two rated sessions: a trend needs two points. */
export function trendItems(trend: TrendItem[]): TrendItem[] {
	return trend.filter((it) => it.points.filter((p) => p.quality !== null || p.adherence !== null).length >= 2);
}

export function TrendChart({ id, trend, scale, goodEnough, nums, initialItem, currentSubmission }: Props) {
	const { t, day } = useI18n();
	const items = trendItems(trend);
	const first = items.find((it) => it.item === initialItem)?.item ?? items[0]?.item ?? ALL;
	const [chosen, setChosen] = useState(first);
	if (items.length === 0) return null;
	const item = items.find((it) => it.item === chosen) ?? null;

	const select = (
		<div class="field fb-trend-select">
			<label for={`${id}-item`}>{t('fb.trend.show')}</label>
			<select id={`${id}-item`} value={item ? item.item : ALL} onChange={(e) => setChosen(e.currentTarget.value)}>
				{items.map((it) => (
					<option key={it.item} value={it.item}>
						{itemName(it)}
					</option>
				))}
				<option value={ALL}>{t('fb.trend.all')}</option>
			</select>
		</div>
	);

	if (!item) {
		const dates = [...new Map(items.flatMap((it) => it.points).map((p) => [p.submission_id, p.date])).entries()].sort((a, b) => (a[1] < b[1] ? -1 : 1));
		const table = (
			<table class="table table-dense fb-table">
				<caption>{t('fb.trend.allTitle')}</caption>
				<thead>
					<tr>
						<th scope="col">{t('fb.chart.colItem')}</th>
						{dates.map(([sid, d]) => (
							<th key={sid} scope="col" class="num">
								{day(d)}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{items.map((it) => (
						<tr key={it.item}>
							<th scope="row">{itemName(it)}</th>
							{dates.map(([sid]) => {
								const p = it.points.find((x) => x.submission_id === sid);
								return (
									<td key={sid} class="num">
										{p && p.quality !== null ? nums.one(p.quality) : t('common.none')}
									</td>
								);
							})}
						</tr>
					))}
				</tbody>
			</table>
		);
		return (
			<div class="fb-trend">
				{select}
				<ChartFigure id={id} title={t('fb.trend.allTitle')} caption={t('fb.trend.allCaption')} table={table}>
					<ul class="fb-multiples" aria-hidden="true">
						{items.map((it) => (
							<li key={it.item}>
								<span class="fb-multiple-title">{itemName(it)}</span>
								<LineChart item={it} scale={scale} goodEnough={goodEnough} nums={nums} small currentSubmission={currentSubmission ?? null} />
							</li>
						))}
					</ul>
				</ChartFigure>
			</div>
		);
	}

	const hasAdherence = item.points.some((p) => p.adherence !== null);
	const legend = (
		<ul class="fb-legend">
			<li>
				<Swatch kind="line" prefix={id} /> {t('fb.facet.quality')}
			</li>
			{hasAdherence && (
				<li>
					<Swatch kind="dashline" prefix={id} /> {t('fb.facet.adherence')}
				</li>
			)}
			{goodEnough !== null && (
				<li>
					<Swatch kind="goodh" prefix={id} /> {t('fb.chart.goodEnough', { value: nums.one(goodEnough) })}
				</li>
			)}
		</ul>
	);
	const title = t('fb.trend.itemTitle', { item: itemName(item) });
	const table = (
		<table class="table table-dense fb-table">
			<caption>{title}</caption>
			<thead>
				<tr>
					<th scope="col">{t('fb.trend.colDate')}</th>
					{hasAdherence && (
						<th scope="col" class="num">
							{t('fb.facet.adherence')}
						</th>
					)}
					<th scope="col" class="num">
						{t('fb.facet.quality')}
					</th>
				</tr>
			</thead>
			<tbody>
				{item.points.map((p) => (
					<tr key={p.submission_id}>
						<th scope="row">
							{day(p.date)}
							{p.submission_id === currentSubmission ? ` (${t('fb.trend.thisSession')})` : ''}
						</th>
						{hasAdherence && <td class="num">{p.adherence === null ? t('common.none') : nums.one(p.adherence)}</td>}
						<td class="num">{p.quality === null ? t('common.none') : nums.one(p.quality)}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
	return (
		<div class="fb-trend">
			{select}
			<ChartFigure id={id} title={title} caption={t('fb.trend.caption', { n: item.points.length })} legend={legend} table={table}>
				<LineChart item={item} scale={scale} goodEnough={goodEnough} nums={nums} currentSubmission={currentSubmission ?? null} dayText={day} />
			</ChartFigure>
		</div>
	);
}

function itemName(it: TrendItem): string {
	return it.item === it.label ? it.label : `${it.item} ${it.label}`;
}

interface LineProps {
	item: TrendItem;
	scale: Scale;
	goodEnough: number | null;
	nums: Numbers;
	small?: boolean;
	currentSubmission: number | null;
	dayText?: (d: string) => string;
}

function LineChart({ item, scale, goodEnough, nums, small, currentSubmission, dayText }: LineProps) {
	const W = small ? 220 : 760;
	const H = small ? 90 : 260;
	const left = small ? 22 : 50;
	const right = small ? 10 : 30;
	/* The first and last session sit inside the axes, so their labels fit. */
	const inset = small ? 8 : 50;
	const top = small ? 8 : 24;
	const bottom = small ? 12 : 44;
	const span = scale.max - scale.min || 1;
	const n = item.points.length;
	const x = (i: number) => (n <= 1 ? (left + W - right) / 2 : left + inset + (i / (n - 1)) * (W - left - right - 2 * inset));
	const y = (v: number) => top + (1 - (Math.min(scale.max, Math.max(scale.min, v)) - scale.min) / span) * (H - top - bottom);
	const ticks: number[] = [];
	for (let v = Math.ceil(scale.min); v <= scale.max; v += span > 12 ? Math.ceil(span / 6) : small ? Math.max(1, Math.round(span / 3)) : 1) ticks.push(v);
	const path = (facet: 'quality' | 'adherence') => {
		let d = '';
		let pen = false;
		item.points.forEach((p, i) => {
			const v = p[facet];
			if (v === null) {
				pen = false;
				return;
			}
			d += `${pen ? 'L' : 'M'} ${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
			pen = true;
		});
		return d.trim();
	};
	const adh = path('adherence');
	const qual = path('quality');
	return (
		<svg class={`fb-svg${small ? ' fb-svg-small' : ''}`} viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true" focusable="false">
			{ticks.map((v) => (
				<g key={v}>
					<line class="fb-grid" x1={left} y1={y(v)} x2={W - right} y2={y(v)} />
					<text class="fb-axis" x={left - 6} y={y(v) + 4} text-anchor="end">
						{nums.whole(v)}
					</text>
				</g>
			))}
			{item.points.map((p, i) =>
				p.submission_id === currentSubmission ? <rect key={`c${p.submission_id}`} class="fb-current" x={x(i) - (small ? 6 : 14)} y={top - 4} width={small ? 12 : 28} height={H - top - bottom + 8} /> : null,
			)}
			{goodEnough !== null && <line class="fb-good fb-good-h" x1={left} y1={y(goodEnough)} x2={W - right} y2={y(goodEnough)} />}
			{adh && <path class="fb-trend-line fb-trend-line-dash" d={adh} />}
			{qual && <path class="fb-trend-line" d={qual} />}
			{item.points.map((p, i) => (
				<g key={p.submission_id}>
					{p.adherence !== null && <rect class="fb-trend-square" x={x(i) - (small ? 2.5 : 4)} y={y(p.adherence) - (small ? 2.5 : 4)} width={small ? 5 : 8} height={small ? 5 : 8} />}
					{p.quality !== null && <circle class="fb-trend-dot" cx={x(i)} cy={y(p.quality)} r={small ? 3 : 5} />}
					{!small && p.quality !== null && (
						<text class="fb-value" x={x(i)} y={y(p.quality) - 10} text-anchor="middle">
							{nums.one(p.quality)}
						</text>
					)}
					{!small && dayText && (
						<text class="fb-axis" x={x(i)} y={H - bottom + 20} text-anchor="middle">
							{dayText(p.date)}
						</text>
					)}
				</g>
			))}
		</svg>
	);
}
