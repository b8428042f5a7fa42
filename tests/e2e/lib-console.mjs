// What the console, inspector and results tests add to harness.js: each
// actor's steps in the committee console (organizer, committee members in
// their own browser contexts), a voter on the voter page, reading the
// result table a page shows, and a scenario for a large log.
//
// With E2E_WEB_FROM_DISK=1 the pages and scripts are served from web/ on
// disk instead of the binary's embedded copies (quicker iterations while
// editing them; the test run proper uses the embedded ones).

import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import assert from 'node:assert/strict';
import * as h from './harness.js';

export * from './harness.js';

const PAGES = [
  [/^\/committee$/, 'committee.html'],
  [/^\/inspector$/, 'inspector.html'],
  [/^\/kiosk$/, 'kiosk.html'],
  [/^\/results\/[^/]+$/, 'results.html'],
  [/^\/v\/[^/]+$/, 'voter.html'],
  [/^\/$/, 'index.html'],
];
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/// A new browser context (phone-sized unless `options` say otherwise),
/// serving web/ from disk when E2E_WEB_FROM_DISK=1.
export async function context(browser, options = h.PHONE) {
  const ctx = await browser.newContext({ acceptDownloads: true, ...options });
  if (process.env.E2E_WEB_FROM_DISK === '1') {
    await ctx.route(/\/(committee|inspector|kiosk|results\/[^/?#]+|v\/[^/?#]+|static\/[^?#]+\.(?:js|css|html))(\?.*)?$/, async (route) => {
      const u = new URL(route.request().url());
      let file = null;
      if (u.pathname.startsWith('/static/')) file = u.pathname.slice('/static/'.length);
      else file = PAGES.find(([re]) => re.test(u.pathname))?.[1];
      if (!file) return route.continue();
      const ext = file.split('.').pop();
      const response = await route.fetch();
      const headers = { ...response.headers(), 'content-type': TYPES[ext] || 'application/octet-stream' };
      delete headers['content-length'];
      return route.fulfill({ status: 200, headers, body: await readFile(path.join(h.ROOT, 'web', file)) });
    });
  }
  return ctx;
}

/// Waits until the section `id` of the page is shown.
export async function shown(page, id, timeout = 30000) {
  await page.waitForSelector(`#${id}:not([hidden])`, { timeout });
}

/// Waits until the console's view of the election is in `phase`.
export async function phase(page, name, timeout = 30000) {
  await page.waitForSelector(`#phases li[aria-current=step]:text-is("${PHASE_VI[name]}")`, { timeout });
}
const PHASE_VI = { draft: 'Bản nháp', setup: 'Chuẩn bị', voting: 'Bỏ phiếu', closed: 'Giải mã', done: 'Kết quả' };

/// The text of a status line once it has the class `cls` (c-ok, c-bad...).
export async function noteWith(page, id, cls, timeout = 30000) {
  await page.waitForSelector(`#${id}.${cls}`, { timeout });
  return (await page.locator(`#${id}`).textContent()).trim();
}

/// The organizer logs in to the console.
export async function organizerLogin(page, url) {
  await page.goto(`${url}/committee`);
  await shown(page, 's-start');
  await page.fill('#password', h.PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await shown(page, 's-org-home');
}

/// A committee member opens the console on his or her own device with the
/// address the organizer sent (`/committee?id=…`).
export async function memberOpens(page, url, id) {
  await page.goto(`${url}/committee?id=${id}`);
  await shown(page, 's-start');
  assert.equal(await page.inputValue('#member-eid'), id);
  await page.getByRole('button', { name: 'Vào với tư cách thành viên' }).click();
  await shown(page, 's-member');
}

/// A member makes a key share in the browser, downloads the key file to
/// `dir` (returns its path), types the enrollment code `code` and enrolls
/// the key, then downloads the key file again with the code the server
/// accepted (over the first); `onCard(page)` looks at the key card before
/// the enrollment.
export async function memberEnrolls(page, index, code, dir, { shotName, onCard } = {}) {
  await page.selectOption('#member-index', String(index));
  await shown(page, 'keygen-box');
  await page.getByRole('button', { name: 'Tạo khoá trên máy này' }).click();
  await shown(page, 'keycard-box');
  assert.equal(await page.locator('#enroll').isDisabled(), true, 'no enrolling before the key file is saved');
  const file = path.join(dir, `member${index}.json`);
  await saveDownload(page, () => page.getByRole('button', { name: 'Tải tệp khoá về' }).click(), file);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).code, undefined, 'the key file saved before the enrollment holds no code');
  if (shotName) await h.shot(page, shotName);
  if (onCard) await onCard(page);
  await page.fill('#enroll-code', code);
  await page.getByRole('button', { name: 'Đăng ký khoá với máy chủ' }).click();
  await noteWith(page, 'member-msg', 'c-ok');
  await page.waitForSelector('#member-state.c-ok');
  await saveDownload(page, () => page.getByRole('button', { name: 'Tải lại tệp khoá (kèm mã đăng ký đã được chấp nhận)' }).click(), file);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).code, code.toUpperCase(), 'the key file saved after the enrollment holds the accepted code');
  return file;
}

/// Clicks what makes the page download a file, and saves it as `file`.
export async function saveDownload(page, click, file) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  await download.saveAs(file);
  return file;
}

/// A member loads the key file in a fresh console page.
export async function memberLoadsKey(page, file) {
  await page.setInputFiles('#keyfile', file);
  await page.waitForSelector('#member-state.c-ok');
}

