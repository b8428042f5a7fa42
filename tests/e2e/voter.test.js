// The voter's page in headless Chromium at phone size (360 x 640), against
// a real `tinnhiem serve`: five voters cast (one leaves a candidate empty,
// one signs using only the keyboard, one loses the server's answer and
// closes the tab, one goes offline before sending), a QR code is reused on
// the same phone and on another one, the committee closes and counts with
// the CLI, and `tinnhiem verify` on the downloaded log gives exactly the
// marks the voters made. Every page fails the test on a console error, an
// uncaught error, a failed request or a 5xx answer it did not expect; the
// credential must never appear in any request. Screenshots of each screen
// go to target/e2e-screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as h from './harness.js';

// Two documents of the leader's dossier, attached before the seal.
const DOSSIER = [
  { name: 'Báo cáo tự kiểm điểm.pdf', bytes: '%PDF-1.4\nthe self-report\n%%EOF\n' },
  { name: 'giai-trinh.pdf', bytes: '%PDF-1.4\nthe answers\n%%EOF\n' },
];

const CANDIDATES = [
  { name: 'Nguyễn Văn An', position: 'Giám đốc Sở' },
  { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' },
  { name: 'Lê Văn Cường', position: 'Chánh Văn phòng Sở' },
];
// What each voter marks (null: left empty).
const MARKS = {
  v1: ['high', 'confidence', 'low'],
  v2: ['high', null, 'low'],
  v3: ['confidence', 'confidence', 'low'],
  v4: ['low', 'high', 'low'],
  v5: ['high', 'high', 'confidence'],
};
const SIGNER = 'Phạm Thị Dung';

let server;
let meeting;
let browser;
const receipts = {};
const contexts = {};

before(async () => {
  server = await h.startServer();
  meeting = await h.setUpMeeting(server, { candidates: CANDIDATES, summoned: 8, present: 6, credentials: 6, dossier: DOSSIER });
  browser = await h.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/// A phone: a fresh browser context (its own storage) whose every request
/// is checked for the credentials, and a page watched for errors.
async function phone(name, { problems }) {
  const context = await browser.newContext(h.PHONE);
  // The credential is the fragment up to the election check.
  const secrets = meeting.voterUrls.map((u) => u.split('#')[1].split('.')[0]);
  context.on('request', (r) => {
    const text = `${r.url()} ${JSON.stringify(r.headers())} ${r.postData() || ''}`;
    for (const s of secrets) {
      if (text.includes(s) || text.includes(s.replace(/-/g, ''))) problems.push(`${name}: a credential was sent in ${r.method()} ${r.url()}`);
    }
  });
  const page = await context.newPage();
  const watcher = h.watch(page, problems, name);
  contexts[name] = context;
  return { context, page, watcher };
}

async function screen(page, name) {
  await page.waitForSelector(`#s-${name}:not([hidden])`, { timeout: 30000 });
}

async function mark(page, marks) {
  for (const [i, level] of marks.entries()) {
    if (level) await page.locator(`#cand-${i} .v-level[data-level="${level}"]`).tap();
  }
}

async function a11y(page, where) {
  const problems = await h.accessibilityProblems(page, { minTarget: 48, minContrast: 7 });
  assert.deepEqual(problems, [], `accessibility problems on ${where}`);
}

/// Tabs until the focused element matches `selector`; checks that each
/// control reached shows a visible focus ring.
async function tabTo(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate((sel) => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      return { match: el.matches(sel), ring, what: `${el.tagName} ${el.id || el.name || el.textContent.trim().slice(0, 30)}` };
    }, selector);
    if (state.match) {
      assert.ok(state.ring, `no visible focus ring on ${state.what}`);
      return;
    }
  }
  assert.fail(`could not reach ${selector} with Tab`);
}

function assertClean(problems) {
  assert.deepEqual(problems, [], 'console errors, page errors or unexpected failed requests');
}

test('a voter opens the QR link, marks every candidate, reviews, and gets a receipt the public log confirms', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('v1', { problems });
  await page.goto(meeting.voterUrls[0]);
  await screen(page, 'ballot');
  // The credential is out of the address bar at once.
  assert.equal(page.url(), `${meeting.url}/v/${meeting.id}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.equal(await page.locator('#title').textContent(), 'Lấy phiếu tín nhiệm năm 2026');
  assert.equal(await page.locator('#unit').textContent(), 'Sở Y tế tỉnh Nam Định');
  // The leader's dossier line 0 commits (R12): one link per document, and
  // the bytes behind each are the ones attached.
  const links = await page.locator('#dossier a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  assert.deepEqual(links, DOSSIER.map((d, i) => ({
    text: `Hồ sơ của người được lấy phiếu (dossier): ${d.name}`, href: `/api/elections/${meeting.id}/dossier/${i}`,
  })));
  for (const [i, d] of DOSSIER.entries()) {
    const r = await fetch(`${meeting.url}${links[i].href}`);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await r.arrayBuffer()).toString('latin1'), d.bytes);
  }
  // The fingerprint of the key the phone encrypts to is shown, and it is the
  // one the committee printed on the slip (from the log it verified).
  const fp = await page.locator('#ballot-fp').getAttribute('data-fingerprint');
  assert.match(fp, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.ok((await page.locator('#ballot-fp').textContent()).includes(fp));
  const sheet = await readFile(meeting.sheet, 'utf8');
  assert.equal(sheet.match(/<b>([0-9A-Z]{4}-[0-9A-Z]{4})<\/b>/)[1], fp, 'the slip prints the same fingerprint');
  for (const [i, c] of CANDIDATES.entries()) {
    const legend = await page.locator(`#cand-${i} legend`).textContent();
    assert.ok(legend.includes(c.name) && legend.includes(c.position), legend);
    assert.equal(await page.locator(`#cand-${i} input[type=radio]`).count(), 3);
  }
  await h.shot(page, 'voter-1-ballot');
  await a11y(page, 'the ballot');
  // A choice can be changed and cleared.
  await page.locator('#cand-0 .v-level[data-level="low"]').tap();
  await page.locator('#cand-0 .v-clear').tap();
  assert.equal(await page.locator('#cand-0 input:checked').count(), 0);
  await mark(page, MARKS.v1);
  assert.equal(await page.locator('#ballot-count').textContent(), 'Đã chọn 3/3 người');
  await h.shot(page, 'voter-1-ballot-marked');
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await screen(page, 'review');
  assert.equal(await page.locator('#review-empty').isHidden(), true, 'no empty-entry warning when all are marked');
  const review = await page.locator('#review-list').textContent();
  assert.ok(review.includes('Tín nhiệm cao') && review.includes('Tín nhiệm thấp'), review);
  await h.shot(page, 'voter-1-review');
  await a11y(page, 'the review');
  // English on the toggle, remembered; the Vietnamese terms stay.
  await page.locator('#lang').tap();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('#review-h').textContent(), 'Step 2/3 · Review the ballot');
  assert.ok((await page.locator('#review-list').textContent()).includes('Tín nhiệm cao'));
  await h.shot(page, 'voter-1-review-en');
  await page.locator('#lang').tap();
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await h.sealAndSend(page);
  await screen(page, 'receipt');
  const code = (await page.locator('#r-code').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await page.waitForSelector('#r-qr:not([hidden])');
  assert.ok((await page.getAttribute('#r-qr', 'alt')).includes(code));
  await page.getByRole('button', { name: 'Tra cứu trên nhật ký công khai' }).tap();
  await page.waitForFunction(() => document.querySelector('#r-check-result').classList.contains('v-note-ok'), null, { timeout: 10000 });
  await h.shot(page, 'voter-1-receipt');
  await a11y(page, 'the receipt');
  receipts.v1 = await lookUp(code);
  assert.equal(receipts.v1.seq, Number(await page.locator('#r-seq').textContent()));
  // Nothing secret is left on the phone: no credential in either storage,
  // no choice in localStorage.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(meeting.voterUrls[0].split('#')[1].split('.')[0]), 'the credential is not kept after the receipt');
  assert.ok(!/"(high|confidence|low)"/.test(stored), 'the choices are not kept');
  // The receipt's QR code opens the lookup screen, on any phone.
  const { page: other } = await phone('v1-lookup', { problems });
  await other.goto(`${meeting.url}/v/${meeting.id}#track=${code}`);
  await screen(other, 'lookup');
  await other.waitForFunction(() => document.querySelector('#lookup-result').classList.contains('v-note-ok'), null, { timeout: 10000 });
  assert.ok((await other.locator('#lookup-result').textContent()).includes(receipts.v1.entry_hash));
  await h.shot(other, 'voter-lookup');
  await a11y(other, 'the lookup');
  await other.close();
  assertClean(problems);
});

