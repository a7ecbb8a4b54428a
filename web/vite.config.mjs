// Builds the browser UI from web/ into web/dist, which `kvalab serve --web web/dist` serves.
// `npx vite web` runs a dev server that forwards /api to a running kvalab (KVALAB_API).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
	root,
	base: '/',
	// JSX compiles to Preact's automatic runtime; no plugin needed.
	oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
	build: {
		outDir: 'dist',
		emptyOutDir: true,
		target: 'es2022',
		// The Content-Security-Policy forbids inline scripts and data: assets we did not ask
		// for: keep every asset a separate file and skip the inline preload polyfill.
		assetsInlineLimit: 0,
		modulePreload: { polyfill: false },
		sourcemap: false,
	},
	server: {
		proxy: { '/api': process.env.KVALAB_API || 'http://127.0.0.1:8080' },
	},
});
