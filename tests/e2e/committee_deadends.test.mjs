// The committee's dead ends of issue 13, in headless Chromium against a
// real `tinnhiem serve`, each written as a member meets it:
// 1. a mistyped enrollment code: the code is typed again and the same key
//    enrolls; the key file saved before holds no code; a member who saved
//    the key file, mistyped the code and closed the tab loads the file in
//    a new session and is asked for the code to enroll it;
// 3. a key typed from the key card with one wrong character: the check
//    code under the field differs from the card's, and loading says
//    "Khoá không khớp với khoá đã đăng ký — kiểm tra lại từng ký tự";
//    a cancelled print dialog does not count as the card printed; loading
//    another member's key file asks before the identity changes;
// 2. slips: attendance below the quorum, and again, asks first; a second
//    batch adds to the unprinted first; leaving the page warns; clearing
//    asks; a slip is cancelled by number and replaced within the
//    attendance (numbered on from the last); a slip that voted meanwhile
//    is refused with the server's words naming it; printed slips leave
//    the screen during voting; a voter with the cancelled slip is refused.
// Screenshots at 360 and 1366 px: target/e2e-screenshots/deadend-*.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as c from './lib-console.mjs';

const CANDIDATES = [
  { name: 'Nguyễn Văn An', position: 'Giám đốc Sở' },
  { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' },
];
const COMMITTEE = ['Phạm Văn Hùng', 'Đỗ Thị Mai'];
const SUMMONED = 9;
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };
const MISMATCH = 'Khoá không khớp với khoá đã đăng ký — kiểm tra lại từng ký tự';

let server;
let browser;
let dir;
const M = {};
const problems = [];