async function lookUp(code) {
  const r = await fetch(`${meeting.url}/api/elections/${meeting.id}/tracking/${code}`);
  assert.equal(r.status, 200, `tracking code ${code} is in the log`);
  return r.json();
}

test('a voter who leaves a candidate empty is warned, per candidate, that the entry is invalid', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('v2', { problems });
  await page.goto(meeting.voterUrls[1]);
  await screen(page, 'ballot');
  await mark(page, MARKS.v2);
  assert.equal(await page.locator('#cand-1').getAttribute('class'), 'v-cand is-empty');
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await screen(page, 'review');
  assert.equal(await page.locator('#review-empty').isVisible(), true);
  assert.ok((await page.locator('#review-empty').textContent()).includes('Còn 1 người để trống'));
  const items = page.locator('#review-list li');
  assert.equal(await items.count(), 3);
  assert.ok((await items.nth(1).textContent()).includes('Để trống — phần này không hợp lệ'));
  assert.ok(!(await items.nth(0).textContent()).includes('Để trống'));
  await h.shot(page, 'voter-2-review-empty');
  await h.sealAndSend(page);
  await screen(page, 'receipt');
  receipts.v2 = await lookUp((await page.locator('#r-code').textContent()).trim());
  assertClean(problems);
});

test('a voter signs the ballot using only the keyboard, after a plain warning that it shows who voted', { timeout: 120000 }, async () => {
  const problems = [];
  const { page } = await phone('v3', { problems });
  await page.goto(meeting.voterUrls[2]);
  await screen(page, 'ballot');
  // Keyboard only: Tab into each radio group, arrows to choose.
  const arrows = { high: 0, confidence: 1, low: 2 };
  for (const [i, level] of MARKS.v3.entries()) {
    await tabTo(page, `input[name="c${i}"]`);
    // An untouched group focuses its first level; Space marks it.
    await page.keyboard.press('Space');
    for (let k = 0; k < arrows[level]; k++) await page.keyboard.press('ArrowRight');
  }
  for (const [i, level] of MARKS.v3.entries()) {
    assert.equal(await page.locator(`input[name="c${i}"]:checked`).getAttribute('value'), level);
  }
  await tabTo(page, 'button[type=submit]');
  await page.keyboard.press('Enter');
  await screen(page, 'review');
  const warning = await page.locator('#sign-warning').textContent();
  assert.ok(warning.includes('mọi người sẽ biết bạn đã bỏ phiếu') && warning.includes('không ai biết bạn đã chọn gì'), warning);
  await tabTo(page, '#sign');
  await page.keyboard.press('Space');
  // Ticking the box moves to the name; an empty name is refused.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signed-by');
  await tabTo(page, '#review-seal');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#sign-error').textContent(), 'Hãy nhập họ và tên, hoặc bỏ chọn ô ký tên.');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signed-by');
  await page.keyboard.type(SIGNER);
  await h.shot(page, 'voter-3-sign');
  await a11y(page, 'the signature');
  await tabTo(page, '#review-seal');
  await page.keyboard.press('Enter');
  await screen(page, 'sealed');
  await tabTo(page, '#sealed-send');
  await page.keyboard.press('Enter');
  await screen(page, 'receipt');
  receipts.v3 = await lookUp((await page.locator('#r-code').textContent()).trim());
  assertClean(problems);
});

