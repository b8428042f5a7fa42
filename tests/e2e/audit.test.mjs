// The voter's check of the encryption (Benaloh), in headless Chromium
// against a real `tinnhiem serve`:
// - a voter page altered on the way (its `tn.js` rewritten in the test, as
//   a hostile server or Wi-Fi would) seals other marks than those on the
//   screen; the voter taps "Kiểm tra mã hoá", and a second device (another
//   browser context, the inspector page opened from the voter's link)
//   recomputes the opened ballot and shows the marks the phone really
//   encrypted, which differ from the voter's;
// - an honest voter checks, sees the same marks on the second device
//   (pending, with the server's promise), fills in again and casts with
//   the same slip: the receipt's seal code is not the audited one; the
//   second device checks the server's promise with line 0's server key,
//   and flags a promise with one hex digit changed on the way;
// - a slip that has had five ballots opened is refused a sixth in
//   Vietnamese with the English beside, the marks stay filled in, and the
//   slip still casts;
// - a voter casts and types the receipt's seal code into the inspector:
//   the page verifies the log and finds the ballot at its line, counted;
//   a code no ballot has still gives the alarm;
// - after the close both audits are in the log (`tinnhiem verify --json`
//   and the inspector's line table), the count equals the cast ballots
//   only.
// Screenshots at 360 and 1366 px of the review, the seal, the opened
// ballot and the inspector's check (`audit-*`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as c from './lib-console.mjs';

const VECTORS = path.join(c.ROOT, 'crates/tally/tests/vectors');

const CANDIDATES = [
  { name: 'Nguyễn Văn An', position: 'Giám đốc Sở' },
  { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' },
  { name: 'Lê Văn Cường', position: 'Chánh Văn phòng Sở' },
];
const LAPTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };
const VI = { high: 'Tín nhiệm cao', confidence: 'Tín nhiệm', low: 'Tín nhiệm thấp', none: 'Để trống' };

let server;
let meeting;
let browser;
// Each test's console errors, failed requests and 5xx answers (emptied
// as each test starts, asserted empty as it ends).
const problems = [];
// What the test expects in the log at the end: the audits' seal codes and
// marks, and the ballots cast.
const audited = [];
const cast = [];

