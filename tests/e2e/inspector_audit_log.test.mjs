// The inspector's look-up of an opened ballot (Benaloh audit) when the
// server's answer and the log verified on the page disagree, in headless
// Chromium against a real `tinnhiem serve`:
// - after the close, the server answers 404 for an audit that the verified
//   log holds (a server that hides it, or one restarted without it): the
//   page finds the audit line in the log it verified itself (wasm op 31
//   `find_audit`), opens it with op 25, shows the marks, and says plainly
//   that the server did not answer for an audit the published log holds,
//   a fault of the server to report, not of the voter's ballot; the same
//   from an inspector that had verified nothing (the page verifies the
//   server's log on the way);
// - the server serves an audit that the closed, verified log lacks (the
//   server answered the voter's phone with a promise and never published
//   the audit): an alarm;
// - a code neither the server nor the log has is still today's alarm.
// Screenshots `inspector-audit-*` at 360 and 1366 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as c from './lib-console.mjs';

const CANDIDATES = [
  { name: 'Phạm Minh Đức', position: 'Giám đốc Trung tâm' },
  { name: 'Hoàng Thị Lan', position: 'Phó Giám đốc Trung tâm' },
];
const LAPTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };

let server;
let meeting;
let browser;
const problems = [];
// The audit the server received and published at the close, and the one
// a hostile server answered with a promise and never published.
let published;
let unpublished;

before(async () => {
  server = await c.startServer({ args: ['--rate-limit', '0'] });
  meeting = await c.setUpMeeting(server, { candidates: CANDIDATES, summoned: 4, present: 3, credentials: 3 });
  browser = await c.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const phone = (name, options) => c.phoneOf(browser, problems, name, options);
const mark = c.markLevels;

/// A voter fills in `marks`, seals and taps "Kiểm tra mã hoá". Returns the
/// seal code and the body the page posted to the audits route.
async function voterAudits(page, url, marks) {
  let posted = null;
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/audits$/.test(r.url())) posted = r.postDataJSON();
  });
  await page.goto(url);
  await c.shown(page, 's-ballot');
  await mark(page, marks);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  const seal = await c.sealBallot(page);
  await page.getByRole('button', { name: 'Kiểm tra mã hoá' }).tap();
  await c.shown(page, 's-audited');
  assert.ok(posted, 'the page posted the opened ballot');
  return { seal, body: posted, choices: marks.map((m) => m || 'none') };
}

/// The inspector's table of the opened ballot: the marks' data-choice.
async function inspectorChoices(page) {
  return page.locator('#audit-marks tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.choice));
}

/// Types `seal` and asks; waits for the verdict (past loading and
/// verifying).
async function lookUp(page, seal) {
  await page.fill('#seal', seal);
  await page.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await page.waitForSelector('#audit-verdict[data-outcome]:not([data-outcome=loading]):not([data-outcome=verifying])', { timeout: 60000 });
}

/// The server hides audit `seal`: its route answers 404 as for an unknown
/// code.
async function hide(page, seal) {
  await page.route(`**/api/elections/*/audits/${seal}`, (route) => route.fulfill({
    status: 404,
    contentType: 'application/json',
    body: JSON.stringify({ error: 'not_found', message: 'Không tìm thấy', message_en: 'not found' }),
  }));
}

test('voting: one audit reaches the server, another is answered with a promise by a server that keeps it to itself; then the close', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { page: honest } = await phone('voter-published');
  published = await voterAudits(honest, meeting.voterUrls[0], ['high', 'low']);
  // The second phone's opened ballot never reaches the server: the route
  // answers as the server would (a seal code and a promise), keeping it.
  const { page: hostile } = await phone('voter-unpublished');
  await hostile.route('**/api/elections/*/audits', async (route) => {
    const body = route.request().postDataJSON();
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ seal: 'pending', promise: '00'.repeat(64) }) });
    return body;
  });
  unpublished = await voterAudits(hostile, meeting.voterUrls[1], ['confidence', null]);
  assert.notEqual(unpublished.seal, published.seal);
  await honest.context().close();
  await hostile.context().close();
  const { result } = await c.closeAndCount(server, meeting);
  assert.deepEqual(result.audits.map((a) => a.seal), [published.seal], 'only the audit the server received is in the log');
  assert.deepEqual(result.audits[0].choices, published.choices);
  assert.deepEqual(problems, []);
});

