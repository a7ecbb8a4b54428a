/* Numbers, times and scales as the feedback pages show them: scores with one decimal in the user's
 * language ("4,5" in nb and da), clip times as m:ss, meeting times in the user's own time zone. */
import type { Locale } from '../../api';
import type { InstrumentDef } from '../workspace/types';
import type { Profile } from './types';

const TAG: Record<Locale, string> = { nb: 'nb-NO', da: 'da-DK', en: 'en-GB' };

export interface Numbers {
	/* A score or mean: always one decimal ("4,0"). */
	one: (n: number) => string;
	/* A signed difference: "+1,5", "−0,5", "0,0". */
	signed: (n: number) => string;
	/* A share 0..1 as a percentage with one decimal ("31,4 %"). */
	share: (s: number) => string;
	/* A whole count. */
	whole: (n: number) => string;
}

export function numbers(locale: Locale): Numbers {
	const tag = TAG[locale];
	const one = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
	const signed = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
	const pct = new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
	const whole = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
	return {
		one: (n) => one.format(n),
		signed: (n) => signed.format(n),
		share: (s) => pct.format(Math.min(1, Math.max(0, s))),
		whole: (n) => whole.format(n),
	};
}

/* A clip time: "0:05", "12:34", "1:02:03"; tenths when they are not zero ("0:05.5"). */
export function clipTime(ms: number): string {
	const total = Math.max(0, Math.round(ms / 100)) / 10;
	const whole = Math.floor(total);
	const tenth = Math.round((total - whole) * 10);
	const h = Math.floor(whole / 3600);
	const m = Math.floor((whole % 3600) / 60);
	const ss = String(whole % 60).padStart(2, '0');
	const base = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
	return tenth ? `${base}.${tenth}` : base;
}

/* What a person types for a clip time: "75", "1:15", "1:15.5", "0:01:15". Null when it is not a time. */
export function parseClipTime(text: string): number | null {
	const s = text.trim().replace(',', '.');
	if (!s) return null;
	const m = /^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(s);
	if (!m) return null;
	const parts = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
	let secs = 0;
	for (const p of parts) secs = secs * 60 + p;
	if (parts.length > 1 && (parts[parts.length - 1] ?? 0) >= 60) return null;
	return Number.isFinite(secs) ? Math.round(secs * 1000) : null;
}

/* The user's time zone by name ("Europe/Oslo"), said beside meeting times. */
export function timeZoneName(): string {
	try {
		return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
	} catch {
		return 'UTC';
	}
}

/* <input type="datetime-local"> works in local time: to and from ISO 8601 UTC. */
export function localInputValue(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '';
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function isoFromLocalInput(value: string): string | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* The meeting's time in the user's language and zone: "Tue 3 Mar 2026, 14:00–14:45". */
export function meetingTime(locale: Locale, iso: string, durationMin: number): string {
	const start = new Date(iso);
	if (Number.isNaN(start.getTime())) return iso;
	const end = new Date(start.getTime() + durationMin * 60000);
	const tag = TAG[locale];
	const day = new Intl.DateTimeFormat(tag, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(start);
	const hm = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit' });
	return `${day}, ${hm.format(start)}–${hm.format(end)}`;
}

export interface Scale {
	min: number;
	max: number;
}

/* The instrument's scale for the charts: from its definition when it could be read, else a guess
 * from the profile (1–7 around a "good enough" of 4; 0–6 when a score is 0). */
export function scaleOf(profile: Profile, def: InstrumentDef | null): Scale {
	if (def) {
		const it = def.items.find((i) => i.facets.includes('quality') || i.facets.includes('adherence')) ?? def.items[0];
		if (it) {
			const r = typeof it.range === 'string' ? def.ranges?.[it.range] : it.range;
			if (r && Number.isFinite(r.min) && Number.isFinite(r.max) && r.max > r.min) return { min: r.min, max: r.max };
		}
	}
	const values: number[] = [];
	for (const it of profile.items) {
		for (const s of [it.adherence, it.quality]) if (s && typeof s.value === 'number') values.push(s.value);
	}
	for (const g of profile.globals) if (typeof g.value === 'number') values.push(g.value);
	const min = values.some((v) => v < 1) ? 0 : 1;
	const max = Math.max(min === 0 ? 6 : 7, ...values.map((v) => Math.ceil(v)));
	return { min, max };
}