/// The result table of R6 as a page shows it, read from the cells' data
/// attributes: the same shape as `tinnhiem verify --json`'s candidates.
export async function tableOf(page, scope) {
  return page.evaluate((scope) => {
    const root = scope ? document.querySelector(scope) : document;
    return [...root.querySelectorAll('table.c-result tbody tr')].map((tr) => {
      const cell = (i) => tr.children[i];
      const level = (i) => ({ count: Number(cell(i).dataset.count), percent: Number(cell(i).dataset.percent) });
      return {
        name: cell(1).textContent,
        position: cell(2).textContent,
        issued: Number(cell(3).dataset.value),
        returned: Number(cell(4).dataset.value),
        valid: Number(cell(5).dataset.value),
        invalid: Number(cell(6).dataset.value),
        high: level(7),
        confidence: level(8),
        low: level(9),
        consequence: cell(10).dataset.value,
      };
    });
  }, scope);
}

/// A voter casts on the voter page (V's page): `marks` per candidate
/// (null: left empty), `signedBy` to sign. Returns the tracking code.
export async function voterCasts(page, voterUrl, marks, { signedBy, shotName } = {}) {
  await page.goto(voterUrl);
  await shown(page, 's-ballot');
  for (const [i, level] of marks.entries()) {
    if (level) await page.locator(`#cand-${i} .v-level[data-level="${level}"]`).tap();
  }
  await page.getByRole('button', { name: 'Xem lại phiếu' }).tap();
  await shown(page, 's-review');
  if (signedBy) {
    await page.locator('#sign').check();
    await page.fill('#signed-by', signedBy);
  }
  await h.sealAndSend(page);
  await shown(page, 's-receipt');
  if (shotName) await h.shot(page, shotName);
  return (await page.locator('#r-code').textContent()).trim();
}

/// A scenario file of `ballots` ballots over `candidates` candidates, with
/// a spread of marks (some left empty, some signed), for `tinnhiem simulate`.
export async function bigScenario(dir, { ballots = 1000, candidates = 15 } = {}) {
  await mkdir(dir, { recursive: true });
  const levels = ['high', 'confidence', 'low', 'none'];
  const scenario = {
    title: 'Lấy phiếu tín nhiệm năm 2026 (đo thời gian)',
    unit: 'Sở Y tế tỉnh Nam Định',
    candidates: Array.from({ length: candidates }, (_, i) => ({ name: `Người thứ ${i + 1}`, position: 'Phó Giám đốc Sở' })),
    summoned: ballots + 10,
    present: ballots,
    trustees: 3,
    ballots: Array.from({ length: ballots }, (_, b) => ({
      marks: Array.from({ length: candidates }, (_, c) => levels[(b * 7 + c * 3) % (b % 10 === 0 ? 4 : 3)]),
      ...(b % 50 === 0 ? { signed_by: `Người ký ${b}` } : {}),
    })),
    forged: 0,
    repeated: 0,
  };
  const file = path.join(dir, 'scenario.json');
  await writeFile(file, JSON.stringify(scenario));
  return file;
}

/// Elements that stick out past the right edge of the screen (on a phone
/// that makes the whole page zoom out or scroll sideways).
export async function overflowing(page) {
  const { width } = page.viewportSize();
  return page.evaluate((w) => {
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      if (e.closest('[hidden], .c-scroll, .c-entries, .c-preview, #print-root')) continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} (right edge ${Math.round(r.right)}px)`);
    }
    return out.slice(0, 10);
  }, width);
}

/// Presses Tab until the focused element matches `selector` (at most
/// `max` times); each control reached must show a visible focus ring.
export async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate((sel) => {
      const e = document.activeElement;
      const cs = getComputedStyle(e);
      return {
        match: e.matches(sel),
        ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
        what: `${e.tagName} ${e.id || e.textContent.trim().slice(0, 30)}`,
      };
    }, selector);
    if (s.match) {
      assert.ok(s.ring, `no visible focus ring on ${s.what}`);
      return;
    }
  }
  assert.fail(`could not reach ${selector} with Tab`);
}

/// Screenshots of the screen at its size and at the other one (360 × 640
/// phone, 1366 × 900 laptop), named `${prefix}-${name}-${width}`; `at` is
/// the id of the element the screen is about (scrolled to the middle).
export async function shotsBothSizes(page, prefix, name, at) {
  const size = page.viewportSize();
  const look = () => (at ? page.evaluate((id) => document.getElementById(id)?.scrollIntoView({ block: 'center' }), at) : null);
  await look();
  await h.shot(page, `${prefix}-${name}-${size.width}`);
  const other = size.width === 1366 ? { width: 360, height: 640 } : { width: 1366, height: 900 };
  await page.setViewportSize(other);
  await look();
  await h.shot(page, `${prefix}-${name}-${other.width}`);
  await page.setViewportSize(size);
}

/// The trimmed text of the element with this id.
export async function textOf(page, id) {
  return (await page.locator(`#${id}`).textContent()).trim();
}

/// No accessibility problem (targets of 44 px, contrast 7:1) and nothing
/// wider than the screen.
export async function assertAccessible(page, where) {
  assert.deepEqual(await h.accessibilityProblems(page, { minTarget: 44, minContrast: 7 }), [], `accessibility problems on ${where}`);
  assert.deepEqual(await overflowing(page), [], `${where}: nothing wider than the screen`);
}

/// A new phone-sized context and page on `browser`, its problems collected
/// into `problems` under `name`.
export async function phoneOf(browser, problems, name, options = h.PHONE) {
  const ctx = await context(browser, options);
  const page = await ctx.newPage();
  const watcher = h.watch(page, problems, name);
  return { ctx, page, watcher };
}

/// Taps each candidate's level on the voter page (`marks[i]`: `high`,
/// `confidence`, `low`, or null for none).
export async function markLevels(page, marks) {
  for (const [i, level] of marks.entries()) {
    if (level) await page.locator(`#cand-${i} .v-level[data-level="${level}"]`).tap();
  }
}
