/* A small line of a rater's mean deviation per period, with the lab's band drawn around zero; points
 * beyond the band are marked. The same figures are given as text for screen readers. */
import { useI18n } from '../../i18n';
import { signed } from './format';

interface Props {
	periods: string[];
	values: { period: string; mean: number | null; flagged: boolean }[];
	band: number;
}

const W = 120;
const H = 32;
const PAD = 3;

export function Sparkline({ periods, values, band }: Props) {
	const i18n = useI18n();
	const byPeriod = new Map(values.map((v) => [v.period, v]));
	const limit = Math.max(band * 2, ...values.map((v) => Math.abs(v.mean ?? 0)), 0.5);
	const x = (i: number) => (periods.length <= 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (periods.length - 1));
	const y = (v: number) => H / 2 - (v / limit) * (H / 2 - PAD);
	const points = periods
		.map((p, i) => ({ i, v: byPeriod.get(p) }))
		.filter((p): p is { i: number; v: { period: string; mean: number; flagged: boolean } } => p.v !== undefined && p.v.mean !== null);
	const text = points.map((p) => `${p.v.period}: ${signed(i18n, p.v.mean)}`).join('; ');
	return (
		<svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={i18n.t('rel.drift.trend', { values: text || i18n.t('common.none') })}>
			<rect class="spark-band" x={0} y={y(band)} width={W} height={Math.max(0, y(-band) - y(band))} />
			<line class="spark-zero" x1={0} x2={W} y1={y(0)} y2={y(0)} />
			{points.length > 1 && <polyline class="spark-line" points={points.map((p) => `${x(p.i)},${y(p.v.mean)}`).join(' ')} />}
			{points.map((p) => (
				<circle key={p.v.period} class={p.v.flagged ? 'spark-dot spark-flag' : 'spark-dot'} cx={x(p.i)} cy={y(p.v.mean)} r={p.v.flagged ? 3 : 2} />
			))}
		</svg>
	);
}