before(async () => {
  server = await c.startServer();
  browser = await c.launch();
  dir = await mkdtemp(path.join(tmpdir(), 'tinnhiem-deadends-'));
  const { token } = await c.http(`${server.url}/api/login`, 'POST', { password: c.PASSWORD });
  const created = await c.http(`${server.url}/api/elections`, 'POST', {
    title: 'Lấy phiếu tín nhiệm năm 2026', unit: 'Sở Y tế tỉnh Nam Định', date: '2026-11-28',
    candidates: CANDIDATES, summoned: SUMMONED, committee: COMMITTEE,
  }, token);
  M.id = created.id;
  M.codes = created.trustee_codes;
  await c.http(`${server.url}/api/elections/${M.id}/seal`, 'POST', undefined, token);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/// A watched page in a browser session of its own; the 403 of a mistyped
/// code, the 422 of a refused cancel are what the test provokes.
async function session(name, options = c.PHONE) {
  const ctx = await c.context(browser, options);
  const page = await ctx.newPage();
  const watcher = c.watch(page, problems, name);
  watcher.allow((x) => x.kind === 'console' && /status of (403|422)/.test(x.text));
  return { ctx, page, watcher };
}

const shots = (page, name, at) => c.shotsBothSizes(page, 'deadend', name, at);
const text = c.textOf;
const a11y = c.assertAccessible;

function clean() {
  assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
}

/// The print dialog, as a member who cancels it meets it: nothing
/// printed, the page told that the dialog closed.
async function printDialogCancelled(page) {
  await page.evaluate(() => {
    window.print = () => { window.__prints = (window.__prints || 0) + 1; setTimeout(() => window.dispatchEvent(new Event('afterprint')), 50); };
  });
}

/// The slips as Chromium prints them (A4, the print style): every slip's
/// last line at least 3 mm above its cut border, and no English on the
/// page; the PDF and a picture of its first page go to the screenshots.
async function printedSlips(html) {
  const ctx = await c.context(browser, { viewport: { width: 794, height: 1123 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/committee`);
  await page.emulateMedia({ media: 'print' });
  await page.evaluate((h) => {
    document.getElementById('print-root').innerHTML = h;
    document.body.classList.add('c-printing');
  }, html);
  const gaps = await page.evaluate(() => [...document.querySelectorAll('#print-root .c-slip')].map((s) => {
    const box = s.getBoundingClientRect();
    const last = s.lastElementChild.getBoundingClientRect();
    return { clipped: s.scrollHeight > s.clientHeight + 1, gapMm: (box.bottom - last.bottom) / (96 / 25.4) };
  }));
  for (const g of gaps) {
    assert.equal(g.clipped, false, 'nothing cut off');
    assert.ok(g.gapMm >= 3, `the last line keeps clear of the cut border (${g.gapMm.toFixed(1)} mm)`);
  }
  const pdf = path.join(c.SHOTS, 'deadend-slips.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  const { execFileSync } = await import('node:child_process');
  const printedText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(printedText, /Mã nhận diện/);
  assert.doesNotMatch(printedText, /must match|Scan|One use|ballot no\./, 'no English on the printed slips');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(c.SHOTS, 'deadend-slips-pdf')]);
  await ctx.close();
}

test('1. a mistyped enrollment code is typed again and the same key enrolls; the key file never holds a wrong code', { timeout: 120000 }, async () => {
  const { page } = await session('member0');
  M.chair = page;
  await c.memberOpens(page, server.url, M.id);
  await page.selectOption('#member-index', '0');
  await page.getByRole('button', { name: 'Tạo khoá trên máy này' }).click();
  await c.shown(page, 'keycard-box');
  // The key card carries a check code of four characters.
  const check = (await page.locator('#keycard .c-keycheck').textContent()).trim();
  assert.match(check, /^[0-9A-Z]{4}$/);
  // 3. A cancelled print dialog does not count as a printed card.
  await printDialogCancelled(page);
  await page.getByRole('button', { name: 'In thẻ khoá' }).click();
  await c.shown(page, 'keycard-printed-row');
  assert.equal(await page.locator('#enroll').isDisabled(), true, 'a cancelled print is no backup');
  await shots(page, '01-print-asked', 'keycard-printed-row');
  const file = path.join(dir, 'member0.json');
  await c.saveDownload(page, () => page.getByRole('button', { name: 'Tải tệp khoá về' }).click(), file);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved.code, undefined, 'no code in the key file before the server accepted it');
  assert.equal(await page.locator('#enroll').isDisabled(), false);
  // The code typed with a slip of the finger.
  const wrong = `${M.codes[0].slice(0, -1)}${M.codes[0].endsWith('A') ? 'B' : 'A'}`;
  await page.fill('#enroll-code', wrong);
  await page.getByRole('button', { name: 'Đăng ký khoá với máy chủ' }).click();
  const bad = await c.noteWith(page, 'member-msg', 'c-bad');
  assert.match(bad, /^Mã đăng ký không đúng với thành viên số 1\. Kiểm tra lại từng ký tự/);
  assert.match(bad, /\(The enrollment code is not member 1's\. .*enroll again/, 'English beside');
  await shots(page, '02-wrong-code', 'member-msg');
  await a11y(page, 'a wrong enrollment code');
  // Typed again, right: the same key enrolls, and the old refusal is gone.
  await page.fill('#enroll-code', M.codes[0].toLowerCase());
  await page.getByRole('button', { name: 'Đăng ký khoá với máy chủ' }).click();
  const ok = await c.noteWith(page, 'member-msg', 'c-ok');
  assert.ok(!/không đúng/.test(ok), 'no stale refusal after the enrollment');
  const v = await c.http(`${server.url}/api/elections/${M.id}`, 'GET');
  assert.equal(v.trustee_keys[0], saved.public, 'the key saved before the wrong code is the one enrolled');
  await c.saveDownload(page, () => page.getByRole('button', { name: 'Tải lại tệp khoá (kèm mã đăng ký đã được chấp nhận)' }).click(), file);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).code, M.codes[0], 'the key file saved again holds the accepted code');
  M.files = [file];

  // The second member saves the key file, mistypes the code and closes the tab.
  const first = await session('member1-first', DESKTOP);
  await c.memberOpens(first.page, server.url, M.id);
  await first.page.selectOption('#member-index', '1');
  await first.page.getByRole('button', { name: 'Tạo khoá trên máy này' }).click();
  await c.shown(first.page, 'keycard-box');
  M.card1 = {
    secret: (await first.page.locator('#keycard .c-secret').textContent()).replace(/\s/g, ''),
    check: (await first.page.locator('#keycard .c-keycheck').textContent()).trim(),
  };
  const file1 = path.join(dir, 'member1.json');
  await c.saveDownload(first.page, () => first.page.getByRole('button', { name: 'Tải tệp khoá về' }).click(), file1);
  await first.page.fill('#enroll-code', 'SAI-MA');
  await first.page.getByRole('button', { name: 'Đăng ký khoá với máy chủ' }).click();
  await c.noteWith(first.page, 'member-msg', 'c-bad');
  await first.ctx.close();
  // In a new session the key file is not in the log yet: the page offers
  // to enroll it and asks for the code.
  const { page: again } = await session('member1', DESKTOP);
  M.member1 = again;
  await c.memberOpens(again, server.url, M.id);
  await again.setInputFiles('#keyfile', file1);
  const offer = await c.noteWith(again, 'member-msg', 'c-warn');
  assert.match(offer, /^Khoá của Đỗ Thị Mai chưa được đăng ký với máy chủ\. Nhập mã đăng ký/);
  await c.shown(again, 'keycard-box');
  assert.equal(await again.evaluate(() => document.activeElement.id), 'enroll-code');
  await shots(again, '03-enroll-loaded-key', 'enroll-form');
  await again.fill('#enroll-code', M.codes[1]);
  await again.getByRole('button', { name: 'Đăng ký khoá với máy chủ' }).click();
  await c.noteWith(again, 'member-msg', 'c-ok');
  await again.waitForSelector('#member-state.c-ok');
  M.files.push(file1);
  // Both pages run the ceremony by themselves until the election key.
  await page.waitForFunction(() => /^Đã có khoá chung/.test(document.getElementById('cer-msg').textContent), null, { timeout: 90000 });
  clean();
});

test('3. a key typed from the card with one wrong character is refused at once, and its check code differs from the card\'s', { timeout: 90000 }, async () => {
  const { page, ctx } = await session('member1-card');
  await c.memberOpens(page, server.url, M.id);
  await page.selectOption('#member-index', '1');
  await c.shown(page, 'keyload-box');
  const s = M.card1.secret;
  const typo = `${s.slice(0, 20)}${s[20] === '0' ? '1' : '0'}${s.slice(21)}`;
  await page.fill('#keytext', typo.match(/.{1,8}/g).join(' '));
  await page.waitForFunction(() => /^Mã kiểm tra của khoá đã nhập: [0-9A-Z]{4}/.test(document.getElementById('keytext-check').textContent));
  const typed = (await text(page, 'keytext-check')).match(/: ([0-9A-Z]{4})/)[1];
  assert.notEqual(typed, M.card1.check, 'one wrong character changes the check code');
  await page.getByRole('button', { name: 'Nạp khoá' }).click();
  const msg = await c.noteWith(page, 'member-msg', 'c-bad');
  assert.equal(msg, `${MISMATCH} (The key does not match the enrolled key — check each character)`);
  assert.equal(await page.locator('#member-state.c-ok').count(), 0, 'no key in use');
  await shots(page, '04-key-mismatch', 'member-msg');
  await a11y(page, 'a mistyped key');
  // The character corrected: the check code equals the card's, the key loads.
  await page.fill('#keytext', s);
  await page.waitForFunction((want) => document.getElementById('keytext-check').textContent.includes(want), M.card1.check);
  await page.getByRole('button', { name: 'Nạp khoá' }).click();
  await page.waitForSelector('#member-state.c-ok');
  await ctx.close();

  // Another member's key file, with a member chosen: the page asks first.
  const other = await session('member0-switch');
  await c.memberOpens(other.page, server.url, M.id);
  await other.page.selectOption('#member-index', '1');
  await other.page.setInputFiles('#keyfile', M.files[0]);
  await c.shown(other.page, 'key-switch');
  assert.match(await text(other.page, 'key-switch-text'), /^Khoá này là của Phạm Văn Hùng \(thành viên số 1\), không phải của Đỗ Thị Mai \(số 2\)/);
  await shots(other.page, '05-key-switch', 'key-switch');
  await other.page.getByRole('button', { name: 'Huỷ' }).click();
  assert.equal(await other.page.locator('#member-state.c-ok').count(), 0, 'nothing loaded after "Huỷ"');
  await other.page.setInputFiles('#keyfile', M.files[0]);
  await other.page.getByRole('button', { name: 'Chuyển sang khoá này' }).click();
  await other.page.waitForSelector('#member-state.c-ok');
  assert.match(await text(other.page, 'member-state'), /Phạm Văn Hùng \(thành viên số 1\)/);
  await other.ctx.close();
  clean();
});

test('2. slips: attendance confirmed, batches that add up, a leave-page warning, clearing confirmed, a slip cancelled and replaced', { timeout: 180000 }, async () => {
  const chair = M.chair;
  await c.shown(chair, 's-attendance');
  // Below the quorum: asked first, and "Huỷ" signs nothing.
  await chair.fill('#present', '5');
  await chair.getByRole('button', { name: 'Ký và ghi nhận điểm danh' }).click();
  await c.shown(chair, 'att-confirm');
  assert.match(await text(chair, 'att-confirm-text'), /Có mặt 5\/9 là dưới 2\/3 \(cần ít nhất 6\)/);
  await shots(chair, '06-attendance-short', 'att-confirm');
  await chair.getByRole('button', { name: 'Huỷ' }).click();
  assert.equal((await c.http(`${server.url}/api/elections/${M.id}`, 'GET')).present, null);
  await chair.fill('#present', '7');
  await chair.getByRole('button', { name: 'Ký và ghi nhận điểm danh' }).click();
  await c.noteWith(chair, 'att-msg', 'c-ok');
  await chair.waitForSelector('#fig-present:text-is("7")');
  // Signing again asks too.
  await chair.fill('#present', '6');
  await chair.getByRole('button', { name: 'Ký và ghi nhận điểm danh' }).click();
  await c.shown(chair, 'att-confirm');
  assert.match(await text(chair, 'att-confirm-text'), /^Đã ghi nhận có mặt 7\. Ghi nhận lại thành 6\?/);
  await chair.getByRole('button', { name: 'Huỷ' }).click();
  assert.equal((await c.http(`${server.url}/api/elections/${M.id}`, 'GET')).present, 7);

  // A first batch of 2, then 1 more: the page holds all 3, unprinted.
  await chair.fill('#sheet-count', '2');
  const make = chair.getByRole('button', { name: 'Tạo, ký và phát hành phiếu mã' });
  await make.click(); // the loopback address is flagged first
  await c.noteWith(chair, 'sheet-msg', 'c-bad');
  await make.click();
  await c.shown(chair, 'sheet-box', 60000);
  await chair.waitForFunction(() => document.querySelectorAll('#sheet-preview .c-slip').length === 2);
  await chair.fill('#sheet-count', '1');
  await make.click();
  await chair.waitForFunction(() => document.querySelectorAll('#sheet-preview .c-slip').length === 3, null, { timeout: 60000 });
  assert.match(await c.noteWith(chair, 'sheet-msg', 'c-ok'), /^Đã phát hành thêm 1 phiếu mã; trên trang có 3 phiếu chưa in/);
  const slips = await chair.evaluate(() => [...document.querySelectorAll('#sheet-preview .c-slip')].map((s) => ({
    n: Number(s.dataset.slip), url: s.querySelector('.c-slip-url').textContent, text: s.textContent,
  })));
  assert.deepEqual(slips.map((x) => x.n), [1, 2, 3]);
  for (const x of slips) assert.ok(!/must match|Scan to open|One use only/.test(x.text), 'no English on a printed slip');
  M.slips = slips;
  await shots(chair, '07-two-batches', 'sheet-msg');
  await printedSlips(await chair.evaluate(() => document.querySelector('#sheet-preview .c-sheet').outerHTML));
  // Leaving the page with unprinted slips: the browser asks.
  const dialog = new Promise((resolve) => chair.once('dialog', async (d) => { resolve(d.type()); await d.dismiss(); }));
  await chair.close({ runBeforeUnload: true });
  assert.equal(await dialog, 'beforeunload');
  assert.equal(chair.isClosed(), false, 'the member stayed on the page');
  // Clearing asks; "Giữ lại" keeps them.
  await chair.getByRole('button', { name: 'Xoá phiếu mã khỏi trang' }).click();
  await c.shown(chair, 'sheet-clear-confirm');
  assert.match(await text(chair, 'sheet-clear-text'), /^3 phiếu mã trên trang CHƯA được xác nhận là đã in/);
  await shots(chair, '08-clear-unprinted', 'sheet-clear-confirm');
  await chair.getByRole('button', { name: 'Giữ lại' }).click();
  assert.equal(await chair.locator('#sheet-preview .c-slip').count(), 3);
  // Printed (and said so), then cleared.
  await printDialogCancelled(chair);
  await chair.getByRole('button', { name: 'In phiếu mã (A4)' }).click();
  await chair.getByRole('button', { name: 'Đã in xong phiếu mã' }).click();
  await chair.getByRole('button', { name: 'Xoá phiếu mã khỏi trang' }).click();
  await chair.getByRole('button', { name: 'Xoá hẳn khỏi trang' }).click();
  assert.equal(await chair.locator('#sheet-preview .c-slip').count(), 0);

  // Slip no. 2 was torn: cancelled by its number, then replaced.
  await c.shown(chair, 's-cancel');
  await chair.getByRole('button', { name: 'Xem các phiếu mã chưa dùng' }).click();
  await c.shown(chair, 'cancel-box');
  const listed = await chair.evaluate(() => [...document.querySelectorAll('#cancel-list input')].map((i) => Number(i.value)));
  assert.deepEqual(listed, [1, 2, 3]);
  await chair.getByLabel('Phiếu số 2', { exact: true }).check();
  await chair.getByRole('button', { name: 'Huỷ các phiếu đã chọn' }).click();
  await c.shown(chair, 'cancel-confirm');
  assert.match(await text(chair, 'cancel-confirm-text'), /^Huỷ 1 phiếu mã số 2\?/);
  await shots(chair, '09-cancel-confirm', 'cancel-confirm');
  await a11y(chair, 'cancelling a slip');
  await chair.getByRole('button', { name: 'Ký và huỷ' }).click();
  const done = await c.noteWith(chair, 'cancel-msg', 'c-ok');
  assert.match(done, /^Đã huỷ phiếu số 2\. Có thể tạo 5 phiếu mã thay thế/);
  await chair.waitForSelector('#fig-cancelled:text-is("1")');
  assert.match(await text(chair, 'cancel-counts'), /^Đã phát 2 phiếu mã còn hiệu lực · đã huỷ 1 · đã thu vào 0/);
  const v = await c.http(`${server.url}/api/elections/${M.id}`, 'GET');
  assert.equal(v.cancelled, 1);
  assert.equal(v.issued, 2);
  await shots(chair, '10-cancelled', 'cancel-msg');
  // Replacements within the attendance, numbered on from the last slip.
  assert.equal(await chair.inputValue('#sheet-count'), '5');
  await chair.fill('#sheet-count', '2');
  await make.click();
  await chair.waitForFunction(() => document.querySelectorAll('#sheet-preview .c-slip').length === 2, null, { timeout: 60000 });
  assert.deepEqual(await chair.evaluate(() => [...document.querySelectorAll('#sheet-preview .c-slip')].map((s) => Number(s.dataset.slip))), [4, 5]);
  await chair.getByRole('button', { name: 'In phiếu mã (A4)' }).click();
  await chair.getByRole('button', { name: 'Đã in xong phiếu mã' }).click();
  // Opening: the printed slips leave the screen during voting.
  await chair.getByRole('button', { name: 'Ký và mở bỏ phiếu' }).click();
  await c.phase(chair, 'voting');
  await chair.waitForSelector('#sheet-preview', { state: 'hidden' });
  await shots(chair, '11-voting-printed-hidden', 's-sheet');
  // A member who needs them again shows them with a button, and hides them.
  await chair.getByRole('button', { name: 'Hiện lại phiếu mã đã in' }).click();
  await chair.waitForFunction(() => document.querySelectorAll('#sheet-preview .c-slip').length === 2);
  await chair.getByRole('button', { name: 'Ẩn phiếu mã khỏi màn hình' }).click();
  await chair.waitForSelector('#sheet-preview', { state: 'hidden' });
  assert.equal(await chair.locator('#sheet-preview .c-slip').count(), 0, 'hidden slips leave the DOM');

  // The list is read, then slip no. 3 votes before the member presses:
  // the server refuses the cancel, naming the slip, in its words.
  await chair.getByRole('button', { name: 'Xem các phiếu mã chưa dùng' }).click();
  await chair.waitForFunction(() => [...document.querySelectorAll('#cancel-list input')].map((i) => i.value).join(',') === '1,3,4,5');
  const voter = await session('voter');
  await c.voterCasts(voter.page, slips[2].url, ['high', 'low']);
  await voter.ctx.close();
  await chair.getByLabel('Phiếu số 3', { exact: true }).check();
  await chair.getByRole('button', { name: 'Huỷ các phiếu đã chọn' }).click();
  await chair.getByRole('button', { name: 'Ký và huỷ' }).click();
  const refused = await c.noteWith(chair, 'cancel-msg', 'c-bad');
  assert.match(refused, /3|phiếu/i);
  assert.match(refused, /\(.+\)$/, 'the server\'s English beside its Vietnamese');
  await chair.waitForFunction(() => [...document.querySelectorAll('#cancel-list input')].map((i) => i.value).join(',') === '1,4,5');
  await shots(chair, '12-cancel-refused', 'cancel-msg');
  // The torn slip's voter is refused by the server.
  const torn = await session('voter-torn');
  torn.watcher.allow((x) => x.kind === 'console' && /status of 403/.test(x.text));
  await torn.page.goto(slips[1].url);
  await c.shown(torn.page, 's-ballot');
  await torn.page.locator('#cand-0 .v-level[data-level="high"]').tap();
  await torn.page.locator('#cand-1 .v-level[data-level="high"]').tap();
  await torn.page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.sealAndSend(torn.page);
  await torn.page.waitForFunction(() => /huỷ/i.test(document.body.innerText), null, { timeout: 30000 });
  await torn.ctx.close();
  clean();
});
