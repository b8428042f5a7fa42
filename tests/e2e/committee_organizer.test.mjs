// The organizer's dead ends of issue 13 in the committee console, against a
// real `tinnhiem serve`:
// 4. a leader typed twice (another case, other spaces) is flagged in the
//    form with both line numbers and nothing is sent; the server refuses
//    the same with its own words; a one-member committee is warned of; a
//    draft changes its number of leaders and of members, and the console
//    shows the codes the server issued anew; the access codes print as one
//    cut-out card per person; a draft is deleted after a confirmation;
// 5. the start page lists the organizer's votes (title, unit, date, phase
//    in Vietnamese, counts) with links: no id to retype.
// Screenshots at 360 and 1366 px: target/e2e-screenshots/organizer-*.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as c from './lib-console.mjs';

const UNIT = 'Sở Y tế tỉnh Nam Định';

let server;
let browser;
const M = {};
const problems = [];

before(async () => {
  server = await c.startServer();
  browser = await c.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const shots = (page, name, at) => c.shotsBothSizes(page, 'organizer', name, at);
const text = c.textOf;
const a11y = c.assertAccessible;

function clean() {
  assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
}

/// The codes table of the codes screen: [[{name, code}], …] per kind.
function codesOf(page) {
  return page.evaluate(() => [...document.querySelectorAll('#codes-print table')].map((t) =>
    [...t.querySelectorAll('tbody tr')].map((tr) => ({ name: tr.children[1].textContent, code: tr.children[2].textContent }))));
}

test('4. a leader typed twice is flagged with both lines and never sent; a one-member committee is warned of', { timeout: 90000 }, async () => {
  const ctx = await c.context(browser);
  const page = await ctx.newPage();
  c.watch(page, problems, 'organizer');
  M.page = page;
  await c.organizerLogin(page, server.url);
  await page.waitForSelector('#org-list p.c-help:text-is("Chưa có cuộc lấy phiếu nào.")');
  const posted = [];
  page.on('request', (r) => { if (r.method() !== 'GET') posted.push(r.url()); });
  await page.getByRole('button', { name: 'Tạo cuộc lấy phiếu mới' }).click();
  await c.shown(page, 's-draft');
  await page.fill('#f-title', 'Lấy phiếu tín nhiệm năm 2026');
  await page.fill('#f-unit', UNIT);
  await page.fill('#f-date', '2026-11-28');
  await page.fill('#f-summoned', '9');
  await page.fill('#f-candidates', 'Nguyễn Văn An, Giám đốc Sở\nTrần Thị Bình, Phó Giám đốc Sở\n  nguyễn văn  an ,  giám đốc sở');
  const dup = 'Dòng 1 và dòng 3 trùng họ tên và chức vụ: mỗi người chỉ một dòng. Xoá hoặc sửa một dòng.';
  await c.shown(page, 'f-candidates-dup');
  assert.equal(await text(page, 'f-candidates-dup'), dup);
  await page.fill('#f-committee', 'Phạm Văn Hùng');
  await c.shown(page, 'f-committee-one');
  assert.match(await text(page, 'f-committee-one'), /^Ban kiểm phiếu chỉ có một thành viên/);
  await page.getByRole('button', { name: 'Tạo cuộc lấy phiếu' }).click();
  assert.equal(await c.noteWith(page, 'draft-msg', 'c-bad'), dup);
  assert.deepEqual(posted, [], 'nothing sent while two lines name the same leader');
  await shots(page, '01-duplicate', 'f-candidates');
  await a11y(page, 'a duplicate leader');
  // The server refuses the same, naming both lines, in its own words.
  const { token } = await c.http(`${server.url}/api/login`, 'POST', { password: c.PASSWORD });
  const r = await fetch(`${server.url}/api/elections`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      title: 'T', unit: UNIT, date: '2026-11-28', summoned: 9, committee: ['A', 'B', 'C'],
      candidates: [{ name: 'Nguyễn Văn An', position: 'Giám đốc Sở' }, { name: 'Trần Thị Bình', position: 'Phó Giám đốc Sở' }, { name: ' nguyễn văn an', position: 'GIÁM ĐỐC SỞ ' }],
    }),
  });
  assert.equal(r.status, 422);
  const refusal = await r.json();
  assert.equal(refusal.error, 'duplicate_candidate');
  assert.match(refusal.message, /Dòng 1 và dòng 3/);
  // Corrected, the draft is made; the one-member committee is said again.
  await page.fill('#f-candidates', 'Nguyễn Văn An, Giám đốc Sở\nTrần Thị Bình, Phó Giám đốc Sở');
  assert.ok(await page.locator('#f-candidates-dup').isHidden());
  await page.getByRole('button', { name: 'Tạo cuộc lấy phiếu' }).click();
  await c.shown(page, 's-codes');
  const codes = await codesOf(page);
  assert.equal(codes[0].length, 1);
  assert.equal(codes[1].length, 2);
  M.firstCodes = codes;
  // The codes print as one card per person, to cut out.
  await page.evaluate(() => { window.print = () => { window.__cards = [...document.querySelectorAll('#print-root .c-codecard')].map((e) => e.textContent); }; });
  await page.getByRole('button', { name: 'In các mã' }).click();
  const cards = await page.evaluate(() => window.__cards);
  assert.equal(cards.length, 3, 'one card per person');
  assert.ok(cards[0].includes('Phạm Văn Hùng') && cards[0].includes(codes[0][0].code));
  assert.ok(cards[2].includes('Trần Thị Bình') && cards[2].includes(codes[1][1].code));
  await page.getByRole('button', { name: 'Đã in và phát mã, tiếp tục' }).click();
  await c.shown(page, 'org-draft');
  assert.match(await text(page, 'draft-summary'), /Ban kiểm phiếu chỉ có một thành viên/);
  await shots(page, '02-one-member', 'draft-summary');
  clean();
});

