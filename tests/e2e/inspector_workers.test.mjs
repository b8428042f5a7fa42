// The inspector's check on every core (issue 15, web/verify-workers.js and
// web/inspector-worker.js): on a log of a meeting run by `tinnhiem
// simulate` against a real server (120 ballots, so several chunks of 32
// lines go to the workers), the page verifies in Web Workers and answers
// exactly what `tinnhiem verify --json` answers:
// - the honest log: the same result table, no exclusion; the progress bar's
//   value grows at least twice before the end;
// - the same log with one byte of a ballot in its third chunk changed: the
//   same failing line and reason, the same exclusions before it;
// - the forced ballots of crates/tally/tests/vectors/forced.jsonl: the same
//   exclusions, line by line;
// and the page's own single-thread path (?workers=0) shows the same.
// In a Chromium with WebAssembly's wide arithmetic switched on
// (--js-flags=--wasm-wide-arithmetic), the workers run the module's 64-bit
// flavour (tinnhiem_wasm_wide.wasm) and answer the same, honest log and
// changed byte alike; without it they run the standard module.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as c from './lib-console.mjs';

const N = 120;
let server;
let browser;
let wideBrowser;
let logFile;
let log;

before(async () => {
  server = await c.startServer({ args: ['--rate-limit', '0'] });
  const out = path.join(server.dir, 'simulated');
  const levels = ['high', 'confidence', 'low', 'none'];
  const file = path.join(server.dir, 'scenario.json');
  await writeFile(file, JSON.stringify({
    title: 'Lấy phiếu tín nhiệm năm 2026', unit: 'Sở Y tế tỉnh Nam Định', date: '2026-11-28',
    candidates: [{ name: 'Nguyễn Văn An', position: 'Giám đốc Sở' }, { name: 'Trần Thị Bích Ngọc', position: 'Phó Giám đốc Sở' }],
    summoned: N + 5, present: N, trustees: 3,
    ballots: Array.from({ length: N }, (_, b) => ({ marks: [levels[b % 4], levels[(b * 3 + 1) % 4]] })),
    forged: 0, repeated: 0,
  }));
  await c.cli(['simulate', file, '--out', out, '--server', server.url, '--password', c.PASSWORD]);
  logFile = path.join(out, 'log.jsonl');
  log = await readFile(logFile, 'utf8');
  browser = await c.launch();
  wideBrowser = await c.launch({ args: ['--js-flags=--wasm-wide-arithmetic'] });
});

after(async () => {
  if (browser) await browser.close();
  if (wideBrowser) await wideBrowser.close();
  if (server) await server.stop();
});

/// `tinnhiem verify --json` on a file: `{ok, seq, reason, message, exclusions, candidates}`.
async function cliVerify(file) {
  const r = await c.cli(['verify', '--json', file], { allowFail: true });
  const doc = JSON.parse(r.stdout);
  if (doc.error) {
    return { ok: false, seq: doc.error.seq, message: doc.error.message, exclusions: doc.error.exclusions.map((x) => x.seq) };
  }
  return { ok: true, exclusions: doc.exclusions.map((x) => x.seq), candidates: doc.candidates };
}

