// The voter's page with a 15-candidate ballot: a voter who scans before
// voting opens waits and the ballot appears by itself; and the figures for
// docs/PERFORMANCE.md: the page's weight (html, js, css, wasm; raw, gzip,
// brotli), the time from opening the link to a usable ballot, the time to
// encrypt a 15-candidate ballot in headless Chromium (performance.now around
// the wasm call; also with the CPU slowed 4x, as a mid-range phone), and
// the time from "send" to the receipt. The figures are printed as test
// diagnostics and written to target/e2e-figures/voter.json. No test asserts
// a time.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as h from './harness.js';

const CANDIDATES = Array.from({ length: 15 }, (_, i) => ({
  name: `Người được lấy phiếu số ${i + 1}`,
  position: i === 0 ? 'Giám đốc Sở' : i < 4 ? 'Phó Giám đốc Sở' : 'Trưởng phòng',
}));

let server;
let meeting;
let browser;
const figures = {};

before(async () => {
  server = await h.startServer();
  meeting = await h.setUpMeeting(server, { candidates: CANDIDATES, summoned: 10, present: 8, credentials: 3, open: false });
  browser = await h.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (Object.keys(figures).length) {
    const dir = path.join(h.ROOT, 'target', 'e2e-figures');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'voter.json'), `${JSON.stringify(figures, null, 2)}\n`);
  }
});

test('a voter who scans before voting opens waits, and the ballot appears by itself when it opens', { timeout: 120000 }, async () => {
  const problems = [];
  const context = await browser.newContext(h.PHONE);
  const page = await context.newPage();
  h.watch(page, problems, 'early');
  await page.goto(meeting.voterUrls[0]);
  await page.waitForSelector('#s-wait:not([hidden])', { timeout: 30000 });
  await h.shot(page, 'voter-wait');
  assert.deepEqual(await h.accessibilityProblems(page, { minTarget: 48, minContrast: 7 }), []);
  await h.cli(['committee', 'open', '--server', meeting.url, '--key-file', meeting.keys[0]]);
  await page.waitForSelector('#s-ballot:not([hidden])', { timeout: 30000 });
  assert.equal(await page.locator('.v-cand').count(), 15);
  await context.close();
  assert.deepEqual(problems, []);
});

test('figures: page weight, time to a usable ballot, 15-candidate encryption, send to receipt', { timeout: 180000 }, async (t) => {
  // Weight: what a phone downloads for the voter page (the server sends no
  // Content-Encoding today, so "raw" is what crosses the Wi-Fi).
  const assets = ['/v/x', '/static/tn.js', '/static/voter.js', '/static/app.css', '/static/tinnhiem_wasm.wasm'];
  const weight = {};
  let encoding = null;
  for (const a of assets) {
    const r = await fetch(`${meeting.url}${a}`);
    assert.equal(r.status, 200, a);
    encoding ??= r.headers.get('content-encoding');
    const bytes = Buffer.from(await r.arrayBuffer());
    weight[a === '/v/x' ? 'voter.html' : path.basename(a)] = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const w of Object.values(weight)) for (const k of Object.keys(total)) total[k] += w[k];
  figures.weight = { ...weight, total, server_content_encoding: encoding };

  const problems = [];
  const context = await browser.newContext(h.PHONE);
  const page = await context.newPage();
  h.watch(page, problems, 'figures');
  const credential = meeting.voterUrls[2].split('#')[1].split('.')[0];

  // From opening the link to a ballot the voter can mark.
  const t0 = Date.now();
  await page.goto(meeting.voterUrls[1]);
  await page.waitForSelector('#s-ballot:not([hidden])', { timeout: 30000 });
  figures.open_to_ballot_ms = Date.now() - t0;

  // The encryption alone, in the page, as voter.js calls it.
  const encrypt = async (runs) => page.evaluate(async ({ id, credential, runs }) => {
    const tn = await import('/static/tn.js');
    await tn.load();
    const view = await tn.api('GET', `/api/elections/${id}`);
    const levels = ['high', 'confidence', 'low', null];
    const times = [];
    let size = 0;
    for (let i = 0; i < runs; i++) {
      const request = {
        election_id: id,
        election_hash: view.election_hash,
        election_key: view.election_key,
        credential,
        choices: view.candidates.map((_, j) => levels[(i + j) % 4]),
        signed_by: null,
        seed: tn.seed(),
      };
      const start = performance.now();
      const answer = tn.callSync('encrypt_ballot', request);
      times.push(performance.now() - start);
      size = JSON.stringify(answer.ballot).length;
    }
    return { times, size };
  }, { id: meeting.id, credential, runs });
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const round = (x) => Math.round(x * 10) / 10;
    return { first: round(xs[0]), median: round(s[Math.floor(s.length / 2)]), min: round(s[0]), max: round(s[s.length - 1]), runs: xs.length };
  };
  const fast = await encrypt(20);
  figures.encrypt_15_ms = stats(fast.times);
  figures.ballot_json_bytes_15 = fast.size;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  figures.encrypt_15_ms_cpu_4x_slower = stats((await encrypt(5)).times);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  // The voter's wait from "encrypt" to the receipt (the seal, the tap on
  // "Gửi phiếu", the upload, the server's verification, the durable append).
  for (const [i] of CANDIDATES.entries()) {
    await page.locator(`#cand-${i} .v-level[data-level="${['high', 'confidence', 'low'][i % 3]}"]`).tap();
  }
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await page.waitForSelector('#s-review:not([hidden])');
  await h.shot(page, 'voter-15-review');
  const t1 = Date.now();
  await h.sealAndSend(page);
  await page.waitForSelector('#s-receipt:not([hidden])', { timeout: 30000 });
  figures.send_to_receipt_15_ms = Date.now() - t1;
  await h.shot(page, 'voter-15-receipt');
  await context.close();
  assert.deepEqual(problems, []);

  figures.chromium = browser.version();
  figures.measured_at = new Date().toISOString();
  for (const [k, v] of Object.entries(figures)) t.diagnostic(`${k}: ${JSON.stringify(v)}`);
});
