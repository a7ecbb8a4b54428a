// The UI's message catalogues (web/src/i18n/*.ts) read as text, for the tests that guard each
// feature's messages: the same keys in nb, da and en, none empty, the same placeholders, no key
// hidden by another catalogue, and every key a source names present.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browser.mjs';

export const I18N = join(ROOT, 'web/src/i18n');

// The messages of one catalogue file (e.g. 'feedback.en.ts') as a Map of key to text.
export function readCatalogue(file) {
	const text = readFileSync(join(I18N, file), 'utf8');
	const out = new Map();
	for (const m of text.matchAll(/^\t'([\w.]+)':\s*'((?:[^'\\]|\\.)*)',?$/gm)) out.set(m[1], m[2]);
	return out;
}

const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

// Checks the feature's catalogues `${feature}.{en,nb,da}.ts` (the main ones, `{en,nb,da}.ts`, when
// feature is ''): English has more than `more` messages; nb and da have its keys, none empty,
// with its placeholders; and no English key is in any file notIn(locale) names, for each locale.
// Returns the English catalogue.
export function assertCatalogues(feature, { more, notIn = () => [] }) {
	const file = (locale) => (feature ? `${feature}.${locale}.ts` : `${locale}.ts`);
	const en = readCatalogue(file('en'));
	assert.ok(en.size > more, `read ${en.size} English messages`);
	for (const locale of ['nb', 'da']) {
		const cat = readCatalogue(file(locale));
		assert.deepEqual([...cat.keys()].sort(), [...en.keys()].sort(), `${locale} keys`);
		for (const [key, value] of cat) {
			assert.ok(value.trim(), `${locale} ${key} is empty`);
			assert.equal(holes(value), holes(en.get(key)), `${locale} ${key} placeholders`);
		}
	}
	for (const locale of ['en', 'nb', 'da']) {
		for (const other of notIn(locale)) {
			const cat = readCatalogue(other);
			for (const key of en.keys()) assert.ok(!cat.has(key), `${key} is in ${other} too`);
		}
	}
	return en;
}

// Checks that every key matching `pattern` (with one group, the key) in the .ts and .tsx files
// below the folders `dirs` (relative to the repository) is in the catalogue `en`.
export function assertKeysExist(en, dirs, pattern) {
	const files = [];
	const walk = (d) => {
		for (const f of readdirSync(d, { withFileTypes: true })) {
			if (f.isDirectory()) walk(join(d, f.name));
			else if (/\.tsx?$/.test(f.name)) files.push(join(d, f.name));
		}
	};
	for (const d of dirs) walk(join(ROOT, d));
	assert.ok(files.length > 0, `no sources below ${dirs.join(', ')}`);
	for (const f of files) {
		for (const m of readFileSync(f, 'utf8').matchAll(pattern)) assert.ok(en.has(m[1]), `${m[1]} used in ${f}`);
	}
}
