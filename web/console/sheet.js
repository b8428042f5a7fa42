// console/sheet.js: the credential sheet (R3), made, signed and printed
// on this device (the server gets only the public parts), with the warning
// for a slip address that phones cannot open.

import * as tn from '../tn.js';
import { el, svgNode, why, printNode } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, show, note, api, E, run, sign, loadView, verifiedLog, render,
} from './state.js';

function remaining() {
  const v = S.view;
  return v.present === null ? 0 : Math.max(0, v.present - v.issued);
}

export function renderSheet() {
  const v = S.view;
  const count = $('sheet-count');
  const base = $('sheet-base');
  const left = remaining();
  count.max = String(Math.min(5000, left));
  if (document.activeElement !== count && !count.dataset.touched) count.value = left > 0 ? String(left) : '';
  if (!base.value) base.value = location.origin;
  renderBaseWarning();
  const make = $('sheet-make');
  if (v.present === null) {
    make.disabled = true;
    if (!S.notes['sheet-msg']) note('sheet-msg', 'sheet.needpresent', null, 'c-warn');
  } else if (left === 0) {
    make.disabled = true;
    if (!S.sheet && (!S.notes['sheet-msg'] || S.notes['sheet-msg'].key === 'sheet.needpresent')) {
      note('sheet-msg', 'sheet.full', { issued: v.issued, present: v.present }, 'c-ok');
    }
  } else {
    make.disabled = S.busy;
    if (S.notes['sheet-msg'] && ['sheet.needpresent', 'sheet.full'].includes(S.notes['sheet-msg'].key)) note('sheet-msg', null);
  }
  show('sheet-box', Boolean(S.sheet));
  // Once printed, the slips leave the screen during voting (the room can
  // see it); they stay in memory until cleared, for a reprint.
  // A member who needs them again (a reprint to check, a slip torn)
  // shows them for a moment with a button, and hides them again.
  const hideable = Boolean(S.sheet) && S.sheetPrinted && v.phase === 'voting';
  const hide = hideable && !S.sheetReveal;
  show('sheet-preview', Boolean(S.sheet) && !hide);
  show('sheet-reveal', hideable);
  if (hideable) $('sheet-reveal').textContent = t(S.sheetReveal ? 'sheet.rehide' : 'sheet.reveal');
  show('sheet-printed-row', Boolean(S.sheet) && S.sheetPrintAsked && !S.sheetPrinted);
  show('sheet-clear-confirm', Boolean(S.sheet) && S.confirmClear);
  show('sheet-clear', Boolean(S.sheet) && !S.confirmClear);
  if (S.sheet) {
    $('sheet-clear-text').textContent = t(S.sheetPrinted ? 'sheet.clear.printed' : 'sheet.clear.unprinted', { count: S.sheet.length });
  }
  if (S.sheet && !hide && $('sheet-preview').firstChild !== S.sheetNode) $('sheet-preview').replaceChildren(S.sheetNode);
  if (!S.sheet || hide) $('sheet-preview').replaceChildren();
}

/// The printable slips: each with the meeting (from line 0 of the log this
/// device verified, `election`), the QR code of the voter URL (which ends
/// with the election check, PROTOCOL.md §5.10), the same code and URL in
/// text, and short instructions in Vietnamese with English beside
/// them (the printed sheet does not follow the page's language toggle: it
/// is read in the room).
function slipsNode(list, fingerprint, election) {
  const v = election;
  return el('div', { class: 'c-sheet' }, el('div', { class: 'c-slips' }, list.map((c) => {
    const { n } = c;
    // Vietnamese only: the slips are read in the room, on paper.
    return el('div', { class: 'c-slip', dataset: { slip: n } },
      el('p', { class: 'c-slip-t', text: v.title }),
      el('p', {}, `${v.unit} · `, el('span', { class: 'c-slip-n', text: `№ ${n}` })),
      svgNode(c.qr, `Mã QR để mở phiếu số ${n}`),
      el('p', { class: 'c-slip-code', text: c.text }),
      el('p', { class: 'c-slip-url', text: c.url }),
      el('p', { class: 'c-slip-f' }, 'Mã nhận diện: ', el('b', { class: 'c-slip-fp', text: fingerprint }), ' — phải trùng với mã trên điện thoại'),
      el('p', { class: 'c-slip-h', text: 'Quét mã QR bằng điện thoại (hoặc mở địa chỉ trên, nhập mã) để mở phiếu; chọn một mức cho từng người, xem lại rồi gửi. Mã chỉ dùng một lần. Không ghi tên lên phiếu này.' }));
  })));
}

