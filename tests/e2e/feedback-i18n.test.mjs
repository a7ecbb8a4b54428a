// The feedback pages keep their messages in web/src/i18n/feedback.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main or the rating pages' catalogue (the spread would hide one of them). Every
// key the feedback sources use must exist, and the support/challenge sentence exists per verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/browser.mjs';

function catalogue(file) {
	const text = readFileSync(join(ROOT, 'web/src/i18n', file), 'utf8');
	const out = new Map();
	for (const m of text.matchAll(/^\t'([\w.]+)':\s*'((?:[^'\\]|\\.)*)',?$/gm)) out.set(m[1], m[2]);
	return out;
}

test('the feedback pages’ messages exist in nb, da and en with the same placeholders', () => {
	const en = catalogue('feedback.en.ts');
	assert.ok(en.size > 300, `read ${en.size} English messages`);
	const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
	for (const locale of ['nb', 'da']) {
		const cat = catalogue(`feedback.${locale}.ts`);
		assert.deepEqual([...cat.keys()].sort(), [...en.keys()].sort(), `${locale} keys`);
		for (const [key, value] of cat) {
			assert.ok(value.trim(), `${locale} ${key} is empty`);
			assert.equal(holes(value), holes(en.get(key)), `${locale} ${key} placeholders`);
		}
	}
	for (const locale of ['en', 'nb', 'da']) {
		for (const other of [`${locale}.ts`, `workspace.${locale}.ts`]) {
			const cat = catalogue(other);
			for (const key of en.keys()) assert.ok(!cat.has(key), `${key} is in ${other} too`);
		}
	}
	for (const v of ['support_heavy', 'balanced', 'challenge_heavy']) assert.ok(en.has(`fb.balance.${v}`), v);
});

test('every message key the feedback sources name is in the catalogue', () => {
	const en = catalogue('feedback.en.ts');
	const dirs = ['web/src/pages/feedback', 'web/src/components/feedback'];
	for (const d of dirs) {
		for (const f of readdirSync(join(ROOT, d))) {
			const src = readFileSync(join(ROOT, d, f), 'utf8');
			for (const m of src.matchAll(/'(fb\.[\w.]+)'/g)) assert.ok(en.has(m[1]), `${f}: ${m[1]}`);
		}
	}
});
