// The inspector page against `tinnhiem verify` on the same 1,000 × 15 log,
// side by side in one run (docs/PERFORMANCE.md, "The inspector on every
// core"). Not a test: it asserts only that every way gives the same result.
//
//   node tests/e2e/bench-inspector.mjs [rounds]
//
// Environment: TINNHIEM_BIN (the server whose page is measured, default
// target/debug/tinnhiem), TINNHIEM_VERIFY_BIN (the native verifier, default
// target/release/tinnhiem), TINNHIEM_BEFORE_BIN (a second server whose page
// is measured as "before", e.g. main's build; without it "before" is this
// page with ?workers=0, the single-thread loop), BENCH_LOG (the log; default
// made once by `tinnhiem simulate` into target/tinnhiem-bench/e2e-1000x15/),
// BENCH_WORKERS (comma-separated worker counts to measure besides the
// default of one per core, e.g. "1,2,4").
// BENCH_PRIO=-15 puts the browser's processes (Chromium starts its own
// session, hence its own scheduler autogroup) at that autogroup nice, as the
// rest of the run gets with docs/PERFORMANCE.md's /tmp/prio.sh.
// Each round runs, in turn: native verify, the page before, the page after
// (and each extra worker count); the load average is read before each.
// Figures go to stdout and target/e2e-figures/inspector-bench.json.

