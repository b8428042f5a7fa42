// The superior body's campaign page (/campaign, issue 14) against a real
// `tinnhiem serve` with an officers' password: two units held their
// meetings on their own servers (`tinnhiem simulate`, each with its own
// local server) and sent their logs; Nguyễn Văn A (CB-0042) is rated in
// both. An officer logs in at 1366 px, creates the campaign with four
// units, tries a tampered file (the browser names its bad line and sends
// nothing), uploads the two true logs, and reads: each unit's status (the
// Chi bộ "chưa báo cáo"), the consolidated table, the two places side by
// side, no R8 violation; "verify every log again" agrees with the server;
// the CSV download is the server's (UTF-8 with BOM) and has CB-0042's two
// rows. The same campaign on a 360 px phone: no sideways scroll.
// Screenshots: target/e2e-screenshots/campaign-*.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as c from './lib-console.mjs';

const OFFICER = 'mat-khau-can-bo-cap-tren-e2e';
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };
const UNITS = ['Sở Y tế tỉnh Nam Định', 'Bệnh viện Đa khoa tỉnh', 'Trung tâm Kiểm soát bệnh tật tỉnh', 'Chi bộ Văn phòng Sở'];

let server;
let browser;
let dir;
const logs = {};
const problems = [];

/// A unit's meeting on its own server: `tinnhiem simulate`; its log file.
async function unitLog(name, scenario) {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(scenario));
  const out = path.join(dir, name);
  await c.cli(['simulate', file, '--out', out]);
  return path.join(out, 'log.jsonl');
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tinnhiem-campaign-'));
  const base = { title: 'Lấy phiếu tín nhiệm năm 2026', summoned: 5, present: 5, trustees: 1, forged: 0, repeated: 0 };
  logs.soYTe = await unitLog('so-y-te', {
    ...base,
    unit: UNITS[0],
    date: '2026-08-13',
    candidates: [{ name: 'Nguyễn Văn A', position: 'Giám đốc Sở', person: 'CB-0042' }, { name: 'Trần Thị B', position: 'Phó Giám đốc Sở' }],
    ballots: [{ marks: ['high', 'low'] }, { marks: ['confidence', 'low'] }, { marks: ['low', 'low'] }, { marks: ['low', 'none'] }],
  });
  logs.benhVien = await unitLog('benh-vien', {
    ...base,
    unit: UNITS[1],
    date: '2026-08-12',
    candidates: [{ name: 'Nguyễn Văn A', position: 'Chủ tịch Hội đồng quản lý', person: 'CB-0042' }, { name: 'Lê Văn C', position: 'Giám đốc Bệnh viện', person: 'CB-0101' }],
    ballots: [{ marks: ['low', 'high'] }, { marks: ['low', 'high'] }, { marks: ['high', 'confidence'] }],
  });
  // The hospital's file with one digit changed in line 4.
  const lines = (await readFile(logs.benhVien, 'utf8')).split('\n');
  lines[4] = lines[4].replace(/"seq":4/, '"seq":5');
  logs.tampered = path.join(dir, 'benh-vien-sua.jsonl');
  await writeFile(logs.tampered, lines.join('\n'));
  server = await c.startServer({ args: ['--today', '2026-08-20'], env: { TINNHIEM_OFFICER_PASSWORD: OFFICER } });
  browser = await c.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function login(page) {
  await page.goto(`${server.url}/campaign`);
  await page.locator('#login').waitFor({ state: 'visible' });
  await page.fill('#password', OFFICER);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#campaigns').waitFor({ state: 'visible' });
}

async function uploadFile(page, file) {
  await page.setInputFiles('#file', file);
  await page.getByRole('button', { name: 'Kiểm tra và gửi nhật ký' }).click();
}