before(async () => {
  server = await c.startServer({ args: ['--rate-limit', '0'] });
  meeting = await c.setUpMeeting(server, { candidates: CANDIDATES, summoned: 6, present: 5, credentials: 4 });
  browser = await c.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const phone = (name, options) => c.phoneOf(browser, problems, name, options);
const mark = c.markLevels;

/// The marks the ballot form shows checked (null: none).
async function formMarks(page) {
  return page.evaluate((n) => Array.from({ length: n }, (_, i) => document.querySelector(`input[name="c${i}"]:checked`)?.value ?? null), CANDIDATES.length);
}

/// The inspector's table of the opened ballot: [{who, mark, choice}].
async function inspectorMarks(page) {
  return page.locator('#audit-marks tbody tr').evaluateAll((rows) => rows.map((r) => ({
    who: r.children[1].textContent, mark: r.children[2].textContent, choice: r.dataset.choice,
  })));
}

/// The voter taps "Kiểm tra mã hoá" on the seal screen; the opened ballot's
/// screen must say it is not counted and show the seal code and the link.
async function checkEncryption(page, seal) {
  await page.getByRole('button', { name: 'Kiểm tra mã hoá' }).tap();
  await c.shown(page, 's-audited');
  assert.equal(await c.textOf(page, 'a-seal'), seal, 'the opened ballot is the one sealed');
  assert.match(await c.textOf(page, 'audited-note'), /KHÔNG được tính.*chưa dùng/);
  const href = await page.locator('#a-link').getAttribute('href');
  assert.equal(href, `${meeting.url}/inspector?id=${meeting.id}&seal=${seal}`);
  await page.waitForSelector('#a-qr:not([hidden])');
  assert.ok((await page.getAttribute('#a-qr', 'alt')).includes(seal));
  return href;
}

/// A second device opens the voter's link: the inspector checks the opened
/// ballot at once. Returns the page once the verdict is in.
async function secondDevice(name, href, options = c.PHONE) {
  const { page, watcher } = await phone(name, options);
  await page.goto(href);
  await page.waitForSelector('#audit-verdict[data-outcome]:not([data-outcome=loading])', { timeout: 30000 });
  page.watcher = watcher;
  return page;
}

test('a page that seals other marks than those shown is caught: the opened ballot, checked on a second device, shows the difference', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { page } = await phone('altered');
  // The altered page: every "Tín nhiệm cao" it seals becomes "Tín nhiệm
  // thấp", while the screen shows the voter's own marks.
  await page.route('**/static/tn.js', async (route) => {
    const response = await route.fetch();
    const text = await response.text();
    const head = 'export function callSync(op, request) {';
    assert.equal(text.split(head).length, 2, 'tn.js has one callSync to alter');
    const body = text.replace(head, `${head}\n  if (op === 'seal_ballot') request = { ...request, choices: request.choices.map((x) => (x === 'high' ? 'low' : x)) };`);
    await route.fulfill({ response, body });
  });
  const marks = ['high', 'confidence', 'high'];
  await page.goto(meeting.voterUrls[0]);
  await c.shown(page, 's-ballot');
  await mark(page, marks);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  const review = await page.locator('#review-list .v-review-choice span[lang=vi]').allTextContents();
  assert.deepEqual(review, marks.map((m) => VI[m]), 'the screen shows the voter\'s marks');
  const seal = await c.sealBallot(page);
  assert.equal(await page.getByRole('button', { name: 'Gửi phiếu', exact: true }).isVisible(), true);
  const href = await checkEncryption(page, seal);
  // Not counted, the slip unused.
  const view = await c.http(`${meeting.url}/api/elections/${meeting.id}`, 'GET');
  assert.equal(view.returned, 0, 'an opened ballot is not a ballot');
  // The second device: what the phone really encrypted.
  const inspector = await secondDevice('altered-inspector', href, LAPTOP);
  assert.equal(await inspector.locator('#audit-verdict').getAttribute('data-outcome'), 'ok', await c.textOf(inspector, 'audit-verdict'));
  assert.ok((await c.textOf(inspector, 'audit-verdict')).includes(seal));
  const shown = await inspectorMarks(inspector);
  assert.deepEqual(shown.map((r) => r.who), CANDIDATES.map((x) => x.name));
  assert.deepEqual(shown.map((r) => r.choice), ['low', 'confidence', 'low'], 'the marks the altered page sealed');
  assert.notDeepEqual(shown.map((r) => r.choice), marks, 'and they differ from the voter\'s');
  assert.deepEqual(shown.map((r) => r.mark), ['Tín nhiệm thấp', 'Tín nhiệm', 'Tín nhiệm thấp']);
  assert.equal(await inspector.locator('#audit-log').getAttribute('data-outcome'), 'audit.pending');
  assert.match(await c.textOf(inspector, 'audit-log'), /[0-9a-f]{128}/, 'the server\'s promise is shown');
  await c.assertAccessible(inspector, 'the inspector\'s check at 1366 px');
  await c.shotsBothSizes(inspector, 'audit', 'inspector-altered', 'audit-result');
  audited.push({ seal, choices: ['low', 'confidence', 'low'] });
  // The voter fills in again: the marks are still there.
  await page.getByRole('button', { name: 'Làm lại phiếu' }).tap();
  await c.shown(page, 's-ballot');
  assert.deepEqual(await formMarks(page), marks);
  await page.context().close();
  await inspector.context().close();
  assert.deepEqual(problems, []);
});

test('an honest check, then the same slip fills in again and casts: the receipt\'s seal code is a new one', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { page } = await phone('honest');
  const marks = ['confidence', null, 'low'];
  await page.goto(meeting.voterUrls[1]);
  await c.shown(page, 's-ballot');
  await mark(page, marks);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  await c.assertAccessible(page, 'the review');
  await c.shotsBothSizes(page, 'audit', 'review', null);
  const seal = await c.sealBallot(page);
  // Large and readable: the code is the screen's biggest text.
  const size = await page.locator('#seal-code').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 25, `the seal code's font is ${size}px`);
  await c.assertAccessible(page, 'the seal screen');
  await c.shotsBothSizes(page, 'audit', 'sealed', null);
  const href = await checkEncryption(page, seal);
  await c.assertAccessible(page, 'the opened ballot\'s screen');
  await c.shotsBothSizes(page, 'audit', 'audited', null);
  const inspector = await secondDevice('honest-inspector', href);
  inspector.watcher.allow((w) => w.kind === 'console' && /status of 404/.test(w.text) && /ZZZZ-ZZZZ-ZZZZ-ZZZZ/.test(w.url || ''));
  assert.equal(await inspector.locator('#audit-verdict').getAttribute('data-outcome'), 'ok');
  assert.deepEqual((await inspectorMarks(inspector)).map((r) => r.choice), marks.map((m) => m || 'none'), 'the same marks as the voter\'s');
  // The server's promise, checked in the page with line 0's server key.
  assert.equal(await inspector.locator('#audit-promise').getAttribute('data-outcome'), 'ok');
  assert.match(await c.textOf(inspector, 'audit-promise'), /^Lời hứa của máy chủ hợp lệ/);
  await c.assertAccessible(inspector, 'the inspector\'s check at 360 px');
  await c.shotsBothSizes(inspector, 'audit', 'inspector-honest', 'audit-result');
  // The seal code typed by hand, lower case and without dashes, finds it too.
  await inspector.fill('#seal', seal.replace(/-/g, '').toLowerCase());
  await inspector.getByRole('button', { name: 'Kiểm tra phiếu mở' }).tap();
  await inspector.waitForSelector('#audit-verdict[data-outcome=ok]');
  // The server's answer with one hex digit of its promise changed on the
  // way: the opening still holds, the promise is an alarm.
  await inspector.route('**/api/elections/*/audits/*', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    const p = body.promise;
    body.promise = `${p.slice(0, 70)}${p[70] === '0' ? '1' : '0'}${p.slice(71)}`;
    await route.fulfill({ response, body: JSON.stringify(body) });
  });
  await inspector.getByRole('button', { name: 'Kiểm tra phiếu mở' }).tap();
  await inspector.waitForSelector('#audit-promise[data-outcome=bad]');
  assert.equal(await inspector.locator('#audit-verdict').getAttribute('data-outcome'), 'ok', 'the opening itself holds');
  assert.match(await c.textOf(inspector, 'audit-promise'), /^BÁO ĐỘNG: lời hứa của máy chủ KHÔNG hợp lệ/);
  assert.equal(await inspector.locator('#audit-promise').getAttribute('role'), 'alert');
  await c.shotsBothSizes(inspector, 'audit', 'inspector-forged-promise', 'audit-result');
  await inspector.unroute('**/api/elections/*/audits/*');
  // A code no audit has: an alarm, said as such.
  await inspector.fill('#seal', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  await inspector.getByRole('button', { name: 'Kiểm tra phiếu mở' }).tap();
  await inspector.waitForSelector('#audit-verdict[data-outcome=missing]');
  assert.match(await c.textOf(inspector, 'audit-verdict'), /^BÁO ĐỘNG: .*báo ngay cho Ban kiểm phiếu/);
  audited.push({ seal, choices: marks.map((m) => m || 'none') });
  // The same slip fills in again and casts.
  await page.getByRole('button', { name: 'Làm lại phiếu' }).tap();
  await c.shown(page, 's-ballot');
  assert.deepEqual(await formMarks(page), marks);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  const second = await c.sealAndSend(page);
  assert.notEqual(second, seal, 'a new encryption');
  await c.shown(page, 's-receipt');
  assert.equal(await c.textOf(page, 'r-seal'), second, 'the receipt shows the seal code of the ballot cast');
  await c.shotsBothSizes(page, 'audit', 'receipt', null);
  cast.push({ tracking: await c.textOf(page, 'r-code'), seal: second, marks });
  await page.context().close();
  await inspector.context().close();
  assert.deepEqual(problems, []);
});