/// The host of `base` when it is one that only this machine can open
/// (127.0.0.0/8, ::1, localhost): a slip whose QR code points there leads a
/// phone nowhere. `null` otherwise, or when `base` is not a URL.
function loopbackHost(base) {
  let host;
  try { host = new URL(base).hostname.toLowerCase(); } catch { return null; }
  const bare = host.replace(/^\[|\]$/g, '');
  const loop = bare === 'localhost' || bare.endsWith('.localhost') || /^127\./.test(bare)
    || bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare === '0.0.0.0' || bare === '::';
  return loop ? host : null;
}

function sheetBase() {
  return ($('sheet-base').value.trim() || location.origin).replace(/\/+$/, '');
}

export function renderBaseWarning() {
  const host = loopbackHost(sheetBase());
  const warn = $('sheet-base-warn');
  warn.hidden = !host;
  warn.textContent = host ? t('sheet.loopback.live', { host }) : '';
}

export async function makeSheet() {
  const max = Math.min(5000, remaining());
  const n = Number($('sheet-count').value);
  if (!Number.isInteger(n) || n < 1 || n > max) { note('sheet-msg', 'sheet.invalid', { max }, 'c-bad'); return; }
  const base = sheetBase();
  // A phone cannot open a loopback address: say so before any slip is made,
  // and make only on a second press with the same address.
  const host = loopbackHost(base);
  if (host && S.loopbackOk !== base) {
    S.loopbackOk = base;
    note('sheet-msg', 'sheet.loopback', { host }, 'c-bad');
    return;
  }
  await run('sheet-msg', async () => {
    note('sheet-msg', 'sheet.making', { count: n });
    await tn.load();
    // The fingerprint printed on the slips comes from the log as this
    // device verifies it, with this member's own share in the election key,
    // never from the server's word: a phone shown another key shows another
    // fingerprint (docs/SECURITY.md).
    // The election check in every voter URL is made from the same log.
    const { a, bad } = await verifiedLog();
    const own = tn.callSync('trustee_public', { secret: S.key.secret }).public;
    if (!a.fingerprint || !a.election_check || !a.election || bad || a.trustee_keys[S.key.member] !== own) {
      note('sheet-msg', 'sheet.badlog', { reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
      return;
    }
    await tn.nextPaint();
    const sheet = tn.callSync('make_credentials', {
      election_id: S.id, count: n, base, election_hash: a.election_hash, election_key: a.election_key, seed: tn.seed(),
    });
    if (sheet.check !== a.election_check) throw new Error('election check');
    // The slips are numbered in the order of issue, cancelled ones
    // included, as the log lists them (wasm `slips`).
    const offset = tn.callSync('slips', { head: a.head }).length;
    const made = sheet.credentials.map((c, i) => ({ ...c, n: offset + i + 1 }));
    const publics = made.map((c) => c.public);
    const signature = sign('credentials', a.anchor, { credentials: publics });
    await api('POST', `${E()}/credentials`, { credentials: publics, signer: S.key.member, signature });
    // A batch adds to the slips not printed yet; printed ones are on paper.
    const kept = S.sheet && !S.sheetPrinted ? S.sheet : [];
    S.sheet = [...kept, ...made];
    S.sheetPrinted = false;
    S.sheetPrintAsked = false;
    S.confirmClear = false;
    S.sheetNode = slipsNode(S.sheet, a.fingerprint, a.election);
    delete $('sheet-count').dataset.touched;
    await loadView();
    note('sheet-msg', kept.length ? 'sheet.added' : 'sheet.made', {
      count: n, onpage: S.sheet.length, issued: S.view.issued, present: S.view.present,
    }, 'c-ok');
  });
}

/// Prints the slips; whether they came out is the member's word (a
/// cancelled print dialog prints nothing).
export function printSheet() {
  if (!S.sheetNode) return;
  const node = S.sheetNode;
  const asked = () => {
    window.removeEventListener('afterprint', asked);
    if (S.sheetNode === node && !S.sheetPrinted) { S.sheetPrintAsked = true; render(); }
  };
  window.addEventListener('afterprint', asked);
  printNode(node);
  setTimeout(asked, 1000);
}

/// Shows the printed slips during voting, or hides them again.
export function revealSheet() {
  S.sheetReveal = !S.sheetReveal;
  render();
}

export function sheetPrinted() {
  if (!S.sheet) return;
  S.sheetPrinted = true;
  note('sheet-msg', 'sheet.printed', { count: S.sheet.length }, 'c-ok');
  render();
}

/// The slips are removed from the page only after a confirmation: the
/// server keeps no slip's code, so an unprinted one is lost for good.
export function askClearSheet(on) {
  S.confirmClear = on;
  render();
  $(on ? 'sheet-clear-no' : 'sheet-clear').focus();
}

export function clearSheet() {
  S.sheet = null;
  S.sheetNode = null;
  S.sheetPrinted = false;
  S.sheetPrintAsked = false;
  S.sheetReveal = false;
  S.confirmClear = false;
  note('sheet-msg', 'sheet.cleared', null, 'c-ok');
  render();
}
