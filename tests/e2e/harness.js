// The browser test harness: a real `tinnhiem serve` on a free port with a
// temporary store, the committee's ceremony through the real CLI
// (`tinnhiem committee ...`, which holds the trustee keys and signs the
// statements), the organizer's steps over HTTP, and Debian's headless
// Chromium driven by playwright-core, with every console error, page error
// and failed request of a page collected so that a test can fail on them.
//
// Environment:
//   TINNHIEM_BIN   the binary (default target/debug/tinnhiem)
//   CHROMIUM       the browser (default /usr/bin/chromium)
//   E2E_SCREENSHOTS  where screenshots go (default target/e2e-screenshots)
//   E2E_CHROMIUM_FLAGS  more Chromium flags, space-separated

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.resolve(ROOT, process.env.TINNHIEM_BIN || 'target/debug/tinnhiem');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.resolve(ROOT, process.env.E2E_SCREENSHOTS || 'target/e2e-screenshots');
export const PASSWORD = 'mat-khau-e2e';

/// A phone: 360 x 640 CSS pixels, touch, a mobile user agent's layout.
export const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Starts `tinnhiem serve` in a new temporary directory, with `args` added
/// to its command line (`['--rate-limit', '0']` for a meeting cast from one
/// address) and `env` to its environment. Returns `{url, dir, stop(),
/// output()}`; `stop()` ends it and removes the directory.
export async function startServer({ args = [], env = {} } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tinnhiem-e2e-'));
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--data', path.join(dir, 'data'), '--bind', `127.0.0.1:${port}`, '--organizer-password', PASSWORD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', ...env },
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tinnhiem serve exited (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/api/openapi.json`);
      if (r.ok) break;
    } catch (_) { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tinnhiem serve did not start on ${url}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/// Runs the binary with `args`; resolves to stdout, rejects with stdout and
/// stderr on a non-zero exit (unless `allowFail`, then `{code, stdout, stderr}`).
export async function cli(args, { allowFail = false } = {}) {
  try {
    const { stdout, stderr } = await run(BIN, args, { maxBuffer: 64 * 1024 * 1024 });
    return allowFail ? { code: 0, stdout, stderr } : stdout;
  } catch (e) {
    if (allowFail) return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    throw new Error(`tinnhiem ${args.join(' ')} failed (${e.code}):\n${e.stdout}\n${e.stderr}`);
  }
}

/// JSON over HTTP to the server (the organizer's side of the set-up).
export async function http(url, method, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/// Sets up a meeting up to open voting: the organizer logs in, creates and
/// seals it (with `threshold` when given; the server's default, the
/// smallest majority, otherwise); each committee member makes a key share
/// with the CLI and, all side by side, runs its part of the threshold key
/// ceremony (`committee ceremony --wait`) until the election key; member 0
/// records attendance; member 0 makes `credentials` credentials (the
/// printable sheet) and opens voting (unless `open: false`); `dossier`,
/// `[{name, bytes}]`, is attached to the draft before the seal. Returns
/// `{id, url, keys, created, voterUrls, sheet}`; `voterUrls` are the
/// `/v/{id}#CREDENTIAL` links parsed from the sheet.
export async function setUpMeeting(server, {
  title = 'Lấy phiếu tín nhiệm năm 2026',
  unit = 'Sở Y tế tỉnh Nam Định',
  date = '2026-11-28',
  candidates,
  summoned,
  present,
  committee = ['Uỷ viên Một', 'Uỷ viên Hai'],
  threshold,
  credentials = present,
  open = true,
  dossier = [],
}) {
  const { url } = server;
  const { token } = await http(`${url}/api/login`, 'POST', { password: PASSWORD });
  const created = await http(`${url}/api/elections`, 'POST', { title, unit, date, candidates, summoned, committee, threshold }, token);
  const id = created.id;
  // The leader's dossier (R12), attached to the draft: `[{name, bytes}]`.
  for (const d of dossier) {
    const r = await fetch(`${url}/api/elections/${id}/dossier?name=${encodeURIComponent(d.name)}`, {
      method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: d.bytes,
    });
    if (!r.ok) throw new Error(`PUT dossier ${d.name}: ${r.status} ${await r.text()}`);
  }
  await http(`${url}/api/elections/${id}/seal`, 'POST', undefined, token);
  const rest = await prepareSealed(server, { id, created, committee, present, credentials, open });
  return { ...rest, token };
}

/// The rest of `setUpMeeting` for election `id`, sealed already (by a
/// test's own steps), `created` being the answer of its creation (the
/// enrollment codes): the members' keys and ceremony, the attendance, the
/// slips and (unless `open` is false) the opening.
export async function prepareSealed(server, {
  id, created, committee, present, credentials = present, open = true,
}) {
  const { url, dir } = server;
  const keys = [];
  for (let i = 0; i < committee.length; i++) {
    const keyFile = path.join(dir, `member${i}.key`);
    await cli(['committee', 'keygen', '--server', url, '--election', id, '--member', String(i), '--code', created.trustee_codes[i], '--key-file', keyFile]);
    keys.push(keyFile);
  }
  const view = await http(`${url}/api/elections/${id}`, 'GET');
  if (view.ceremony) {
    await Promise.all(keys.map((k) => cli(['committee', 'ceremony', '--server', url, '--key-file', k, '--wait', '--interval', '0.2'])));
  }
  await cli(['committee', 'quorum', '--server', url, '--key-file', keys[0], '--present', String(present)]);
  const sheet = path.join(dir, 'sheet.html');
  await cli(['committee', 'credentials', '--server', url, '--key-file', keys[0], '--count', String(credentials), '--out', sheet]);
  const html = await readFile(sheet, 'utf8');
  const voterUrls = [...html.matchAll(/<p class="url">([^<]+)<\/p>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  if (voterUrls.length !== credentials) throw new Error(`the sheet has ${voterUrls.length} voter links, expected ${credentials}`);
  for (const u of voterUrls) {
    if (!u.startsWith(`${url}/v/${id}#`)) throw new Error(`unexpected voter link ${u}`);
  }
  if (open) await cli(['committee', 'open', '--server', url, '--key-file', keys[0]]);
  return { id, url, keys, created, voterUrls, sheet };
}

/// The committee closes voting, members publish their partial decryptions
/// (from member 0 on, as many as the count needs: t of the committee),
/// member 0 publishes the result; then the log is downloaded and verified
/// with `tinnhiem verify --json`. Returns `{log, result}`.
export async function closeAndCount(server, meeting) {
  const { url } = server;
  const [k0] = meeting.keys;
  await cli(['committee', 'close', '--server', url, '--key-file', k0]);
  for (const k of meeting.keys) {
    const view = await http(`${url}/api/elections/${meeting.id}`, 'GET');
    if (view.decryptions_needed === 0) break;
    await cli(['committee', 'decrypt', '--server', url, '--key-file', k]);
  }
  await cli(['committee', 'result', '--server', url, '--key-file', k0]);
  const log = await (await fetch(`${url}/api/elections/${meeting.id}/log`)).text();
  const logFile = path.join(server.dir, 'log.jsonl');
  await (await import('node:fs/promises')).writeFile(logFile, log);
  const result = JSON.parse(await cli(['verify', '--json', logFile]));
  return { log, logFile, result };
}

/// The launch flags. Without the background-networking ones, Chromium's own
/// connections (component updates, sync...) are refused on a machine with
/// no outside network and slow everything down.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // E2E_CHROMIUM_FLAGS: more flags for every launch, space-separated (e.g.
  // --js-flags=--wasm-wide-arithmetic runs every inspector page on the
  // wide flavour of the module).
  ...(process.env.E2E_CHROMIUM_FLAGS || '').split(' ').filter(Boolean),
];

/// Launches headless Chromium, with `args` added to CHROMIUM_ARGS.
/// Playwright gives it a fresh temporary profile (its own --user-data-dir),
/// removed on close.
export async function launch({ args = [] } = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args], timeout: 60000 });
}

