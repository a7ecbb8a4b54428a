// The reliability pages keep their messages in web/src/i18n/reliability.{en,nb,da}.ts (spread into the
// main catalogues): the three must have the same keys, none empty, with the same placeholders, and no
// key may also be in a main catalogue or the rating pages' (the spread would hide one of them).
import { test } from 'node:test';
import { assertCatalogues } from '../lib/i18n.mjs';

test('the reliability pages’ messages exist in nb, da and en with the same placeholders', () => {
	assertCatalogues('reliability', { more: 150, notIn: (locale) => [`${locale}.ts`, `workspace.${locale}.ts`] });
});
