// The voter's side of the walk-through of a whole meeting (a long title, six
// leaders with Vietnamese names, phones at 360 and 390 px and a 1366 px
// laptop), against a real `tinnhiem serve`:
// - the first leader is on the first screen at 360 x 640 and the sticky
//   "Xem lại phiếu" bar never covers a name; no screen scrolls sideways;
//   text boxes use the page's font (a monospace one stacks Vietnamese marks);
// - a signed ballot's receipt names the declared name, the warning does not
//   read "AI" (the English acronym), the receipt is a file to keep
//   (bien-nhan-XXXX-XXXX.json), not a link to raw JSON;
// - an all-blank ballot is not told that "the rest still counts";
// - on a slow network the loading screen shows its steps and the bytes of
//   the module as they arrive;
// - the server's refusals are shown in its own Vietnamese and English words
//   (the `cancelled` code of a slip the committee cancelled), and an old
//   message does not stay when the situation changes;
// - after the committee publishes, the voter reloads the page, follows
//   "Xem kết quả" and sees the table (R11); on a laptop the names keep two
//   lines at most and the 9.3 pill one line.
// Screenshots at 360 px and 1366 px of each screen go to
// target/e2e-screenshots/voter-r-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as c from './lib-console.mjs';

const h = c;
const TITLE = 'Lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân tỉnh bầu năm 2026';
const UNIT = 'Hội đồng nhân dân tỉnh Quảng Ngãi khoá XIII';
const CANDIDATES = [
  { name: 'Nguyễn Thị Phương Thảo', position: 'Chủ tịch Hội đồng nhân dân tỉnh' },
  { name: 'Trần Quốc Hưng', position: 'Phó Chủ tịch Thường trực Hội đồng nhân dân tỉnh' },
  { name: 'Lê Hoàng Yến', position: 'Chủ tịch Ủy ban nhân dân tỉnh' },
  { name: 'Phạm Đức Thắng', position: 'Phó Chủ tịch Ủy ban nhân dân tỉnh' },
  { name: 'Võ Thị Ngọc Ánh', position: 'Trưởng Ban Pháp chế Hội đồng nhân dân tỉnh' },
  { name: 'Đặng Văn Khoa', position: 'Chánh Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh' },
];
const SIGNER = 'Nguyễn Thị Hồng Nhung';
// Who votes how (null: left blank). Khoa gets 3 low of 4 returned: 9.3.
const MARKS = {
  signed: ['high', 'confidence', 'low', 'confidence', 'high', 'low'],
  blank: [null, null, null, null, null, null],
  slow: ['confidence', 'high', 'low', 'high', 'confidence', 'low'],
  laptop: ['high', 'high', 'confidence', 'low', 'high', 'low'],
};
// The server's refusal of a ballot whose slip the committee cancelled
// (crates/server/src/http/error.rs, `DomainError::Cancelled`).
const CANCELLED = {
  error: 'cancelled',
  message: 'Phiếu mã này đã bị Ban kiểm phiếu huỷ; xin Ban kiểm phiếu phát phiếu mã khác.',
  message_en: 'this credential was cancelled by the counting committee',
};
const LAPTOP = { viewport: { width: 1366, height: 768 }, locale: 'vi-VN' };
const PHONE_390 = { ...h.PHONE, viewport: { width: 390, height: 844 } };

let server;
let meeting;
let browser;
const phones = {};
const receipts = {};

