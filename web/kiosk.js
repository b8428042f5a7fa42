// The voting kiosk (/kiosk): a laptop or tablet the counting committee sets
// in a booth for voters without a phone (docs/SECURITY.md, "The voting
// kiosk"; README, "Máy bỏ phiếu tại chỗ").
//
// A committee member opens /kiosk (or /kiosk?e=ELECTION from the console),
// checks the election and sets an exit PIN. The PIN lives only in this
// page's memory: reloading the page leaves kiosk mode, and leaving it from
// the page needs the PIN.
//
// Per voter: the camera reads the slip's QR code (jsQR, below) or the voter
// types the code printed under it; the kiosk then makes a NEW iframe of the
// voter page (/v/{id}?kiosk, web/voter.js in kiosk mode) and hands it the
// code by postMessage, so the code is in no address, attribute or storage.
// The voter fills in, sends, sees and may print the receipt, and taps
// "Xong" (done). A voter who checks the encryption sees the seal code, may
// print a check slip and checks it on the room's inspector screen (the
// frame follows no link), then fills in again. The kiosk then removes the iframe: its document, its
// JavaScript memory (credential, marks, sealed ballot, receipt) and its
// wasm memory are discarded with it; a new iframe element adds no history
// entry. It also clears sessionStorage, removes any `tinnhiem.*` key but the
// language from localStorage, deletes IndexedDB databases, wipes the
// scanning canvas and restores the committee's language. An idle voter is
// timed out the same way (never while a ballot is being sent).
//
// A slip left in front of the camera: when a turn ends, the voter's slip
// often still lies there. The camera never reopens the slip of the turn
// that ended last (the kiosk keeps a salted digest of its credential part,
// never the code, until another turn begins or kiosk mode ends); the idle
// screen then asks, in Vietnamese and English, to put the slip away. A
// voter who wants it back types the code (a voter's act). Any other code is
// accepted only once the camera has not seen that last slip for CLEAR_MS,
// counted from the end of the turn: a slip lying there (read on one frame,
// missed on the next) cannot open a turn in between.
//
// QR decoding: jsQR 1.4.0 (npm `jsqr`, Apache-2.0), the published
// dist/jsQR.js unchanged, SHA-256
// bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859
// (web/vendor/README.md), loaded by kiosk.html as the global `jsQR`.

import * as tn from './tn.js';

