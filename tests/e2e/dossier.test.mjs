// The leader's dossier (R12) from the organizer's console, against a real
// `tinnhiem serve`: the organizer opens a draft at 1366 px; a file that is
// not a PDF and one over 20 MiB are refused on the page with a message and
// never sent; three PDFs are uploaded (the progress shown), each listed with
// its size and the SHA-256 of its bytes; one is removed; the draft is sealed
// and the list stays, read-only; the committee's ceremony and slips run
// through the CLI; the voter's page links the two remaining files, and each
// downloads with the bytes uploaded; the inspector's page lists them from
// the line 0 it verified, and after the count so do the official minutes. Screenshots at 360 and 1366 px:
// target/e2e-screenshots/dossier-*.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as c from './lib-console.mjs';

const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };

/// A PDF of `size` bytes: the header, filler, the end marker.
function pdf(label, size = 0) {
  const head = Buffer.from(`%PDF-1.7\n% ${label}\n`);
  const tail = Buffer.from('\n%%EOF\n');
  const fill = Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20);
  return Buffer.concat([head, fill, tail]);
}
const sha = (b) => createHash('sha256').update(b).digest('hex');

const FILES = [
  { name: 'Báo cáo tự kiểm điểm — Nguyễn Văn An.pdf', buffer: pdf('self-report', 3 * 1024 * 1024 + 17) },
  { name: 'giai-trinh-bo-sung.pdf', buffer: pdf('answers') },
  { name: 'ban-nhap-cu.pdf', buffer: pdf('an old draft') },
];
const file = (f) => ({ name: f.name, mimeType: 'application/pdf', buffer: f.buffer });

let server;
let browser;
const problems = [];
const M = {};

