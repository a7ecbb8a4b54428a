// The practice pages keep their messages in web/src/i18n/practice.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main or another feature's catalogue (the spread would hide one of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { I18N, assertCatalogues, assertKeysExist, readCatalogue } from '../lib/i18n.mjs';

test('the practice pages’ messages exist in nb, da and en with the same placeholders', () => {
	// Every other catalogue file, whatever its language: a practice key must be in none.
	const others = readdirSync(I18N).filter((f) => /\.ts$/.test(f) && !f.startsWith('practice.') && !['index.ts', 'types.ts'].includes(f));
	const en = assertCatalogues('practice', { more: 150, notIn: (locale) => (locale === 'en' ? others : []) });
	for (const key of en.keys()) assert.ok(key.startsWith('practice.'), `${key} lies outside practice.*`);
});

test('every practice message the pages use exists', () => {
	assertKeysExist(readCatalogue('practice.en.ts'), ['web/src/pages/practice', 'web/src/components/practice'], /'(practice\.[\w.]+)'/g);
});