test('the answer is lost after the ballot landed and the tab is closed: the QR reopened resends the same ballot, counted once', { timeout: 120000 }, async () => {
  const problems = [];
  const { context, page, watcher } = await phone('v4', { problems });
  // The first send reaches the server, but its answer never reaches the
  // phone; later sends from this tab are cut too.
  let landed = null;
  await page.route('**/api/elections/*/ballots', async (route) => {
    if (!landed) {
      const response = await route.fetch();
      landed = await response.json();
    }
    await route.abort('connectionreset');
  });
  watcher.allow((w) => /\/ballots$/.test(w.url || '') || /ERR_CONNECTION_RESET|ERR_FAILED/.test(w.text || ''));
  await page.goto(meeting.voterUrls[3]);
  await screen(page, 'ballot');
  await mark(page, MARKS.v4);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await screen(page, 'review');
  await h.sealAndSend(page);
  await page.waitForSelector('#resend:not([hidden])', { timeout: 30000 });
  assert.ok(landed && landed.tracking, 'the first send reached the server');
  assert.equal((await page.locator('#sending-code').textContent()).trim(), landed.tracking);
  assert.ok((await page.locator('#sending-text').textContent()).includes('giữ an toàn trên điện thoại'));
  await h.shot(page, 'voter-4-offline');
  await a11y(page, 'the waiting screen');
  await page.close();
  // The voter scans the slip again on the same phone.
  const again = await context.newPage();
  h.watch(again, problems, 'v4-again');
  await again.goto(meeting.voterUrls[3]);
  await screen(again, 'receipt');
  const code = (await again.locator('#r-code').textContent()).trim();
  assert.equal(code, landed.tracking, 'the same ballot was sent again');
  assert.equal(Number(await again.locator('#r-seq').textContent()), landed.seq);
  assert.equal((await again.locator('#r-entry').textContent()).trim(), landed.entry_hash);
  await h.shot(again, 'voter-4-resent-receipt');
  receipts.v4 = await lookUp(code);
  assertClean(problems);
});

