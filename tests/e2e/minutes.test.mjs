// The minutes of the count (biên bản kiểm phiếu) as a committee prints and
// signs them: a meeting of 25 leaders run by `tinnhiem simulate` against a
// real `tinnhiem serve`, the minutes page opened by the organizer in
// headless Chromium and printed to PDF by Chromium itself (Page.printToPDF,
// A4 from the page's own @page rule), then the PDF read back with poppler
// (`pdftotext`, `pdftoppm`):
// - A4 pages; the Vietnamese header, "MẬT", the title, the three copies;
// - not one English word of the screen gloss, and no rule code (R2, R10...);
// - the counts of the log (summoned, present, slips issued and returned,
//   signed ballots, refusals) and the table's numbers written 50,00%;
// - every member's signature block and the supervising representative's;
// - no table row cut across two pages (every leader's name and position on
//   one page, in one cell each), no signature block cut;
// - on screen, the English gloss appears only when its switch is ticked.
// Each A4 page is rendered to target/e2e-screenshots/minutes-a4-N.png, the
// screen at 1366 and 390 px to minutes-screen-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as h from './harness.js';

const run = promisify(execFile);

const UNIT = 'Sở Y tế tỉnh Nam Định';
const TITLE = 'Lấy phiếu tín nhiệm đối với cán bộ lãnh đạo, quản lý năm 2026';
const NAMES = [
  'Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Minh', 'Phạm Thị Thu Hà', 'Hoàng Văn Dũng',
  'Vũ Thị Mai Lan', 'Đặng Quốc Khánh', 'Bùi Thị Hồng Nhung', 'Đỗ Minh Tuấn', 'Hồ Thị Kim Oanh',
  'Ngô Văn Thắng', 'Dương Thị Thanh Tâm', 'Lý Văn Phúc', 'Trịnh Thị Lệ Quyên', 'Đinh Công Sơn',
  'Mai Thị Phương Thảo', 'Lương Văn Toàn', 'Tạ Thị Ngọc Ánh', 'Cao Xuân Trường', 'Phan Thị Diệu Linh',
  'Võ Đình Hiếu', 'Chu Thị Hải Yến', 'Lâm Văn Khoa', 'Quách Thị Thu Trang', 'Nguyễn Trọng Nghĩa',
];
const POSITIONS = [
  'Giám đốc Sở Y tế', 'Phó Giám đốc Sở Y tế phụ trách chuyên môn', 'Phó Giám đốc Sở Y tế phụ trách tổ chức cán bộ',
  'Chánh Văn phòng Sở Y tế', 'Trưởng phòng Tổ chức Cán bộ', 'Trưởng phòng Kế hoạch - Tài chính',
  'Trưởng phòng Nghiệp vụ Y', 'Trưởng phòng Nghiệp vụ Dược', 'Giám đốc Bệnh viện Đa khoa tỉnh',
  'Phó Giám đốc Bệnh viện Đa khoa tỉnh', 'Giám đốc Bệnh viện Nhi', 'Giám đốc Bệnh viện Phụ sản',
  'Giám đốc Bệnh viện Y học cổ truyền', 'Giám đốc Bệnh viện Tâm thần', 'Giám đốc Bệnh viện Phổi',
  'Giám đốc Bệnh viện Mắt', 'Giám đốc Bệnh viện Điều dưỡng - Phục hồi chức năng',
  'Giám đốc Trung tâm Kiểm soát bệnh tật', 'Giám đốc Trung tâm Pháp y', 'Giám đốc Trung tâm Giám định y khoa',
  'Giám đốc Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm', 'Chi cục trưởng Chi cục Dân số',
  'Chi cục trưởng Chi cục An toàn vệ sinh thực phẩm', 'Hiệu trưởng Trường Cao đẳng Y tế',
  'Phó Hiệu trưởng Trường Cao đẳng Y tế',
];
const BALLOTS = 30;
const SUMMONED = 40;
const PRESENT = 32;
const SIGNED = [0, 11, 22];
const FORGED = 2;
const REPEATED = 1;

