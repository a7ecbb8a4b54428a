// docs/openapi.yaml must document every route the server has, and nothing it lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kvalab, ROOT } from '../lib/server.mjs';

// Reads "  /api/x:" path keys and the "    get:" method keys under them.
function documentedRoutes(yaml) {
  const routes = new Set();
  let path = null, inPaths = false;
  for (const line of yaml.split('\n')) {
    if (/^paths:\s*$/.test(line)) { inPaths = true; continue; }
    if (inPaths && /^\S/.test(line)) inPaths = false;
    if (!inPaths) continue;
    const p = line.match(/^  (\/\S+):\s*$/);
    if (p) { path = p[1]; continue; }
    const m = line.match(/^    (get|post|put|patch|delete|options):\s*$/);
    if (m && path) routes.add(`${m[1].toUpperCase()} ${path}`);
  }
  return routes;
}

test('every server route is in docs/openapi.yaml and every documented route exists', () => {
  const out = kvalab(['routes']);
  assert.equal(out.status, 0);
  const served = new Set(out.stdout.trim().split('\n'));
  assert.ok(served.size >= 19);
  const documented = documentedRoutes(readFileSync(join(ROOT, 'docs/openapi.yaml'), 'utf8'));
  const missing = [...served].filter((r) => !documented.has(r));
  const extra = [...documented].filter((r) => !served.has(r));
  assert.deepEqual(missing, [], `routes missing from docs/openapi.yaml: ${missing.join(', ')}`);
  assert.deepEqual(extra, [], `documented routes the server lacks: ${extra.join(', ')}`);
});