test('offline before sending: the encrypted ballot waits on the phone and goes when the network is back', { timeout: 120000 }, async () => {
  const problems = [];
  const { context, page, watcher } = await phone('v5', { problems });
  watcher.allow((w) => /\/ballots$/.test(w.url || '') || /ERR_INTERNET_DISCONNECTED|ERR_FAILED/.test(w.text || ''));
  await page.goto(meeting.voterUrls[4]);
  await screen(page, 'ballot');
  await mark(page, MARKS.v5);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await screen(page, 'review');
  await context.setOffline(true);
  await h.sealAndSend(page);
  await page.waitForSelector('#resend:not([hidden])', { timeout: 30000 });
  assert.equal(await page.locator('#sending-h').textContent(), 'Chưa gửi được — đang chờ mạng');
  const pending = (await page.locator('#sending-code').textContent()).trim();
  await h.shot(page, 'voter-5-offline');
  await context.setOffline(false);
  await screen(page, 'receipt');
  assert.equal((await page.locator('#r-code').textContent()).trim(), pending);
  receipts.v5 = await lookUp(pending);
  assertClean(problems);
});

test('the same QR code opened again on the same phone shows the stored receipt', { timeout: 60000 }, async () => {
  const problems = [];
  const page = await contexts.v1.newPage();
  h.watch(page, problems, 'v1-again');
  await page.goto(meeting.voterUrls[0]);
  await screen(page, 'receipt');
  assert.equal(await page.locator('#receipt-h').textContent(), 'Phiếu của mã này đã được ghi nhận');
  assert.equal((await page.locator('#r-code').textContent()).trim(), receipts.v1.tracking);
  assert.equal(await page.locator('#s-ballot').isHidden(), true, 'no second ballot is offered');
  await h.shot(page, 'voter-1-again');
  assertClean(problems);
});

