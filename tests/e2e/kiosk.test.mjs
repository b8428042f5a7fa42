// The voting kiosk (/kiosk, issue 15 part 2) in Chromium with a fake camera
// that films a printed slip, against a real `tinnhiem serve`:
// - a committee member opens /kiosk?e=ID on a 1366 px laptop and sets an
//   exit PIN; the camera (Chromium's fake device playing a .y4m made here
//   from the slip of the printed credential sheet) reads the QR code and the
//   voter page opens in the kiosk's frame; the voter votes, sees the
//   receipt, prints it (the receipt's print stylesheet rendered to PDF by
//   Chromium and read back with poppler: one A6 page, Vietnamese, the
//   tracking code, no leader's name) and taps "Xong";
// - after the reset nothing of that voter is left: no credential text,
//   tracking code or checked mark in the DOM of the page or of any frame,
//   nothing in localStorage (but the language), sessionStorage or
//   IndexedDB, history.length as at the start and "back" goes nowhere;
// - a second voter scans a second slip on the same kiosk, a third types the
//   code printed under the QR code; the three ballots are in the log;
// - a wrong exit PIN does not leave kiosk mode, five lock the exit; the
//   right one leaves;
// - a voter who walks away mid-ballot is wiped after the idle time;
// - a kiosk voter checks the encryption ("Kiểm tra mã hoá"): the opened
//   ballot's screen offers no dead link but the seal code, the QR code and
//   a printed check slip (A6, no choice); the room's inspector screen (a
//   second browser) with the seal code typed shows the voter's marks; the
//   voter fills in again and sends (a new seal code), taps "Xong" and
//   nothing of the turn (credential, both seal codes, marks) is left; a
//   voter who walks away after a check is wiped after the idle time, and
//   the check still works from the seal code;
// - a slip left in front of the camera after its turn (voted and "Xong", or
//   ended from the bar) reopens nothing, even with the camera restarted;
//   the idle screen asks in Vietnamese with English beside to put it away;
//   the next slip opens once the last one is gone; the typed code still
//   reopens it;
// - at 360 × 640 the opened ballot's buttons are on screen without
//   scrolling, in the kiosk's frame (both languages) and on the voter page
//   alone;
// - every test films the camera state it needs (no test depends on
//   another's: run any one alone with --test-name-pattern);
// - the voter page outside the kiosk still refuses to be framed, and the
//   vendored jsQR file is the one whose SHA-256 web/vendor/README.md gives.
// Screenshots at 360 and 1366 px: target/e2e-screenshots/kiosk-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { chromium } from 'playwright-core';
import * as c from './lib-console.mjs';

const h = c;
const run = promisify(execFile);
const CANDIDATES = [
  { name: 'Nguyễn Văn Bình', position: 'Chủ tịch Ủy ban nhân dân xã' },
  { name: 'Trần Thị Mai', position: 'Phó Chủ tịch Hội đồng nhân dân xã' },
  { name: 'Lê Quang Vinh', position: 'Trưởng Công an xã' },
];
const MARKS = [
  ['high', 'confidence', 'low'],
  ['low', null, 'high'],
  ['confidence', 'confidence', 'confidence'],
];
const PIN = '246810';
const LAPTOP = { viewport: { width: 1366, height: 768 }, locale: 'vi-VN' };
const JSQR_SHA256 = 'bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859';
const W = 640;
const H = 480;

let server;
let meeting;
let slips;
let helperBrowser;
let kioskBrowser;
let camera;

before(async () => {
  server = await h.startServer();
  meeting = await h.setUpMeeting(server, {
    title: 'Lấy phiếu tín nhiệm năm 2026', unit: 'Hội đồng nhân dân xã Tân Phú',
    candidates: CANDIDATES, summoned: 10, present: 9, credentials: 9,
    committee: ['Hoàng Minh Tuấn', 'Bùi Thị Lan', 'Đỗ Văn Sơn'],
  });
  slips = await readSlips(meeting.sheet);
  helperBrowser = await h.launch();
  camera = path.join(server.dir, 'camera.y4m');
  // The fake camera needs a file to open; each test films what it needs.
  await filmSlip(null);
  kioskBrowser = await chromium.launch({
    executablePath: h.CHROMIUM,
    headless: true,
    timeout: 60000,
    args: [
      ...h.CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera}`,
    ],
  });
});

after(async () => {
  await kioskBrowser?.close();
  await helperBrowser?.close();
  await server?.stop();
});

// Each slip of the printed sheet: its HTML, the printed code, the QR's
// address and the credential alone (what must vanish after the turn).
async function readSlips(file) {
  const html = await readFile(file, 'utf8');
  const style = /<style>[\s\S]*?<\/style>/.exec(html)[0];
  return html.split('<div class="slip">').slice(1).map((part) => {
    const body = `<div class="slip">${part.slice(0, part.indexOf('</div>') + 6)}`;
    const code = /<p class="c">([^<]+)<\/p>/.exec(body)[1].trim();
    const url = /<p class="url">([^<]+)<\/p>/.exec(body)[1].replace(/&amp;/g, '&');
    const fragment = url.slice(url.indexOf('#') + 1);
    const credential = fragment.slice(0, fragment.lastIndexOf('.'));
    const fingerprint = /<p class="f">[^<]*<b>([^<]+)<\/b>/.exec(body)[1].trim();
    return { html: body, style, code, url, fragment, credential, fingerprint };
  });
}

// The slip `i` as the camera sees it: the printed slip (the sheet's own
// HTML and style) on a grey desk, rendered by Chromium, its pixels read back
// through a canvas and written as a YUV4MPEG2 (4:2:0) file that Chromium's
// fake camera plays in a loop. Written aside and renamed, so that a capture
// opened later reads the new slip whole.
async function filmSlip(i) {
  const page = await helperBrowser.newPage({ viewport: { width: W, height: H } });
  // `null`: the empty desk (no slip in front of the camera).
  const slip = i === null ? { style: '', html: '' } : slips[i];
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8">${slip.style}
    <style>html,body{margin:0;background:#8a8a80;width:${W}px;height:${H}px;overflow:hidden}
    .slip{background:#fff;width:90mm;margin:6px auto;zoom:1.7;border:0}</style></head>
    <body>${slip.html}</body></html>`);
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  const decoder = await helperBrowser.newPage();
  const rgbaB64 = await decoder.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let s = '';
    for (let k = 0; k < data.length; k += 0x8000) s += String.fromCharCode(...data.subarray(k, k + 0x8000));
    return btoa(s);
  }, png.toString('base64'));
  await decoder.close();
  const rgba = Buffer.from(rgbaB64, 'base64');
  assert.equal(rgba.length, W * H * 4, 'the rendered slip has the camera frame size');
  const frame = i420(rgba);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  const tag = Buffer.from('FRAME\n');
  const parts = [header];
  for (let f = 0; f < 10; f++) parts.push(tag, frame);
  const tmp = `${camera}.tmp`;
  await writeFile(tmp, Buffer.concat(parts));
  await rename(tmp, camera);
  await writeFile(path.join(h.SHOTS, `kiosk-camera-${i === null ? 'desk' : `slip-${i + 1}`}.png`), png).catch(() => {});
}