before(async () => {
  server = await h.startServer();
  meeting = await h.setUpMeeting(server, {
    title: TITLE, unit: UNIT, candidates: CANDIDATES, summoned: 9, present: 7, credentials: 7,
    committee: ['Hoàng Minh Tuấn', 'Bùi Thị Lan', 'Đỗ Văn Sơn'],
  });
  browser = await h.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function phone(name, problems, options = h.PHONE) {
  const context = await c.context(browser, options);
  const page = await context.newPage();
  const watcher = h.watch(page, problems, name);
  phones[name] = { context, page };
  return { context, page, watcher };
}

async function screen(page, name, timeout = 30000) {
  await page.waitForSelector(`#s-${name}:not([hidden])`, { timeout });
}

async function mark(page, marks) {
  for (const [i, level] of marks.entries()) {
    if (level) await page.locator(`#cand-${i} .v-level[data-level="${level}"]`).click();
  }
}

/// What the screen shows now at its own size, then the same page at
/// 1366 x 768 (a laptop), then back.
async function shots(page, name) {
  const size = page.viewportSize();
  await h.shot(page, `voter-r-${name}-${size.width}`);
  await page.setViewportSize(LAPTOP.viewport);
  assert.deepEqual(await sideways(page), [], `${name} at 1366 px`);
  await h.shot(page, `voter-r-${name}-1366`);
  await page.setViewportSize(size);
}

/// What sticks out of the screen sideways (the page scrolls then): the
/// document's width and every visible element whose right edge is beyond
/// the viewport. Empty when nothing does.
async function sideways(page) {
  return page.evaluate(() => {
    const out = [];
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > w) out.push(`the page is ${document.documentElement.scrollWidth}px wide in ${w}px`);
    for (const el of document.querySelectorAll('main *')) {
      if (el.closest('[hidden]') || el.closest('.c-scroll')) continue;
      const r = el.getBoundingClientRect();
      if (r.width && r.right > w + 0.5) out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ends at ${Math.round(r.right)}px`);
    }
    return out;
  });
}

/// Text boxes in a monospace font: every text box must use the page's font.
async function monospaceBoxes(page) {
  return page.evaluate(() => {
    const body = getComputedStyle(document.body).fontFamily;
    return [...document.querySelectorAll('input:not([type=radio]):not([type=checkbox]), textarea')]
      .filter((el) => getComputedStyle(el).fontFamily !== body || /mono/i.test(getComputedStyle(el).fontFamily))
      .map((el) => `#${el.id}: ${getComputedStyle(el).fontFamily}`);
  });
}

/// The sticky bar's top and the rectangles of what must stay clear of it.
async function clearOfBar(page, selector) {
  return page.evaluate((selector) => {
    const bar = document.querySelector('.v-actionbar').getBoundingClientRect();
    const el = document.querySelector(selector).getBoundingClientRect();
    return { barTop: bar.top, top: el.top, bottom: el.bottom, height: window.innerHeight };
  }, selector);
}

async function a11y(page, where) {
  assert.deepEqual(await h.accessibilityProblems(page, { minTarget: 48, minContrast: 7 }), [], `accessibility problems on ${where}`);
}

function clean(problems) {
  assert.deepEqual(problems, [], 'console errors, page errors or unexpected failed requests');
}

test('at 360 x 640 with a long title the first leader is on the first screen, clear of the sticky bar; no sideways scroll; text boxes in the page font', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('signed', problems);
  await page.goto(meeting.voterUrls[0]);
  await screen(page, 'ballot');
  assert.equal(await page.locator('#title').textContent(), TITLE);
  // The first screen, as it opens: the first leader's name and position
  // are on it, above the sticky bar.
  const first = await clearOfBar(page, '#cand-0 legend');
  assert.ok(first.top >= 0 && first.bottom <= first.barTop, `the first leader's name (${first.top}-${first.bottom}px) is above the bar (${first.barTop}px)`);
  assert.ok(first.barTop < first.height, 'the bar is on the screen');
  assert.deepEqual(await sideways(page), []);
  assert.deepEqual(await monospaceBoxes(page), []);
  await shots(page, 'ballot');
  // Going down with the keyboard, each level tile reached stays clear of the
  // bar (the page scrolls the focused control above it).
  await page.locator('#cand-0 input').first().focus();
  for (let i = 0; i < CANDIDATES.length; i++) {
    await page.locator(`#cand-${i} input`).first().focus();
    const name = await clearOfBar(page, `#cand-${i} legend`);
    assert.ok(name.bottom <= name.barTop + 0.5, `candidate ${i + 1}'s name (bottom ${name.bottom}px) is above the bar (${name.barTop}px)`);
    const r = await clearOfBar(page, `#cand-${i} .v-level`);
    assert.ok(r.bottom <= r.barTop + 0.5, `candidate ${i + 1}'s first level (bottom ${r.bottom}px) is above the bar (${r.barTop}px)`);
  }
  // At the end of the page the bar sits after the last leader.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const last = await clearOfBar(page, `#cand-${CANDIDATES.length - 1}`);
  assert.ok(last.bottom <= last.barTop + 0.5, `the last leader (bottom ${last.bottom}px) is above the bar (${last.barTop}px)`);
  clean(problems);
});

test('a signed ballot: the warning says "mọi người sẽ biết bạn đã bỏ phiếu", the receipt names the declared name and is saved as bien-nhan-….json', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = phones.signed;
  h.watch(page, problems, 'signed-2');
  await mark(page, MARKS.signed);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  // One marker per line: the number the page writes, no bullet beside it.
  const markers = await page.evaluate(() => [...document.querySelectorAll('#review-list li')].map((li) => ({
    list: getComputedStyle(li).listStyleType,
    before: getComputedStyle(li.querySelector('.v-review-who'), '::before').content,
  })));
  assert.equal(markers.length, CANDIDATES.length);
  for (const m of markers) {
    assert.equal(m.list, 'none', 'no list marker beside the number');
    assert.match(m.before, /counter|\d/, 'the number is the one marker');
  }
  const warning = await page.locator('#sign-warning').textContent();
  assert.ok(warning.includes('mọi người sẽ biết bạn đã bỏ phiếu'), warning);
  assert.ok(!/\bAI\b/.test(warning), `no "AI" to read as the English acronym: ${warning}`);
  // A refusal of an empty name is not left on the screen after "Sửa lại".
  await page.locator('#sign').check();
  await page.getByRole('button', { name: 'Mã hoá phiếu' }).click();
  assert.equal(await page.locator('#sign-error').textContent(), 'Hãy nhập họ và tên, hoặc bỏ chọn ô ký tên.');
  await page.getByRole('button', { name: 'Sửa lại' }).click();
  await screen(page, 'ballot');
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  assert.equal(await page.locator('#sign-error').textContent(), '', 'the old refusal is gone');
  assert.equal(await page.locator('#sign-error').isVisible(), false);
  await page.locator('#signed-by').fill(SIGNER);
  assert.deepEqual(await monospaceBoxes(page), []);
  await shots(page, 'review-signed');
  await c.sealAndSend(page, { press: 'click' });
  await screen(page, 'receipt');
  const code = (await page.locator('#r-code').textContent()).trim();
  assert.equal(await page.locator('#r-signed').textContent(), `Phiếu có ký tên: ${SIGNER}`);
  // The receipt links no raw JSON; it offers a file with a clear name.
  assert.equal(await page.locator('#s-receipt a[href*="/api/"]').count(), 0, 'no link to the API on the receipt');
  assert.ok((await page.locator('#r-save-help').textContent()).includes(`bien-nhan-${code}.json`));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lưu biên nhận về máy' }).click()]);
  assert.equal(download.suggestedFilename(), `bien-nhan-${code}.json`);
  const file = JSON.parse(await readFile(await download.path(), 'utf8'));
  const tracked = await (await fetch(`${meeting.url}/api/elections/${meeting.id}/tracking/${code}`)).json();
  assert.equal(file.election, meeting.id);
  assert.equal(file.tracking, code);
  assert.equal(file.seq, tracked.seq);
  assert.equal(file.entry_hash, tracked.entry_hash);
  assert.equal(file.signed_by, SIGNER);
  assert.ok(!/"(high|confidence|low)"/.test(JSON.stringify(file)), 'no choice in the receipt file');
  // The log's line at the receipt's place declares the same name.
  const [line] = (await (await fetch(`${meeting.url}/api/elections/${meeting.id}/log?from=${tracked.seq}&to=${tracked.seq + 1}`)).text()).trim().split('\n');
  assert.equal(JSON.parse(line).body.signed_by, SIGNER);
  // Voting is still open: no result to see yet.
  assert.equal(await page.locator('#r-results').isHidden(), true);
  assert.equal(await page.getByRole('link', { name: 'Xem kết quả' }).count(), 0);
  await a11y(page, 'the signed receipt');
  await shots(page, 'receipt-signed');
  await page.locator('#lang').click();
  assert.equal(await page.locator('#r-signed').textContent(), `Signed ballot: ${SIGNER}`);
  await page.locator('#lang').click();
  receipts.signed = code;
  clean(problems);
});

