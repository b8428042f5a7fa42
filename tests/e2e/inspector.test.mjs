// The inspector's page (/inspector) as the superior body's representative
// reads a log (issue 13): a meeting run by `tinnhiem simulate` against a
// real `tinnhiem serve` (7 present of 9, a signed ballot, a forged and a
// repeated ballot refused), then
// - the line table names every kind in the page's language (never a raw
//   kind such as `trustee_key`) and says what each statement holds: the
//   attendance, the number of slips issued, the refusals at the close, the
//   result's counts, a signed ballot's declared name (R4);
// - a log with a cancelled slip (crates/tally/tests/vectors/cancel.jsonl)
//   reads "huỷ 1 phiếu mã chưa dùng";
// - a changed byte: the list opens on the failing line, marked beyond
//   colour, the lines after it greyed as unchecked;
// - the head printed on the minutes, passed as ?head= or typed, is
//   compared with the verified log;
// - at 390 px the tracking-code lookup and its answer (a 64-digit hash)
//   never widen the page.
// Screenshots: target/e2e-screenshots/inspector-i13-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as c from './lib-console.mjs';

const h = c;
const UNIT = 'Sở Y tế tỉnh Nam Định';
const TITLE = 'Lấy phiếu tín nhiệm năm 2026';
const CANDIDATES = [
  { name: 'Nguyễn Văn An', position: 'Giám đốc Sở' },
  { name: 'Trần Thị Bích Ngọc', position: 'Phó Giám đốc Sở' },
];
const SIGNER = 'Lê Thị Hồng Nhung';
const BALLOTS = [
  { marks: ['high', 'low'] },
  { marks: ['high', 'low'], signed_by: SIGNER },
  { marks: ['confidence', 'low'] },
  { marks: ['none', 'high'] },
  { marks: ['high', 'confidence'] },
];
const PHONE_390 = { ...h.PHONE, viewport: { width: 390, height: 844 } };
const LAPTOP = { viewport: { width: 1366, height: 768 }, locale: 'vi-VN' };

let server;
let browser;
let id;
let log;
let result;
let receipts;

