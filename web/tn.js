// tn.js: what every page shares. The browser module (crates/wasm, the same
// Rust cryptography as the server and the tally) behind `call(op, request)`,
// the random seed it needs, a small JSON fetch helper for the API, and the
// two-language strings (Vietnamese by default, English on a toggle).
//
// No inline script or style anywhere: the Content-Security-Policy allows
// only same-origin files ('self') and wasm compilation ('wasm-unsafe-eval').

/// Operation numbers of `tn_call` (crates/wasm/src/api.rs, `mod op`). A new
/// operation is one line here.
export const OPS = Object.freeze({
  encrypt_ballot: 1,
  credential_public: 2,
  trustee_keygen: 3,
  sign_statement: 4,
  make_credentials: 5,
  partial_decrypt: 6,
  tally_begin: 7,
  tally_step: 8,
  tally_finish: 9,
  voter_result_signature: 10,
  qr_svg: 11,
  fingerprint: 12,
  trustee_public: 13,
  election_check: 14,
  check_receipt: 15,
  member_step: 16,
  member_decryption: 17,
  check_key: 18,
  slips: 19,
  key_check_code: 20,
  campaign_report: 21,
  seal_ballot: 22,
  open_sealed: 23,
  forget_sealed: 24,
  check_audit: 25,
  tally_plan: 26,
  tally_check_chunk: 27,
  tally_apply_chunk: 28,
  tally_load: 29,
  find_ballot: 30,
  find_audit: 31,
});

const WASM_URL = '/static/tinnhiem_wasm.wasm';
/// The same crate built with 64-bit field arithmetic on WebAssembly's
/// wide-arithmetic instructions (crates/server/build.rs): about three
/// times as fast for the log's check, in a browser that has them.
const WIDE_URL = '/static/tinnhiem_wasm_wide.wasm';
let loading = null;
let exportsCache = null;
const progressListeners = new Set();

/// A one-function module that uses `i64.mul_wide_u` (wide arithmetic):
/// valid only in a browser that has those instructions.
const WIDE_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () -> ()
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0c, 0x01, 0x0a, 0x00, // code: one body of 10 bytes, no locals
  0x42, 0x00, 0x42, 0x00, 0xfc, 0x16, 0x1a, 0x1a, 0x0b, // 0 * 0 (wide), drop both halves, end
]);

/// Whether this browser runs WebAssembly's wide-arithmetic instructions
/// (Chromium 156 with `--js-flags=--wasm-wide-arithmetic`; not yet by
/// default).
export function hasWideArithmetic() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(WIDE_PROBE);
  } catch (_) {
    return false;
  }
}

let wantWide = false;
let loadedWide = false;

/// Asks `load()` for the wide flavour where the browser has it (the
/// inspector, whose check is arithmetic); call it before the first load.
export function preferWide() {
  wantWide = true;
}

/// Whether the loaded module is the wide flavour.
export function isWide() {
  return loadedWide;
}

let wideCompiling = null;

/// The wide flavour, downloaded and compiled once per page (for the page's
/// own module or for workers); null where the browser lacks the
/// instructions or the server the module (a server built without it, a
/// failed download: not asked again; the standard module gives the same
/// answers, more slowly).
export function wideModule() {
  if (!hasWideArithmetic()) return Promise.resolve(null);
  if (!wideCompiling) {
    wideCompiling = (async () => {
      const res = counted(await fetch(WIDE_URL));
      if (!res.ok) throw netError(res.status);
      try {
        return await WebAssembly.compileStreaming(res.clone());
      } catch (_) {
        return WebAssembly.compile(await res.arrayBuffer());
      }
    })().catch(() => null);
  }
  return wideCompiling;
}

