/* A client's scores by session on one measure, drawn as SVG: the clinical cut-off, the band of
 * no reliable change around the intake score, and the lab's expected band when there is one.
 * Styled by classes only (the CSP forbids inline styles); the numbers are also in a table. */
import { useI18n } from '../../i18n';
import type { Trajectory } from './oapi';

const W = 640;
const H = 300;
const L = 46;
const R = 30;
const T = 14;
const B = 40;

/* About five round steps between min and max. */
function ticks(min: number, max: number): number[] {
	const span = max - min;
	const raw = span / 5;
	const mag = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= 6) ?? raw;
	const out: number[] = [];
	for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
	return out;
}

export function TrajectoryChart({ tr, id }: { tr: Trajectory; id: string }) {
	const { t, num } = useI18n();
	const { rules } = tr;
	const curve = tr.expected.curve ?? [];
	const sessions = [...tr.points.map((p) => p.session_number), ...curve.map((c) => c.session_number)];
	const x0 = sessions.length ? Math.min(...sessions) : 1;
	let x1 = sessions.length ? Math.max(...sessions) : 2;
	if (x1 <= x0) x1 = x0 + 1;
	const x = (s: number) => L + ((s - x0) / (x1 - x0)) * (W - L - R);
	const y = (v: number) => H - B - ((v - rules.min) / (rules.max - rules.min || 1)) * (H - T - B);
	const yTicks = ticks(rules.min, rules.max);
	const xStep = Math.max(1, Math.ceil((x1 - x0) / 12));
	const xTicks: number[] = [];
	for (let s = x0; s <= x1; s += xStep) xTicks.push(s);
	const line = tr.points.map((p) => `${x(p.session_number).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
	const band = curve.length ? [...curve.map((c) => `${x(c.session_number).toFixed(1)},${y(c.upper).toFixed(1)}`), ...[...curve].reverse().map((c) => `${x(c.session_number).toFixed(1)},${y(c.lower).toFixed(1)}`)].join(' ') : '';
	const expected = curve.map((c) => `${x(c.session_number).toFixed(1)},${y(c.expected).toFixed(1)}`).join(' ');
	const lower = rules.direction === 'lower_is_better';
	const desc = [
		t('oc.chart.desc', { n: tr.points.length, measure: tr.name }),
		tr.intake ? t('oc.chart.descIntake', { score: num(tr.intake.score, 1), session: tr.intake.session_number }) : '',
		tr.latest && tr.points.length > 1 ? t('oc.chart.descLatest', { score: num(tr.latest.score, 1), session: tr.latest.session_number }) : '',
		rules.cutoff !== null ? t('oc.chart.descCutoff', { cutoff: num(rules.cutoff, 1) }) : '',
		t(lower ? 'oc.lowerIsBetter' : 'oc.higherIsBetter'),
	]
		.filter(Boolean)
		.join(' ');
	return (
		<figure class="oc-chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} class="oc-chart-svg">
				<title id={`${id}-title`}>{t('oc.chart.title', { measure: tr.name })}</title>
				<desc id={`${id}-desc`}>{desc}</desc>
				{yTicks.map((v) => (
					<g key={`y${v}`}>
						<line class="oc-chart-grid" x1={L} x2={W - R} y1={y(v)} y2={y(v)} />
						<text class="oc-chart-tick" x={L - 6} y={y(v) + 4} text-anchor="end">
							{num(v, 1)}
						</text>
					</g>
				))}
				{xTicks.map((s) => (
					<text key={`x${s}`} class="oc-chart-tick" x={x(s)} y={H - B + 16} text-anchor="middle">
						{s}
					</text>
				))}
				<text class="oc-chart-axis-label" x={(L + W - R) / 2} y={H - 6} text-anchor="middle">
					{t('oc.chart.session')}
				</text>
				{tr.rc_band && tr.intake && (
					<rect class="oc-chart-rc" x={x(tr.intake.session_number)} width={Math.max(0, x(x1) - x(tr.intake.session_number))} y={y(tr.rc_band.upper)} height={Math.max(0, y(tr.rc_band.lower) - y(tr.rc_band.upper))} />
				)}
				{band && <polygon class="oc-chart-expected-band" points={band} />}
				{expected && <polyline class="oc-chart-expected" points={expected} />}
				{rules.cutoff !== null && (
					<g>
						<line class="oc-chart-cutoff" x1={L} x2={W - R} y1={y(rules.cutoff)} y2={y(rules.cutoff)} />
						<text class="oc-chart-cutoff-label" x={W - R - 4} y={y(rules.cutoff) - 5} text-anchor="end">
							{t('oc.chart.cutoff', { cutoff: num(rules.cutoff, 1) })}
						</text>
					</g>
				)}
				{tr.points.length > 1 && <polyline class="oc-chart-line" points={line} />}
				{tr.points.map((p) => (
					<circle key={p.response_id} class={p.alerts.length ? 'oc-chart-point oc-chart-point-alert' : 'oc-chart-point'} cx={x(p.session_number)} cy={y(p.score)} r={p.alerts.length ? 7 : 5} />
				))}
			</svg>
			<figcaption>
				<ul class="oc-legend">
					<li>
						<span class="oc-swatch oc-swatch-line" aria-hidden="true" />
						{t('oc.chart.scores')}
					</li>
					{rules.cutoff !== null && (
						<li>
							<span class="oc-swatch oc-swatch-cutoff" aria-hidden="true" />
							{t('oc.chart.cutoffLegend')}
						</li>
					)}
					{tr.rc_band && (
						<li>
							<span class="oc-swatch oc-swatch-rc" aria-hidden="true" />
							{t('oc.chart.rcLegend', { rc: num(rules.reliable_change ?? 0, 1) })}
						</li>
					)}
					{curve.length > 0 && (
						<li>
							<span class="oc-swatch oc-swatch-expected" aria-hidden="true" />
							{t('oc.chart.expectedLegend')}
						</li>
					)}
				</ul>
			</figcaption>
		</figure>
	);
}