test('a sixth check of one slip is refused in Vietnamese with the English beside; the marks stay and the slip still casts', { timeout: 240000 }, async () => {
  problems.length = 0;
  const { page, watcher } = await phone('limit');
  watcher.allow((w) => w.kind === 'console' && /status of 429/.test(w.text));
  const marks = ['high', 'high', 'confidence'];
  await page.goto(meeting.voterUrls[2]);
  await c.shown(page, 's-ballot');
  await mark(page, marks);
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
    await c.shown(page, 's-review');
    const seal = await c.sealBallot(page);
    await checkEncryption(page, seal);
    audited.push({ seal, choices: marks });
    await page.getByRole('button', { name: 'Làm lại phiếu' }).tap();
    await c.shown(page, 's-ballot');
  }
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  await c.sealBallot(page);
  await page.getByRole('button', { name: 'Kiểm tra mã hoá' }).tap();
  await c.shown(page, 's-problem');
  assert.equal(await c.textOf(page, 'problem-h'), 'Chưa kiểm tra được phiếu');
  assert.equal(await page.locator('#problem-text').getAttribute('data-error'), 'too_many_audits');
  // The server's Vietnamese words first, its English ones beside them.
  const gloss = (await page.locator('#problem-text .v-gloss[lang=en]').textContent()).trim();
  const vietnamese = await page.locator('#problem-text').evaluate((e) => e.firstChild.textContent.trim());
  assert.match(gloss, /[a-z]{3}/, `an English gloss: ${gloss}`);
  assert.match(vietnamese, /[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệôốồổỗộơớờởỡợưứừửữự]/i, `Vietnamese first: ${vietnamese}`);
  assert.notEqual(vietnamese, gloss);
  assert.match(await c.textOf(page, 'problem-help'), /lựa chọn của bạn vẫn còn/);
  await c.assertAccessible(page, 'the refusal');
  await c.shotsBothSizes(page, 'audit', 'refused', null);
  await page.getByRole('button', { name: 'Làm lại phiếu' }).tap();
  await c.shown(page, 's-ballot');
  assert.deepEqual(await formMarks(page), marks, 'nothing lost');
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  const seal = await c.sealAndSend(page);
  await c.shown(page, 's-receipt');
  cast.push({ tracking: await c.textOf(page, 'r-code'), seal, marks });
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('a voter casts and types the receipt\'s seal code into the inspector: the page verifies the log and finds the ballot at its line, counted; an unknown code is an alarm', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { page } = await phone('cast-seal');
  const marks = ['low', 'high', null];
  await page.goto(meeting.voterUrls[3]);
  await c.shown(page, 's-ballot');
  await mark(page, marks);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await c.shown(page, 's-review');
  await c.sealAndSend(page);
  await c.shown(page, 's-receipt');
  const seal = await c.textOf(page, 'r-seal');
  const tracking = await c.textOf(page, 'r-code');
  cast.push({ tracking, seal, marks });
  const { seq } = await c.http(`${meeting.url}/api/elections/${meeting.id}/tracking/${tracking}`, 'GET');
  // A second device that has verified nothing yet.
  const { page: inspector, watcher } = await phone('cast-seal-inspector', LAPTOP);
  watcher.allow((w) => w.kind === 'console' && /status of 404/.test(w.text));
  // Two Web Workers check the chunks (op 30 reads the page module's
  // session, whichever path verified it).
  await inspector.goto(`${meeting.url}/inspector?id=${meeting.id}&workers=2`);
  await inspector.fill('#seal', seal.toLowerCase());
  await inspector.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await inspector.waitForSelector('#audit-verdict[data-outcome=cast]', { timeout: 60000 });
  assert.equal(await inspector.locator('#audit-verdict').getAttribute('data-seq'), String(seq));
  assert.equal(await c.textOf(inspector, 'audit-verdict'), `Phiếu đã gửi và được tính ở dòng ${seq}. Trang này tự tính mã niêm phong ${seal} từ các phiếu mã hoá trong nhật ký đã kiểm tra.`);
  assert.equal(await inspector.locator('#audit-promise').isHidden(), true, 'a cast ballot has no promise');
  assert.equal(await inspector.locator(`#entries tr[data-seq="${seq}"]`).getAttribute('data-kind'), 'ballot', 'the log was verified on the way');
  await c.assertAccessible(inspector, 'the cast ballot found by its seal code');
  await c.shotsBothSizes(inspector, 'audit', 'inspector-cast-seal', 'audit-result');
  // In English too.
  await inspector.locator('#lang').click();
  assert.match(await c.textOf(inspector, 'audit-verdict'), new RegExp(`^Your ballot is in the log at line ${seq} and was counted\\.`));
  await inspector.locator('#lang').click();
  // A code no ballot and no audit has: still the alarm.
  await inspector.fill('#seal', 'ZZZZ-ZZZZ-ZZZZ-ZZZY');
  await inspector.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await inspector.waitForSelector('#audit-verdict[data-outcome=missing]', { timeout: 60000 });
  assert.match(await c.textOf(inspector, 'audit-verdict'), /^BÁO ĐỘNG: .*báo ngay cho Ban kiểm phiếu/);
  await page.context().close();
  await inspector.context().close();
  assert.deepEqual(problems, []);
});