/// The module's body as it arrives, counted for `progress(received,
/// total)` listeners; `total` is 0 when unknown (a compressed answer's
/// Content-Length is not the size of what is read).
function counted(res) {
  if (!progressListeners.size || !res.body || typeof TransformStream !== 'function') return res;
  const total = res.headers.get('content-encoding') ? 0 : Number(res.headers.get('content-length')) || 0;
  let received = 0;
  const tell = () => { for (const fn of progressListeners) { try { fn(received, total); } catch (_) { /* a listener's own problem */ } } };
  const body = res.body.pipeThrough(new TransformStream({
    transform(chunk, out) {
      received += chunk.byteLength;
      tell();
      out.enqueue(chunk);
    },
  }));
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/// Downloads, compiles and instantiates the module at `url`.
async function instantiateFrom(url) {
  const res = counted(await fetch(url));
  if (!res.ok) throw netError(res.status);
  // Streaming compilation needs the application/wasm type, which the
  // server sends; the fallback covers a proxy that rewrites it.
  try {
    return await WebAssembly.instantiateStreaming(res.clone(), {});
  } catch (_) {
    return WebAssembly.instantiate(await res.arrayBuffer(), {});
  }
}

/// Loads the module once (the page may call this early to overlap the
/// download with the voter's reading). Resolves to the exports.
/// `progress(received, total)`, if given, is told the bytes of the module
/// received so far while it downloads (`total` 0 when unknown), so that a
/// page on a slow network can show that something is happening.
export function load({ progress } = {}) {
  if (progress && !exportsCache) progressListeners.add(progress);
  if (!loading) {
    loading = (async () => {
      const wide = wantWide ? await wideModule() : null;
      const got = wide
        ? { module: wide, instance: await WebAssembly.instantiate(wide, {}) }
        : await instantiateFrom(WASM_URL);
      loadedWide = wide !== null;
      moduleCache = got.module;
      exportsCache = got.instance.exports;
      return exportsCache;
    })();
    // A failed download may be retried (room Wi-Fi).
    loading.catch(() => { loading = null; }).finally(() => progressListeners.clear());
  }
  return loading;
}

let moduleCache = null;

/// The compiled module once `load()` has resolved (else null): a Web Worker
/// given it (`postMessage`) instantiates it with `loadModule` instead of
/// downloading and compiling it again.
export function compiledModule() {
  return moduleCache;
}

/// `load()` from a module compiled elsewhere (a worker's, from the page).
export function loadModule(module) {
  if (!loading) {
    loading = WebAssembly.instantiate(module, {}).then((instance) => {
      moduleCache = module;
      exportsCache = instance.exports;
      return exportsCache;
    });
  }
  return loading;
}

/// An error answered by the browser module: `{error}`.
export class WasmError extends Error {
  constructor(op, message) {
    super(message);
    this.name = 'WasmError';
    this.op = op;
  }
}

/// The voter's audit (PROTOCOL.md §5.6): seal a ballot (the request of
/// `encrypt_ballot`; answers `{ballot, tracking, seal}`), keeping what opens
/// it inside the module.
export function sealBallot(request) {
  return call('seal_ballot', request);
}

/// Opens the ballot sealed with code `seal`: the body of
/// `POST /api/elections/{id}/audits`. The module forgets the sealed ballot.
export function openSealed(seal) {
  return call('open_sealed', { seal });
}

/// Wipes the sealed ballot's randomness (call it as the ballot is sent).
export function forgetSealed() {
  return call('forget_sealed', {});
}

/// Checks a published audit in this page: `election` is
/// `{election_hash, election_key}` (with `server_key` to check a
/// `promise`); answers `{seal, choices, ok}` (with `candidate` and `level`
/// of the first ciphertext that does not open, and `promise_ok` when a
/// promise was given).
export function checkAudit(election, audit, promise) {
  return call('check_audit', promise === undefined ? { election, audit } : { election, audit, promise });
}

/// The cast ballot whose seal code is `seal` in the log verified in this
/// page's module: `{seal, seq, counted, reason?, reason_vi?}` (`seq` null
/// when no ballot line verified so far has it).
export function findBallot(seal) {
  return call('find_ballot', { seal });
}

/// The audit whose seal code is `seal` in the log verified in this page's
/// module: `{seal, seq, audit, closed}` (`seq` and `audit`, the line's
/// body, null when no audit line verified so far has it; `closed`: the
/// lines verified include the close, so every audit is published).
export function findAudit(seal) {
  return call('find_audit', { seal });
}

/// Runs operation `op` (a name of OPS) on `request` (JSON-serializable) and
/// returns the parsed answer; throws a WasmError on `{error}`. Synchronous
/// once `load()` has resolved: see `callSync`.
export async function call(op, request) {
  await load();
  return callSync(op, request);
}

/// `call` without the await, for a page that has awaited `load()` (and for
/// timing the cryptography alone).
export function callSync(op, request) {
  if (!exportsCache) {
    throw new Error('tn.load() has not finished');
  }
  const code = OPS[op];
  if (code === undefined) throw new WasmError(op, `unknown operation ${op}`);
  const x = exportsCache;
  const bytes = new TextEncoder().encode(JSON.stringify(request ?? {}));
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  // The request may hold a secret (a credential, a key share, a seed): the
  // copy here is wiped at once, the module wipes its own after the call.
  bytes.fill(0);
  const status = x.tn_call(code, ptr, bytes.length);
  // Read only after the call: the memory may have grown and moved.
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  const answer = JSON.parse(new TextDecoder().decode(out));
  // The answer too (a key share, a sheet's credentials): wiped once read.
  if (x.tn_result_clear) x.tn_result_clear();
  if (status !== 0) throw new WasmError(op, answer.error || 'error');
  return answer;
}

/// `callSync` for the operations whose request is bytes, not JSON
/// (`tally_load`, `tally_check_chunk`: a log of tens of megabytes as a JSON
/// string costs seconds). `bytes` (a Uint8Array) is copied into the module;
/// it holds no secret, so it is not wiped.
export function callBytes(op, bytes) {
  if (!exportsCache) {
    throw new Error('tn.load() has not finished');
  }
  const code = OPS[op];
  if (code === undefined) throw new WasmError(op, `unknown operation ${op}`);
  const x = exportsCache;
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const status = x.tn_call(code, ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  const answer = JSON.parse(new TextDecoder().decode(out));
  if (x.tn_result_clear) x.tn_result_clear();
  if (status !== 0) throw new WasmError(op, answer.error || 'error');
  return answer;
}

/// 32 random bytes, hex (the seed of a ballot's or a key's randomness).
export function seed() {
  return hex(crypto.getRandomValues(new Uint8Array(32)));
}

/// Bytes to lowercase hex.
export function hex(u8) {
  let s = '';
  for (const b of u8) s += b.toString(16).padStart(2, '0');
  return s;
}

/// SHA-256 of a string (UTF-8) or of bytes (a Uint8Array), hex. Written
/// out because `crypto.subtle` exists only in secure contexts, and a
/// meeting room's server may be plain HTTP on the local network. Used for
/// storage keys and to check a file the server received, not for the
/// protocol.
export function sha256(text) {
  const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const K = SHA_K;
  const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const len = data.length;
  const blocks = ((len + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(blocks);
  m.set(data);
  m[len] = 0x80;
  const dv = new DataView(m.buffer);
  dv.setUint32(blocks - 8, Math.floor(len / 0x20000000));
  dv.setUint32(blocks - 4, (len << 3) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < blocks; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15], b = w[i - 2];
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] = (H[0] + a) >>> 0; H[1] = (H[1] + b) >>> 0; H[2] = (H[2] + c) >>> 0; H[3] = (H[3] + d) >>> 0;
    H[4] = (H[4] + e) >>> 0; H[5] = (H[5] + f) >>> 0; H[6] = (H[6] + g) >>> 0; H[7] = (H[7] + h) >>> 0;
  }
  return H.map((x) => x.toString(16).padStart(8, '0')).join('');
}
const SHA_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// An API refusal or a failure to reach the server. `status` is the HTTP
/// status, or 0 when the request never got an answer (offline, dropped);
/// `error` is the API's stable code (`forged`, `repeated`, `phase`,
/// `storage`...) or `network`; `message` / `message_en` are the server's
/// words in each language.
export class ApiError extends Error {
  constructor({ status, error, message, message_en }) {
    super(message_en || message || error);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
    this.message_vi = message || '';
    this.message_en = message_en || '';
  }
  /// Worth sending again: no answer, or the server said "try again".
  get retryable() {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
  /// The server's words in the page's language.
  text(lang) {
    return (lang === 'en' ? this.message_en : this.message_vi) || this.message_en || this.message_vi || this.error;
  }
}

function netError(status) {
  return new ApiError({
    status,
    error: status === 0 ? 'network' : 'http',
    message: status === 0 ? 'Không kết nối được với máy chủ.' : `Máy chủ trả lời lỗi ${status}.`,
    message_en: status === 0 ? 'Cannot reach the server.' : `The server answered ${status}.`,
  });
}

/// Sends a request; the response and its whole text, or throws an
/// ApiError: status 0 when the server cannot be reached or the answer is
/// cut off, the API's own error (JSON) or a generic one for a non-2xx.
async function send(method, path, body, { token, signal, accept } = {}) {
  const headers = {};
  if (accept) headers.Accept = accept;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
      cache: 'no-store',
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw netError(0);
  }
  let text;
  try {
    text = await res.text();
  } catch (_) {
    throw netError(0); // the answer was cut off
  }
  if (!res.ok) {
    let json = null;
    try { json = JSON.parse(text); } catch (_) { json = null; }
    if (json && typeof json.error === 'string') throw new ApiError({ status: res.status, ...json });
    throw netError(res.status);
  }
  return { res, text };
}

/// `api('GET', '/api/elections/x')`, `api('POST', path, body, {token})`:
/// the parsed JSON answer (null for 204), or throws an ApiError.
export async function api(method, path, body, { token, signal } = {}) {
  const { res, text } = await send(method, path, body, { token, signal, accept: 'application/json' });
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (_) { json = null; }
  }
  return res.status === 204 ? null : (json ?? text);
}

/// `GET path` as text (the log, the minutes), never parsed; throws an
/// ApiError as `api` does.
export async function fetchText(path, { token } = {}) {
  return (await send('GET', path, undefined, { token })).text;
}

/// Lines `from` to `to` − 1 of an election's log (`to` clamped by the
/// server to the end; omitted: to the end), as the texts of the lines
/// without their `\n`, exactly as served: what a page hashes and checks
/// itself rather than taking the server's word.
export async function logLines(id, from, to) {
  const q = to === undefined ? `?from=${from}` : `?from=${from}&to=${to}`;
  const text = await fetchText(`/api/elections/${encodeURIComponent(id)}/log${q}`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/// Reads an election check as printed or typed (PROTOCOL.md §5.10,
/// `ballot::read_election_check`): dashes and spaces skipped, upper case,
/// O read as 0, I and L as 1; null unless 32 characters of the alphabet.
export function readCheck(text) {
  const out = String(text || '').replace(/[- ]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{32}$/.test(out) ? out : null;
}

const LANG_KEY = 'tinnhiem.lang';

/// Two-language strings. `strings` is `{vi: {key: text}, en: {key: text}}`;
/// a text may hold `{name}` placeholders. Returns:
/// - `t(key, vars)`: the text in the current language (Vietnamese when the
///   English one is missing);
/// - `lang()`, `set(lang)` (remembered in localStorage), `toggle()`;
/// - `apply(root)`: fills `[data-i18n]` (text), `[data-i18n-label]`
///   (aria-label) and `[data-i18n-placeholder]` under `root`, with the
///   placeholders from `data-i18n-vars` (JSON), and sets `<html lang>`;
/// - `say(el, key, vars)`: sets an element's text by key, kept in step
///   with later changes of language; `sayBoth(el, vi, en)`: the same for a
///   message that comes in both languages (the API's errors);
/// - `onChange(fn)`: called after every change of language.
export function i18n(strings) {
  let current = 'vi';
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'vi') current = saved;
  } catch (_) { /* storage disabled: Vietnamese */ }
  const listeners = [];
  const t = (key, vars) => {
    let s = strings[current]?.[key] ?? strings.vi[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };
  const vars = (el) => {
    try { return el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined; } catch (_) { return undefined; }
  };
  const apply = (root = document) => {
    document.documentElement.lang = current;
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, vars(el));
    for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel, vars(el)));
    for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder, vars(el));
    // Text that came in both languages (the server's messages).
    for (const el of root.querySelectorAll('[data-text-vi]')) {
      el.textContent = current === 'en' && el.dataset.textEn ? el.dataset.textEn : el.dataset.textVi;
    }
  };
  // Sets an element's text by key (kept on language changes).
  const say = (el, key, v) => {
    delete el.dataset.textVi;
    delete el.dataset.textEn;
    el.dataset.i18n = key;
    if (v) el.dataset.i18nVars = JSON.stringify(v); else delete el.dataset.i18nVars;
    el.textContent = t(key, v);
  };
  // Sets an element's text to a message given in both languages.
  const sayBoth = (el, vi, en) => {
    delete el.dataset.i18n;
    delete el.dataset.i18nVars;
    el.dataset.textVi = vi || en || '';
    el.dataset.textEn = en || vi || '';
    el.textContent = current === 'en' ? el.dataset.textEn : el.dataset.textVi;
  };
  const set = (lang) => {
    current = lang === 'en' ? 'en' : 'vi';
    try { localStorage.setItem(LANG_KEY, current); } catch (_) { /* not remembered */ }
    apply();
    for (const fn of listeners) fn(current);
  };
  return {
    t,
    apply,
    say,
    sayBoth,
    set,
    lang: () => current,
    toggle: () => set(current === 'vi' ? 'en' : 'vi'),
    onChange: (fn) => listeners.push(fn),
  };
}

/// Wires a language toggle button: it shows the *other* language's name in
/// that language (a Vietnamese reader sees "English", and back).
export function langButton(button, tr) {
  const show = () => {
    const other = tr.lang() === 'vi' ? 'en' : 'vi';
    button.textContent = other === 'en' ? 'English' : 'Tiếng Việt';
    button.lang = other;
    button.setAttribute('aria-label', other === 'en' ? 'Switch to English' : 'Chuyển sang tiếng Việt');
  };
  button.addEventListener('click', () => tr.toggle());
  tr.onChange(show);
  show();
}

/// Waits for the browser to paint (so that a "working..." message shows
/// before a long synchronous call).
export function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