test('the server answers 404 for an audit the verified log holds: the page opens it from the log, shows the marks and reports the server, not the ballot', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { page, watcher } = await phone('inspector-hidden', LAPTOP);
  watcher.allow((w) => w.kind === 'console' && /status of 404/.test(w.text));
  await page.goto(`${meeting.url}/inspector?id=${meeting.id}&verify`);
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  const seq = Number(await page.locator('#entries tr[data-kind=audit]').first().getAttribute('data-seq'));
  await hide(page, published.seal);
  await lookUp(page, published.seal.toLowerCase());
  assert.equal(await page.locator('#audit-verdict').getAttribute('data-outcome'), 'ok', 'the audit is opened from the verified log');
  assert.deepEqual(await inspectorChoices(page), published.choices, 'the marks the voter chose');
  assert.equal(await page.locator('#audit-log').getAttribute('data-outcome'), 'audit.unserved');
  assert.equal(await page.locator('#audit-log').getAttribute('role'), 'alert');
  assert.equal(
    await c.textOf(page, 'audit-log'),
    `LỖI CỦA MÁY CHỦ: máy chủ không trả lời cho phiếu mở này (không tìm thấy), dù nhật ký công khai đã kiểm tra trên máy này có nó ở dòng ${seq}. Các lựa chọn trên do máy này tự tính từ dòng đó. Đây là lỗi của máy chủ, không phải của phiếu cử tri: báo cho Ban kiểm phiếu.`,
  );
  assert.equal(await page.locator('#audit-promise').isHidden(), true, 'no promise without the server\'s answer');
  await c.assertAccessible(page, 'an audit the server hides, found in the log');
  await c.shotsBothSizes(page, 'inspector-audit', 'hidden', 'audit-result');
  await page.locator('#lang').click();
  assert.match(await c.textOf(page, 'audit-log'), new RegExp(`^SERVER FAULT: the server did not answer for this opened ballot \\(not found\\), yet the public log verified on this device holds it at line ${seq}\\.`));
  assert.match(await c.textOf(page, 'audit-log'), /not of the voter's ballot/);
  await page.locator('#lang').click();
  // A code neither the server nor the log has: still the alarm.
  await lookUp(page, 'ZZZZ-ZZZZ-ZZZZ-ZZZY');
  assert.equal(await page.locator('#audit-verdict').getAttribute('data-outcome'), 'missing');
  assert.equal(await page.locator('#audit-log').isHidden(), true);
  await page.context().close();
  // An inspector that has verified nothing: the page verifies the server's
  // log on the way and finds the audit in it.
  const { page: fresh, watcher: w2 } = await phone('inspector-hidden-fresh');
  w2.allow((w) => w.kind === 'console' && /status of 404/.test(w.text));
  await hide(fresh, published.seal);
  await fresh.goto(`${meeting.url}/inspector?id=${meeting.id}&seal=${published.seal}`);
  await fresh.waitForSelector('#audit-verdict[data-outcome]:not([data-outcome=loading]):not([data-outcome=verifying])', { timeout: 60000 });
  assert.equal(await fresh.locator('#audit-verdict').getAttribute('data-outcome'), 'ok');
  assert.deepEqual(await inspectorChoices(fresh), published.choices);
  assert.equal(await fresh.locator('#audit-log').getAttribute('data-outcome'), 'audit.unserved');
  assert.equal(await fresh.locator('#verdict').getAttribute('data-outcome'), 'ok', 'the log was verified on the way');
  await c.assertAccessible(fresh, 'an audit the server hides, at 360 px');
  await fresh.context().close();
  assert.deepEqual(problems, []);
});

test('the server serves an audit the closed, verified log lacks: it was promised and never published, an alarm', { timeout: 120000 }, async () => {
  problems.length = 0;
  const { page } = await phone('inspector-unpublished', LAPTOP);
  await page.goto(`${meeting.url}/inspector?id=${meeting.id}&verify`);
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  await page.route(`**/api/elections/*/audits/${unpublished.seal}`, (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ seal: unpublished.seal, audit: unpublished.body.audit, seq: null, promise: '00'.repeat(64) }),
  }));
  await lookUp(page, unpublished.seal);
  // The opening itself holds (the phone was honest)...
  assert.equal(await page.locator('#audit-verdict').getAttribute('data-outcome'), 'ok');
  assert.deepEqual(await inspectorChoices(page), unpublished.choices);
  // ...but the log, closed, does not have it.
  assert.equal(await page.locator('#audit-log').getAttribute('data-outcome'), 'audit.unpublished');
  assert.equal(await page.locator('#audit-log').getAttribute('role'), 'alert');
  assert.match(await c.textOf(page, 'audit-log'), /^BÁO ĐỘNG: cuộc bỏ phiếu đã kết thúc mà nhật ký đã kiểm tra trên máy này KHÔNG có phiếu mở này/);
  await c.shotsBothSizes(page, 'inspector-audit', 'unpublished', 'audit-result');
  await page.locator('#lang').click();
  assert.match(await c.textOf(page, 'audit-log'), /^ALARM: voting is closed and the log verified on this device does NOT hold this opened ballot/);
  await page.locator('#lang').click();
  // The published audit, served as it is: in the log, equal.
  await lookUp(page, published.seal);
  assert.equal(await page.locator('#audit-log').getAttribute('data-outcome'), 'audit.inlog.match');
  await page.context().close();
  assert.deepEqual(problems, []);
});