test('an all-blank ballot is told it counts for no one, not that "the rest still counts"', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('blank', problems);
  await page.goto(meeting.voterUrls[1]);
  await screen(page, 'ballot');
  // One leader left blank: the ordinary warning.
  await mark(page, ['high']);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  assert.ok((await page.locator('#review-empty').textContent()).includes('phần còn lại vẫn được tính'));
  // All blank: nothing remains to count.
  await page.getByRole('button', { name: 'Sửa lại' }).click();
  await screen(page, 'ballot');
  await page.locator('#cand-0 .v-clear').click();
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  const warning = await page.locator('#review-empty').textContent();
  assert.ok(warning.includes(`Bạn để trống cả ${CANDIDATES.length} người`) && warning.includes('không tính cho ai'), warning);
  assert.ok(!warning.includes('phần còn lại'), warning);
  await page.locator('#lang').click();
  const en = await page.locator('#review-empty').textContent();
  assert.ok(en.includes('counts for no one') && !en.includes('the rest'), en);
  await page.locator('#lang').click();
  await shots(page, 'review-all-blank');
  await c.sealAndSend(page, { press: 'click' });
  await screen(page, 'receipt');
  assert.equal(await page.locator('#r-signed').textContent(), 'Phiếu không ký tên (ẩn danh).');
  clean(problems);
});

