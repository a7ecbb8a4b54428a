/* A chart as a figure: a title and a caption that say what it shows, the picture (hidden from screen
 * readers), and the same figures as a table, always there for screen readers and shown on request. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';

interface Props {
	id: string;
	title: string;
	/* A sentence or two on how to read it. */
	caption?: ComponentChildren;
	/* A legend (swatches with words) shown above the picture. */
	legend?: ComponentChildren;
	/* The data table: a <table> whose caption names it. */
	table: ComponentChildren;
	children: ComponentChildren;
	class?: string;
}

export function ChartFigure({ id, title, caption, legend, table, children, class: cls }: Props) {
	const { t } = useI18n();
	const [showTable, setShowTable] = useState(false);
	return (
		<figure class={`fb-figure${cls ? ` ${cls}` : ''}`} aria-labelledby={`${id}-title`}>
			<figcaption>
				<span id={`${id}-title`} class="fb-figure-title">
					{title}
				</span>
				{caption && <span class="fb-figure-caption">{caption}</span>}
			</figcaption>
			{legend}
			<div class="fb-chart">{children}</div>
			<button type="button" class="button button-small button-quiet fb-table-toggle" aria-expanded={showTable ? 'true' : 'false'} aria-controls={`${id}-table`} onClick={() => setShowTable((v) => !v)}>
				{showTable ? t('fb.chart.hideTable') : t('fb.chart.showTable')}
			</button>
			{/* Shown, it may be wider than the page: a region that scrolls from the keyboard too. */}
			<div
				id={`${id}-table`}
				class={showTable ? 'fb-data' : 'fb-data visually-hidden'}
				role={showTable ? 'region' : undefined}
				aria-labelledby={showTable ? `${id}-title` : undefined}
				tabIndex={showTable ? 0 : undefined}
			>
				{table}
			</div>
		</figure>
	);
}

/* A swatch for a legend: the same fill or line the chart uses, so it reads in black and white too. */
export function Swatch({ kind, prefix }: { kind: 'solid' | 'hatch' | 'dots' | 'band' | 'median' | 'good' | 'goodh' | 'line' | 'dashline'; prefix: string }) {
	return (
		<svg class="fb-swatch" width="28" height="14" viewBox="0 0 28 14" aria-hidden="true" focusable="false">
			{kind === 'solid' && <rect class="fb-bar-quality" x="1" y="2" width="26" height="10" />}
			{kind === 'hatch' && <rect class="fb-bar-hatch" x="1" y="2" width="26" height="10" fill={`url(#${prefix}-hatch)`} />}
			{kind === 'dots' && <rect class="fb-bar-hatch" x="1" y="2" width="26" height="10" fill={`url(#${prefix}-dots)`} />}
			{kind === 'band' && <rect class="fb-ref" x="1" y="1" width="26" height="12" />}
			{kind === 'median' && (
				<>
					<line class="fb-median-halo" x1="14" y1="0" x2="14" y2="14" />
					<line class="fb-median" x1="14" y1="0" x2="14" y2="14" />
				</>
			)}
			{kind === 'good' && <line class="fb-good" x1="14" y1="0" x2="14" y2="14" />}
			{kind === 'goodh' && <line class="fb-good fb-good-h" x1="1" y1="7" x2="27" y2="7" />}
			{kind === 'line' && (
				<>
					<line class="fb-trend-line" x1="1" y1="7" x2="27" y2="7" />
					<circle class="fb-trend-dot" cx="14" cy="7" r="4" />
				</>
			)}
			{kind === 'dashline' && (
				<>
					<line class="fb-trend-line fb-trend-line-dash" x1="1" y1="7" x2="27" y2="7" />
					<rect class="fb-trend-square" x="10.5" y="3.5" width="7" height="7" />
				</>
			)}
		</svg>
	);
}

/* The fill patterns the charts share, defined once per chart (ids carry the chart's prefix). */
export function Patterns({ prefix }: { prefix: string }) {
	return (
		<defs>
			<pattern id={`${prefix}-hatch`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
				<rect class="fb-pattern-bg" width="6" height="6" />
				<line class="fb-pattern-line" x1="0" y1="0" x2="0" y2="6" />
			</pattern>
			<pattern id={`${prefix}-dots`} patternUnits="userSpaceOnUse" width="5" height="5">
				<rect class="fb-pattern-bg" width="5" height="5" />
				<circle class="fb-pattern-dot" cx="2.5" cy="2.5" r="1.2" />
			</pattern>
		</defs>
	);
}

/* Splits a label into lines of at most `max` characters, at spaces; at most `lines` lines (the last
 * one shortened with an ellipsis; the full label is in the table and the title). */
export function wrapLabel(text: string, max: number, lines = 2): string[] {
	const words = text.split(/\s+/).filter(Boolean);
	const out: string[] = [];
	let cur = '';
	for (const w of words) {
		if (!cur) cur = w;
		else if (cur.length + 1 + w.length <= max) cur += ` ${w}`;
		else {
			out.push(cur);
			cur = w;
		}
	}
	if (cur) out.push(cur);
	if (out.length <= lines) return out;
	const kept = out.slice(0, lines);
	const last = kept[lines - 1] ?? '';
	kept[lines - 1] = `${last.length > max - 1 ? last.slice(0, max - 1) : last}…`;
	return kept;
}