const STRINGS = {
  vi: {
    brand: 'Máy bỏ phiếu tại chỗ',
    end: 'Kết thúc lượt này',
    exit: 'Thoát',
    'end.sending': 'Phiếu đang được gửi và chưa có biên nhận. Kết thúc lượt bây giờ thì phiếu có thể không được ghi nhận. Vẫn kết thúc?',
    'setup.h': 'Mở máy bỏ phiếu tại chỗ',
    'setup.help': 'Dành cho Ban kiểm phiếu: chọn cuộc bỏ phiếu và đặt mã PIN để thoát. Mã PIN chỉ nằm trong bộ nhớ của trang này; tải lại trang là mất chế độ kiosk.',
    'setup.election': 'Mã cuộc bỏ phiếu',
    'setup.pin': 'Mã PIN để thoát (4–12 chữ số)',
    'setup.pin2': 'Nhập lại mã PIN',
    'setup.go': 'Bắt đầu chế độ kiosk',
    'setup.history': 'Trang này được mở sau một trang khác trong cùng thẻ: người bỏ phiếu có thể bấm “Quay lại” để về trang đó. Hãy mở máy bỏ phiếu trong một thẻ hoặc cửa sổ mới.',
    'setup.noid': 'Hãy nhập mã cuộc bỏ phiếu.',
    'setup.badpin': 'Mã PIN phải có từ 4 đến 12 chữ số.',
    'setup.pinmismatch': 'Hai lần nhập mã PIN không giống nhau.',
    'setup.noelection': 'Không có cuộc bỏ phiếu nào với mã này trên máy chủ.',
    'setup.network': 'Không kết nối được với máy chủ. Kiểm tra mạng rồi thử lại.',
    'setup.closed': 'Cuộc bỏ phiếu này đã kết thúc bỏ phiếu.',
    'idle.h': 'Đưa mã QR trên phiếu mã vào trước máy ảnh',
    'idle.privacy': 'Máy ảnh chỉ dùng để đọc mã QR, không ghi hình. Sau mỗi lượt, trang xoá hết mã, phiếu và biên nhận của người vừa bỏ phiếu.',
    'typed.label': 'Hoặc nhập mã in dưới mã QR',
    'typed.go': 'Mở phiếu',
    'camera.starting': 'Đang bật máy ảnh…',
    'camera.restart': 'Bật lại máy ảnh',
    'camera.on': 'Máy ảnh đang đọc mã QR.',
    'camera.none': 'Máy này không có máy ảnh dùng được (hoặc trang không chạy qua HTTPS). Hãy nhập mã in dưới mã QR.',
    'camera.denied': 'Không mở được máy ảnh. Hãy nhập mã in dưới mã QR, hoặc nhờ Ban kiểm phiếu cho phép dùng máy ảnh.',
    'scan.other': 'Phiếu mã này thuộc một cuộc bỏ phiếu khác. Hãy dùng phiếu mã của cuộc bỏ phiếu này.',
    'scan.notslip': 'Mã QR này không phải phiếu mã bỏ phiếu.',
    'exit.h': 'Thoát chế độ kiosk',
    'exit.pin': 'Mã PIN của Ban kiểm phiếu',
    'exit.cancel': 'Quay lại',
    'exit.ok': 'Thoát',
    'exit.wrong': 'Sai mã PIN.',
    'exit.locked': 'Sai mã PIN quá nhiều lần. Chờ {s} giây rồi thử lại.',
    'frame.title': 'Phiếu tín nhiệm',
  },
  en: {
    brand: 'Voting kiosk',
    end: 'End this voter’s turn',
    exit: 'Exit',
    'end.sending': 'The ballot is being sent and has no receipt yet. Ending the turn now may leave it unrecorded. End anyway?',
    'setup.h': 'Start the voting kiosk',
    'setup.help': 'For the counting committee: choose the vote and set an exit PIN. The PIN is kept only in this page’s memory; reloading the page leaves kiosk mode.',
    'setup.election': 'Vote id',
    'setup.pin': 'Exit PIN (4–12 digits)',
    'setup.pin2': 'Type the PIN again',
    'setup.go': 'Start kiosk mode',
    'setup.history': 'This page was opened after another page in the same tab: a voter could press “Back” to reach it. Open the kiosk in a new tab or window.',
    'setup.noid': 'Type the vote id.',
    'setup.badpin': 'The PIN must have 4 to 12 digits.',
    'setup.pinmismatch': 'The two PINs differ.',
    'setup.noelection': 'The server has no vote with this id.',
    'setup.network': 'Cannot reach the server. Check the network and try again.',
    'setup.closed': 'Voting is closed for this vote.',
    'idle.h': 'Hold the QR code of your slip in front of the camera',
    'idle.privacy': 'The camera only reads the QR code; nothing is recorded. After each turn the page wipes the code, ballot and receipt of the voter who just voted.',
    'typed.label': 'Or type the code printed under the QR code',
    'typed.go': 'Open the ballot',
    'camera.starting': 'Starting the camera…',
    'camera.restart': 'Restart the camera',
    'camera.on': 'The camera is reading QR codes.',
    'camera.none': 'This device has no usable camera (or the page is not served over HTTPS). Type the code printed under the QR code.',
    'camera.denied': 'The camera could not be opened. Type the code printed under the QR code, or ask the committee to allow the camera.',
    'scan.other': 'This slip belongs to another vote. Use a slip of this vote.',
    'scan.notslip': 'This QR code is not a voting slip.',
    'exit.h': 'Leave kiosk mode',
    'exit.pin': 'The committee’s PIN',
    'exit.cancel': 'Back',
    'exit.ok': 'Exit',
    'exit.wrong': 'Wrong PIN.',
    'exit.locked': 'Too many wrong PINs. Wait {s} seconds and try again.',
    'frame.title': 'Confidence vote ballot',
  },
};