test('a receipt checked against a log whose line was replaced or dropped is reported, though /tracking still answers', { timeout: 60000 }, async () => {
  // The server (here a proxy in front of it, on this phone's requests)
  // publishes a log where v1's ballot is replaced by v2's, then one where
  // it is missing; it still answers /tracking for v1's code. The page must
  // check the log itself.
  const tracked = await lookUp(receipts.v1.tracking);
  assert.equal(tracked.seq, receipts.v1.seq, 'the server still answers /tracking for the code');
  const log = (await (await fetch(`${meeting.url}/api/elections/${meeting.id}/log`)).text()).trim().split('\n');
  const other = log[receipts.v2.seq];
  for (const [how, expected] of [['replaced', 'nhưng mã băm không khớp'], ['dropped', 'Không tìm thấy mã này']]) {
    const problems = [];
    const page = await contexts.v1.newPage();
    h.watch(page, problems, `v1-${how}`);
    await page.route(/\/log\?/, async (route) => {
      const response = await route.fetch();
      const lines = (await response.text()).split('\n').filter(Boolean);
      const kept = [];
      for (const l of lines) {
        if (JSON.parse(l).seq !== receipts.v1.seq) kept.push(l);
        else if (how === 'replaced') kept.push(other);
      }
      await route.fulfill({ response, body: kept.map((l) => `${l}\n`).join('') });
    });
    await page.goto(meeting.voterUrls[0]);
    await screen(page, 'receipt');
    await page.getByRole('button', { name: 'Tra cứu trên nhật ký công khai' }).tap();
    await page.waitForFunction(() => !document.querySelector('#r-check-result').hidden && document.querySelector('#r-check-result').textContent !== 'Đang tải…', null, { timeout: 10000 });
    const out = page.locator('#r-check-result');
    assert.equal(await out.getAttribute('class'), 'v-note v-note-bad', `${how}: ${await out.textContent()}`);
    assert.ok((await out.textContent()).includes(expected), `${how}: ${await out.textContent()}`);
    await h.shot(page, `voter-receipt-${how}`);
    await page.close();
    assertClean(problems);
  }
  // The same check against the real log passes.
  const page = await contexts.v1.newPage();
  await page.goto(meeting.voterUrls[0]);
  await screen(page, 'receipt');
  await page.getByRole('button', { name: 'Tra cứu trên nhật ký công khai' }).tap();
  await page.waitForFunction(() => document.querySelector('#r-check-result').classList.contains('v-note-ok'), null, { timeout: 10000 });
  await page.close();
});

test('a phone served another election key, or a QR code with another election check, stops before the ballot', { timeout: 60000 }, async () => {
  // The server answers its own election key (a key it would hold the
  // secret of) in the log: the check the committee printed in the QR code
  // no longer matches what the phone is served.
  const log = (await (await fetch(`${meeting.url}/api/elections/${meeting.id}/log`)).text()).trim().split('\n').map((l) => JSON.parse(l));
  const own = log.find((e) => e.kind === 'trustee_key').body.key;
  const cases = [
    ['key', meeting.voterUrls[5], (l) => {
      const e = JSON.parse(l);
      return e.kind === 'election_key' ? l.replace(e.body.key, own) : l;
    }],
    // One character of the check changed: the genuine log, another check.
    ['check', meeting.voterUrls[5].replace(/\.([0-9A-Z])([0-9A-Z]{31})$/, (m, c, rest) => `.${c === '0' ? '1' : '0'}${rest}`), (l) => l],
  ];
  for (const [how, url, change] of cases) {
    if (how === 'check') assert.notEqual(url, meeting.voterUrls[5], 'the check was changed');
    const problems = [];
    const { page } = await phone(`tampered-${how}`, { problems });
    let posted = false;
    page.on('request', (r) => { if (r.method() === 'POST') posted = true; });
    await page.route(/\/log\?/, async (route) => {
      const response = await route.fetch();
      const lines = (await response.text()).split('\n').filter(Boolean);
      await route.fulfill({ response, body: lines.map((l) => `${change(l)}\n`).join('') });
    });
    await page.goto(url);
    await screen(page, 'problem');
    assert.equal(await page.locator('#problem-h').textContent(), 'Dừng lại — báo ngay cho Ban kiểm phiếu', how);
    assert.ok((await page.locator('#problem-text').textContent()).includes('Đừng bỏ phiếu'), how);
    assert.equal(await page.locator('#s-ballot').isHidden(), true, `${how}: no ballot`);
    assert.equal(await page.locator('#candidates input').count(), 0, `${how}: no candidate`);
    assert.equal(posted, false);
    await h.shot(page, `voter-stop-${how}`);
    await a11y(page, 'the stop screen');
    await page.locator('#lang').tap();
    assert.equal(await page.locator('#problem-h').textContent(), 'Stop — call the counting committee');
    await page.locator('#lang').tap();
    assertClean(problems);
  }
});