test('the tracking-code lookup does not scroll sideways at 390 px: the long hash wraps', { timeout: 60000 }, async () => {
  const problems = [];
  const { page } = await phone('lookup', problems, PHONE_390);
  await page.goto(`${meeting.url}/v/${meeting.id}#track=${receipts.signed}`);
  await screen(page, 'lookup');
  await page.waitForSelector('#lookup-result.v-note-ok', { timeout: 10000 });
  const tracked = await (await fetch(`${meeting.url}/api/elections/${meeting.id}/tracking/${receipts.signed}`)).json();
  assert.ok((await page.locator('#lookup-result').textContent()).includes(tracked.entry_hash));
  assert.deepEqual(await sideways(page), []);
  assert.deepEqual(await monospaceBoxes(page), []);
  await a11y(page, 'the lookup');
  await shots(page, 'lookup');
  await page.setViewportSize(h.PHONE.viewport);
  assert.deepEqual(await sideways(page), [], 'at 360 px');
  await h.shot(page, 'voter-r-lookup-360');
  clean(problems);
});

test('on a slow network the loading screen shows its steps and the module\'s bytes as they arrive, then the ballot', { timeout: 180000 }, async () => {
  const problems = [];
  const { context, page } = await phone('slow', problems);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // About "slow 3G": 400 ms, 50 KB/s down.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50 * 1024, uploadThroughput: 25 * 1024 });
  await page.goto(meeting.voterUrls[2], { waitUntil: 'commit' });
  // While the module downloads: the steps, the first one under way, and a
  // growing count of kilobytes.
  await page.waitForFunction(() => /\d+ KB/.test(document.querySelector('#loading-kb')?.textContent || ''), null, { timeout: 30000 });
  const during = await page.evaluate(() => ({
    visible: !document.querySelector('#s-loading').hidden,
    steps: [...document.querySelectorAll('#loading-steps li')].map((li) => [li.dataset.step, li.dataset.state, li.textContent.trim()]),
    bar: document.querySelector('#loading-bar').getBoundingClientRect().height > 0,
    markers: [...document.querySelectorAll('#loading-steps li')].map((li) => getComputedStyle(li).listStyleType),
  }));
  assert.deepEqual(during.markers, ['none', 'none', 'none'], 'one marker per step: its state');
  assert.equal(during.visible, true);
  assert.equal(during.bar, true, 'the progress bar is shown');
  assert.deepEqual(during.steps.map(([s, st]) => [s, st]), [['module', 'now'], ['election', 'todo'], ['check', 'todo']]);
  assert.ok(during.steps[0][2].startsWith('Tải phần mã hoá phiếu'), during.steps[0][2]);
  const kb1 = Number((await page.locator('#loading-kb').textContent()).match(/(\d+) KB/)[1]);
  await page.waitForFunction((kb) => {
    const m = (document.querySelector('#loading-kb')?.textContent || '').match(/(\d+) KB/);
    return !m || Number(m[1]) > kb;
  }, kb1, { timeout: 30000 });
  await shots(page, 'loading-slow');
  await screen(page, 'ballot', 120000);
  assert.equal(await page.locator('#s-loading').isHidden(), true);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await mark(page, MARKS.slow);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  await c.sealAndSend(page, { press: 'click' });
  await screen(page, 'receipt');
  clean(problems);
});