// Ballot b's mark for leader c: leader 3 gets 17 low of 30 (56,67%: 9.2),
// leader 7 21 low (70,00%: 9.3), leader 0 exactly 15 (50,00%: none);
// every tenth ballot leaves leader 5 blank.
function mark(b, c) {
  if (c === 3) return b < 17 ? 'low' : 'high';
  if (c === 7) return b < 21 ? 'low' : 'confidence';
  if (c === 0) return b < 15 ? 'low' : 'high';
  if (c === 5 && b % 10 === 0) return 'none';
  return ['high', 'confidence', 'low', 'high'][(b * 7 + c * 3) % 4];
}

let server;
let browser;
let out;
let id;
let token;
let result;

before(async () => {
  // Thirty-three ballots from one address: no rate limit.
  server = await h.startServer({ args: ['--rate-limit', '0'] });
  out = path.join(server.dir, 'simulated');
  const scenario = {
    title: TITLE,
    unit: UNIT,
    date: '2026-11-28',
    candidates: NAMES.map((name, i) => ({ name, position: POSITIONS[i] })),
    summoned: SUMMONED,
    present: PRESENT,
    trustees: 3,
    threshold: 2,
    decrypting: [0, 2],
    ballots: Array.from({ length: BALLOTS }, (_, b) => ({
      marks: NAMES.map((_, c) => mark(b, c)),
      ...(SIGNED.includes(b) ? { signed_by: `Người ký ${b}` } : {}),
    })),
    forged: FORGED,
    repeated: REPEATED,
  };
  const file = path.join(server.dir, 'scenario.json');
  await writeFile(file, JSON.stringify(scenario));
  await h.cli(['simulate', file, '--out', out, '--server', server.url, '--password', h.PASSWORD]);
  id = JSON.parse(await readFile(path.join(out, 'election.json'), 'utf8')).id;
  result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8'));
  ({ token } = await h.http(`${server.url}/api/login`, 'POST', { password: h.PASSWORD }));
  browser = await h.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/// A page showing the server's minutes to the organizer.
async function minutesPage(viewport) {
  const ctx = await browser.newContext({ viewport, extraHTTPHeaders: { Authorization: `Bearer ${token}` }, locale: 'vi-VN' });
  const page = await ctx.newPage();
  const problems = [];
  h.watch(page, problems, 'minutes');
  const r = await page.goto(`${server.url}/api/elections/${id}/minutes`);
  assert.equal(r.status(), 200);
  return { ctx, page, problems };
}

async function pdftotext(pdf, args = []) {
  const { stdout } = await run('pdftotext', [...args, pdf, '-'], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const unescape = (w) => w.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, '\'').normalize('NFC');

/// The words of a `pdftotext -bbox-layout` document, per page, each with
/// its box (points from the page's top left), in reading order.
function wordsOf(bbox) {
  return bbox.split('<page ').slice(1).map((p) => [...p.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: unescape(m[5]) })));
}

// The printed page (web/minutes.css): A4, 25 mm on the left, 15 mm on the
// right; the result table's columns "Họ và tên" and "Chức vụ" span 4% to
// 21% and 21% to 42% of that width.
const MM = 72 / 25.4;
const LEFT = 25 * MM;
const WIDTH = (210 - 25 - 15) * MM;
const column = (from, to) => (w) => w.x >= LEFT + from * WIDTH && w.x < LEFT + to * WIDTH;
const NAME_COLUMN = column(0.04, 0.21);
const POSITION_COLUMN = column(0.21, 0.42);

/// Checks that no leader's row and no signature block of `pdf` is cut
/// across pages: each leader's full name is read whole in the name column
/// of one page and the full position in the position column of the same
/// page (a row cut across pages leaves part of a cell on each); each
/// member's role and name on one page. Returns the pages the rows are on
/// and each page's words.
async function cuts(pdf, members, how = '') {
  const pages = wordsOf(await pdftotext(pdf, ['-bbox-layout']));
  const read = (inColumn) => pages.map((words) => {
    const cell = words.filter(inColumn).sort((a, b) => (Math.abs(a.y - b.y) < 2 ? a.x - b.x : a.y - b.y));
    return ` ${cell.map((w) => w.text).join(' ')} `;
  });
  const names = read(NAME_COLUMN);
  const positions = read(POSITION_COLUMN);
  const text = read(() => true);
  const pagesWith = (list, s) => list.flatMap((t, p) => (t.includes(` ${s} `) ? [p] : []));
  const rowPages = new Set();
  for (const [i, name] of NAMES.entries()) {
    const byName = pagesWith(names, name);
    const byPosition = pagesWith(positions, POSITIONS[i]);
    assert.equal(byName.length, 1, `${name} whole in the name column of one page ${how}`);
    // (One position may be read inside a longer one: "Giám đốc Sở Y tế".)
    assert.ok(byPosition.includes(byName[0]), `${name}'s position whole in the position column of the same page ${how}`);
    rowPages.add(byName[0]);
  }
  for (const m of members) {
    const roles = pagesWith(text, m.role);
    assert.ok(roles.length >= 1, `${m.role} ${how}`);
    if (m.name) assert.ok(pagesWith(text, m.name).some((p) => roles.includes(p)), `${m.role} ${m.name} on one page ${how}`);
  }
  return { text, rowPages };
}

test('the printed minutes are the Vietnamese A4 document a committee signs, with no English, no rule code and no row cut across pages', { timeout: 240000 }, async () => {
  const { ctx, page, problems } = await minutesPage({ width: 1366, height: 900 });
  // What the screen shows in English when asked (the words that must
  // never be printed).
  const gloss = await page.evaluate(() => [...document.querySelectorAll('.en, .m-toggle [lang=en]')].map((e) => e.textContent).join(' '));
  assert.ok(gloss.length > 200, 'the page has an English gloss for the screen');
  const members = await page.evaluate(() => [...document.querySelectorAll('.m-sign')].map((s) => ({
    role: s.querySelector('.m-role').textContent,
    name: s.querySelector('.m-name').textContent.trim(),
  })));
  assert.equal(members.length, 4, 'three members and the supervising representative');

  await mkdir(h.SHOTS, { recursive: true });
  const pdf = path.join(h.SHOTS, 'minutes.pdf');
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  const info = (await run('pdfinfo', [pdf])).stdout;
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  assert.match(info, /Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/, info);
  assert.ok(pages >= 2 && pages <= 5, `${pages} pages`);
  // Every A4 page as a picture, to look at.
  const prefix = path.join(server.dir, 'minutes-a4');
  await run('pdftoppm', ['-png', '-r', '80', pdf, prefix]);
  const rendered = (await readdir(server.dir)).filter((f) => f.startsWith('minutes-a4')).sort();
  assert.equal(rendered.length, pages);
  for (const [i, f] of rendered.entries()) await rename(path.join(server.dir, f), path.join(h.SHOTS, `minutes-a4-${i + 1}.png`));

  const text = (await pdftotext(pdf)).normalize('NFC');
  const flat = text.replace(/\s+/g, ' ');
  // The document's parts, in Vietnamese.
  for (const part of ['SỞ Y TẾ TỈNH NAM ĐỊNH', 'BAN KIỂM PHIẾU', 'MẬT', 'CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc', 'ngày 28 tháng 11 năm 2026', 'BIÊN BẢN KIỂM PHIẾU', TITLE,
    'Biên bản kết thúc hồi', 'được lập thành 03 bản: 02 bản gửi cấp trên trực tiếp, 01 bản lưu',
    'ĐẠI DIỆN CẤP TRÊN GIÁM SÁT', '/inspector', id]) {
    assert.ok(flat.includes(part), `the PDF says ${part}`);
  }
  // The head, in groups of eight hex digits.
  assert.ok(flat.includes(result.log_head.match(/.{8}/g).join(' ')), 'the head in words');
  // Not one English word of the gloss (words of four letters or more).
  // (The page's address, /inspector, is printed: it is no English word.)
  const english = new Set(gloss.replace(/\/[a-z]+/g, ' ').match(/\b[A-Za-z]{4,}\b/g).map((w) => w.toLowerCase()));
  const printedWords = new Set((flat.match(/\b[A-Za-z]{4,}\b/g) || []).map((w) => w.toLowerCase()));
  const leaked = [...english].filter((w) => printedWords.has(w));
  assert.deepEqual(leaked, [], `English printed: ${leaked.join(', ')}`);
  assert.deepEqual(flat.match(/\bR\d{1,2}\b/g), null, 'no rule code printed');
  assert.ok(!/\d\.\d\d%/.test(flat), 'percentages written 50,00%');
  // The counts, from the log: each label, then its number on the same
  // line (the layout of the page).
  const layout = (await pdftotext(pdf, ['-layout'])).normalize('NFC');
  const count = (label) => {
    const m = new RegExp(`^\\s*${label}\\s+(\\d+)( \\(([\\d,]+%)\\))?$`, 'm').exec(layout);
    assert.ok(m, `a line ${label} with its number`);
    return Number(m[1]);
  };
  const line = (label) => layout.split('\n').find((l) => l.includes(label));
  assert.equal(count('Số người được triệu tập'), SUMMONED);
  assert.equal(count('Số người có mặt'), PRESENT);
  assert.ok(line('Số người có mặt').includes('80,00%'));
  assert.equal(count('Số phiếu Ban kiểm phiếu đã phát hành'), PRESENT);
  assert.equal(count('Số phiếu bị huỷ \\(rách, mất, in hỏng; chưa dùng\\)'), 0);
  assert.equal(count('Số phiếu phát ra'), PRESENT);
  assert.equal(count('Số phiếu phát ra không thu về'), PRESENT - BALLOTS);
  assert.equal(count('Số phiếu thu về'), BALLOTS);
  assert.equal(count('Số phiếu người ghi phiếu ký tên'), SIGNED.length);
  assert.equal(count('Số phiếu không do Ban kiểm phiếu phát ra, bị từ chối'), FORGED);
  assert.equal(count('Số lần gửi lại phiếu đã bỏ, bị từ chối'), REPEATED);
  assert.equal(count('Số phiếu bị loại khi kiểm'), 0);
  // 9.2 and 9.3 in words, for the right leaders.
  assert.ok(flat.includes(`${NAMES[3]}, ${POSITIONS[3]}: 17/30 phiếu tín nhiệm thấp (56,67%), có trên 50% nhưng dưới 2/3`));
  assert.ok(flat.includes(`${NAMES[7]}, ${POSITIONS[7]}: 21/30 phiếu tín nhiệm thấp (70,00%), có từ 2/3`));
  assert.ok(!flat.includes(`${NAMES[0]}, ${POSITIONS[0]}:`), 'exactly 50% is not over 50%');
  // Every member's signature block, and the supervisor's.
  assert.equal(flat.split('(ký, ghi rõ họ tên)').length - 1, members.length);
  for (const m of members) {
    assert.ok(flat.includes(m.role), m.role);
    if (m.name) assert.ok(flat.includes(m.name), m.name);
  }

  // No row cut: each leader's name and position each in one block (one
  // cell), both on the same page; a signature block's role and name on one
  // page. The print at 100% and at scales that move the page boundaries
  // across other rows.
  const first = await cuts(pdf, members);
  assert.ok(first.rowPages.size >= 2, 'the 25 rows run over more than one page (the test proves something)');
  // The table's header is repeated on every page the table runs over.
  for (const p of first.rowPages) assert.ok(first.text[p].includes(' Họ và tên '), `the header on page ${p + 1}`);
  for (const scale of [0.9, 0.95, 1.05, 1.1]) {
    const scaled = path.join(h.SHOTS, `scaled-${scale}.pdf`);
    await page.pdf({ path: scaled, preferCSSPageSize: true, scale });
    await cuts(scaled, members, `at ${scale * 100}%`);
  }
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('on screen the minutes are Vietnamese, with the English gloss behind a switch that is never printed', { timeout: 120000 }, async () => {
  for (const [name, viewport] of [['1366', { width: 1366, height: 900 }], ['390', { width: 390, height: 844 }]]) {
    const { ctx, page, problems } = await minutesPage(viewport);
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.locator('.en').first().isVisible(), false, 'no English at first');
    await h.shot(page, `minutes-screen-${name}`);
    await page.getByLabel('Hiện tiếng Anh bên cạnh').check();
    assert.equal(await page.locator('.en').first().isVisible(), true, 'the English gloss on request');
    await h.shot(page, `minutes-screen-${name}-en`);
    // Printed with the switch ticked: still no English.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.en').first().isVisible(), false);
    assert.equal(await page.getByLabel('Hiện tiếng Anh bên cạnh').isVisible(), false);
    await page.emulateMedia({ media: 'screen' });
    if (name === '390') {
      // Nothing but the result table (in its own scrolling box) is wider
      // than the phone.
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `the page is ${wide}px wide`);
    }
    assert.deepEqual(problems, []);
    await ctx.close();
  }
});