/// Watches a page: console errors (a CSP refusal is one), uncaught page
/// errors, failed requests (unless expected), and answers of 500 and up.
/// `problems` is the list to assert empty at the end; `allow(fn)` marks
/// expected failures (a request the test aborts on purpose).
export function watch(page, problems, name = 'page') {
  const allowed = [];
  const allow = (fn) => allowed.push(fn);
  const expected = (what) => allowed.some((fn) => fn(what));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning' && /Content.Security.Policy/i.test(m.text())) {
      const what = { kind: 'console', text: m.text(), url: m.location()?.url };
      if (!expected(what)) problems.push(`${name}: console ${m.type()}: ${m.text()} (${m.location()?.url || ''})`);
    }
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const what = { kind: 'requestfailed', url: r.url(), method: r.method(), error: r.failure()?.errorText };
    if (!expected(what)) problems.push(`${name}: request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) {
      const what = { kind: 'response', url: r.url(), status: r.status() };
      if (!expected(what)) problems.push(`${name}: ${r.status()} from ${r.url()}`);
    }
  });
  return { allow };
}

/// Writes what the screen shows to SHOTS/<name>.png and, when the page is
/// longer than the screen, the whole page to SHOTS/<name>-full.png.
export async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const tall = await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight + 1);
  if (tall) await page.screenshot({ path: path.join(SHOTS, `${name}-full.png`), fullPage: true });
}

/// Basic accessibility checks of what is on screen now: `<html lang>`,
/// every visible form control labelled, every button named, touch targets
/// at least 48 px high (`minTarget`), text contrast at least `minContrast`
/// (WCAG ratio; 4.5 is AA for body text, 7 is AAA). Returns a list of
/// problems (empty when all is well).
export async function accessibilityProblems(page, { minTarget = 44, minContrast = 4.5 } = {}) {
  return page.evaluate(({ minTarget, minContrast }) => {
    const out = [];
    const lang = document.documentElement.getAttribute('lang');
    if (!lang) out.push('<html> has no lang');
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.name ? `[name=${el.name}]` : ''} "${(el.textContent || el.value || '').trim().slice(0, 40)}"`;
    const nameOf = (el) => {
      if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
      if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim();
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.textContent.trim();
      if (el.tagName === 'IMG') return el.getAttribute('alt');
      return el.getAttribute('title') || '';
    };
    for (const el of document.querySelectorAll('input, select, textarea, button, a[href], img')) {
      if (!visible(el) && !(el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox'))) continue;
      if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
      if (el.closest('[hidden]')) continue;
      if (!nameOf(el)) out.push(`no accessible name: ${describe(el)}`);
      // The target is the control or the label that wraps it.
      const target = el.closest('label') || el;
      if (el.tagName !== 'IMG' && !(el.tagName === 'A' && el.classList.contains('skip'))) {
        const r = target.getBoundingClientRect();
        if (visible(target) && r.height < minTarget) out.push(`touch target ${Math.round(r.height)}px high: ${describe(el)}`);
      }
    }
    // Contrast of the text of every visible element that holds text.
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      if (!el || seen.has(el) || !visible(el) || el.closest('[hidden]')) continue;
      seen.add(el);
      const s = getComputedStyle(el);
      const fg = parse(s.color);
      if (!fg) continue;
      const bg = background(el);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < minContrast) out.push(`contrast ${ratio.toFixed(2)} < ${minContrast}: ${describe(el)}`);
    }
    return out;
  }, { minTarget, minContrast });
}

/// The voter page's last steps, from the review: "Mã hoá phiếu" seals the
/// ballot, the seal code is shown (four groups of four characters) with
/// "Gửi phiếu" and "Kiểm tra mã hoá" and nothing is sent yet; then "Gửi
/// phiếu". `press` is 'tap' (a phone) or 'click'. Returns the seal code.
export async function sealAndSend(page, { press = 'tap' } = {}) {
  const seal = await sealBallot(page, { press });
  const send = page.getByRole('button', { name: 'Gửi phiếu', exact: true });
  await (press === 'click' ? send.click() : send.tap());
  return seal;
}

/// From the review, "Mã hoá phiếu": waits for the seal screen and returns
/// the seal code shown (checked to be a seal code).
export async function sealBallot(page, { press = 'tap' } = {}) {
  const seal = page.getByRole('button', { name: 'Mã hoá phiếu', exact: true });
  await (press === 'click' ? seal.click() : seal.tap());
  await page.waitForSelector('#s-sealed:not([hidden])', { timeout: 30000 });
  const code = (await page.locator('#seal-code').textContent()).trim();
  if (!/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/.test(code)) throw new Error(`not a seal code on the seal screen: ${code}`);
  return code;
}