const tr = tn.i18n(STRINGS);
const $ = (id) => document.getElementById(id);

// Scan every SCAN_MS; an idle voter's turn ends after `idle` seconds
// (`?idle=` sets it, 30 to 1800; default 180) unless a ballot is being sent.
const SCAN_MS = 200;
const SCAN_WIDTH = 800;
const CLEAR_MS = 1500;
const WRONG_PIN_LIMIT = 5;
const WRONG_PIN_LOCK_MS = 60_000;

// The committee's choices (never a voter's): the election, the exit PIN,
// the kiosk's language. `frame` is the current voter's iframe (null between
// voters); `handoff` the code waiting for that iframe to listen.
const kiosk = {
  id: '',
  pin: null,
  lang: 'vi',
  idleMs: 180_000,
  stream: null,
  // Bumped by every start and stop: a camera that opens after a newer
  // start or a stop is closed at once (never two streams, never one left on).
  cameraGen: 0,
  scanTimer: null,
  frame: null,
  handoff: null,
  lastActivity: 0,
  idleTimer: null,
  wrong: 0,
  lockedUntil: 0,
  wakeLock: null,
  // The salted digest of the last turn's slip (see slipDigest), and the
  // time before which the camera opens no turn.
  lastSlip: null,
  salt: '',
  clearAt: 0,
};

// ---------------------------------------------------------------- setup

function showSetup() {
  document.body.classList.remove('is-kiosk', 'is-session');
  $('k-setup').hidden = false;
  $('k-idle').hidden = true;
  $('k-session').hidden = true;
  $('k-exit').hidden = true;
  $('k-end').hidden = true;
  // Opened from another page in this tab: "back" would lead there.
  $('k-history').hidden = history.length <= 1;
  $('k-election').focus();
}

function setupError(key) {
  tr.say($('k-setup-error'), key);
}

async function startKiosk(e) {
  e.preventDefault();
  const id = $('k-election').value.trim();
  const pin = $('k-pin').value;
  const pin2 = $('k-pin2').value;
  if (!id) return setupError('setup.noid');
  if (!/^[0-9]{4,12}$/.test(pin)) return setupError('setup.badpin');
  if (pin !== pin2) return setupError('setup.pinmismatch');
  let view;
  try {
    view = await tn.api('GET', `/api/elections/${encodeURIComponent(id)}`);
  } catch (err) {
    return setupError(err instanceof tn.ApiError && err.status === 404 ? 'setup.noelection' : 'setup.network');
  }
  if (view.phase === 'closed' || view.phase === 'done') return setupError('setup.closed');
  $('k-pin').value = '';
  $('k-pin2').value = '';
  $('k-setup-error').textContent = '';
  kiosk.id = id;
  kiosk.pin = pin;
  kiosk.lang = tr.lang();
  kiosk.wrong = 0;
  kiosk.lastSlip = null;
  kiosk.clearAt = 0;
  kiosk.salt = Array.from(crypto.getRandomValues(new Uint32Array(4)), (x) => x.toString(36)).join('.');
  // The page's names come from the server's description here; the voter
  // page checks line 0 and the slip's election check itself.
  $('k-title').textContent = view.title || '';
  $('k-unit').textContent = view.unit || '';
  document.body.classList.add('is-kiosk');
  $('k-setup').hidden = true;
  $('k-exit').hidden = false;
  window.addEventListener('beforeunload', guardUnload);
  try { kiosk.wakeLock = await navigator.wakeLock?.request('screen'); } catch (_) { /* the screen may sleep */ }
  showIdle();
}

// In kiosk mode the browser asks before the page is left (back, reload,
// close): the voter's turn is wiped either way, but the kiosk would stop.
function guardUnload(e) {
  if (!kiosk.pin) return;
  e.preventDefault();
  e.returnValue = '';
}

// ---------------------------------------------------------------- waiting

function showIdle() {
  document.body.classList.remove('is-session');
  $('k-session').hidden = true;
  $('k-end').hidden = true;
  $('k-idle').hidden = false;
  $('k-scan-error').hidden = true;
  slipHint(false);
  $('idle-h').focus({ preventScroll: true });
  window.scrollTo(0, 0);
  startCamera();
}

