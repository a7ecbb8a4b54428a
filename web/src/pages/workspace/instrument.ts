/* The instrument definition made ready for the rating form: labels in the user's language, ranges
 * resolved, every code with its item, and the list of scores the form asks for in display order
 * (the same order as the server's list of missing scores, "1.quality", ..., "global.quality"). */
import type { Locale } from '../../api';
import type { AnchorDef, CodeDef, InstrumentDef, Intervention, Label, RangeDef, Scores, Text } from './types';

export interface Range {
	min: number;
	max: number;
	step: number;
	goodEnough: number | null;
	/* Every point of a short scale (at most 11), with its generic label where the file has one. */
	points: { value: number; label: string }[] | null;
}

export interface Facet {
	/* "adherence", "quality", "competence", "count", or a global's id under item "global". */
	facet: string;
	range: Range;
	required: boolean;
	anchors: { value: number; text: string }[];
}

export interface FormItem {
	id: string;
	label: string;
	description: string;
	facets: Facet[];
	flags: string[];
	/* Codes that count towards this item when interventions are coded. */
	codes: string[];
}

export interface Code {
	code: string;
	cls: 'item' | 'outside_manual' | 'not_classifiable';
	item: string | null;
	label: string;
	/* Position in the instrument's list: the colour on the timeline follows it. */
	index: number;
}

export interface Form {
	code: string;
	version: string;
	name: string;
	items: FormItem[];
	/* The global ratings, as one item "global" with a facet per global; null when there are none. */
	globals: { id: string; label: string; description: string; facet: Facet }[];
	codes: Code[];
	codeByName: Map<string, Code>;
	/* The score's name as the rater knows it: "3 Challenging unwarranted beliefs – adherence". */
	scoreName: (key: string, facetName: (f: string) => string) => string;
	/* Which DOM id a score's first control has, to jump to it. */
	scoreId: (key: string) => string;
}

export function label(l: Label | undefined, locale: Locale): string {
	if (!l) return '';
	return l[locale] || l.en || l.nb || l.da || '';
}

/* Licensed texts may exist in one language: fall back to en, then nb, then da. */
export function text(t: Text | undefined, locale: Locale): string {
	if (!t) return '';
	return t[locale] || t.en || t.nb || t.da || '';
}

function range(def: InstrumentDef, r: string | RangeDef, locale: Locale): Range {
	const raw: RangeDef = typeof r === 'string' ? (def.ranges?.[r] ?? { min: 1, max: 7 }) : r;
	const step = raw.step && raw.step > 0 ? raw.step : 1;
	const n = Math.round((raw.max - raw.min) / step) + 1;
	let points: Range['points'] = null;
	if (n <= 11) {
		const named = new Map((raw.points ?? []).map((p) => [p.value, label(p.label, locale)]));
		points = [];
		for (let i = 0; i < n; i++) {
			const v = Math.round((raw.min + i * step) * 1e6) / 1e6;
			points.push({ value: v, label: named.get(v) ?? '' });
		}
	}
	return { min: raw.min, max: raw.max, step, goodEnough: raw.good_enough ?? null, points };
}

function anchors(list: AnchorDef[] | undefined, locale: Locale): { value: number; text: string }[] {
	return (list ?? []).map((a) => ({ value: a.value, text: text(a.text, locale) })).filter((a) => a.text);
}

function codeOf(def: InstrumentDef, c: CodeDef, index: number, locale: Locale): Code {
	const cls = c.class ?? 'item';
	const item = cls === 'item' ? (c.item ?? null) : null;
	const itemLabel = item ? label(def.items.find((i) => i.id === item)?.label, locale) : '';
	return { code: c.code, cls, item, label: c.label ? label(c.label, locale) : itemLabel, index };
}

export function makeForm(def: InstrumentDef, locale: Locale): Form {
	const codes = (def.codes ?? []).map((c, i) => codeOf(def, c, i, locale));
	const items: FormItem[] = def.items.map((it) => ({
		id: it.id,
		label: label(it.label, locale),
		description: text(it.description, locale),
		flags: it.flags ?? [],
		codes: codes.filter((c) => c.item === it.id).map((c) => c.code),
		facets: it.facets.map((f) => ({
			facet: f,
			range: range(def, it.range, locale),
			required: it.required ?? true,
			anchors: anchors(it.anchors?.[f], locale),
		})),
	}));
	const globals = (def.globals ?? []).map((g) => ({
		id: g.id,
		label: label(g.label, locale),
		description: text(g.description, locale),
		facet: { facet: g.id, range: range(def, g.range, locale), required: g.required ?? true, anchors: anchors(g.anchors, locale) },
	}));
	const itemById = new Map(items.map((i) => [i.id, i]));
	const globalById = new Map(globals.map((g) => [g.id, g]));
	return {
		code: def.code,
		version: def.version,
		name: label(def.name, locale),
		items,
		globals,
		codes,
		codeByName: new Map(codes.map((c) => [c.code, c])),
		scoreName: (key, facetName) => {
			const [item = '', facet = ''] = key.split('.');
			if (item === 'global') return globalById.get(facet)?.label ?? key;
			const it = itemById.get(item);
			if (!it) return key;
			return `${it.id} ${it.label} – ${facetName(facet)}`;
		},
		scoreId: (key) => scoreControlId(key),
	};
}

/* The id of a score's fieldset: "score-3-adherence", "score-global-quality". */
export function scoreControlId(key: string): string {
	const dot = key.lastIndexOf('.');
	const item = dot < 0 ? key : key.slice(0, dot);
	const facet = dot < 0 ? '' : key.slice(dot + 1);
	return `score-${item.replace(/[^A-Za-z0-9_-]/g, '_')}-${facet}`;
}

/* How many coded interventions count towards each item (by the instrument's code -> item map). */
export function countsPerItem(form: Form, interventions: Intervention[]): Map<string, number> {
	const out = new Map<string, number>();
	for (const iv of interventions) {
		const item = form.codeByName.get(iv.code)?.item;
		if (item) out.set(item, (out.get(item) ?? 0) + 1);
	}
	return out;
}

/* Required scores not yet given, as the server names them. */
export function missingScores(form: Form, scores: Scores): string[] {
	const out: string[] = [];
	for (const it of form.items) {
		for (const f of it.facets) {
			if (f.required && f.facet !== 'count' && typeof scores[it.id]?.[f.facet] !== 'number') out.push(`${it.id}.${f.facet}`);
		}
	}
	for (const g of form.globals) if (g.facet.required && typeof scores.global?.[g.id] !== 'number') out.push(`global.${g.id}`);
	return out;
}

/* Twelve colours, dark enough to stand out on white; the code itself is always written beside them. */
export const CODE_COLOURS = ['#0b6fa4', '#c26a00', '#0f7a5c', '#a8326e', '#5b4ba0', '#8a6d00', '#b5412c', '#3d6b20', '#1b4f8a', '#7a3b10', '#6b2d8f', '#006d77'];

export function codeColour(c: Code | undefined): string {
	if (!c) return '#4d5866';
	if (c.cls === 'outside_manual') return '#6b7480';
	if (c.cls === 'not_classifiable') return '#9aa3ad';
	return CODE_COLOURS[c.index % CODE_COLOURS.length] ?? '#0b6fa4';
}

/* A number as the user's language writes it ("1,5" in nb and da), at most `digits` decimals. */
export function formatNumber(locale: Locale, n: number, digits = 0): string {
	const tag = locale === 'nb' ? 'nb-NO' : locale === 'da' ? 'da-DK' : 'en-GB';
	return new Intl.NumberFormat(tag, { maximumFractionDigits: digits }).format(n);
}