test('a refused ballot shows the server\'s own words in Vietnamese and English (a cancelled slip), and no advice of an earlier refusal stays', { timeout: 120000 }, async () => {
  const problems = [];
  const { page, watcher } = await phone('cancelled', problems);
  // The server's answers, as it sends them: first a ballot refused as
  // invalid (the voter may fill it in again), then the committee's
  // cancellation of the slip (403 `cancelled`).
  const answers = [
    { status: 422, body: { error: 'invalid_ballot', message: 'Phiếu không hợp lệ: bằng chứng không đúng', message_en: 'invalid ballot: proof does not verify' } },
    { status: 403, body: CANCELLED },
  ];
  let posted = 0;
  await page.route('**/api/elections/*/ballots', (route) => {
    const a = answers[Math.min(posted, answers.length - 1)];
    posted += 1;
    return route.fulfill({ status: a.status, contentType: 'application/json', body: JSON.stringify(a.body) });
  });
  watcher.allow((w) => w.kind === 'console' && /status of (403|422)/.test(w.text));
  await page.goto(meeting.voterUrls[3]);
  await screen(page, 'ballot');
  await mark(page, MARKS.laptop);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  await c.sealAndSend(page, { press: 'click' });
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Phiếu bị từ chối');
  assert.equal(await page.locator('#problem-text').textContent(), 'Phiếu không hợp lệ: bằng chứng không đúng');
  assert.equal(await page.locator('#problem-help').textContent(), 'Bạn có thể làm lại phiếu từ đầu.');
  await page.getByRole('button', { name: 'Làm lại phiếu' }).click();
  await screen(page, 'ballot');
  await mark(page, MARKS.laptop);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  await c.sealAndSend(page, { press: 'click' });
  await page.waitForFunction(() => document.querySelector('#problem-h').textContent === 'Phiếu mã này đã bị huỷ', null, { timeout: 30000 });
  // The server's Vietnamese message, never its English reason alone.
  assert.equal(await page.locator('#problem-text').textContent(), CANCELLED.message);
  // The earlier refusal's advice ("làm lại phiếu") and button are gone.
  const help = await page.locator('#problem-help').textContent();
  assert.ok(!help.includes('làm lại phiếu'), help);
  assert.ok(help.includes('phiếu mã mới'), help);
  assert.equal(await page.locator('#problem-restart').isHidden(), true);
  assert.equal(await page.locator('#problem-results').isHidden(), true);
  await shots(page, 'cancelled');
  await page.locator('#lang').click();
  assert.equal(await page.locator('#problem-h').textContent(), 'This slip was cancelled');
  assert.equal(await page.locator('#problem-text').textContent(), CANCELLED.message_en);
  await page.locator('#lang').click();
  assert.equal(await page.locator('#problem-text').textContent(), CANCELLED.message);
  assert.equal(posted, 2);
  // The slip is forgotten with its ballot: a reload does not send it again.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes('"ballot"'), 'no ballot waits to be sent');
  clean(problems);
});

test('a voter on a 1366 px laptop: ballot, review and receipt', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('laptop', problems, LAPTOP);
  await page.goto(meeting.voterUrls[4]);
  await screen(page, 'ballot');
  assert.deepEqual(await sideways(page), []);
  await h.shot(page, 'voter-r-laptop-ballot-1366');
  await mark(page, MARKS.laptop);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).click();
  await screen(page, 'review');
  await h.shot(page, 'voter-r-laptop-review-1366');
  await c.sealAndSend(page, { press: 'click' });
  await screen(page, 'receipt');
  assert.deepEqual(await sideways(page), []);
  await h.shot(page, 'voter-r-laptop-receipt-1366');
  clean(problems);
});