function cameraNote(key) {
  tr.say($('k-camera-note'), key);
}

async function startCamera() {
  stopCamera();
  const gen = kiosk.cameraGen;
  const video = $('k-video');
  if (!navigator.mediaDevices?.getUserMedia || typeof window.jsQR !== 'function') {
    video.hidden = true;
    cameraNote('camera.none');
    return;
  }
  cameraNote('camera.starting');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (_) {
    if (gen !== kiosk.cameraGen) return;
    video.hidden = true;
    cameraNote('camera.denied');
    return;
  }
  // A voter's turn may have begun meanwhile (a typed code), or the camera
  // been restarted or stopped.
  if (gen !== kiosk.cameraGen || $('k-idle').hidden || !kiosk.pin) {
    for (const t of stream.getTracks()) t.stop();
    return;
  }
  kiosk.stream = stream;
  video.hidden = false;
  video.srcObject = stream;
  try { await video.play(); } catch (_) { /* shown when it can */ }
  cameraNote('camera.on');
  kiosk.scanTimer = setTimeout(scanOnce, SCAN_MS);
}

// The camera is off during a voter's turn and between kiosk sessions (the
// light goes off: nothing is filmed while the voter fills in the ballot).
function stopCamera() {
  kiosk.cameraGen += 1;
  clearTimeout(kiosk.scanTimer);
  kiosk.scanTimer = null;
  if (kiosk.stream) for (const t of kiosk.stream.getTracks()) t.stop();
  kiosk.stream = null;
  const video = $('k-video');
  video.pause();
  video.srcObject = null;
  wipeCanvas();
}

// The last frame drawn shows the slip: the canvas is emptied after every
// read and between voters.
function wipeCanvas() {
  const canvas = $('k-canvas');
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  canvas.width = 0;
  canvas.height = 0;
}

function scanOnce() {
  kiosk.scanTimer = null;
  const video = $('k-video');
  if (!kiosk.stream || $('k-idle').hidden) return;
  if (video.readyState >= 2 && video.videoWidth > 0) {
    const scale = Math.min(1, SCAN_WIDTH / video.videoWidth);
    const w = Math.round(video.videoWidth * scale);
    const h = Math.round(video.videoHeight * scale);
    const canvas = $('k-canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    let found = null;
    try {
      const image = ctx.getImageData(0, 0, w, h);
      found = window.jsQR(image.data, w, h, { inversionAttempts: 'attemptBoth' });
      image.data.fill(0);
    } catch (_) {
      found = null;
    }
    wipeCanvas();
    const text = found && found.data ? found.data : null;
    found = null;
    if (onScan(text)) return;
  }
  kiosk.scanTimer = setTimeout(scanOnce, SCAN_MS);
}

// A frame's reading (`text`, or null: no code seen). True when a voter's
// turn began.
function onScan(text) {
  const now = Date.now();
  const slip = text ? readSlip(text, true) : {};
  if (slip.code && kiosk.lastSlip !== null && slipDigest(slip.code) === kiosk.lastSlip) {
    // The slip of the last turn, still (or again) in view.
    kiosk.clearAt = now + CLEAR_MS;
    slipHint(true);
    return false;
  }
  if (now < kiosk.clearAt) return false;
  slipHint(false);
  return text ? onCode(text, { scanned: true }) : false;
}

function slipHint(on) {
  $('k-slip-hint').hidden = !on;
}

// The slip's credential part (what precedes the check, without separators
// or case: the QR code's and the typed forms alike), hashed with the kiosk
// session's random salt: 53 bits of a 256-bit secret, enough to tell one
// slip from another, far too few to rebuild it; never shown or stored.
function slipDigest(code) {
  const t = String(code);
  const dot = t.lastIndexOf('.');
  const cred = (dot < 0 ? t : t.slice(0, dot)).replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  // FNV-1a (32 bits) over the salted text, twice (salt before, then after).
  const fnv = (text) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h >>> 0;
  };
  const a = fnv(`${kiosk.salt}|${cred}`);
  const b = fnv(`${cred}|${kiosk.salt}`);
  return (b & 0x1fffff) * 0x100000000 + a;
}