before(async () => {
  server = await c.startServer();
  browser = await c.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const shots = (page, name, at) => c.shotsBothSizes(page, 'dossier', name, at);

/// The dossier as the console lists it: [{name, sha256, remove}].
function listed(page) {
  return page.evaluate(() => [...document.querySelectorAll('#dossier-list li')].map((li) => ({
    name: li.querySelector('a').textContent,
    href: li.querySelector('a').getAttribute('href'),
    sha256: li.querySelector('[data-sha256]').textContent,
    remove: Boolean(li.querySelector('button[data-remove]')),
  })));
}

test('the organizer uploads PDFs to a draft, sees each SHA-256, removes one; a non-PDF and an oversized file never leave the page', { timeout: 120000 }, async () => {
  const { token } = await c.http(`${server.url}/api/login`, 'POST', { password: c.PASSWORD });
  const input = {
    title: 'Lấy phiếu tín nhiệm năm 2026', unit: 'Sở Y tế tỉnh Nam Định', date: '2026-11-28', summoned: 6,
    committee: ['Uỷ viên Một', 'Uỷ viên Hai'],
    candidates: [{ name: 'Nguyễn Văn An', position: 'Giám đốc Sở' }, { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' }],
  };
  M.created = await c.http(`${server.url}/api/elections`, 'POST', input, token);
  M.input = input;
  M.token = token;
  const ctx = await c.context(browser, DESKTOP);
  const page = await ctx.newPage();
  M.page = page;
  c.watch(page, problems, 'organizer');
  await c.organizerLogin(page, server.url);
  await page.fill('#org-eid', M.created.id);
  await page.getByRole('button', { name: 'Mở', exact: true }).click();
  await c.shown(page, 'org-draft');
  await c.shown(page, 'dossier-add');
  assert.equal(await c.textOf(page, 'dossier-h'), "Hồ sơ của người được lấy phiếu (The leader's dossier)");
  assert.equal(await c.textOf(page, 'dossier-none'), 'Chưa có tệp nào.');

  const sent = [];
  page.on('request', (r) => { if (r.url().includes('/dossier')) sent.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  // Not a PDF (by its bytes, whatever its name), then a PDF over 20 MiB.
  await page.setInputFiles('#dossier-file', { name: 'bao-cao.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a pdf</html>') });
  assert.equal(await c.noteWith(page, 'dossier-msg', 'c-bad'), 'Tệp “bao-cao.pdf” không phải tệp PDF: hồ sơ chỉ nhận tệp PDF. (The file "bao-cao.pdf" is not a PDF: the dossier takes PDF files only.)');
  await page.setInputFiles('#dossier-file', file({ name: 'qua-lon.pdf', buffer: pdf('too large', 21 * 1024 * 1024) }));
  await page.waitForFunction(() => /quá lớn/.test(document.getElementById('dossier-msg').textContent));
  assert.equal(await c.textOf(page, 'dossier-msg'), 'Tệp “qua-lon.pdf” quá lớn (21 MB): mỗi tệp tối đa 20 MB. Hãy nén hoặc tách tệp. (The file "qua-lon.pdf" is too large (21 MB): at most 20 MB per file. Compress or split it.)');
  await shots(page, '01-too-large', 'org-dossier');
  assert.deepEqual(sent, [], 'nothing refused on the page reaches the server');

  // Three PDFs at once, sent one after the other; the progress is shown.
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const t = document.getElementById('dossier-msg').textContent;
      if (t.startsWith('Đang tải lên')) window.__progress.push(t);
    }).observe(document.getElementById('dossier-msg'), { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#dossier-file', FILES.map(file));
  await page.waitForFunction(() => document.querySelectorAll('#dossier-list li').length === 3, undefined, { timeout: 60000 });
  await page.waitForSelector('#dossier-msg.c-ok');
  assert.match(await c.textOf(page, 'dossier-msg'), /^Đã thêm “ban-nhap-cu.pdf”; mã SHA-256 tính trên máy này khớp với máy chủ\. \(Added "ban-nhap-cu.pdf"; the SHA-256 computed on this computer matches the server's\.\)$/);
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.some((p) => p.startsWith(`Đang tải lên “${FILES[0].name}”: `)), `the upload's progress was shown: ${progress}`);
  assert.equal(sent.filter((s) => s.startsWith('PUT')).length, 3);
  const id = M.created.id;
  assert.deepEqual(await listed(page), FILES.map((f, n) => ({
    name: f.name, href: `/api/elections/${id}/dossier/${n}`, sha256: sha(f.buffer), remove: true,
  })));
  assert.match(await page.locator('#dossier-list li').first().textContent(), / · 3 MB/);
  await shots(page, '02-listed', 'org-dossier');
  await c.assertAccessible(page, 'the draft with its dossier');

  // The old draft is removed; the others stay in order.
  await page.getByRole('button', { name: `Xoá tệp ${FILES[2].name}` }).click();
  await page.waitForFunction(() => document.querySelectorAll('#dossier-list li').length === 2);
  assert.equal(await c.noteWith(page, 'dossier-msg', 'c-ok'), `Đã xoá “${FILES[2].name}” khỏi hồ sơ. (Removed "${FILES[2].name}" from the dossier.)`);
  assert.deepEqual((await listed(page)).map((d) => [d.name, d.sha256]), FILES.slice(0, 2).map((f) => [f.name, sha(f.buffer)]));
  // The English page says the same beside.
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForFunction(() => document.getElementById('dossier-h').textContent.startsWith("The leader's dossier"));
  assert.match(await page.locator('#dossier-list li').first().textContent(), /SHA-256: [0-9a-f]{64}/);
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.waitForFunction(() => document.getElementById('dossier-h').textContent.startsWith('Hồ sơ'));
  assert.deepEqual(problems, []);
});

test('sealed: the list is read-only, line 0 commits it, and the voter page links each file with its bytes', { timeout: 180000 }, async () => {
  const page = M.page;
  await page.getByRole('button', { name: 'Niêm phong', exact: true }).click();
  await page.getByRole('button', { name: 'Niêm phong ngay' }).click();
  await c.shown(page, 'org-sealed');
  await page.waitForFunction(() => document.querySelectorAll('#dossier-list li').length === 2);
  assert.ok(await page.locator('#dossier-add').isHidden(), 'no upload once sealed');
  assert.equal(await page.locator('#dossier-list button').count(), 0, 'no remove button once sealed');
  assert.match(await c.textOf(page, 'dossier-help'), /^Đã ghi vào dòng 0 của nhật ký/);
  const kept = FILES.slice(0, 2);
  assert.deepEqual((await listed(page)).map((d) => [d.name, d.sha256]), kept.map((f) => [f.name, sha(f.buffer)]));
  await shots(page, '03-sealed', 'org-dossier');
  await c.assertAccessible(page, 'the sealed dossier');

  // Line 0 commits exactly these.
  const line0 = JSON.parse((await (await fetch(`${server.url}/api/elections/${M.created.id}/log`)).text()).split('\n')[0]);
  assert.deepEqual(line0.body.dossier, kept.map((f) => ({ name: f.name, sha256: sha(f.buffer), bytes: f.buffer.length })));

  // The committee does its part; a voter opens the page from a slip.
  const meeting = await c.prepareSealed(server, {
    id: M.created.id, created: M.created, committee: M.input.committee, present: 5, credentials: 1,
  });
  const vctx = await c.context(browser);
  const voter = await vctx.newPage();
  c.watch(voter, problems, 'voter');
  await voter.goto(meeting.voterUrls[0]);
  await voter.waitForSelector('#dossier a');
  const links = await voter.locator('#dossier a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  assert.deepEqual(links, kept.map((f, n) => ({
    text: `Hồ sơ của người được lấy phiếu (dossier): ${f.name}`, href: `/api/elections/${M.created.id}/dossier/${n}`,
  })));
  await voter.evaluate(() => document.getElementById('dossier').scrollIntoView({ block: 'center' }));
  await c.shot(voter, 'dossier-04-voter-360');
  // Each link downloads the very bytes uploaded.
  for (const [n, f] of kept.entries()) {
    const r = await voter.request.get(`${server.url}${links[n].href}`);
    assert.equal(r.status(), 200);
    assert.equal(r.headers()['content-type'], 'application/pdf');
    const body = await r.body();
    assert.equal(sha(body), sha(f.buffer), `${f.name} downloads as uploaded`);
    assert.ok(body.equals(f.buffer));
  }

  // The inspector's page lists them from the line 0 it verified.
  const insp = await vctx.newPage();
  c.watch(insp, problems, 'inspector');
  await insp.goto(`${server.url}/inspector?id=${M.created.id}&verify`);
  await insp.waitForSelector('#dl-dossier:not([hidden]) li', { timeout: 60000 });
  const rows = await insp.locator('#dl-dossier li').evaluateAll((lis) => lis.map((li) => ({
    name: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href'), sha256: li.querySelector('[data-sha256]').textContent,
  })));
  assert.deepEqual(rows, kept.map((f, n) => ({ name: f.name, href: `/api/elections/${M.created.id}/dossier/${n}`, sha256: sha(f.buffer) })));
  await insp.evaluate(() => document.getElementById('dl-dossier').scrollIntoView({ block: 'center' }));
  await c.shot(insp, 'dossier-05-inspector-360');
  await c.assertAccessible(insp, 'the inspector with a dossier');

  // The count, then the official minutes list each file with its SHA-256.
  await c.closeAndCount(server, meeting);
  const r = await fetch(`${server.url}/api/elections/${M.created.id}/minutes`, { headers: { Authorization: `Bearer ${M.token}` } });
  assert.equal(r.status, 200);
  const minutes = await r.text();
  for (const [n, f] of kept.entries()) {
    assert.ok(minutes.includes(`<li data-dossier="${n}">`), `the minutes list ${f.name}`);
    assert.ok(minutes.includes(`data-sha256="${sha(f.buffer)}"`), `the minutes give the SHA-256 of ${f.name}`);
  }
  assert.deepEqual(problems, []);
});