before(async () => {
  server = await h.startServer({ args: ['--rate-limit', '0'] });
  const out = path.join(server.dir, 'simulated');
  const file = path.join(server.dir, 'scenario.json');
  await writeFile(file, JSON.stringify({
    title: TITLE, unit: UNIT, date: '2026-11-28', candidates: CANDIDATES, summoned: 9, present: 7,
    trustees: 3, ballots: BALLOTS, forged: 1, repeated: 1,
  }));
  await h.cli(['simulate', file, '--out', out, '--server', server.url, '--password', h.PASSWORD]);
  id = JSON.parse(await readFile(path.join(out, 'election.json'), 'utf8')).id;
  log = await readFile(path.join(out, 'log.jsonl'), 'utf8');
  result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'));
  receipts = (await readFile(path.join(out, 'receipts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  browser = await h.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function open(options, query) {
  const ctx = await c.context(browser, options);
  const page = await ctx.newPage();
  const problems = [];
  const watcher = h.watch(page, problems, 'inspector');
  await page.goto(`${server.url}/inspector?${query}`);
  return { ctx, page, problems, watcher };
}

/// The line table as shown: `{seq, kind, kindText, content, cls}` per row.
async function rows(page) {
  return page.locator('#entries tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    seq: Number(tr.dataset.seq),
    kind: tr.dataset.kind,
    kindText: tr.children[1].textContent,
    content: tr.children[2].textContent,
    cls: tr.className,
  })));
}

test('the line table names every kind in Vietnamese and says what each statement holds, a signed ballot its declared name', { timeout: 120000 }, async () => {
  const grouped = result.log_head.match(/.{8}/g).join(' ');
  for (const [name, options] of [['390', PHONE_390], ['1366', LAPTOP]]) {
    const { ctx, page, problems } = await open(options, `id=${id}&head=${encodeURIComponent(grouped)}&verify`);
    await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
    // The progress card no longer says the check is under way.
    assert.equal((await page.locator('#progress-h').textContent()).trim(), 'Đã kiểm tra xong');
    // The head printed on the minutes matches.
    assert.equal(await page.locator('#head-result').getAttribute('data-outcome'), 'match');
    assert.ok((await page.locator('#head-result').textContent()).includes('KHỚP'));
    await page.locator('#entries-box summary').click();
    const table = await rows(page);
    const lines = log.trim().split('\n');
    assert.equal(table.length, lines.length);
    for (const r of table) {
      assert.ok(!/_/.test(r.kindText) && r.kindText !== r.kind, `line ${r.seq}: kind shown as "${r.kindText}"`);
      assert.ok(r.content.length > 0, `line ${r.seq} (${r.kind}) says what it holds`);
    }
    const of = (kind) => table.filter((r) => r.kind === kind);
    assert.equal(of('trustee_key')[0].kindText, 'khoá thành viên');
    assert.equal(of('quorum')[0].content, 'điểm danh: có mặt 7/9 người (77,78%), đủ 2/3; ký: Thành viên Ban kiểm phiếu 1 (số 1)');
    assert.equal(of('credentials')[0].content, 'phát 7 phiếu mã; ký: Thành viên Ban kiểm phiếu 1 (số 1)');
    assert.ok(of('close')[0].content.startsWith('kết thúc bỏ phiếu; máy chủ đã từ chối 1 phiếu không do Ban kiểm phiếu phát ra và 1 phiếu gửi lại'));
    const ballots = of('ballot');
    assert.equal(ballots.length, BALLOTS.length);
    assert.deepEqual(ballots.filter((r) => r.content === `phiếu có ký tên: ${SIGNER}`).length, 1);
    assert.equal(ballots.filter((r) => r.content === 'phiếu kín (không ký tên)').length, BALLOTS.length - 1);
    const counts = result.candidates.map((x) => `${x.name}: ${x.high.count} cao, ${x.confidence.count} tín nhiệm, ${x.low.count} thấp`).join('; ');
    assert.ok(of('result')[0].content.startsWith(`kết quả: ${counts}`), of('result')[0].content);
    assert.ok(of('election')[0].content.startsWith(`${TITLE} — ${UNIT}, 2026-11-28: 2 người được lấy phiếu, 9 người được triệu tập`));
    assert.ok((await page.locator('#kinds').textContent()).includes(`${BALLOTS.length} × phiếu`));
    assert.ok(!(await page.locator('#kinds').textContent()).includes('_'));
    await c.shot(page, `inspector-i13-lines-${name}`);
    assert.deepEqual(await c.overflowing(page), [], 'nothing sticks out of the screen');
    if (name === '1366') {
      // English beside it, on the toggle: English kinds, still no raw kind.
      await page.locator('#lang').click();
      const en = await rows(page);
      assert.equal(en.find((r) => r.kind === 'trustee_key').kindText, 'trustee key');
      assert.equal(en.find((r) => r.kind === 'ballot' && r.content.startsWith('signed')).content, `signed ballot: ${SIGNER}`);
      await c.shot(page, 'inspector-i13-lines-1366-en');
    }
    assert.deepEqual(problems, []);
    await ctx.close();
  }
});

test('a cancel line reads as the slips the committee cancelled, and its slip\'s ballot as left out', { timeout: 120000 }, async () => {
  const { ctx, page, problems } = await open(LAPTOP, '');
  await page.setInputFiles('#file', path.join(h.ROOT, 'crates/tally/tests/vectors/cancel.jsonl'));
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  await page.locator('#entries-box summary').click();
  const table = await rows(page);
  const cancel = table.find((r) => r.kind === 'cancel');
  assert.equal(cancel.kindText, 'huỷ phiếu mã');
  assert.match(cancel.content, /^huỷ 1 phiếu mã chưa dùng \(rách, mất, in hỏng\); ký: .+ \(số 1\)$/);
  const out = table.filter((r) => r.cls.includes('c-kind-excluded'));
  assert.equal(out.length, 1);
  assert.ok(out[0].content.includes('bị loại'), out[0].content);
  await page.locator(`#entries tr[data-kind=cancel]`).scrollIntoViewIfNeeded();
  await c.shot(page, 'inspector-i13-cancel');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a changed byte: the list opens on the failing line, marked beyond colour, and the log matches no minutes', { timeout: 120000 }, async () => {
  const { ctx, page, problems } = await open(PHONE_390, `head=${result.log_head}`);
  const lines = log.trim().split('\n');
  const seq = lines.findIndex((l) => l.includes('"kind":"close"'));
  const bad = lines.slice();
  bad[seq] = bad[seq].replace('"forged":1', '"forged":2');
  assert.notEqual(bad[seq], lines[seq]);
  const file = path.join(server.dir, 'tampered.jsonl');
  await writeFile(file, `${bad.join('\n')}\n`);
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#verdict[data-outcome=fail]', { timeout: 60000 });
  assert.equal((await page.locator('#progress-h').textContent()).trim(), 'Đã kiểm tra xong');
  assert.equal(await page.locator('#entries-box').evaluate((d) => d.open), true, 'the list is open');
  const row = page.locator(`#entries tr[data-seq="${seq}"]`);
  assert.equal(await row.getAttribute('aria-current'), 'true');
  assert.ok((await row.getAttribute('class')).includes('c-kind-bad'));
  const style = await row.locator('td').first().evaluate((td) => {
    const s = getComputedStyle(td);
    return { edge: s.borderLeftWidth, weight: s.fontWeight, mark: getComputedStyle(td, '::before').content };
  });
  assert.equal(style.edge, '6px');
  assert.equal(style.weight, '700');
  assert.ok(style.mark.includes('⚠'));
  // The failing row is in view inside the list's scrolling box.
  const inView = await row.evaluate((tr) => {
    const box = tr.closest('.c-entries').getBoundingClientRect();
    const r = tr.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  });
  assert.ok(inView, 'the failing line is scrolled into view');
  const after = await rows(page);
  assert.ok(after.filter((r) => r.seq > seq).every((r) => r.cls.includes('c-kind-unchecked') && r.content === 'chưa kiểm (sau dòng sai)'));
  // Its last line is unchanged, but a log that fails matches no minutes.
  assert.equal(await page.locator('#head-result').getAttribute('data-outcome'), 'invalid');
  await row.scrollIntoViewIfNeeded();
  await c.shot(page, 'inspector-i13-failing-390');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('at 390 px the tracking-code lookup and its answer wrap the hash instead of scrolling sideways', { timeout: 120000 }, async () => {
  const { ctx, page, problems } = await open(PHONE_390, `id=${id}`);
  const wide = () => page.evaluate(() => document.documentElement.scrollWidth);
  // Before a log is loaded the answer carries the line's 64-digit hash.
  await page.fill('#track', receipts[0].tracking);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.waitForSelector('#track-result[data-outcome="track.unverified"]');
  assert.ok((await page.locator('#track-result').textContent()).includes(receipts[0].entry_hash));
  assert.ok(await wide() <= 390, `the page is ${await wide()}px wide`);
  assert.deepEqual(await c.overflowing(page), []);
  await page.locator('#track-result').scrollIntoViewIfNeeded();
  await c.shot(page, 'inspector-i13-track-390');
  // The head field takes a grouped hash typed by hand, and a wrong one says so.
  await page.fill('#head', 'abcd 1234');
  await page.getByRole('button', { name: 'Tải từ máy chủ và kiểm tra' }).click();
  await page.waitForSelector('#verdict[data-outcome=ok]', { timeout: 60000 });
  assert.equal(await page.locator('#head-result').getAttribute('data-outcome'), 'mismatch');
  await page.fill('#head', result.log_head.toUpperCase().match(/.{8}/g).join(' '));
  assert.equal(await page.locator('#head-result').getAttribute('data-outcome'), 'match');
  await page.fill('#track', receipts[1].tracking);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.waitForSelector('#track-result[data-outcome="track.found"]');
  assert.ok(await wide() <= 390, `the page is ${await wide()}px wide`);
  assert.deepEqual(await c.overflowing(page), []);
  assert.deepEqual(problems, []);
  await ctx.close();
});