// A slip's QR code is `{base}/v/{election}#{credential}.{check}`; the text
// printed under it is `{credential}.{check}` (a typed code may also be the
// credential alone, or the whole address). True when a voter's turn began.
function onCode(text, { scanned }) {
  const slip = readSlip(text, scanned);
  const err = $('k-scan-error');
  if (slip.problem) {
    tr.say(err, slip.problem);
    err.hidden = false;
    return false;
  }
  err.hidden = true;
  beginTurn(slip.code);
  return true;
}

function readSlip(text, scanned) {
  const t = String(text || '').trim();
  const at = t.indexOf('#');
  if (at < 0) {
    // A scanned QR code is always an address; a typed code need not be.
    if (scanned) return { problem: 'scan.notslip' };
    return t ? { code: t } : { problem: 'scan.notslip' };
  }
  const m = /\/v\/([^/?#]+)\/?(?:\?[^#]*)?$/.exec(t.slice(0, at));
  if (!m) return { problem: 'scan.notslip' };
  let id = m[1];
  try { id = decodeURIComponent(id); } catch (_) { /* as written */ }
  if (id !== kiosk.id) return { problem: 'scan.other' };
  const code = t.slice(at + 1).trim();
  return code ? { code } : { problem: 'scan.notslip' };
}

// ---------------------------------------------------------------- a voter's turn

function beginTurn(code) {
  stopCamera();
  endFrame();
  $('k-code').value = '';
  $('k-idle').hidden = true;
  document.body.classList.add('is-session');
  $('k-end').hidden = false;
  // This slip is now the one the camera must not reopen after the turn.
  kiosk.lastSlip = slipDigest(code);
  const frame = document.createElement('iframe');
  frame.title = tr.t('frame.title');
  frame.src = `/v/${encodeURIComponent(kiosk.id)}?kiosk`;
  kiosk.frame = frame;
  kiosk.handoff = code;
  kiosk.lastActivity = Date.now();
  frame.addEventListener('load', () => watchActivity(frame));
  const box = $('k-session');
  box.replaceChildren(frame);
  box.hidden = false;
  clearInterval(kiosk.idleTimer);
  kiosk.idleTimer = setInterval(checkIdle, 1000);
}

// Messages from the current voter's frame only: `ready` (it listens: hand
// it the code, once) and `done` (the voter tapped "Xong").
function onMessage(e) {
  const frame = kiosk.frame;
  if (!frame || e.source !== frame.contentWindow || e.origin !== location.origin) return;
  const what = e.data?.kiosk;
  if (what === 'ready' && kiosk.handoff !== null) {
    frame.contentWindow.postMessage({ kiosk: 'code', code: kiosk.handoff }, location.origin);
    kiosk.handoff = null;
  } else if (what === 'done') {
    endTurn();
  }
}

function watchActivity(frame) {
  const w = frame.contentWindow;
  if (!w) return;
  const touch = () => { kiosk.lastActivity = Date.now(); };
  for (const type of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart']) {
    w.addEventListener(type, touch, { capture: true, passive: true });
  }
}

function frameScreen() {
  try { return kiosk.frame?.contentDocument?.body?.dataset.screen || ''; } catch (_) { return ''; }
}

function checkIdle() {
  if (!kiosk.frame) return;
  // A ballot being sent (or waiting for the network) is never cut off.
  if (frameScreen() === 'sending') {
    kiosk.lastActivity = Date.now();
    return;
  }
  if (Date.now() - kiosk.lastActivity > kiosk.idleMs) endTurn();
}

// Removes the voter's frame: its document and memory go with it.
function endFrame() {
  clearInterval(kiosk.idleTimer);
  kiosk.idleTimer = null;
  kiosk.handoff = null;
  // Removed, not navigated elsewhere: a navigation would add a history
  // entry; removing the element discards its browsing context.
  if (kiosk.frame) kiosk.frame.remove();
  kiosk.frame = null;
  $('k-session').replaceChildren();
}

async function wipeStorage() {
  try { sessionStorage.clear(); } catch (_) { /* none */ }
  try {
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith('tinnhiem.') && k !== 'tinnhiem.lang') keys.push(k);
    }
    for (const k of keys) localStorage.removeItem(k);
  } catch (_) { /* none */ }
  try {
    const dbs = (await indexedDB.databases?.()) || [];
    for (const db of dbs) if (db.name) indexedDB.deleteDatabase(db.name);
  } catch (_) { /* none */ }
}