/// The inspector (in English, to compare the CLI's English message) given
/// `file`; counts the Web Workers it starts and every value its progress
/// bar takes.
async function pageVerify(file, query = '', b = browser, { withoutWide = false } = {}) {
  const ctx = await c.context(b, { viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  // A server built without the wide flavour (build.rs could not make it).
  if (withoutWide) await ctx.route('**/static/tinnhiem_wasm_wide.wasm', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await ctx.addInitScript(() => {
    const W = window.Worker;
    window.__workers = 0;
    window.Worker = class extends W {
      constructor(...args) {
        super(...args);
        window.__workers += 1;
      }
    };
  });
  const page = await ctx.newPage();
  const problems = [];
  c.watch(page, problems, 'inspector-workers');
  await page.goto(`${server.url}/inspector${query}`);
  await page.locator('#lang').click();
  await page.evaluate(() => {
    const bar = document.getElementById('progress');
    window.__progress = [];
    new MutationObserver(() => window.__progress.push([Number(bar.value), Number(bar.max)]))
      .observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#verdict[data-outcome]', { timeout: 120000 });
  const v = page.locator('#verdict');
  const got = {
    outcome: await v.getAttribute('data-outcome'),
    seq: Number(await v.getAttribute('data-fail-seq')),
    text: await v.textContent(),
    exclusions: await page.locator('#exclusions li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.seq))),
    exclusionText: await page.locator('#exclusions li').allTextContents(),
    workers: await page.evaluate(() => window.__workers),
    wide: await page.locator('#dl-time').getAttribute('data-wide'),
    progress: await page.evaluate(() => window.__progress),
  };
  if (got.outcome === 'ok') got.candidates = await c.tableOf(page, '#result-box');
  if (withoutWide) {
    // The one refused request the page makes, asked once, not once per worker.
    const refused = problems.filter((p) => p.includes('404') && p.includes('/static/tinnhiem_wasm_wide.wasm'));
    assert.equal(refused.length, 1, `the wide module asked for once: ${problems}`);
    problems.splice(0, problems.length, ...problems.filter((p) => !refused.includes(p)));
  }
  assert.deepEqual(problems, []);
  await ctx.close();
  return got;
}

/// The values the bar took before reaching its end, each larger than the one before.
function moves(progress) {
  const total = Math.max(...progress.map(([, max]) => max));
  const seen = progress.map(([v]) => v).filter((v, i, all) => v < total && (i === 0 || v !== all[i - 1]));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `the bar never goes back: ${seen}`);
  return seen.filter((v) => v > 0).length;
}

test('the honest log: the workers give the result of tinnhiem verify and the bar moves', { timeout: 300000 }, async () => {
  const cli = await cliVerify(logFile);
  assert.ok(cli.ok);
  const got = await pageVerify(logFile);
  assert.equal(got.outcome, 'ok');
  assert.ok(got.workers >= 1, 'the check ran in Web Workers');
  // (Unless E2E_CHROMIUM_FLAGS gave every browser wide arithmetic.)
  const everywhere = (process.env.E2E_CHROMIUM_FLAGS || '').includes('--wasm-wide-arithmetic');
  assert.equal(got.wide, String(everywhere), 'a Chromium without wide arithmetic runs the standard module');
  assert.deepEqual(got.candidates, cli.candidates);
  assert.deepEqual(got.exclusions, cli.exclusions);
  assert.ok(moves(got.progress) >= 2, `the bar's value grows at least twice before the end: ${JSON.stringify(got.progress)}`);
  const single = await pageVerify(logFile, '?workers=0');
  assert.equal(single.workers, 0);
  assert.deepEqual(single.candidates, got.candidates);
});

test('a changed byte in a ballot of the third chunk: the same failing line and reason as tinnhiem verify', { timeout: 300000 }, async () => {
  const lines = log.trim().split('\n');
  const first = lines.findIndex((l) => l.includes('"kind":"ballot"'));
  const k = first + 2 * 32 + 5;
  assert.ok(lines[k].includes('"kind":"ballot"'), `line ${k} is a ballot`);
  // One hex digit of the ballot's signature (the line still decodes).
  lines[k] = lines[k].replace(/"signature":"(.)/, (_, d) => `"signature":"${d === 'a' ? 'b' : 'a'}`);
  const file = path.join(server.dir, 'tampered.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  const cli = await cliVerify(file);
  assert.equal(cli.ok, false);
  assert.equal(cli.seq, k);
  const got = await pageVerify(file);
  assert.ok(got.workers >= 1, 'the check ran in Web Workers');
  assert.equal(got.outcome, 'fail');
  assert.equal(got.seq, cli.seq);
  assert.ok(got.text.includes(cli.message), `"${got.text}" names "${cli.message}"`);
  assert.deepEqual(got.exclusions, cli.exclusions);
  const single = await pageVerify(file, '?workers=0');
  assert.deepEqual([single.outcome, single.seq, single.text, single.exclusionText], [got.outcome, got.seq, got.text, got.exclusionText]);
});

test('with wide arithmetic the workers run the 64-bit module and answer as tinnhiem verify, honest log and changed byte', { timeout: 300000 }, async () => {
  const cli = await cliVerify(logFile);
  const got = await pageVerify(logFile, '', wideBrowser);
  assert.equal(got.outcome, 'ok');
  assert.ok(got.workers >= 1, 'the check ran in Web Workers');
  assert.equal(got.wide, 'true', 'the workers ran tinnhiem_wasm_wide.wasm');
  assert.deepEqual(got.candidates, cli.candidates);
  assert.deepEqual(got.exclusions, cli.exclusions);
  // The inspector's own module is the wide one too: its single-thread
  // path answers the same.
  const single = await pageVerify(logFile, '?workers=0', wideBrowser);
  assert.equal(single.workers, 0);
  assert.equal(single.wide, 'true', 'the page itself ran tinnhiem_wasm_wide.wasm');
  assert.deepEqual(single.candidates, cli.candidates);
  // A ballot's first proof challenge c0 changed in its lowest byte (answer
  // bytes 320.., still a canonical scalar) in the second chunk: the batch
  // of the 64-bit module must refuse it at the same line as the native check.
  const lines = log.trim().split('\n');
  const first = lines.findIndex((l) => l.includes('"kind":"ballot"'));
  const k = first + 32 + 7;
  assert.ok(lines[k].includes('"kind":"ballot"'), `line ${k} is a ballot`);
  const before = lines[k];
  lines[k] = lines[k].replace(/"answers":\["(.{641})(.)/, (_, head, d) => `"answers":["${head}${d === '0' ? '1' : '0'}`);
  assert.notEqual(lines[k], before, 'one hex digit of the proofs changed');
  const file = path.join(server.dir, 'tampered-proof.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  const cliBad = await cliVerify(file);
  assert.equal(cliBad.ok, false);
  const bad = await pageVerify(file, '', wideBrowser);
  assert.equal(bad.wide, 'true');
  assert.equal(bad.outcome, 'fail');
  assert.equal(bad.seq, cliBad.seq);
  assert.ok(bad.text.includes(cliBad.message), `"${bad.text}" names "${cliBad.message}"`);
  // A server without the wide module: the page falls back to the standard
  // one and answers the same.
  const fallback = await pageVerify(file, '', wideBrowser, { withoutWide: true });
  assert.deepEqual([fallback.wide, fallback.outcome, fallback.seq, fallback.text], ['false', bad.outcome, bad.seq, bad.text]);
  assert.ok(fallback.workers >= 1);
  const badSingle = await pageVerify(file, '?workers=0', wideBrowser);
  assert.deepEqual([badSingle.wide, badSingle.outcome, badSingle.seq, badSingle.text], ['true', bad.outcome, bad.seq, bad.text]);
});

test('forced ballots: the workers exclude the same lines as tinnhiem verify', { timeout: 300000 }, async () => {
  const file = path.join(c.ROOT, 'crates/tally/tests/vectors/forced.jsonl');
  const cli = await cliVerify(file);
  assert.ok(cli.ok);
  assert.ok(cli.exclusions.length > 0);
  const got = await pageVerify(file);
  assert.equal(got.outcome, 'ok');
  assert.deepEqual(got.exclusions, cli.exclusions);
  assert.deepEqual(got.candidates, cli.candidates);
  const single = await pageVerify(file, '?workers=0');
  assert.deepEqual(single.exclusionText, got.exclusionText);
});
