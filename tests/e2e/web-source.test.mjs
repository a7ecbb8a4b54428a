// Checks on the browser UI's source that need no browser: strict type-check (a missing message
// key is a type error), the three catalogues agree on placeholders, and index.html carries no
// inline script or style that the Content-Security-Policy would block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/browser.mjs';
import { assertCatalogues } from '../lib/i18n.mjs';

const WEB = join(ROOT, 'web');

test('the UI type-checks in strict mode', () => {
	const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
	try {
		execFileSync(process.execPath, [tsc, '-p', WEB, '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
	} catch (e) {
		assert.fail(`tsc -p web --noEmit failed:\n${e.stdout}${e.stderr}`);
	}
});

test('nb, da and en have the same keys, none empty, with the same placeholders', () => {
	assertCatalogues('', { more: 200 });
});

test('index.html has no inline script, style or style attribute', () => {
	const html = readFileSync(join(WEB, 'index.html'), 'utf8');
	for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
		assert.match(m[1], /\bsrc=/, 'every script is a file');
		assert.equal(m[2].trim(), '', 'no inline script');
	}
	assert.doesNotMatch(html, /<style\b/);
	assert.doesNotMatch(html, /\sstyle=/);
});

test('components set no inline styles and inject no HTML', () => {
	const files = [];
	const walk = (d) => {
		for (const f of readdirSync(d)) {
			const p = join(d, f);
			if (statSync(p).isDirectory()) walk(p);
			else if (/\.tsx?$/.test(f)) files.push(p);
		}
	};
	walk(join(WEB, 'src'));
	for (const f of files) {
		const src = readFileSync(f, 'utf8');
		assert.doesNotMatch(src, /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML/, `${f} injects HTML`);
		assert.doesNotMatch(src, /\sstyle=\{/, `${f} sets an inline style`);
	}
});
