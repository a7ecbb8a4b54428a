/* How the session's coded interventions spread over the intervention types: one bar per code, longest
 * first, with the count and the share of all. Interventions outside the manual are hatched, those
 * that could not be classified dotted, so the kinds differ in black and white too. */
import { useI18n } from '../../i18n';
import type { Numbers } from '../../pages/feedback/format';
import type { CodeCount } from '../../pages/feedback/types';
import { ChartFigure, Patterns, Swatch, wrapLabel } from './ChartFigure';

interface Props {
	id: string;
	codes: CodeCount[];
	total: number;
	nums: Numbers;
}

const W = 760;
const X0 = 300;
const X1 = 640;
const BAR_H = 16;
const ROW_H = 30;

export function codeName(c: CodeCount): string {
	return c.class === 'item' && c.code !== c.label ? `${c.code} ${c.label}` : c.label;
}

export function CodeDistribution({ id, codes, total, nums }: Props) {
	const { t } = useI18n();
	const rows = [...codes].filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code, undefined, { numeric: true }));
	const maxShare = Math.max(0.0001, ...rows.map((r) => r.share));
	const H = rows.length * ROW_H + 10;
	const kinds = new Set(rows.map((r) => r.class));
	const title = t('fb.codes.title');

	const legend = (
		<ul class="fb-legend">
			<li>
				<Swatch kind="solid" prefix={id} /> {t('fb.codes.item')}
			</li>
			{kinds.has('outside_manual') && (
				<li>
					<Swatch kind="hatch" prefix={id} /> {t('fb.codes.outside')}
				</li>
			)}
			{kinds.has('not_classifiable') && (
				<li>
					<Swatch kind="dots" prefix={id} /> {t('fb.codes.unclassifiable')}
				</li>
			)}
		</ul>
	);

	const table = (
		<table class="table table-dense fb-table">
			<caption>{title}</caption>
			<thead>
				<tr>
					<th scope="col">{t('fb.codes.colType')}</th>
					<th scope="col" class="num">
						{t('fb.codes.colCount')}
					</th>
					<th scope="col" class="num">
						{t('fb.codes.colShare')}
					</th>
				</tr>
			</thead>
			<tbody>
				{rows.map((c) => (
					<tr key={c.code}>
						<th scope="row">{codeName(c)}</th>
						<td class="num">{nums.whole(c.count)}</td>
						<td class="num">{nums.share(c.share)}</td>
					</tr>
				))}
			</tbody>
		</table>
	);

	if (rows.length === 0) {
		return (
			<section class="fb-figure" aria-labelledby={`${id}-title`}>
				<h4 id={`${id}-title`} class="fb-figure-title">
					{title}
				</h4>
				<p class="empty">{t('fb.codes.none')}</p>
			</section>
		);
	}

	return (
		<ChartFigure id={id} title={title} caption={t('fb.codes.caption', { n: nums.whole(total) })} legend={legend} table={table}>
			<svg class="fb-svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true" focusable="false">
				<Patterns prefix={id} />
				<line class="fb-axis-line" x1={X0} y1="2" x2={X0} y2={H - 4} />
				{rows.map((c, i) => {
					const top = 5 + i * ROW_H;
					const w = Math.max(2, (c.share / maxShare) * (X1 - X0));
					const lines = wrapLabel(codeName(c), 40, 1);
					return (
						<g key={c.code}>
							<text class="fb-label" x="8" y={top + BAR_H - 2}>
								{lines[0]}
							</text>
							<rect
								class={c.class === 'item' ? 'fb-bar-quality' : 'fb-bar-hatch'}
								fill={c.class === 'outside_manual' ? `url(#${id}-hatch)` : c.class === 'not_classifiable' ? `url(#${id}-dots)` : undefined}
								x={X0}
								y={top + 2}
								width={w}
								height={BAR_H}
							/>
							<text class="fb-value" x={X0 + w + 8} y={top + BAR_H - 2}>
								{t('fb.codes.value', { n: nums.whole(c.count), share: nums.share(c.share) })}
							</text>
						</g>
					);
				})}
			</svg>
		</ChartFigure>
	);
}