test('after the committee publishes, the voter reloads the page, follows "Xem kết quả" and sees the table (R11)', { timeout: 240000 }, async () => {
  const { result } = await h.closeAndCount(server, meeting);
  assert.equal(result.returned, 4, 'the signed, the blank, the slow and the laptop ballots');
  assert.equal(result.candidates[5].consequence, '9.3');
  const problems = [];
  const { page } = phones.signed;
  h.watch(page, problems, 'signed-after');
  await page.reload();
  await screen(page, 'receipt');
  assert.equal((await page.locator('#r-code').textContent()).trim(), receipts.signed);
  assert.equal(await page.locator('#r-signed').textContent(), `Phiếu có ký tên: ${SIGNER}`);
  const link = page.getByRole('link', { name: 'Xem kết quả' });
  await link.waitFor({ timeout: 30000 });
  await a11y(page, 'the receipt after publication');
  await shots(page, 'receipt-published');
  await link.click();
  await page.waitForURL(`${meeting.url}/results/${meeting.id}`);
  await page.waitForSelector('#result:not([hidden])', { timeout: 30000 });
  assert.equal(await page.locator('#status').textContent(), 'Kết quả của tất cả người được lấy phiếu.');
  assert.deepEqual(await c.tableOf(page, '#table'), result.candidates);
  assert.deepEqual(await sideways(page), []);
  assert.deepEqual(await monospaceBoxes(page), []);
  await h.shot(page, 'voter-r-results-360');
  await page.locator('#table tbody tr').last().screenshot({ path: path.join(h.SHOTS, 'voter-r-results-card-360.png') });
  // On a laptop: the table, names on two lines at most, the 9.3 pill on one.
  await page.setViewportSize(LAPTOP.viewport);
  const layout = await page.evaluate(() => {
    const lines = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    const scroll = document.querySelector('#table .c-scroll');
    return {
      names: [...document.querySelectorAll('#table td[data-field=name]')].map((td) => [td.textContent, lines(td)]),
      pills: [...document.querySelectorAll('#table .c-badge')].map((b) => [b.textContent, b.getClientRects().length, lines(b)]),
      tableFits: scroll.scrollWidth <= scroll.clientWidth,
    };
  });
  for (const [name, n] of layout.names) assert.ok(n <= 2, `${name} on ${n} lines`);
  assert.ok(layout.pills.some(([text]) => text === '9.3'), JSON.stringify(layout.pills));
  for (const [text, boxes, n] of layout.pills) assert.ok(boxes === 1 && n === 1, `the pill "${text}" on ${n} lines`);
  assert.equal(layout.tableFits, true, 'the table fits a 1366 px screen');
  assert.deepEqual(await sideways(page), []);
  await page.locator('#table').scrollIntoViewIfNeeded();
  await h.shot(page, 'voter-r-results-1366');
  await page.locator('#table').screenshot({ path: path.join(h.SHOTS, 'voter-r-results-table-1366.png') });
  clean(problems);
});

test('after publication, a slip that voted on another phone leads to the result too; an unused one does not', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('other-phone', problems);
  await page.goto(meeting.voterUrls[2]);
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Đã công bố kết quả');
  assert.equal(await page.locator('#problem-text').getAttribute('class'), 'v-note v-note-ok');
  await a11y(page, 'the published screen');
  await shots(page, 'done-voted');
  await page.getByRole('link', { name: 'Xem kết quả' }).click();
  await page.waitForSelector('#result:not([hidden])', { timeout: 30000 });
  assert.equal(await page.locator('#table tbody tr').count(), CANDIDATES.length);
  const { page: unused } = await phone('unused', problems);
  await unused.goto(meeting.voterUrls[6]);
  await screen(unused, 'problem');
  assert.equal(await unused.locator('#problem-h').textContent(), 'Đã kết thúc bỏ phiếu');
  assert.equal(await unused.locator('#problem-results').isHidden(), true);
  clean(problems);
});