// RGBA to planar Y'CbCr 4:2:0 (BT.601, studio range), chroma averaged
// over each 2 × 2 block.
function i420(rgba) {
  const y = Buffer.alloc(W * H);
  const u = Buffer.alloc((W / 2) * (H / 2));
  const v = Buffer.alloc((W / 2) * (H / 2));
  const clamp = (x) => Math.max(0, Math.min(255, Math.round(x)));
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const p = (j * W + i) * 4;
      y[j * W + i] = clamp(16 + (65.738 * rgba[p] + 129.057 * rgba[p + 1] + 25.064 * rgba[p + 2]) / 256);
    }
  }
  for (let j = 0; j < H / 2; j++) {
    for (let i = 0; i < W / 2; i++) {
      let r = 0; let g = 0; let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * j + dy) * W + 2 * i + dx) * 4;
        r += rgba[p]; g += rgba[p + 1]; b += rgba[p + 2];
      }
      r /= 4; g /= 4; b /= 4;
      u[j * (W / 2) + i] = clamp(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
      v[j * (W / 2) + i] = clamp(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }
  }
  return Buffer.concat([y, u, v]);
}

// Seal codes shown by the review's encryption check, where the page has it:
// they must vanish with the turn too.
const seen = [];

const ballotFrame = (page) => page.frameLocator('#k-session iframe');

