/* How the reliability pages show numbers and variables in the user's language. */
import type { I18n, MessageKey } from '../../i18n';
import { hasKey } from '../../i18n';
import type { VarRef } from './relapi';

/* A number with the given decimals, or '—' when there is none. */
export function fmt(i18n: I18n, n: number | null | undefined, digits = 2): string {
	if (n === null || n === undefined || !Number.isFinite(n)) return i18n.t('common.none');
	return new Intl.NumberFormat(i18n.locale === 'en' ? 'en-GB' : i18n.locale === 'da' ? 'da-DK' : 'nb-NO', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	}).format(n);
}

/* A signed deviation ("+0,50", "−1,20"). */
export function signed(i18n: I18n, n: number | null | undefined, digits = 2): string {
	if (n === null || n === undefined || !Number.isFinite(n)) return i18n.t('common.none');
	const s = fmt(i18n, Math.abs(n), digits);
	return n > 0 ? `+${s}` : n < 0 ? `−${s}` : s;
}

/* "0,62–0,81" */
export function interval(i18n: I18n, lo: number | null | undefined, hi: number | null | undefined): string {
	if (lo === null || lo === undefined || hi === null || hi === undefined) return i18n.t('common.none');
	return `${fmt(i18n, lo)}–${fmt(i18n, hi)}`;
}

export function facetName(i18n: I18n, facet: string): string {
	const key = `rel.facet.${facet}`;
	return hasKey(key) ? i18n.t(key as MessageKey) : facet;
}

/* What the user reads for a variable: "2. Exploration …", "Global quality", "Total: quality". */
export function varName(i18n: I18n, v: VarRef): string {
	if (v.kind === 'total') return i18n.t('rel.total', { facet: facetName(i18n, v.facet) });
	const label = v.label?.[i18n.locale] ?? v.label?.en ?? v.facet;
	return v.kind === 'global' ? label : `${v.item}. ${label}`;
}

/* The variable's facet column: empty for globals and totals, which name their own. */
export function varFacet(i18n: I18n, v: VarRef): string {
	return v.kind === 'item' ? facetName(i18n, v.facet) : '';
}

export type IccBand = 'poor' | 'moderate' | 'good' | 'excellent';

/* Koo & Li (2016): below .50 poor, .50 to .75 moderate, .75 to .90 good, above .90 excellent. */
export function iccBand(icc: number | null | undefined): IccBand | null {
	if (icc === null || icc === undefined || !Number.isFinite(icc)) return null;
	return icc < 0.5 ? 'poor' : icc < 0.75 ? 'moderate' : icc <= 0.9 ? 'good' : 'excellent';
}