test('after the close the audits are in the log, sorted by seal and never counted; the inspector finds each at its line', { timeout: 180000 }, async () => {
  problems.length = 0;
  const { result, log } = await c.closeAndCount(server, meeting);
  assert.equal(result.returned, cast.length, 'only the ballots cast are returned');
  const fromVerify = result.audits.map((a) => ({ seal: a.seal, choices: a.choices }));
  // In log order, which is the seal digests' order; the code is the
  // digest's first 80 bits in an alphabet in ASCII order, so sorting the
  // codes as text sorts the digests.
  const want = [...audited].sort((x, y) => (x.seal < y.seal ? -1 : 1));
  assert.deepEqual(fromVerify.map((a) => a.seal), want.map((a) => a.seal), 'every audit, sorted by seal');
  for (const a of audited) assert.deepEqual(fromVerify.find((x) => x.seal === a.seal).choices, a.choices, `the marks of ${a.seal}`);
  // The counts are the cast ballots' marks alone.
  for (const [i] of CANDIDATES.entries()) {
    for (const level of ['high', 'confidence', 'low']) {
      assert.equal(result.candidates[i][level].count, cast.filter((x) => x.marks[i] === level).length, `candidate ${i + 1}, ${level}`);
    }
  }
  const kinds = log.trim().split('\n').map((l) => JSON.parse(l).kind);
  const closeAt = kinds.indexOf('close');
  assert.deepEqual(kinds.slice(closeAt - audited.length, closeAt), audited.map(() => 'audit'), 'the audits just before the close');
  // The inspector: the whole log verified, the audit lines in the table,
  // and an audit found at its line, equal to the verified log.
  const { page, watcher } = await phone('inspector-after', LAPTOP);
  // A cast ballot's seal code is no audit's: the page's look-up of it at
  // the audits route is a 404 before the page finds the ballot.
  watcher.allow((w) => w.kind === 'console' && /status of 404/.test(w.text));
  await page.goto(`${meeting.url}/inspector?id=${meeting.id}&verify`);
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  assert.equal(await page.locator('#entries tr[data-kind=audit]').count(), audited.length);
  assert.ok((await c.textOf(page, 'kinds')).includes(`${audited.length} × phiếu mở (kiểm tra mã hoá)`));
  assert.deepEqual(await page.locator('#audits li').evaluateAll((li) => li.map((x) => x.dataset.seal)), want.map((a) => a.seal));
  assert.match(await c.textOf(page, 'audits-count'), new RegExp(`^${audited.length} phiếu mở trong nhật ký`));
  await page.fill('#seal', audited[0].seal);
  await page.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await page.waitForSelector('#audit-log[data-outcome="audit.inlog.match"]', { timeout: 30000 });
  assert.deepEqual((await inspectorMarks(page)).map((r) => r.choice), audited[0].choices);
  assert.equal(await page.locator('#audit-promise').getAttribute('data-outcome'), 'ok', 'the promise of an audit in the log');
  await c.shotsBothSizes(page, 'audit', 'inspector-log', 'audit-result');
  // Each cast ballot by its receipt's seal code, in the log verified here.
  for (const x of cast) {
    const { seq } = await c.http(`${meeting.url}/api/elections/${meeting.id}/tracking/${x.tracking}`, 'GET');
    await page.fill('#seal', x.seal);
    await page.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
    await page.waitForSelector(`#audit-verdict[data-outcome=cast][data-seq="${seq}"]`, { timeout: 30000 });
  }
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('the inspector recomputes an opened ballot itself: a server that changes its marks is caught; the log vectors show their audit lines', { timeout: 120000 }, async () => {
  problems.length = 0;
  // The committed vector with three audits (line 9 opens to low, high).
  const text = await readFile(path.join(VECTORS, 'audit.jsonl'), 'utf8');
  const lines = text.trim().split('\n');
  const expected = JSON.parse(await readFile(path.join(VECTORS, 'audit.verify.json'), 'utf8')).audits;
  const { page } = await phone('inspector-vectors', LAPTOP);
  await page.goto(`${meeting.url}/inspector`);
  await page.setInputFiles('#file', path.join(VECTORS, 'audit.jsonl'));
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  assert.deepEqual(await page.locator('#entries tr[data-kind=audit]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.seq))), expected.map((a) => a.seq));
  // Listed after the verification, each opened again in the page: the
  // seal codes and marks `tinnhiem verify --json` gives.
  assert.equal(await page.locator('#audits-count').getAttribute('data-count'), String(expected.length));
  assert.deepEqual(await page.locator('#audits li').evaluateAll((li) => li.map((x) => ({ seq: Number(x.dataset.seq), seal: x.dataset.seal }))), expected.map((a) => ({ seq: a.seq, seal: a.seal })));
  assert.ok((await page.locator('#audits li').first().textContent()).includes('Nguyễn Văn A: Tín nhiệm thấp'));
  assert.ok((await page.locator(`#entries tr[data-seq="${expected[0].seq}"]`).textContent()).includes(expected[0].seal));
  // A server answers the look-up with the line's opening, then with the
  // same opening whose stated marks it changed: the page trusts neither
  // and checks the ciphertexts with the randomness.
  const line = JSON.parse(lines[expected[0].seq]);
  let served = line.body;
  await page.route('**/api/elections/*/audits/*', (route) => route.fulfill({
    status: 200, contentType: 'application/json',
    body: JSON.stringify({ seal: expected[0].seal, audit: served, seq: expected[0].seq, promise: '00'.repeat(64) }),
  }));
  await page.fill('#seal', expected[0].seal);
  await page.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await page.waitForSelector('#audit-verdict[data-outcome=ok]');
  assert.deepEqual((await inspectorMarks(page)).map((r) => r.choice), expected[0].choices);
  assert.equal(await page.locator('#audit-log').getAttribute('data-outcome'), 'audit.inlog.match');
  assert.equal(await page.locator('#audit-promise').getAttribute('data-outcome'), 'bad', 'a promise of zeros is flagged');
  await c.shotsBothSizes(page, 'audit', 'inspector-vector', 'audit-result');
  served = { ...line.body, choices: ['high', ...line.body.choices.slice(1)] };
  await page.getByRole('button', { name: 'Kiểm tra phiếu mở' }).click();
  await page.waitForSelector('#audit-verdict[data-outcome=bad]');
  assert.equal(await page.locator('#audit-verdict').getAttribute('data-candidate'), '0');
  assert.match(await c.textOf(page, 'audit-verdict'), /^CẢNH BÁO: phiếu mở .* KHÔNG mở đúng \(người thứ 1, /);
  assert.equal(await page.locator('#audit-marks-box').isHidden(), true, 'no marks shown for an opening that does not hold');
  await c.shotsBothSizes(page, 'audit', 'inspector-forged-marks', 'audit-result');
  // The forged vector fails at its audit line, named in Vietnamese.
  await page.setInputFiles('#file', path.join(VECTORS, 'audit-forged.jsonl'));
  await page.waitForSelector('#verdict[data-outcome=fail]', { timeout: 60000 });
  assert.equal(await page.locator('#verdict').getAttribute('data-fail-seq'), '6');
  assert.equal(await page.locator('#entries tr[aria-current=true]').getAttribute('data-kind'), 'audit');
  assert.match(await c.textOf(page, 'verdict'), /dòng 6: phiếu kiểm tra mã hoá/);
  await page.context().close();
  assert.deepEqual(problems, []);
});