// The voter's turn inside the kiosk's frame, from the ballot to the receipt.
async function votes(page, slip, marks, { typed = false, shotName = null } = {}) {
  const f = ballotFrame(page);
  await f.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  const fp = f.locator('#ballot-fp');
  // Scanned: the page compares the QR code's election check itself. Typed
  // (the printed code has no check): it shows the fingerprint to compare
  // with the one printed on the slip.
  assert.equal(await fp.getAttribute('data-checked'), typed ? 'no' : 'yes');
  assert.equal(await fp.getAttribute('data-fingerprint'), slip.fingerprint);
  if (shotName) await c.shotsBothSizes(page, 'kiosk', `${shotName}-ballot`, null);
  for (const [i, level] of marks.entries()) {
    if (level) await f.locator(`#cand-${i} .v-level[data-level="${level}"]`).click();
  }
  await f.locator('#s-ballot button[type=submit]').click();
  await f.locator('#s-review:not([hidden])').waitFor();
  // The review step may gain a seal code and "Gửi phiếu" (the audit of
  // issue 15 part 1); either way the voter sends.
  await f.locator('#review-send, #review-seal').click();
  // With the encryption check, the sealed ballot's screen comes first.
  await f.locator('#s-receipt:not([hidden]), #s-sealed:not([hidden])').waitFor({ timeout: 60000 });
  if (await f.locator('#s-sealed:not([hidden])').count()) {
    if (shotName) await c.shotsBothSizes(page, 'kiosk', `${shotName}-sealed`, null);
    seen.push((await f.locator('#seal-code').getAttribute('data-seal')) || '');
    await f.locator('#sealed-send').click();
  }
  await f.locator('#s-receipt:not([hidden])').waitFor({ timeout: 60000 });
  const tracking = (await f.locator('#r-code').textContent()).trim();
  assert.match(tracking, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(await f.locator('#r-save').isVisible(), false, 'no receipt file is saved on the kiosk');
  // Even before the reset, the voter page in kiosk mode stored nothing.
  const stored = await page.evaluate(() => ({
    local: Object.keys(localStorage).filter((k) => k !== 'tinnhiem.lang'),
    session: Object.keys(sessionStorage),
  }));
  assert.deepEqual(stored, { local: [], session: [] }, 'the voter page in kiosk mode writes no storage');
  assert.equal(await f.locator('#r-results').isVisible(), false);
  if (shotName) await c.shotsBothSizes(page, 'kiosk', `${shotName}-receipt`, null);
  return tracking;
}

// Everything the page can reach that might still hold something of a
// voter: the serialized DOM of every frame, the text of form fields, checked
// radios, storage, IndexedDB, history.
async function traces(page) {
  const frames = [];
  for (const fr of page.frames()) {
    frames.push(await fr.evaluate(() => {
      const values = [...document.querySelectorAll('input, textarea')].map((el) => el.value).join('\n');
      return {
        url: location.href,
        html: document.documentElement.outerHTML,
        text: document.body ? document.body.innerText : '',
        values,
        checked: document.querySelectorAll('input[type=radio]:checked').length,
      };
    }));
  }
  const state = await page.evaluate(async () => {
    const local = {};
    for (let i = 0; i < localStorage.length; i++) local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
    const session = {};
    for (let i = 0; i < sessionStorage.length; i++) session[sessionStorage.key(i)] = sessionStorage.getItem(sessionStorage.key(i));
    const dbs = (await indexedDB.databases()).map((d) => d.name);
    return { local, session, dbs, historyLength: history.length, iframes: document.querySelectorAll('iframe').length };
  });
  return { frames, ...state };
}

function assertNothingOf(t, slip, tracking, historyLength, who) {
  const squash = (s) => s.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  const secrets = [slip.fragment, slip.credential, slip.code, tracking, tracking.replace('-', ''), ...seen.filter(Boolean)];
  assert.equal(t.iframes, 0, `${who}: the voter's frame is gone`);
  assert.equal(t.frames.length, 1, `${who}: only the kiosk's own document is left`);
  for (const fr of t.frames) {
    const all = `${fr.url}\n${fr.html}\n${fr.text}\n${fr.values}`;
    for (const s of secrets) {
      assert.ok(!all.includes(s), `${who}: "${s}" is still in the DOM of ${fr.url}`);
      assert.ok(!squash(all).includes(squash(s)), `${who}: "${s}" (without separators) is still in ${fr.url}`);
    }
    assert.equal(fr.checked, 0, `${who}: a mark is still checked`);
  }
  assert.deepEqual(Object.keys(t.local).filter((k) => k !== 'tinnhiem.lang'), [], `${who}: localStorage holds nothing but the language`);
  assert.deepEqual(t.session, {}, `${who}: sessionStorage is empty`);
  assert.deepEqual(t.dbs, [], `${who}: no IndexedDB database`);
  const stored = JSON.stringify(t.local);
  for (const s of secrets) assert.ok(!stored.includes(s), `${who}: "${s}" in localStorage`);
  assert.equal(t.historyLength, historyLength, `${who}: no history entry was added`);
}

async function inLog(tracking) {
  const r = await fetch(`${server.url}/api/elections/${meeting.id}/tracking/${tracking}`);
  return r.status === 200;
}


// Starts kiosk mode for the meeting on a new page of `context`.
async function startKiosk(context, problems, name, query = '') {
  const page = await context.newPage();
  h.watch(page, problems, name);
  await page.goto(`${server.url}/kiosk?e=${encodeURIComponent(meeting.id)}${query}`);
  await page.fill('#k-pin', PIN);
  await page.fill('#k-pin2', PIN);
  await page.click('#k-setup button[type=submit]');
  await c.shown(page, 'k-idle');
  return page;
}

/// Presses the voter frame's print button `button` (window.print counted,
/// not opened), renders the frame's DOM with its print stylesheet to a PDF
/// `name` with Chromium, and checks it is one A6 portrait page. Returns the
/// PDF's text (pdftotext -layout) and its path.
async function printsA6(page, button, name, what) {
  const f = ballotFrame(page);
  const frame = page.frames().find((fr) => fr.url().includes('?kiosk'));
  await frame.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await f.getByRole('button', { name: button }).click();
  assert.equal(await frame.evaluate(() => window.printed), 1, `"${button}" prints`);
  const html = (await frame.content()).replace(/<script[\s\S]*?<\/script>/g, '');
  const printer = await helperBrowser.newPage();
  await printer.goto(`${server.url}/kiosk`);
  await printer.setContent(html, { waitUntil: 'load' });
  const pdfFile = path.join(server.dir, name);
  await printer.pdf({ path: pdfFile, preferCSSPageSize: true, printBackground: true });
  await printer.close();
  const info = (await run('pdfinfo', [pdfFile])).stdout;
  assert.match(info, /Pages:\s+1\n/, `${what} prints on one page`);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  assert.ok(Math.abs(Number(size[1]) - 297.6) < 2 && Math.abs(Number(size[2]) - 419.5) < 2, `A6 portrait, not ${size[0]}`);
  const pdfText = (await run('pdftotext', ['-layout', pdfFile, '-'])).stdout;
  return { pdfText, pdfFile };
}

test('the vendored jsQR is the published file whose SHA-256 the docs give', async () => {
  const bytes = await readFile(path.join(h.ROOT, 'web/vendor/jsQR.js'));
  assert.equal(createHash('sha256').update(bytes).digest('hex'), JSQR_SHA256);
  const readme = await readFile(path.join(h.ROOT, 'web/vendor/README.md'), 'utf8');
  assert.ok(readme.includes(JSQR_SHA256) && readme.includes('1.4.0'));
  const licence = await readFile(path.join(h.ROOT, 'web/vendor/jsQR.LICENSE.txt'), 'utf8');
  assert.match(licence, /Apache License\s+Version 2\.0/);
  const html = await (await fetch(`${server.url}/kiosk`)).text();
  assert.ok(html.includes(JSQR_SHA256), 'kiosk.html names the SHA-256 beside the script');
});

test('only the kiosk\'s voter page may be framed, and only by the same origin', async () => {
  const plain = await fetch(`${server.url}/v/${meeting.id}`);
  assert.equal(plain.headers.get('x-frame-options'), 'DENY');
  assert.match(plain.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  const kiosk = await fetch(`${server.url}/v/${meeting.id}?kiosk`);
  assert.equal(kiosk.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(kiosk.headers.get('content-security-policy'), /frame-ancestors 'self'/);
  const page = await fetch(`${server.url}/kiosk`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
});

test('three voters on one kiosk: scanned, scanned, typed; nothing of a voter survives the reset; a wrong PIN does not leave', async () => {
  // Slip 1 lies in front of the camera when the kiosk starts.
  await filmSlip(0);
  const before = await h.http(`${server.url}/api/elections/${meeting.id}`, 'GET');
  const problems = [];
  const context = await c.context(kioskBrowser, LAPTOP);
  await context.grantPermissions(['camera'], { origin: server.url });
  const opener = await context.newPage();
  h.watch(opener, problems, 'opener');

  // The committee member starts the kiosk. Opened from another page of the
  // same tab, the page warns that "back" would lead there.
  const kioskUrl = `${server.url}/kiosk?e=${encodeURIComponent(meeting.id)}`;
  await opener.goto(`${server.url}/`);
  await opener.goto(kioskUrl);
  await c.shown(opener, 'k-history');
  // Opened in a new tab (the console's link, or `chromium --kiosk URL`):
  // the tab's first page, no "back" and no warning.
  await opener.goto(`${server.url}/`);
  const [page] = await Promise.all([
    context.waitForEvent('page'),
    opener.evaluate((u) => window.open(u, '_blank', 'noopener'), kioskUrl),
  ]);
  h.watch(page, problems, 'kiosk');
  await opener.close();
  await page.waitForURL(kioskUrl);
  await c.shown(page, 'k-setup');
  assert.equal(await page.inputValue('#k-election'), meeting.id, 'the console\'s link fills in the vote');
  await c.shotsBothSizes(page, 'kiosk', 'setup', null);
  await c.assertAccessible(page, 'the kiosk\'s setup');
  await page.fill('#k-pin', PIN);
  await page.fill('#k-pin2', '135791');
  await page.click('#k-setup button[type=submit]');
  assert.equal(await c.textOf(page, 'k-setup-error'), 'Hai lần nhập mã PIN không giống nhau.');
  await page.fill('#k-pin2', PIN);
  await page.click('#k-setup button[type=submit]');
  await c.shown(page, 'k-idle');
  assert.equal(await c.textOf(page, 'k-title'), 'Lấy phiếu tín nhiệm năm 2026');
  const historyLength = await page.evaluate(() => history.length);
  assert.equal(await page.isVisible('#k-history'), false);

  // Voter 1 holds slip 1 up to the camera.
  await page.waitForSelector('#k-session iframe', { timeout: 30000 });
  const t1 = await votes(page, slips[0], MARKS[0], { shotName: 'v1' });
  assert.ok(await inLog(t1), 'voter 1\'s ballot is in the log');

  // The printed receipt: the receipt's own DOM with the print stylesheet,
  // rendered to PDF by Chromium (A6 from its @page) and read back.
  const { pdfText, pdfFile } = await printsA6(page, 'In biên nhận', 'receipt.pdf', 'the receipt');
  const f = ballotFrame(page);
  assert.ok(pdfText.includes(t1), 'the tracking code is printed');
  assert.ok(pdfText.includes('Phiếu đã được ghi nhận'), 'the receipt is in Vietnamese');
  assert.ok(pdfText.includes('Lấy phiếu tín nhiệm năm 2026'), 'with the vote\'s title');
  for (const cand of CANDIDATES) assert.ok(!pdfText.includes(cand.name), 'no leader\'s name, hence no choice, on the receipt');
  assert.ok(!/Xong|In biên nhận|Tra cứu trên/.test(pdfText), 'no button on paper');
  await run('pdftoppm', ['-png', '-r', '110', '-singlefile', pdfFile, path.join(h.SHOTS, 'kiosk-receipt-a6')]);

  // "Xong": the kiosk wipes the turn and waits for the next voter; the
  // desk in front of the camera is empty meanwhile.
  await filmSlip(null);
  await f.getByRole('button', { name: 'Xong' }).click();
  await c.shown(page, 'k-idle');
  await page.waitForFunction(() => !document.querySelector('iframe'));
  assertNothingOf(await traces(page), slips[0], t1, historyLength, 'after voter 1');
  await page.waitForSelector('#k-camera-note[data-i18n="camera.on"]');
  await c.shotsBothSizes(page, 'kiosk', 'idle', null);
  await c.assertAccessible(page, 'the kiosk waiting for a voter');
  // "Back" leads nowhere: the kiosk is still there, empty.
  assert.equal(await page.goBack({ timeout: 3000 }).catch(() => null), null);
  assert.equal(new URL(page.url()).pathname, '/kiosk');
  assert.equal(await page.isVisible('#k-idle'), true);
  assertNothingOf(await traces(page), slips[0], t1, historyLength, 'after "back"');

  // Voter 2 holds slip 2 up to the same kiosk's camera (it restarts for
  // each voter and reads the new slip).
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('#k-session iframe').count(), 0, 'the empty desk opens nothing');
  // Chromium's fake camera reads its file when a capture starts: the slip
  // is put in front of it, and the camera restarted ("Bật lại máy ảnh").
  await filmSlip(1);
  await page.getByRole('button', { name: 'Bật lại máy ảnh' }).click();
  await page.waitForSelector('#k-session iframe', { timeout: 30000 });
  const t2 = await votes(page, slips[1], MARKS[1]);
  assert.notEqual(t2, t1);
  assert.ok(await inLog(t2), 'voter 2\'s ballot is in the log');
  await filmSlip(null);
  await ballotFrame(page).getByRole('button', { name: 'Xong' }).click();
  await c.shown(page, 'k-idle');
  const after2 = await traces(page);
  assertNothingOf(after2, slips[1], t2, historyLength, 'after voter 2');
  assertNothingOf(after2, slips[0], t1, historyLength, 'after voter 2, of voter 1');

  // Voter 3 types the code printed under the QR code.
  await page.fill('#k-code', slips[2].code);
  await page.click('#k-typed button[type=submit]');
  await page.waitForSelector('#k-session iframe');
  assert.equal(await page.inputValue('#k-code').catch(() => ''), '', 'the typed code is not left in the field');
  const f3 = ballotFrame(page);
  await f3.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  // Switches the language halfway (the kiosk's one bar switches the ballot
  // too), then ends the turn from the kiosk's bar.
  await page.click('#lang');
  await f3.getByText('Step 1/3 · Fill in the ballot').waitFor();
  const t3 = await votes(page, slips[2], MARKS[2], { typed: true, shotName: 'v3' });
  assert.ok(await inLog(t3), 'voter 3\'s ballot is in the log');
  await page.click('#k-end');
  await c.shown(page, 'k-idle');
  const after3 = await traces(page);
  assertNothingOf(after3, slips[2], t3, historyLength, 'after voter 3');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'vi', 'the next voter starts in Vietnamese');
  const view = await h.http(`${server.url}/api/elections/${meeting.id}`, 'GET');
  assert.equal(view.returned, before.returned + 3, 'three ballots from the kiosk');

  // A wrong PIN does not leave kiosk mode; the right one does.
  await page.click('#k-exit');
  await page.fill('#k-exit-pin', '000000');
  await page.click('#k-exit-ok');
  assert.equal(await c.textOf(page, 'k-exit-error'), 'Sai mã PIN.');
  await c.shotsBothSizes(page, 'kiosk', 'exit-wrong', null);
  assert.equal(await page.isVisible('#k-setup'), false, 'still in kiosk mode');
  await page.click('#k-exit-cancel');
  assert.equal(await page.isVisible('#k-idle'), true);
  assert.equal(await page.isVisible('#k-exit'), true);
  await page.click('#k-exit');
  await page.fill('#k-exit-pin', PIN);
  await page.click('#k-exit-ok');
  await c.shown(page, 'k-setup');
  assert.equal(await page.isVisible('#k-exit'), false);
  assert.equal(await page.evaluate(() => document.getElementById('k-video').srcObject), null, 'the camera is off');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a slip of another vote opens nothing; five wrong PINs lock the exit', async () => {
  await filmSlip(null);
  const context = await c.context(kioskBrowser, h.PHONE);
  const problems = [];
  const page = await startKiosk(context, problems, 'kiosk-other');
  // The typed address of another vote opens nothing (the camera films the
  // empty desk).
  const other = slips[3].url.replace(`/v/${meeting.id}#`, '/v/another-vote#');
  await page.fill('#k-code', other);
  await page.click('#k-typed button[type=submit]');
  assert.equal(await c.textOf(page, 'k-scan-error'), 'Phiếu mã này thuộc một cuộc bỏ phiếu khác. Hãy dùng phiếu mã của cuộc bỏ phiếu này.');
  assert.equal(await page.locator('#k-session iframe').count(), 0);
  // Five wrong PINs lock the exit for a minute: even the right one is
  // refused meanwhile.
  await page.click('#k-exit');
  for (let i = 0; i < 5; i++) {
    await page.fill('#k-exit-pin', `99999${i}`);
    await page.click('#k-exit-ok');
  }
  assert.match(await c.textOf(page, 'k-exit-error'), /^Sai mã PIN quá nhiều lần\. Chờ 60 giây/);
  await page.fill('#k-exit-pin', PIN);
  await page.click('#k-exit-ok');
  assert.match(await c.textOf(page, 'k-exit-error'), /^Sai mã PIN quá nhiều lần/);
  assert.equal(await page.isVisible('#k-setup'), false, 'still in kiosk mode');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a voter who walks away mid-ballot is wiped after the idle time', async () => {
  // The voter types the code: nothing in front of the camera.
  await filmSlip(null);
  const context = await c.context(kioskBrowser, LAPTOP);
  const problems = [];
  const page = await startKiosk(context, problems, 'kiosk-idle', '&idle=30');
  const historyLength = await page.evaluate(() => history.length);
  await page.fill('#k-code', slips[3].fragment);
  await page.click('#k-typed button[type=submit]');
  const f = ballotFrame(page);
  await f.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  await f.locator('#cand-0 .v-level[data-level="low"]').click();
  const started = Date.now();
  await page.waitForSelector('#k-session iframe', { state: 'detached', timeout: 45000 });
  const waited = (Date.now() - started) / 1000;
  assert.ok(waited >= 28, `the turn lasted its idle time (${waited} s)`);
  await c.shown(page, 'k-idle');
  assertNothingOf(await traces(page), slips[3], 'XXXX-XXXX', historyLength, 'after the idle time');
  // The slip was not used: it can still vote.
  const pub = await page.evaluate(async (code) => {
    const tn = await import('/static/tn.js');
    await tn.load();
    return tn.callSync('credential_public', { election_id: code.id, credential: code.credential }).public;
  }, { id: meeting.id, credential: slips[3].credential });
  const status = await h.http(`${server.url}/api/elections/${meeting.id}/credentials/${pub}`, 'GET');
  assert.equal(status.voted, false);
  assert.deepEqual(problems, []);
  await context.close();
});

// The voter in the kiosk's frame taps "Kiểm tra mã hoá" on the sealed
// ballot's screen: the opened ballot's screen, as the kiosk shows it.
/// In the voter frame `f`: the ballot's screen filled in with `marks`,
/// reviewed and sealed; the seal code shown.
async function sealsIn(f, marks) {
  await f.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  for (const [i, level] of marks.entries()) {
    if (level) await f.locator(`#cand-${i} .v-level[data-level="${level}"]`).click();
  }
  await f.locator('#s-ballot button[type=submit]').click();
  await f.locator('#review-seal').click();
  await f.locator('#s-sealed:not([hidden])').waitFor({ timeout: 60000 });
  return f.locator('#seal-code').getAttribute('data-seal');
}

async function kioskChecks(page, marks) {
  const f = ballotFrame(page);
  const seal = await sealsIn(f, marks);
  assert.match(seal, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  seen.push(seal);
  await f.getByRole('button', { name: 'Kiểm tra mã hoá' }).click();
  await f.locator('#s-audited:not([hidden])').waitFor({ timeout: 60000 });
  assert.equal((await f.locator('#a-seal').textContent()).trim(), seal, 'the opened ballot is the one sealed');
  assert.match((await f.locator('#audited-note').textContent()), /KHÔNG được tính.*chưa dùng/);
  // No dead link: the kiosk opens no other page.
  assert.equal(await f.locator('#a-link').isVisible(), false, 'no link to follow on the kiosk');
  assert.equal(await f.locator('#s-audited a:visible').count(), 0, 'no link at all on the opened ballot\'s screen');
  const how = (await f.locator('#s-audited .v-help').textContent()).trim();
  assert.match(how, /màn hình kiểm tra của phòng bỏ phiếu \(nhập mã niêm phong\)/);
  assert.match(how, /điện thoại khác/);
  // The QR code (a companion's phone may scan it) names the inspector with
  // this seal.
  await f.locator('#a-qr:not([hidden])').waitFor();
  assert.ok((await f.locator('#a-qr').getAttribute('alt')).includes(seal));
  assert.equal(await f.locator('#a-link').getAttribute('href'), `${server.url}/inspector?id=${meeting.id}&seal=${seal}`);
  assert.equal(await f.getByRole('button', { name: 'In phiếu kiểm tra' }).isVisible(), true);
  assert.equal(await f.getByRole('button', { name: 'Làm lại phiếu' }).isVisible(), true);
  return seal;
}

// The room's inspector screen (the committee's laptop, another browser):
// the seal code typed by hand; the page recomputes the marks itself.
async function roomChecks(seal, marks, name) {
  const context = await c.context(helperBrowser, LAPTOP);
  const room = await context.newPage();
  const problems = [];
  h.watch(room, problems, `room-${name}`);
  await room.goto(`${server.url}/inspector?id=${encodeURIComponent(meeting.id)}`);
  await room.fill('#seal', seal);
  await room.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await room.waitForSelector('#audit-verdict[data-outcome]:not([data-outcome=loading])', { timeout: 30000 });
  assert.equal(await room.locator('#audit-verdict').getAttribute('data-outcome'), 'ok');
  assert.ok((await c.textOf(room, 'audit-verdict')).includes(seal));
  const shown = await room.locator('#audit-marks tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.choice));
  assert.deepEqual(shown, marks.map((m) => m || 'none'), 'the room\'s screen shows the marks the voter chose');
  assert.equal(await room.locator('#audit-promise').getAttribute('data-outcome'), 'ok');
  if (name === 'v5') await c.shotsBothSizes(room, 'kiosk', 'audit-room-inspector', 'audit-result');
  assert.deepEqual(problems, []);
  await context.close();
}

test('a kiosk voter checks the encryption on the room\'s screen, fills in again and sends; the turn leaves nothing; a voter who walks away after a check is wiped', { timeout: 240000 }, async () => {
  // These voters type their codes: nothing in front of the camera.
  await filmSlip(null);
  const problems = [];
  const context = await c.context(kioskBrowser, LAPTOP);
  const page = await startKiosk(context, problems, 'kiosk-audit', '&idle=30');
  const historyLength = await page.evaluate(() => history.length);

  // Voter 5 types the code, marks, seals and checks the encryption.
  await page.fill('#k-code', slips[4].code);
  await page.click('#k-typed button[type=submit]');
  const marks = MARKS[1];
  const seal = await kioskChecks(page, marks);
  await c.shotsBothSizes(page, 'kiosk', 'audit-audited', null);
  await c.assertAccessible(page, 'the kiosk\'s opened ballot screen');
  // English beside: the kiosk's language button switches this screen too.
  await page.click('#lang');
  await ballotFrame(page).getByRole('button', { name: 'Print the check slip' }).waitFor();
  assert.match(await ballotFrame(page).locator('#s-audited .v-help').textContent(), /room’s inspector screen \(type the seal code\)/);
  await c.shotsBothSizes(page, 'kiosk', 'audit-audited-en', null);
  await page.click('#lang');
  await ballotFrame(page).getByRole('button', { name: 'In phiếu kiểm tra' }).waitFor();
  // Ballots cast so far: the check adds none.
  const before = await h.http(`${server.url}/api/elections/${meeting.id}`, 'GET');

  // The printed check slip: the opened ballot's DOM with the print
  // stylesheet, rendered to PDF and read back.
  const { pdfText, pdfFile } = await printsA6(page, 'In phiếu kiểm tra', 'check-slip.pdf', 'the check slip');
  const f = ballotFrame(page);
  const flat = pdfText.replace(/\s+/g, ' ');
  assert.ok(pdfText.replace(/\s+/g, '').includes(seal.replace(/\s+/g, '')), 'the seal code is printed');
  assert.ok(flat.includes('Đã mở phiếu để kiểm tra'), 'the slip is in Vietnamese');
  assert.ok(flat.includes('KHÔNG được tính'), 'and says the ballot is not counted');
  assert.ok(flat.includes('màn hình kiểm tra của phòng bỏ phiếu'), 'and how to check it');
  assert.ok(flat.includes('Lấy phiếu tín nhiệm năm 2026'), 'with the vote\'s title');
  for (const cand of CANDIDATES) assert.ok(!flat.includes(cand.name), 'no leader\'s name, hence no choice, on the slip');
  assert.ok(!/Làm lại phiếu|In phiếu kiểm tra|Mở trang kiểm tra/.test(flat), 'no button or link on paper');
  await run('pdftoppm', ['-png', '-r', '110', '-singlefile', pdfFile, path.join(h.SHOTS, 'kiosk-check-slip-a6')]);

  // The room's inspector screen, the seal code typed.
  await roomChecks(seal, marks, 'v5');

  // "Làm lại phiếu": the ballot again; the voter fills in and sends.
  await f.getByRole('button', { name: 'Làm lại phiếu' }).click();
  const second = await sealsIn(f, marks);
  seen.push(second);
  assert.notEqual(second, seal, 'a new encryption');
  await f.getByRole('button', { name: 'Gửi phiếu' }).click();
  await f.locator('#s-receipt:not([hidden])').waitFor({ timeout: 60000 });
  assert.equal((await f.locator('#r-seal').textContent()).trim(), second, 'the receipt shows the new seal code');
  const tracking = (await f.locator('#r-code').textContent()).trim();
  assert.ok(await inLog(tracking), 'voter 5\'s ballot is in the log');
  const after = await h.http(`${server.url}/api/elections/${meeting.id}`, 'GET');
  assert.equal(after.returned, before.returned + 1, 'one ballot cast, the checked one not counted');
  await c.shotsBothSizes(page, 'kiosk', 'audit-receipt', null);
  await f.getByRole('button', { name: 'Xong' }).click();
  await c.shown(page, 'k-idle');
  await page.waitForFunction(() => !document.querySelector('iframe'));
  assertNothingOf(await traces(page), slips[4], tracking, historyLength, 'after voter 5 (checked, then cast)');

  // Voter 6 checks the encryption and walks away from the opened ballot's
  // screen: the idle time wipes it; the seal code still checks on the
  // room's screen (the audit is the server's, not the kiosk's) and the slip
  // was not used.
  await page.fill('#k-code', slips[5].code);
  await page.click('#k-typed button[type=submit]');
  const marks6 = MARKS[0];
  const seal6 = await kioskChecks(page, marks6);
  // This voter's frame itself must go (the idle kiosk may open another).
  const frame6 = await page.$('#k-session iframe');
  const started = Date.now();
  await page.waitForFunction((el) => !el.isConnected, frame6, { timeout: 45000 });
  const waited = (Date.now() - started) / 1000;
  assert.ok(waited >= 25, `the opened ballot's screen stayed its idle time (${waited} s)`);
  await c.shown(page, 'k-idle');
  assertNothingOf(await traces(page), slips[5], 'XXXX-XXXX', historyLength, 'after voter 6 walked away');
  await roomChecks(seal6, marks6, 'v6');
  const pub = await page.evaluate(async (code) => {
    const tn = await import('/static/tn.js');
    await tn.load();
    return tn.callSync('credential_public', { election_id: code.id, credential: code.credential }).public;
  }, { id: meeting.id, credential: slips[5].credential });
  const status = await h.http(`${server.url}/api/elections/${meeting.id}/credentials/${pub}`, 'GET');
  assert.equal(status.voted, false, 'the check did not use the slip');
  assert.deepEqual(problems, []);
  await context.close();
});


const HINT_VI = 'Hãy cất phiếu mã đi';
const HINT_EN = 'Please put the slip away';

test('a slip left in front of the camera never reopens its turn; the next slip opens once the last one is gone; a typed code still reopens it', { timeout: 240000 }, async () => {
  // Slip 7 lies in front of the camera when the kiosk starts.
  await filmSlip(6);
  const problems = [];
  const context = await c.context(kioskBrowser, LAPTOP);
  const page = await startKiosk(context, problems, 'kiosk-left-slip');
  const historyLength = await page.evaluate(() => history.length);
  assert.equal(await page.isVisible('#k-slip-hint'), false, 'no hint before any turn');

  // Voter 7 votes with slip 7, taps "Xong" and leaves the slip on the desk.
  await page.waitForSelector('#k-session iframe', { timeout: 30000 });
  const t7 = await votes(page, slips[6], MARKS[0]);
  await ballotFrame(page).getByRole('button', { name: 'Xong' }).click();
  await c.shown(page, 'k-idle');
  await page.waitForFunction(() => !document.querySelector('iframe'));
  // The camera films slip 7 again and again: no turn opens (the next
  // "voter" is not the previous slip again); the idle screen says, in
  // Vietnamese and English, to put the slip away.
  await page.waitForTimeout(5000);
  assert.equal(await page.locator('#k-session iframe').count(), 0, 'the slip that just voted does not reopen a turn');
  await c.shown(page, 'k-slip-hint', 15000);
  const hint = await c.textOf(page, 'k-slip-hint');
  assert.ok(hint.startsWith(HINT_VI), `the hint starts in Vietnamese: ${hint}`);
  assert.ok(hint.includes(HINT_EN), `with English beside it: ${hint}`);
  assert.equal(await page.locator('#k-slip-hint [lang=en]').count(), 1, 'the English part is marked as English');
  assertNothingOf(await traces(page), slips[6], t7, historyLength, 'with slip 7 still in view');
  await c.shotsBothSizes(page, 'kiosk', 'idle-slip-left', null);
  await c.assertAccessible(page, 'the kiosk asking to put the slip away');
  // Restarting the camera changes nothing: the slip is still the last one.
  await page.getByRole('button', { name: 'Bật lại máy ảnh' }).click();
  await page.waitForTimeout(4000);
  assert.equal(await page.locator('#k-session iframe').count(), 0, 'a restarted camera does not reopen the last slip');
  assert.equal(await page.isVisible('#k-slip-hint'), true);

  // Voter 8 puts slip 8 in its place: it opens once the camera no longer
  // sees slip 7.
  await filmSlip(7);
  await page.getByRole('button', { name: 'Bật lại máy ảnh' }).click();
  await page.waitForSelector('#k-session iframe', { timeout: 30000 });
  let f = ballotFrame(page);
  await f.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  assert.equal(await f.locator('#ballot-fp').getAttribute('data-fingerprint'), slips[7].fingerprint, 'slip 8\'s turn');
  // Voter 8 walks away from the ballot (the committee ends the turn): the
  // slip still on the desk does not reopen it.
  await page.click('#k-end');
  await c.shown(page, 'k-idle');
  await page.waitForTimeout(5000);
  assert.equal(await page.locator('#k-session iframe').count(), 0, 'the slip of a turn that ended does not reopen it');
  assert.equal(await page.isVisible('#k-slip-hint'), true);
  assertNothingOf(await traces(page), slips[7], 'XXXX-XXXX', historyLength, 'with slip 8 still in view');

  // Voter 8 comes back and types the code: a voter's act reopens it.
  await page.fill('#k-code', slips[7].code);
  await page.click('#k-typed button[type=submit]');
  await page.waitForSelector('#k-session iframe');
  f = ballotFrame(page);
  await f.locator('#s-ballot:not([hidden])').waitFor({ timeout: 60000 });
  assert.equal(await f.locator('#ballot-fp').getAttribute('data-fingerprint'), slips[7].fingerprint, 'the typed code reopens slip 8');
  await page.click('#k-end');
  await c.shown(page, 'k-idle');

  // The desk cleared: the hint goes away.
  await filmSlip(null);
  await page.getByRole('button', { name: 'Bật lại máy ảnh' }).click();
  await page.waitForSelector('#k-slip-hint', { state: 'hidden', timeout: 15000 });
  assert.equal(await page.locator('#k-session iframe').count(), 0);
  assertNothingOf(await traces(page), slips[7], 'XXXX-XXXX', historyLength, 'after the desk is cleared');
  assert.deepEqual(problems, []);
  await context.close();
});

// The buttons of the opened ballot's screen, each wholly inside the
// 360 × 640 viewport of the top page with the page and its frame scrolled
// to the top (as the screen opens; the test's own clicks may have scrolled).
async function buttonsOnScreen(page, frame, where) {
  await page.evaluate(() => window.scrollTo(0, 0));
  if (frame) await frame.evaluate(() => window.scrollTo(0, 0));
  const root = frame ? ballotFrame(page) : page;
  const buttons = root.locator('#s-audited .v-actions button:visible');
  const n = await buttons.count();
  assert.ok(n >= 1, `${where}: the screen has its buttons`);
  for (let i = 0; i < n; i++) {
    const b = buttons.nth(i);
    const box = await b.boundingBox();
    const name = (await b.textContent()).trim();
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 360 && box.y + box.height <= 640,
      `${where}: "${name}" is inside the 360 × 640 screen (${JSON.stringify(box)})`);
  }
}

test('at 360 × 640 the opened ballot\'s buttons are on screen without scrolling, in the kiosk\'s frame and on the voter page alone', { timeout: 240000 }, async () => {
  await filmSlip(null);
  const problems = [];
  const context = await c.context(kioskBrowser, h.PHONE);
  const page = await startKiosk(context, problems, 'kiosk-360');
  await page.fill('#k-code', slips[8].code);
  await page.click('#k-typed button[type=submit]');
  await kioskChecks(page, MARKS[1]);
  const frame = page.frames().find((fr) => fr.url().includes('?kiosk'));
  await buttonsOnScreen(page, frame, 'in the kiosk\'s frame');
  await h.shot(page, 'kiosk-audited-fold-360');
  // In English too (longer words).
  await page.click('#lang');
  await ballotFrame(page).getByRole('button', { name: 'Print the check slip' }).waitFor();
  await buttonsOnScreen(page, frame, 'in the kiosk\'s frame, in English');
  await page.click('#k-end');
  await c.shown(page, 'k-idle');
  await context.close();

  // The same slip (not used by a check) on the voter page alone, a phone.
  const phone = await c.context(helperBrowser, h.PHONE);
  const alone = await phone.newPage();
  h.watch(alone, problems, 'voter-360');
  await alone.goto(slips[8].url);
  await c.shown(alone, 's-ballot');
  for (const [i, level] of MARKS[2].entries()) {
    if (level) await alone.locator(`#cand-${i} .v-level[data-level="${level}"]`).tap();
  }
  await alone.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(alone, 's-review');
  await h.sealBallot(alone);
  await alone.getByRole('button', { name: 'Kiểm tra mã hoá' }).tap();
  await c.shown(alone, 's-audited', 60000);
  await buttonsOnScreen(alone, null, 'on the voter page alone');
  await h.shot(alone, 'voter-audited-fold-360');
  assert.deepEqual(problems, []);
  await phone.close();
});