import { readFile, writeFile, mkdir, access, readdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import * as c from './lib-console.mjs';

const run = promisify(execFile);
const rounds = Number(process.argv[2] || 3);
const VERIFY_BIN = path.resolve(c.ROOT, process.env.TINNHIEM_VERIFY_BIN || 'target/release/tinnhiem');
const BEFORE_BIN = process.env.TINNHIEM_BEFORE_BIN ? path.resolve(c.ROOT, process.env.TINNHIEM_BEFORE_BIN) : null;
const extra = (process.env.BENCH_WORKERS || '').split(',').filter(Boolean).map(Number);

async function exists(p) {
  try { await access(p); return true; } catch (_) { return false; }
}

async function theLog() {
  if (process.env.BENCH_LOG) return path.resolve(process.env.BENCH_LOG);
  const out = path.join(c.ROOT, 'target/tinnhiem-bench/e2e-1000x15');
  const file = path.join(out, 'log.jsonl');
  if (await exists(file)) return file;
  const scenario = await c.bigScenario(out, { ballots: 1000, candidates: 15 });
  await c.cli(['simulate', scenario, '--out', out]);
  return file;
}

async function nativeVerify(log) {
  const t0 = performance.now();
  const { stdout } = await run(VERIFY_BIN, ['verify', '--json', log], { maxBuffer: 64 << 20 });
  return { ms: performance.now() - t0, out: JSON.parse(stdout) };
}

/// Opens the inspector, gives it the log file, waits for the verdict.
/// Returns the page's own time (data-ms: from loading the log into the
/// module to the answer) and the table.
async function pageVerify(browser, url, log, query) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  const page = await ctx.newPage();
  await page.goto(`${url}/inspector${query}`);
  await page.waitForFunction(() => document.readyState === 'complete');
  await page.setInputFiles('#file', log);
  await page.waitForSelector('#verdict[data-outcome]', { timeout: 600000 });
  const outcome = await page.locator('#verdict').getAttribute('data-outcome');
  const ms = Number(await page.locator('#dl-time').getAttribute('data-ms'));
  const wide = (await page.locator('#dl-time').getAttribute('data-wide')) === 'true';
  const table = await c.tableOf(page, '#result-box');
  await ctx.close();
  return { ms, outcome, table, wide };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

const log = await theLog();
const size = (await readFile(log)).length;
const after = await c.startServer();
const before = BEFORE_BIN ? await startBefore() : null;
const browser = await c.launch();
// A second Chromium with WebAssembly's wide arithmetic switched on, for the
// workers' 64-bit flavour of the module (web/verify-workers.js).
const WIDE_FLAG = '--js-flags=--wasm-wide-arithmetic';
const wideBrowser = await c.launch({ args: [WIDE_FLAG] });
if (process.env.BENCH_PRIO) await prioritize(process.env.BENCH_PRIO);
const ways = [
  { name: 'native', label: `tinnhiem verify (${path.relative(c.ROOT, VERIFY_BIN)})` },
  { name: 'before', label: BEFORE_BIN ? `page of ${path.relative(c.ROOT, BEFORE_BIN) || BEFORE_BIN}` : 'page, ?workers=0 (one thread)' },
  { name: 'after', label: 'page, workers = hardwareConcurrency' },
  { name: 'wide', label: `page, workers, wide arithmetic (Chromium ${WIDE_FLAG})` },
  ...extra.map((n) => ({ name: `workers=${n}`, label: `page, ?workers=${n}`, n })),
];
const rows = Object.fromEntries(ways.map((w) => [w.name, []]));
const loads = [];
let cores;

/// Sets the autogroup nice of every process descended from this one.
async function prioritize(nice) {
  const parent = new Map();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = await readFile(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch (_) { /* gone */ }
  }
  const mine = (pid) => { for (let p = pid; p > 1; p = parent.get(p)) if (p === process.pid) return true; return false; };
  let n = 0;
  for (const pid of parent.keys()) {
    if (pid === process.pid || !mine(pid)) continue;
    try { await writeFile(`/proc/${pid}/autogroup`, String(nice)); n += 1; } catch (_) { /* gone */ }
  }
  console.log(`autogroup nice ${nice} for ${n} processes`);
}

async function startBefore() {
  // The harness starts TINNHIEM_BIN; a second server from another binary.
  const saved = process.env.TINNHIEM_BIN;
  const { spawn } = await import('node:child_process');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tinnhiem-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(BEFORE_BIN, ['serve', '--data', path.join(dir, 'data'), '--bind', `127.0.0.1:${port}`, '--organizer-password', c.PASSWORD], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${url}/inspector`)).ok) break; } catch (_) { /* starting */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.env.TINNHIEM_BIN = saved;
  return { url, async stop() { child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r)); await rm(dir, { recursive: true, force: true }); } };
}

try {
  {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${after.url}/inspector`);
    cores = await p.evaluate(() => navigator.hardwareConcurrency);
    await ctx.close();
  }
  let reference;
  for (let r = 0; r < rounds; r++) {
    for (const w of ways) {
      loads.push(os.loadavg()[0]);
      let ms;
      let table;
      if (w.name === 'native') {
        const v = await nativeVerify(log);
        ms = v.ms;
        table = v.out.candidates;
      } else {
        const url = w.name === 'before' && before ? before.url : after.url;
        const q = w.name === 'before' && !before ? '?workers=0' : w.n !== undefined ? `?workers=${w.n}` : '';
        const v = await pageVerify(w.name === 'wide' ? wideBrowser : browser, url, log, q);
        if (v.outcome !== 'ok') throw new Error(`${w.label}: outcome ${v.outcome}`);
        if (v.wide !== (w.name === 'wide')) throw new Error(`${w.label}: the workers' module was ${v.wide ? '' : 'not '}the wide one`);
        ms = v.ms;
        table = v.table;
      }
      if (w.name !== 'native') {
        if (reference === undefined) reference = table;
        else if (JSON.stringify(table) !== JSON.stringify(reference)) throw new Error(`${w.label}: another result table`);
      }
      rows[w.name].push(ms);
      console.log(`round ${r + 1} ${w.label}: ${(ms / 1000).toFixed(2)} s (load ${os.loadavg()[0].toFixed(1)})`);
    }
  }
} finally {
  await browser.close();
  await wideBrowser.close();
  await after.stop();
  if (before) await before.stop();
}

const nat = median(rows.native);
const figure = {
  log, log_bytes: size, rounds, cores, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
  load_average: { min: Math.min(...loads), max: Math.max(...loads) },
  ways: ways.map((w) => ({ name: w.name, label: w.label, ms: rows[w.name].map(Math.round), median_ms: Math.round(median(rows[w.name])), vs_native: +(median(rows[w.name]) / nat).toFixed(2) })),
};
console.log(`\n${figure.cpus} CPUs (${figure.cpu}), hardwareConcurrency ${cores}, load average ${figure.load_average.min.toFixed(1)}–${figure.load_average.max.toFixed(1)}`);
console.log('| way | runs (s) | median | × native |\n|---|---|---|---|');
for (const w of figure.ways) console.log(`| ${w.label} | ${w.ms.map((x) => (x / 1000).toFixed(2)).join(', ')} | ${(w.median_ms / 1000).toFixed(2)} s | ${w.vs_native} |`);
await mkdir(path.join(c.ROOT, 'target/e2e-figures'), { recursive: true });
await writeFile(path.join(c.ROOT, 'target/e2e-figures/inspector-bench.json'), `${JSON.stringify(figure, null, 2)}\n`);
