// The rating pages keep their messages in web/src/i18n/workspace.{en,nb,da}.ts (spread into the main
// catalogues): the three must have the same keys, none empty, with the same placeholders, and no key
// may also be in a main catalogue (the spread would hide one of them).
import { test } from 'node:test';
import { assertCatalogues } from '../lib/i18n.mjs';

test('the rating pages’ messages exist in nb, da and en with the same placeholders', () => {
	assertCatalogues('workspace', { more: 200, notIn: (locale) => [`${locale}.ts`] });
});
