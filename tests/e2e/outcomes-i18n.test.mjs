// The client-outcome pages keep their messages in web/src/i18n/outcomes.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main catalogue (the spread would hide one of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/browser.mjs';

function catalogue(file) {
	const text = readFileSync(join(ROOT, 'web/src/i18n', file), 'utf8');
	const out = new Map();
	for (const m of text.matchAll(/^\t'([\w.]+)':\s*'((?:[^'\\]|\\.)*)',?$/gm)) out.set(m[1], m[2]);
	return out;
}

test('the client-outcome pages’ messages exist in nb, da and en with the same placeholders', () => {
	const en = catalogue('outcomes.en.ts');
	assert.ok(en.size > 150, `read ${en.size} English messages`);
	const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
	for (const locale of ['nb', 'da']) {
		const cat = catalogue(`outcomes.${locale}.ts`);
		assert.deepEqual([...cat.keys()].sort(), [...en.keys()].sort(), `${locale} keys`);
		for (const [key, value] of cat) {
			assert.ok(value.trim(), `${locale} ${key} is empty`);
			assert.equal(holes(value), holes(en.get(key)), `${locale} ${key} placeholders`);
		}
	}
	for (const locale of ['en', 'nb', 'da']) {
		const main = catalogue(`${locale}.ts`);
		for (const key of en.keys()) assert.ok(!main.has(key), `${key} is in ${locale}.ts too`);
	}
});
