// The practice pages keep their messages in web/src/i18n/practice.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main or another feature's catalogue (the spread would hide one of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/browser.mjs';

const DIR = join(ROOT, 'web/src/i18n');

function catalogue(file) {
	const text = readFileSync(join(DIR, file), 'utf8');
	const out = new Map();
	for (const m of text.matchAll(/^\t'([\w.]+)':\s*'((?:[^'\\]|\\.)*)',?$/gm)) out.set(m[1], m[2]);
	return out;
}

test('the practice pages’ messages exist in nb, da and en with the same placeholders', () => {
	const en = catalogue('practice.en.ts');
	assert.ok(en.size > 150, `read ${en.size} English messages`);
	const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
	for (const locale of ['nb', 'da']) {
		const cat = catalogue(`practice.${locale}.ts`);
		assert.deepEqual([...cat.keys()].sort(), [...en.keys()].sort(), `${locale} keys`);
		for (const [key, value] of cat) {
			assert.ok(value.trim(), `${locale} ${key} is empty`);
			assert.equal(holes(value), holes(en.get(key)), `${locale} ${key} placeholders`);
		}
	}
	for (const key of en.keys()) assert.ok(key.startsWith('practice.'), `${key} lies outside practice.*`);
	const others = readdirSync(DIR).filter((f) => /\.ts$/.test(f) && !f.startsWith('practice.') && !['index.ts', 'types.ts'].includes(f));
	for (const f of others) {
		const cat = catalogue(f);
		for (const key of en.keys()) assert.ok(!cat.has(key), `${key} is in ${f} too`);
	}
});

test('every practice message the pages use exists', () => {
	const en = catalogue('practice.en.ts');
	const files = [];
	const walk = (d) => {
		for (const f of readdirSync(d, { withFileTypes: true })) {
			if (f.isDirectory()) walk(join(d, f.name));
			else if (/\.tsx?$/.test(f.name)) files.push(join(d, f.name));
		}
	};
	walk(join(ROOT, 'web/src/pages/practice'));
	walk(join(ROOT, 'web/src/components/practice'));
	for (const f of files) {
		for (const m of readFileSync(f, 'utf8').matchAll(/'(practice\.[\w.]+)'/g)) assert.ok(en.has(m[1]), `${m[1]} used in ${f}`);
	}
});
