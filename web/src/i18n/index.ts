/* Message lookup, the chosen language, and locale-aware formatting of dates and server errors. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiError, LOCALES, type Locale } from '../api';
import { da } from './da';
import { en } from './en';
import { nb } from './nb';
import type { MessageKey, Messages } from './types';

export type { MessageKey, Messages };

const CATALOGUES: Record<Locale, Messages> = { nb, da, en };
const STORAGE_KEY = 'kvalab.locale';

/* BCP 47 tags for Intl: Nordic conventions for English too (day before month, 24-hour clock). */
const INTL_TAG: Record<Locale, string> = { nb: 'nb-NO', da: 'da-DK', en: 'en-GB' };

export type Params = Record<string, string | number>;

export function isLocale(v: unknown): v is Locale {
	return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function hasKey(key: string): key is MessageKey {
	return Object.prototype.hasOwnProperty.call(en, key);
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
	const text = CATALOGUES[locale][key] ?? en[key];
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/* nb for Norwegian (no, nb, nn), da for Danish, else English. */
export function localeFromNavigator(langs: readonly string[]): Locale {
	for (const l of langs) {
		const base = l.toLowerCase().split('-')[0];
		if (base === 'nb' || base === 'no' || base === 'nn') return 'nb';
		if (base === 'da') return 'da';
		if (base === 'en') return 'en';
	}
	return 'en';
}

export function storedLocale(): Locale | null {
	try {
		const v = localStorage.getItem(STORAGE_KEY);
		return isLocale(v) ? v : null;
	} catch {
		return null;
	}
}

export function storeLocale(l: Locale): void {
	try {
		localStorage.setItem(STORAGE_KEY, l);
	} catch {
		/* private mode: the choice lasts for this page only */
	}
}

export function initialLocale(): Locale {
	const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
	return storedLocale() ?? localeFromNavigator(langs);
}

export interface I18n {
	locale: Locale;
	t: (key: MessageKey, params?: Params) => string;
	/* Date and time in the user's locale; '—' for null. */
	dateTime: (iso: string | null | undefined) => string;
	date: (iso: string | null | undefined) => string;
	/* A calendar date from the API ("2026-03-14"), shown as that same day in the user's locale. */
	day: (ymd: string | null | undefined) => string;
	/* "in 45 seconds" in the user's language. */
	inSeconds: (secs: number) => string;
	/* A number with at most `digits` decimals, in the user's locale ("12,3" in nb and da). */
	num: (n: number, digits?: number) => string;
	/* A share from 0 to 1 as a whole percentage, as the locale writes it ("43 %" in nb and da, "43%" in en). */
	percent: (share: number) => string;
	/* The text to show for a failed request. */
	errorText: (err: unknown) => string;
	/* The text to show next to a field the server named. */
	fieldText: (err: ApiError, field: string) => string | undefined;
}

function parseDate(iso: string | null | undefined): Date | null {
	if (!iso) return null;
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? null : d;
}

/* The server's field messages are English; recognise the ones it sends so they can be translated.
 * Returns null for a message not recognised. */
function translateFieldMessage(t: I18n['t'], msg: string): string | null {
	const rules: [RegExp, (m: RegExpExecArray) => string][] = [
		[/Norwegian national identity number|fødselsnummer/i, () => t('field.identityNo')],
		[/Danish CPR/i, () => t('field.identityDk')],
		[/organi[sz]ation number|check digit/i, () => t('field.orgNumber')],
		[/therapists who are members of the institution/i, () => t('field.signatoriesMembers')],
		[/already belongs to another institution/i, () => t('field.nameTaken')],
		[/at least (\d+) characters?/i, (m) => t('field.minLength', { n: m[1] ?? '' })],
		[/at most (\d+) characters?/i, (m) => t('field.maxLength', { n: m[1] ?? '' })],
		[/(?:between|from) (\d+) (?:and|to) (\d+)/i, (m) => t('field.range', { min: m[1] ?? '', max: m[2] ?? '' })],
		[/^(?:is )?required\.?$|must not be empty|^not given$/i, () => t('field.required')],
		[/e-?mail address/i, () => t('field.email')],
		[/6-digit code/i, () => t('totp.codeFormat')],
		[/already used/i, () => t('error.invalid_totp')],
		[/not your current password/i, () => t('error.wrong_current_password')],
		[/most common passwords/i, () => t('error.weak_password')],
		[/must differ from the current password/i, () => t('field.samePassword')],
		[/too close to your e-?mail/i, () => t('field.closeToEmail')],
		[/too easy to guess/i, () => t('field.simplePassword')],
		[/not a registered institution/i, () => t('field.institutionNotFound')],
		[/whole number/i, () => t('field.integer')],
		[/out of range/i, () => t('field.outOfRange')],
		[/is too long|at most \d+ bytes/i, () => t('field.tooLong')],
		[/is too short/i, () => t('field.tooShort')],
		[/one of the allowed values|must be one of/i, () => t('field.choice')],
		[/ISO 8601|date or time/i, () => t('field.date')],
		[/must not be before/i, () => t('audit.badRange')],
	];
	for (const [re, fn] of rules) {
		const m = re.exec(msg);
		if (m) return fn(m);
	}
	return null;
}

export function makeI18n(locale: Locale): I18n {
	const t = (key: MessageKey, params?: Params) => translate(locale, key, params);
	const tag = INTL_TAG[locale];
	const dtf = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
	const df = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
	const dayf = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
	const rtf = new Intl.RelativeTimeFormat(tag, { numeric: 'always' });
	return {
		locale,
		t,
		dateTime: (iso) => {
			const d = parseDate(iso);
			return d ? dtf.format(d) : t('common.none');
		},
		date: (iso) => {
			const d = parseDate(iso);
			return d ? df.format(d) : t('common.none');
		},
		day: (ymd) => {
			const m = ymd ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd) : null;
			if (!m) {
				const d = parseDate(ymd);
				return d ? df.format(d) : t('common.none');
			}
			/* Midnight UTC formatted in UTC: the same calendar day in every time zone. */
			return dayf.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
		},
		num: (n, digits = 0) => new Intl.NumberFormat(tag, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n),
		percent: (share) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }).format(Math.min(1, Math.max(0, share))),
		inSeconds: (secs) => (secs >= 90 ? rtf.format(Math.ceil(secs / 60), 'minute') : rtf.format(Math.max(1, Math.ceil(secs)), 'second')),
		errorText: (err) => {
			if (!(err instanceof ApiError)) return t('error.http_error');
			if (err.code === 'throttled' && err.retryAfter !== null) {
				const secs = err.retryAfter;
				return t('login.throttled', { when: secs >= 90 ? rtf.format(Math.ceil(secs / 60), 'minute') : rtf.format(Math.max(1, secs), 'second') });
			}
			const key = `error.${err.code}`;
			if (hasKey(key)) return t(key);
			/* An unknown code: the server's English message says more than a generic text. */
			if (err.message && err.status !== 0) return err.message;
			return t('error.http_error');
		},
		fieldText: (err, field) => {
			const msg = err.fields[field];
			if (msg === undefined) return undefined;
			const known = translateFieldMessage(t, msg);
			if (known !== null) return known;
			/* Else a rule violation's code says what is wrong with the named field. */
			if (err.status === 422 || err.status === 409) {
				const key = `error.${err.code}`;
				if (hasKey(key)) return t(key);
			}
			return msg;
		},
	};
}

export const I18nContext = createContext<I18n>(makeI18n('en'));

export function useI18n(): I18n {
	return useContext(I18nContext);
}