async function endTurn() {
  endFrame();
  // The camera waits before it opens another turn (see CLEAR_MS).
  kiosk.clearAt = Date.now() + CLEAR_MS;
  $('k-code').value = '';
  await wipeStorage();
  // The previous voter may have switched the language.
  if (tr.lang() !== kiosk.lang) tr.set(kiosk.lang);
  if (kiosk.pin) showIdle();
}

// ---------------------------------------------------------------- exit

function askExit() {
  $('k-exit-pin').value = '';
  $('k-exit-error').textContent = '';
  $('k-exit-dialog').showModal();
  $('k-exit-pin').focus();
}

function tryExit(e) {
  e.preventDefault();
  const input = $('k-exit-pin');
  const pin = input.value;
  input.value = '';
  const now = Date.now();
  if (now < kiosk.lockedUntil) {
    tr.say($('k-exit-error'), 'exit.locked', { s: Math.ceil((kiosk.lockedUntil - now) / 1000) });
    return;
  }
  if (!kiosk.pin || !samePin(pin, kiosk.pin)) {
    kiosk.wrong += 1;
    if (kiosk.wrong >= WRONG_PIN_LIMIT) {
      kiosk.wrong = 0;
      kiosk.lockedUntil = now + WRONG_PIN_LOCK_MS;
      tr.say($('k-exit-error'), 'exit.locked', { s: WRONG_PIN_LOCK_MS / 1000 });
    } else {
      tr.say($('k-exit-error'), 'exit.wrong');
    }
    input.focus();
    return;
  }
  $('k-exit-dialog').close();
  leaveKiosk();
}

// Compared in full whatever the first difference (no early exit on length
// or character).
function samePin(a, b) {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

async function leaveKiosk() {
  stopCamera();
  await endTurn();
  kiosk.pin = null;
  kiosk.wrong = 0;
  kiosk.lastSlip = null;
  kiosk.clearAt = 0;
  kiosk.salt = '';
  slipHint(false);
  window.removeEventListener('beforeunload', guardUnload);
  try { await kiosk.wakeLock?.release(); } catch (_) { /* released */ }
  kiosk.wakeLock = null;
  showSetup();
}

// ---------------------------------------------------------------- start

function wire() {
  tn.langButton($('lang'), tr);
  // The kiosk's language button also switches the voter page's (which
  // hides its own bar in the kiosk).
  tr.onChange((lang) => {
    if (!kiosk.frame) return;
    kiosk.frame.title = tr.t('frame.title');
    kiosk.frame.contentWindow?.postMessage({ kiosk: 'lang', lang }, location.origin);
  });
  $('k-setup').addEventListener('submit', startKiosk);
  $('k-typed').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('k-code');
    const text = input.value;
    input.value = '';
    onCode(text, { scanned: false });
  });
  $('k-end').addEventListener('click', () => {
    // A ballot still on its way (a network drop) is lost if the turn ends.
    if (frameScreen() === 'sending' && !window.confirm(tr.t('end.sending'))) return;
    endTurn();
  });
  $('k-camera-restart').addEventListener('click', () => startCamera());
  $('k-exit').addEventListener('click', askExit);
  $('k-exit-form').addEventListener('submit', tryExit);
  $('k-exit-cancel').addEventListener('click', () => $('k-exit-dialog').close());
  window.addEventListener('message', onMessage);
}

const params = new URLSearchParams(location.search);
$('k-election').value = params.get('e') || '';
const idle = Number(params.get('idle'));
if (Number.isFinite(idle) && idle >= 30 && idle <= 1800) kiosk.idleMs = idle * 1000;
wire();
tr.apply();
showSetup();