test('the same QR code opened on another phone is told at once that it has voted, before any ballot (R5)', { timeout: 60000 }, async () => {
  const problems = [];
  const { page } = await phone('v2-other-phone', { problems });
  await page.goto(meeting.voterUrls[1]);
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Mã này đã được dùng để bỏ phiếu');
  assert.equal(await page.locator('#s-ballot').isHidden(), true, 'no ballot to fill in');
  await h.shot(page, 'voter-2-again-other-phone');
  await a11y(page, 'the already-voted screen');
  assertClean(problems);
});

test('when that question fails, the ballot is still shown, and the server refuses it as already recorded', { timeout: 60000 }, async () => {
  const problems = [];
  const { page, watcher } = await phone('v3-other-phone', { problems });
  // The room's Wi-Fi drops the question: the voter is not held up.
  await page.route('**/credentials/*', (r) => r.abort());
  watcher.allow((w) => w.kind === 'requestfailed' && /\/credentials\//.test(w.url));
  watcher.allow((w) => w.kind === 'console' && /ERR_FAILED/.test(w.text));
  // The browser reports the 409 answer as a failed resource load.
  watcher.allow((w) => w.kind === 'console' && /status of 409/.test(w.text));
  await page.goto(meeting.voterUrls[2]);
  await screen(page, 'ballot');
  await mark(page, ['low', 'low', 'low']);
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await screen(page, 'review');
  await h.sealAndSend(page);
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Mã này đã được dùng để bỏ phiếu');
  assertClean(problems);
});

test('a mistyped code is caught on the phone before anything is sent, and the code can be typed instead', { timeout: 60000 }, async () => {
  const problems = [];
  const { page } = await phone('mistyped', { problems });
  const good = meeting.voterUrls[5];
  const [base, cred] = good.split('#');
  const bad = `${base}#${cred[0] === 'A' ? 'B' : 'A'}${cred.slice(1)}`;
  let posted = false;
  page.on('request', (r) => { if (r.method() === 'POST') posted = true; });
  await page.goto(bad);
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Mã không đúng');
  assert.equal(await page.locator('#manual').isVisible(), true, 'the code can be typed instead');
  await h.shot(page, 'voter-mistyped');
  await a11y(page, 'the mistyped-code screen');
  assert.equal(posted, false);
  // The address printed under the QR code, typed in, opens the ballot.
  await page.getByLabel('Nhập mã in dưới mã QR trên phiếu').fill(good);
  await page.getByRole('button', { name: 'Mở phiếu' }).tap();
  await screen(page, 'ballot');
  assert.equal(posted, false);
  assertClean(problems);
});

test('the committee closes and counts with the CLI; tinnhiem verify on the log gives exactly the marks', { timeout: 180000 }, async () => {
  const { log, result } = await h.closeAndCount(server, meeting);
  const ballots = log.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => JSON.stringify(e).includes('"answers"'));
  assert.equal(ballots.length, 5, 'five ballot entries: the resent and the reused ones are not counted twice');
  assert.ok(log.includes(SIGNER), 'the declared name is in the log');
  assert.equal(result.issued, 6);
  assert.equal(result.returned, 5);
  for (const [i, c] of CANDIDATES.entries()) {
    const got = result.candidates[i];
    const marks = Object.values(MARKS).map((m) => m[i]);
    const count = (level) => marks.filter((m) => m === level).length;
    assert.equal(got.name, c.name);
    assert.equal(got.returned, 5);
    assert.equal(got.invalid, count(null), `${c.name}: invalid`);
    assert.equal(got.valid, 5 - count(null), `${c.name}: valid`);
    for (const level of ['high', 'confidence', 'low']) {
      assert.equal(got[level].count, count(level), `${c.name}: ${level}`);
    }
  }
  // 4 low of 5 returned: 2/3 or more (R7, 9.3).
  assert.equal(result.candidates[2].consequence, '9.3');
  // Each voter's receipt is still in the final log, at its line.
  const lines = log.trim().split('\n');
  for (const r of Object.values(receipts)) assert.equal(lines[r.seq].length > 0, true);
});

test('after the close, an unused QR code shows that voting is over', { timeout: 60000 }, async () => {
  const problems = [];
  const { page } = await phone('late', { problems });
  await page.goto(meeting.voterUrls[5]);
  await screen(page, 'problem');
  assert.equal(await page.locator('#problem-h').textContent(), 'Đã kết thúc bỏ phiếu');
  await h.shot(page, 'voter-closed');
  assertClean(problems);
});