test('an officer uploads two units\' logs and reads the consolidated table, the two places side by side and the CSV', async () => {
  const ctx = await c.context(browser, DESKTOP);
  const page = await ctx.newPage();
  c.watch(page, problems, 'desktop');
  await login(page);
  await c.shot(page, 'campaign-1366-login-done');

  // A new campaign, from the form.
  assert.equal(await page.locator('#new').getAttribute('open'), '', 'the form is open when there is no campaign');
  await page.fill('#new-name', 'Lấy phiếu tín nhiệm năm 2026');
  await page.fill('#new-deadline', '2026-08-31');
  await page.fill('#new-office', 'Sở Y tế tỉnh Nam Định — Phòng Tổ chức cán bộ');
  await page.fill('#new-units', UNITS.join('\n'));
  await page.getByRole('button', { name: 'Tạo đợt' }).click();
  await page.locator('#campaign').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#campaign-h').textContent(), 'Lấy phiếu tín nhiệm năm 2026');
  assert.equal(await page.locator('.k-unit[data-status="not_reported"]').count(), 4);

  // A tampered file: the browser names the line, nothing reaches the server.
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/logs')) sent.push(r.url()); });
  await uploadFile(page, logs.tampered);
  const out = page.locator('#upload-out');
  await page.waitForFunction(() => document.getElementById('upload-out').classList.contains('c-bad'));
  const bad = await out.textContent();
  assert.match(bad, /KHÔNG hợp lệ ở dòng 4/, bad);
  assert.equal(await out.getAttribute('data-seq'), '4');
  assert.deepEqual(sent, [], 'a log that fails in the browser is not sent');
  await c.shot(page, 'campaign-1366-tampered');

  // The two true logs.
  for (const [f, unit] of [[logs.soYTe, UNITS[0]], [logs.benhVien, UNITS[1]]]) {
    await uploadFile(page, f);
    await page.waitForFunction((u) => {
      const o = document.getElementById('upload-out');
      return o.classList.contains('c-bad') || (o.classList.contains('c-ok') && o.textContent.includes(u));
    }, unit);
    assert.match(await out.textContent(), /máy chủ đã kiểm tra lại: hợp lệ/);
  }
  assert.equal(sent.length, 2);
  await page.waitForFunction(() => document.querySelectorAll('.k-unit[data-status="reported"]').length === 2);
  // Units and their status (R12): the hospital met on 12 August, due the
  // 21st, received the 20th; the Chi bộ has not reported.
  const unit = (name) => page.locator(`.k-unit[data-unit="${name}"]`);
  assert.match(await unit(UNITS[1]).textContent(), /Đã báo cáo/);
  assert.match(await unit(UNITS[1]).textContent(), /2026-08-21/);
  assert.match(await unit(UNITS[1]).textContent(), /Đúng hạn/);
  assert.match(await unit(UNITS[1]).textContent(), /hợp lệ, đã kiểm tra/);
  assert.match(await unit(UNITS[3]).textContent(), /Chưa báo cáo/);

  // The consolidated table: CB-0042 in two rows, then the side-by-side view.
  const rows = page.locator('#report-table tbody tr[data-person="CB-0042"]');
  assert.equal(await rows.count(), 2);
  const table = await page.locator('#report-table').textContent();
  for (const t of ['Bệnh viện Đa khoa tỉnh', 'Chủ tịch Hội đồng quản lý', '2 (66,67%)', '9.3', 'Sở Y tế tỉnh Nam Định', '2 (50,00%)']) {
    assert.ok(table.includes(t), `the table shows ${t}`);
  }
  const two = page.locator('table.k-two[data-person="CB-0042"]');
  assert.equal(await two.count(), 1, 'the two places side by side');
  const heads = await two.locator('thead th').allTextContents();
  assert.deepEqual(heads.slice(1), ['Nơi 1', 'Nơi 2']);
  const unitRow = await two.locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(unitRow, ['Bệnh viện Đa khoa tỉnh', 'Sở Y tế tỉnh Nam Định'], 'in date order');
  assert.match(await page.locator('#violations').textContent(), /Không có cán bộ nào được lấy phiếu quá 2 nơi/);

  // Every log again, in the browser: the same table as the server's.
  await page.getByRole('button', { name: 'Kiểm tra lại mọi nhật ký trong trình duyệt' }).click();
  await page.waitForFunction(() => /trùng|KHÁC|KHÔNG/.test(document.getElementById('recheck-out').textContent));
  assert.match(await page.locator('#recheck-out').textContent(), /2 nhật ký .*trùng với bảng của máy chủ/);
  await c.shot(page, 'campaign-1366');

  // The CSV: the server's bytes, UTF-8 with a byte-order mark.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải bảng CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^tong-hop-[a-z0-9]+\.csv$/);
  const csv = await readFile(await download.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = csv.toString('utf8').slice(1);
  const lines = text.trim().split('\r\n');
  assert.ok(lines[0].startsWith('Mã cán bộ (person),Họ và tên (name),Số nơi (places)'));
  assert.equal(lines.filter((l) => l.startsWith('CB-0042,Nguyễn Văn A,2,')).length, 2);

  // The printable report: the server's, through this page's style sheet.
  await page.getByRole('button', { name: 'In báo cáo (A4)' }).click();
  await page.waitForFunction(() => document.body.classList.contains('c-printing'));
  await page.emulateMedia({ media: 'print' });
  const printed = await page.locator('#print-root').textContent();
  for (const t of ['BÁO CÁO TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM', 'Phòng Tổ chức cán bộ', 'Nơi 2']) {
    assert.ok(printed.includes(t), `the printed report has ${t}`);
  }
  await c.shot(page, 'campaign-print');
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));

  // English beside: the toggle turns the page's words.
  await page.click('#lang');
  assert.match(await page.locator('#report-h').textContent(), /Consolidated table/);
  assert.ok((await page.locator('#report-table').textContent()).includes('2 (66.67%)'), 'English writes a decimal point');
  await c.shot(page, 'campaign-1366-en');
  await page.click('#lang');
  assert.deepEqual(await c.overflowing(page), [], 'no sideways scroll at 1366 px');
  await ctx.close();
});

test('the campaign page works on a 360 px phone', async () => {
  const ctx = await c.context(browser, c.PHONE);
  const page = await ctx.newPage();
  c.watch(page, problems, 'phone');
  await login(page);
  await page.locator('#campaign').waitFor({ state: 'visible' });
  await page.locator('table.k-two').waitFor();
  assert.deepEqual(await c.overflowing(page), [], 'no sideways scroll at 360 px');
  await c.shot(page, 'campaign-360');
  await page.locator('#report-table').scrollIntoViewIfNeeded();
  await c.shot(page, 'campaign-360-table');
  await page.locator('#two').scrollIntoViewIfNeeded();
  await c.shot(page, 'campaign-360-two');
  const a11y = await c.accessibilityProblems(page, { minTarget: 44 });
  assert.deepEqual(a11y, []);
  await ctx.close();
});

test('no page error, console error or failed request', () => {
  assert.deepEqual(problems, []);
});
