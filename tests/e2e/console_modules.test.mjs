// The shape of the committee console (web/console/), checked so that it
// stays: ES modules loaded without a bundler, one per phase of the meeting;
// a phase module imports only the shared modules (state.js, strings.js and
// the pages' own tn.js and results.js), never another phase, so that no
// import circle can form; main.js alone wires the phases together, and
// committee.html loads it. Reads the files as text; no browser, no server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const CONSOLE = path.join(WEB, 'console');
const SHARED = new Set(['state.js', 'strings.js', '../tn.js', '../results.js']);

/// The module specifiers `code` imports (static `import … from '…'` and
/// `import '…'`; comments left out).
function importsOf(code) {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  for (const m of text.matchAll(/^\s*import\s+(?:[\s\S]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    out.push(m[1].replace(/^\.\//, ''));
  }
  return out;
}

async function graph() {
  const files = (await readdir(CONSOLE)).filter((f) => f.endsWith('.js')).sort();
  const g = new Map();
  for (const f of files) g.set(f, importsOf(await readFile(path.join(CONSOLE, f), 'utf8')));
  return g;
}

/// The first import circle among the modules of `g`, as a list of names, or null.
function circle(g) {
  const state = new Map();
  const stack = [];
  const visit = (f) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of g.get(f) || []) {
      if (!g.has(to)) continue;
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to];
      if (!state.has(to)) {
        const c = visit(to);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of g.keys()) {
    if (!state.has(f)) {
      const c = visit(f);
      if (c) return c;
    }
  }
  return null;
}

test('the checker reads imports and finds a circle', () => {
  assert.deepEqual(importsOf("import * as tn from '../tn.js';\n// import x from './no.js';\nimport {\n  a, b,\n} from './state.js';\nimport './side.js';\n"),
    ['../tn.js', 'state.js', 'side.js']);
  assert.deepEqual(circle(new Map([['a.js', ['b.js']], ['b.js', ['c.js']], ['c.js', ['a.js']]])), ['a.js', 'b.js', 'c.js', 'a.js']);
  assert.equal(circle(new Map([['a.js', ['b.js']], ['b.js', []]])), null);
});

test('the console is split by phase: each phase imports only the shared modules, main wires them, no circle', async () => {
  const g = await graph();
  for (const phase of ['setup.js', 'dossier.js', 'keys.js', 'ceremony.js', 'attendance.js', 'sheet.js', 'voting.js', 'count.js', 'status.js']) {
    assert.ok(g.has(phase), `web/console/${phase} exists`);
    for (const to of g.get(phase)) assert.ok(SHARED.has(to), `${phase} imports ${to}, which is not a shared module`);
  }
  for (const shared of ['state.js', 'strings.js']) {
    for (const to of g.get(shared)) {
      assert.ok(SHARED.has(to) && to !== shared, `${shared} imports ${to}`);
    }
  }
  const wired = new Set(g.get('main.js'));
  for (const f of g.keys()) {
    if (f !== 'main.js') assert.ok(wired.has(f) || [...g.values()].some((l) => l.includes(f)), `${f} is imported by some module`);
  }
  for (const [f, list] of g) assert.ok(!list.includes('main.js'), `${f} imports main.js`);
  assert.equal(circle(g), null, `import circle: ${(circle(g) || []).join(' → ')}`);
});

test('committee.html loads the console as an ES module from /static/console/main.js', async () => {
  const html = await readFile(path.join(WEB, 'committee.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="module" src="/static/console/main.js"></script>'.replace('</script>', '')]);
});
