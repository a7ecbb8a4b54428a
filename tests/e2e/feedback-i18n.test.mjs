// The feedback pages keep their messages in web/src/i18n/feedback.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main or the rating pages' catalogue (the spread would hide one of them). Every
// key the feedback sources use must exist, and the support/challenge sentence exists per verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCatalogues, assertKeysExist, readCatalogue } from '../lib/i18n.mjs';

test('the feedback pages’ messages exist in nb, da and en with the same placeholders', () => {
	const en = assertCatalogues('feedback', { more: 300, notIn: (locale) => [`${locale}.ts`, `workspace.${locale}.ts`] });
	for (const v of ['support_heavy', 'balanced', 'challenge_heavy']) assert.ok(en.has(`fb.balance.${v}`), v);
});

test('every message key the feedback sources name is in the catalogue', () => {
	assertKeysExist(readCatalogue('feedback.en.ts'), ['web/src/pages/feedback', 'web/src/components/feedback'], /'(fb\.[\w.]+)'/g);
});