test('4. a draft changes its number of leaders and of members; the codes issued anew are shown once', { timeout: 60000 }, async () => {
  const page = M.page;
  await page.getByRole('button', { name: 'Sửa bản nháp' }).click();
  await c.shown(page, 's-draft');
  assert.match(await text(page, 'draft-editnote'), /sửa được mọi thứ đến khi niêm phong/);
  await page.fill('#f-candidates', 'Nguyễn Văn An, Giám đốc Sở\nTrần Thị Bình, Phó Giám đốc Sở\nLê Văn Cường, Chánh Văn phòng Sở');
  await page.fill('#f-committee', 'Phạm Văn Hùng\nĐỗ Thị Mai\nVũ Minh Tuấn');
  assert.ok(await page.locator('#f-committee-one').isHidden());
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await c.shown(page, 's-codes');
  await c.shown(page, 'codes-reissued');
  const codes = await codesOf(page);
  assert.deepEqual(codes[0].map((x) => x.name), ['Phạm Văn Hùng', 'Đỗ Thị Mai', 'Vũ Minh Tuấn']);
  assert.equal(codes[1].length, 3);
  assert.notEqual(codes[0][0].code, M.firstCodes[0][0].code, 'the members\' codes are issued anew');
  assert.notEqual(codes[1][0].code, M.firstCodes[1][0].code, 'the leaders\' codes are issued anew');
  await shots(page, '03-codes-reissued', 's-codes');
  await a11y(page, 'the codes issued anew');
  await page.getByRole('button', { name: 'Đã in và phát mã, tiếp tục' }).click();
  await c.shown(page, 'org-draft');
  const v = await c.http(`${server.url}/api/elections/${(new URL(page.url())).searchParams.get('id')}`, 'GET');
  assert.equal(v.candidates.length, 3);
  assert.equal(v.committee.length, 3);
  assert.equal(v.threshold, 2, 'the default threshold follows the committee\'s new size');
  M.draftId = v.id;
  clean();
});

test('5. the start page lists the votes with their phase and counts, and a draft is deleted after a confirmation', { timeout: 90000 }, async () => {
  const page = M.page;
  // A second vote, sealed, made meanwhile.
  const { token } = await c.http(`${server.url}/api/login`, 'POST', { password: c.PASSWORD });
  const sealed = await c.http(`${server.url}/api/elections`, 'POST', {
    title: 'Lấy phiếu tín nhiệm Ban Giám đốc Bệnh viện', unit: 'Bệnh viện Đa khoa tỉnh', date: '2026-12-05',
    candidates: [{ name: 'Hoàng Văn Đức', position: 'Giám đốc Bệnh viện' }], summoned: 30, committee: ['A', 'B', 'C'],
  }, token);
  await c.http(`${server.url}/api/elections/${sealed.id}/seal`, 'POST', undefined, token);
  await page.getByRole('button', { name: 'Cuộc lấy phiếu khác' }).click();
  await c.shown(page, 's-org-home');
  await page.waitForFunction(() => document.querySelectorAll('#org-list li').length === 2);
  const items = await page.evaluate(() => [...document.querySelectorAll('#org-list li')].map((li) => ({
    id: li.dataset.id, text: li.textContent, href: li.querySelector('a').getAttribute('href'),
  })));
  assert.equal(items[0].id, sealed.id, 'newest first');
  assert.match(items[0].text, /Lấy phiếu tín nhiệm Ban Giám đốc Bệnh viện/);
  assert.match(items[0].text, /Bệnh viện Đa khoa tỉnh · 05\/12\/2026 · Chuẩn bị/);
  assert.match(items[0].text, /Có mặt –\/30 · phiếu mã 0 · thu vào 0 · giải mã cần 2 trên 3 thành viên/);
  assert.equal(items[0].href, `/committee?id=${sealed.id}`);
  assert.match(items[1].text, new RegExp(`${UNIT} · 28/11/2026 · Bản nháp`));
  await shots(page, '04-list', 'org-list');
  await a11y(page, 'the list of votes');
  // The draft opens from the list, without its id typed.
  await page.locator(`#org-list li[data-id="${M.draftId}"] a`).click();
  await c.shown(page, 'org-draft');
  await page.getByRole('button', { name: 'Xoá bản nháp' }).click();
  await c.shown(page, 'delete-confirm');
  await shots(page, '05-delete-confirm', 'delete-confirm');
  await page.locator('#delete-confirm').getByRole('button', { name: 'Xoá bản nháp' }).click();
  await c.shown(page, 's-org-home');
  assert.match(await c.noteWith(page, 'org-home-msg', 'c-ok'), /^Đã xoá bản nháp “Lấy phiếu tín nhiệm năm 2026”/);
  await page.waitForFunction(() => document.querySelectorAll('#org-list li').length === 1);
  const gone = await fetch(`${server.url}/api/elections/${M.draftId}`);
  assert.equal(gone.status, 404);
  clean();
});
