// The threshold counting committee in the browser (issue 12), against a
// real `tinnhiem serve`: a vote created with the server's default threshold
// (2 of 3); three members, each in a browser session of its own (two
// phones, one desktop at 1366 px), make and enroll their keys, and their
// pages run the key ceremony by themselves. The third member's tab is
// closed mid-way, after its dealing and before its shares_ok, and the
// member comes back in a new session: another member's key file is
// refused at once, its own key file picks the ceremony up where it
// stopped, and the election key follows. Two voters cast; the second
// member is absent at the count; the first and the third decrypt, the page
// saying how many more are needed until two have; the third publishes the
// result, which equals the marks and `tinnhiem verify --json` on the log.
// Screenshots: target/e2e-screenshots/threshold-*.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as c from './lib-console.mjs';

const CANDIDATES = [
  { name: 'Nguyễn Văn An', position: 'Giám đốc Sở' },
  { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' },
];
const COMMITTEE = ['Phạm Văn Hùng', 'Đỗ Thị Mai', 'Vũ Minh Tuấn'];
const MARKS = [['high', 'low'], ['confidence', 'low']];
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };

let server;
let browser;
let dir;
const M = {};
const problems = [];

before(async () => {
  server = await c.startServer();
  browser = await c.launch();
  dir = await mkdtemp(path.join(tmpdir(), 'tinnhiem-threshold-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/// A watched page in a browser session (context) of its own. Once
/// `leaving()` is called (the tab is about to close), the requests cut off
/// by the closing are not problems.
async function session(name, options = c.PHONE) {
  const ctx = await c.context(browser, options);
  const page = await ctx.newPage();
  const watcher = c.watch(page, problems, name);
  let left = false;
  watcher.allow((x) => left && (x.kind === 'requestfailed' || (x.kind === 'console' && /ERR_FAILED|ERR_ABORTED/.test(x.text))));
  const leaving = () => { left = true; };
  return { ctx, page, watcher, leaving, close: async () => { leaving(); await ctx.close(); } };
}

async function view() {
  return (await fetch(`${server.url}/api/elections/${M.id}`)).json();
}

/// Waits until the server's view satisfies `ok`.
async function until(ok, what, timeout = 60000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await view();
    if (ok(v)) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v.ceremony)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function text(page, id) {
  return (await page.locator(`#${id}`).textContent()).trim();
}

/// Waits until the element `id` says `want` (its whole text, both
/// languages); on a timeout, fails with what it says instead.
async function says(page, id, want, timeout = 30000) {
  try {
    await page.waitForFunction(([i, w]) => document.getElementById(i)?.textContent.trim() === w, [id, want], { timeout });
  } catch (e) {
    assert.equal(await text(page, id), want, `#${id} after ${timeout} ms`);
    throw e;
  }
}

async function a11y(page, where) {
  assert.deepEqual(await c.accessibilityProblems(page, { minTarget: 44, minContrast: 7 }), [], `accessibility problems on ${where}`);
  assert.deepEqual(await c.overflowing(page), [], `${where}: nothing wider than the screen`);
}

function clean() {
  assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
}

test('a vote made with the default threshold needs 2 of its 3 members', async () => {
  const { token } = await c.http(`${server.url}/api/login`, 'POST', { password: c.PASSWORD });
  const created = await c.http(`${server.url}/api/elections`, 'POST', {
    title: 'Lấy phiếu tín nhiệm năm 2026', unit: 'Sở Y tế tỉnh Nam Định', date: '2026-11-28',
    candidates: CANDIDATES, summoned: 3, committee: COMMITTEE,
  }, token);
  M.id = created.id;
  M.codes = created.trustee_codes;
  await c.http(`${server.url}/api/elections/${M.id}/seal`, 'POST', undefined, token);
  const v = await view();
  assert.equal(v.threshold, 2);
  assert.deepEqual(v.ceremony.dealt, [false, false, false]);
});

test('three members in three sessions run the ceremony; the third closes its tab after dealing and resumes from its key file', { timeout: 240000 }, async () => {
  M.members = [];
  M.keyFiles = [];
  for (const i of [0, 1]) {
    const s = await session(`member${i}`, i === 1 ? DESKTOP : c.PHONE);
    await c.memberOpens(s.page, server.url, M.id);
    const file = await c.memberEnrolls(s.page, i, M.codes[i], dir, {
      shotName: i === 0 ? 'threshold-01-keycard' : undefined,
      // The key card says how many members decrypt.
      onCard: async (page) => assert.ok((await text(page, 'keycard')).includes('Giải mã kết quả cần 2 trên 3 thành viên Ban kiểm phiếu.')),
    });
    assert.equal(JSON.parse(await readFile(file, 'utf8')).threshold, 2);
    M.members.push(s);
    M.keyFiles.push(file);
  }
  // The first two wait for the third one's key.
  const first = M.members[0].page;
  await says(first, 'cer-msg', 'Đang chờ thành viên 3 đăng ký khoá (waiting for member 3\'s key)');
  assert.equal(await text(first, 'cer-threshold'), 'Giải mã kết quả cần 2 trên 3 thành viên Ban kiểm phiếu.');

  // The third member enrolls and deals; its page is closed the moment it
  // would confirm its shares (the confirmation never reaches the server).
  const third = await session('member2');
  let confirmTried;
  const tried = new Promise((resolve) => { confirmTried = resolve; });
  await third.ctx.route('**/shares_ok', (route) => {
    third.leaving();
    confirmTried();
    return route.abort();
  });
  await c.memberOpens(third.page, server.url, M.id);
  M.keyFiles.push(await c.memberEnrolls(third.page, 2, M.codes[2], dir));
  await tried;
  await third.close();
  let v = await until((x) => x.ceremony.shares_ok[0] && x.ceremony.shares_ok[1], 'the first two confirmations');
  assert.deepEqual(v.ceremony.dealt, [true, true, true]);
  assert.deepEqual(v.ceremony.shares_ok, [true, true, false]);
  assert.ok(!v.election_key, 'no election key without the third confirmation');
  for (const { page } of M.members) {
    await says(page, 'cer-msg', 'Đang chờ thành viên 3 xác nhận (waiting for member 3\'s confirmation)');
  }
  await first.waitForSelector('#cer-list li[data-member="2"][data-dealt=yes][data-shares-ok=no]');
  await c.shot(first, 'threshold-02-ceremony-wait');
  await a11y(first, 'the ceremony, waiting');
  await c.shot(M.members[1].page, 'threshold-02-ceremony-wait-1366');
  await a11y(M.members[1].page, 'the ceremony at 1366 px');

  // Back in a new session. Another member's key, in a file that says it is
  // member 3's, is refused at once, in Vietnamese (English beside).
  const back = await session('member2-back');
  await c.memberOpens(back.page, server.url, M.id);
  const other = JSON.parse(await readFile(M.keyFiles[1], 'utf8'));
  const wrong = path.join(dir, 'wrong.json');
  await writeFile(wrong, JSON.stringify({ ...other, member: 2, public: undefined }));
  await back.page.setInputFiles('#keyfile', wrong);
  assert.equal(await c.noteWith(back.page, 'member-msg', 'c-bad'), 'Khoá không khớp với khoá đã đăng ký — kiểm tra lại từng ký tự (The key does not match the enrolled key — check each character)');
  assert.equal(await back.page.locator('#member-state.c-ok').count(), 0, 'the key is not in use');
  // Its own key file: the page picks up where it stopped.
  await c.memberLoadsKey(back.page, M.keyFiles[2]);
  const done = /^Đã có khoá chung của Ban kiểm phiếu; giải mã cần 2 trên 3 thành viên \(the committee's election key is in; decryption needs 2 of 3 members\)$/;
  assert.match(await c.noteWith(back.page, 'cer-msg', 'c-ok', 60000), done);
  v = await view();
  assert.ok(v.election_key, 'the election key follows the third confirmation');
  assert.deepEqual(v.ceremony.shares_ok, [true, true, true]);
  assert.deepEqual(v.ceremony.qualified, [0, 1, 2]);
  assert.equal(v.ceremony.too_few_qualified, false);
  await c.shot(back.page, 'threshold-03-resumed');
  for (const { page } of M.members) assert.match(await c.noteWith(page, 'cer-msg', 'c-ok', 30000), done);
  await c.shot(M.members[1].page, 'threshold-03-ceremony-done-1366');
  M.third = back;
  // The log holds one dealing and one confirmation per member, no complaint.
  const log = await (await fetch(`${server.url}/api/elections/${M.id}/log`)).text();
  const kinds = log.trim().split('\n').map((l) => JSON.parse(l).kind);
  for (const k of ['dealing', 'shares_ok']) assert.equal(kinds.filter((x) => x === k).length, 3, k);
  assert.equal(kinds.filter((x) => x === 'complaint').length, 0);
  for (const f of M.keyFiles) assert.ok(!log.includes(JSON.parse(await readFile(f, 'utf8')).key), 'no secret key in the log');
  clean();
});

test('two voters cast; with the second member absent, the first and the third decrypt and the third publishes the result', { timeout: 240000 }, async () => {
  const chair = M.members[0].page;
  // Attendance, the slips made in the browser, the opening.
  await c.shown(chair, 's-attendance');
  await chair.fill('#present', '2');
  await chair.getByRole('button', { name: 'Ký và ghi nhận điểm danh' }).click();
  await c.noteWith(chair, 'att-msg', 'c-ok');
  await c.shown(chair, 's-sheet');
  await chair.waitForSelector('#fig-present:text-is("2")');
  const make = chair.getByRole('button', { name: 'Tạo, ký và phát hành phiếu mã' });
  await make.click(); // the loopback address is flagged first
  await c.noteWith(chair, 'sheet-msg', 'c-bad');
  await make.click();
  await c.shown(chair, 'sheet-box', 60000);
  const urls = await chair.evaluate(() => [...document.querySelectorAll('#sheet-preview .c-slip-url')].map((u) => u.textContent));
  assert.equal(urls.length, 2);
  await chair.getByRole('button', { name: 'Xoá phiếu mã khỏi trang' }).click();
  await chair.getByRole('button', { name: 'Xoá hẳn khỏi trang' }).click();
  await chair.getByRole('button', { name: 'Ký và mở bỏ phiếu' }).click();
  await c.phase(chair, 'voting');
  for (const [i, marks] of MARKS.entries()) {
    const voter = await session(`voter${i}`);
    await c.voterCasts(voter.page, urls[i], marks);
    await voter.close();
  }
  await chair.waitForSelector('#live-returned:text-is("2")', { timeout: 10000 });
  // The second member is not at the count.
  await M.members[1].close();
  await chair.getByRole('button', { name: 'Kết thúc bỏ phiếu' }).click();
  await chair.getByRole('button', { name: 'Ký và kết thúc' }).click();
  await c.phase(chair, 'closed');
  const third = M.third.page;
  await c.phase(third, 'closed');
  assert.equal(await text(third, 'decrypt-need'), 'Cần thêm 2 thành viên giải mã — đã có 0, cần 2 trên 3 (2 more needed — 0 decrypted, 2 of 3 needed)');
  // The third member decrypts first: one more is needed, everyone is told.
  await third.getByRole('button', { name: 'Giải mã phần của tôi' }).click();
  await third.waitForSelector('#decrypt-list li[data-member="2"] .c-ok', { timeout: 60000 });
  const more = 'Cần thêm 1 thành viên giải mã — đã có 1, cần 2 trên 3 (1 more needed — 1 decrypted, 2 of 3 needed)';
  await says(chair, 'decrypt-need', more, 10000);
  assert.equal(await text(third, 'decrypt-need'), more);
  assert.ok(await third.locator('#publish-box').isHidden(), 'no result before two have decrypted');
  assert.ok(await third.locator('#decrypt').isHidden(), 'the third member has decrypted');
  await c.shot(chair, 'threshold-04-decrypt-more');
  await a11y(chair, 'the count, one more needed');
  await chair.setViewportSize({ width: 1366, height: 900 });
  await c.shot(chair, 'threshold-04-decrypt-more-1366');
  await chair.setViewportSize(c.PHONE.viewport);
  // The first decrypts: enough.
  await chair.getByRole('button', { name: 'Giải mã phần của tôi' }).click();
  await chair.waitForSelector('#decrypt-list li[data-member="0"] .c-ok', { timeout: 60000 });
  await third.waitForSelector('#decrypt-need.c-ok', { timeout: 10000 });
  assert.equal(await text(third, 'decrypt-need'), 'Đã đủ 2 thành viên giải mã, cần 2 trên 3: có thể công bố kết quả (2 members decrypted, 2 of 3 needed: the result can be published)');
  const v = await view();
  assert.deepEqual(v.decrypted_by, [true, false, true]);
  assert.equal(v.decryptions_needed, 0);
  // Any member publishes: the third.
  await c.shown(third, 'publish-box', 10000);
  await c.shot(third, 'threshold-05-enough');
  await third.getByRole('button', { name: 'Kiểm nhật ký, ký và công bố kết quả' }).click();
  await c.phase(third, 'done');
  await third.waitForSelector('#result-table table.c-result', { timeout: 60000 });
  const table = await c.tableOf(third, '#result-table');
  await c.shot(third, 'threshold-06-result');
  // The result is the marks, and what `tinnhiem verify` finds in the log.
  const logFile = path.join(dir, 'log.jsonl');
  await writeFile(logFile, await (await fetch(`${server.url}/api/elections/${M.id}/log`)).text());
  const cli = JSON.parse(await c.cli(['verify', '--json', logFile]));
  assert.deepEqual(table, cli.candidates);
  for (const [j, cand] of CANDIDATES.entries()) {
    assert.equal(cli.candidates[j].name, cand.name);
    for (const level of ['high', 'confidence', 'low']) {
      assert.equal(cli.candidates[j][level].count, MARKS.filter((m) => m[j] === level).length, `${cand.name} ${level}`);
    }
  }
  const kinds = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).kind);
  assert.equal(kinds.filter((k) => k === 'decryption').length, 2);
  await c.phase(chair, 'done');
  clean();
});
