/* Support against challenge on the instrument's scale: the average of the supporting items and of the
 * challenging ones as two bars, the difference between them as a bracket, and a sentence that says in
 * plain words what the balance means and what to try. */
import { useI18n } from '../../i18n';
import type { Numbers, Scale } from '../../pages/feedback/format';
import type { Balance } from '../../pages/feedback/types';
import { ChartFigure, Patterns, Swatch } from './ChartFigure';

interface Props {
	id: string;
	balance: Balance;
	scale: Scale;
	goodEnough: number | null;
	nums: Numbers;
}

const W = 760;
const X0 = 150;
const X1 = 640;
const BAR_H = 20;

export function BalanceFigure({ id, balance, scale, goodEnough, nums }: Props) {
	const { t } = useI18n();
	const span = scale.max - scale.min || 1;
	const x = (v: number) => X0 + ((Math.min(scale.max, Math.max(scale.min, v)) - scale.min) / span) * (X1 - X0);
	const ySupport = 34;
	const yChallenge = 74;
	const H = 136;
	const xs = x(balance.support);
	const xc = x(balance.challenge);
	const left = Math.min(xs, xc);
	const right = Math.max(xs, xc);
	const ticks: number[] = [];
	for (let v = Math.ceil(scale.min); v <= scale.max; v += span > 12 ? Math.ceil(span / 10) : 1) ticks.push(v);
	const title = t('fb.balance.title');
	const diffText = t('fb.balance.difference', { value: nums.signed(balance.difference) });

	const legend = (
		<ul class="fb-legend">
			<li>
				<Swatch kind="solid" prefix={id} /> {t('fb.balance.support')}
			</li>
			<li>
				<Swatch kind="hatch" prefix={id} /> {t('fb.balance.challenge')}
			</li>
			{goodEnough !== null && (
				<li>
					<Swatch kind="good" prefix={id} /> {t('fb.chart.goodEnough', { value: nums.one(goodEnough) })}
				</li>
			)}
		</ul>
	);

	const table = (
		<table class="table table-dense fb-table">
			<caption>{title}</caption>
			<tbody>
				<tr>
					<th scope="row">{t('fb.balance.support')}</th>
					<td class="num">{nums.one(balance.support)}</td>
				</tr>
				<tr>
					<th scope="row">{t('fb.balance.challenge')}</th>
					<td class="num">{nums.one(balance.challenge)}</td>
				</tr>
				<tr>
					<th scope="row">{t('fb.balance.differenceLabel')}</th>
					<td class="num">{nums.signed(balance.difference)}</td>
				</tr>
			</tbody>
		</table>
	);

	return (
		<div class="fb-balance">
			<ChartFigure id={id} title={title} caption={t('fb.balance.caption')} legend={legend} table={table}>
				<svg class="fb-svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true" focusable="false">
					<Patterns prefix={id} />
					{ticks.map((v) => (
						<g key={v}>
							<line class="fb-grid" x1={x(v)} y1="18" x2={x(v)} y2={yChallenge + BAR_H + 6} />
							<text class="fb-axis" x={x(v)} y="12" text-anchor="middle">
								{nums.whole(v)}
							</text>
						</g>
					))}
					<text class="fb-label" x="8" y={ySupport + BAR_H - 5}>
						{t('fb.balance.support')}
					</text>
					<rect class="fb-bar-quality" x={X0} y={ySupport} width={Math.max(3, xs - X0)} height={BAR_H} />
					<text class="fb-value" x={xs + 8} y={ySupport + BAR_H - 5}>
						{nums.one(balance.support)}
					</text>
					<text class="fb-label" x="8" y={yChallenge + BAR_H - 5}>
						{t('fb.balance.challenge')}
					</text>
					<rect class="fb-bar-hatch" fill={`url(#${id}-hatch)`} x={X0} y={yChallenge} width={Math.max(3, xc - X0)} height={BAR_H} />
					<text class="fb-value" x={xc + 8} y={yChallenge + BAR_H - 5}>
						{nums.one(balance.challenge)}
					</text>
					{goodEnough !== null && <line class="fb-good" x1={x(goodEnough)} y1="18" x2={x(goodEnough)} y2={yChallenge + BAR_H + 6} />}
					{/* The difference: a bracket under the bars from one end to the other. */}
					{right - left >= 1 && (
						<path class="fb-bracket" d={`M ${left} ${yChallenge + BAR_H + 12} v 8 H ${right} v -8`} />
					)}
					<text class="fb-value fb-diff" x={(left + right) / 2} y={yChallenge + BAR_H + 36} text-anchor="middle">
						{diffText}
					</text>
				</svg>
			</ChartFigure>
			<p class={`fb-verdict fb-verdict-${balance.verdict}`}>{t(`fb.balance.${balance.verdict}`)}</p>
		</div>
	);
}
