// console/keys.js: the member's key. Each member makes a trustee key with
// the browser module (the secret leaves the page only in the key file and
// key card the member keeps), enrolls its public part with the enrollment
// code, or loads the key made before, from the file or the card: a loaded
// key is checked at once against the log this device verifies (wasm
// `check_key`), never against the server's word. The ceremony that follows
// is ceremony.js's.

import * as tn from '../tn.js';
import { el, svgNode, download, printNode, why } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, show, note, noteBoth, api, E, run, loadView, render, verifiedLog, threshold,
} from './state.js';

export function renderMember() {
  const v = S.view;
  const sel = $('member-index');
  const want = [t('member.choose'), ...v.committee.map((n, i) => `${i + 1}. ${n}`)].join('\n');
  if (sel.dataset.options !== want) {
    sel.replaceChildren(el('option', { value: '', text: t('member.choose') }),
      ...v.committee.map((n, i) => el('option', { value: String(i), text: `${i + 1}. ${n}` })));
    sel.dataset.options = want;
    sel.value = S.memberIndex === null ? '' : String(S.memberIndex);
  }
  const ms = $('member-state');
  if (S.key) {
    ms.className = 'c-note c-ok';
    ms.textContent = t('member.loaded', { name: v.committee[S.key.member], n: S.key.member + 1 });
  } else {
    ms.className = 'c-note';
    ms.textContent = t('member.nokey');
  }
  show('member-choose', !S.key);
  show('key-forget', Boolean(S.key));
  // Right after the enrollment: the key file again, now with the code the
  // server accepted (the first file was saved before the code was checked).
  show('keyfile-code', Boolean(S.key && S.key.fresh));
  const i = S.memberIndex;
  const chosen = i !== null;
  const enrolled = chosen && Boolean(v.trustee_keys[i]);
  const ceremony = v.phase === 'setup' && !v.election_key;
  const p = S.pending && S.pending.member === i ? S.pending : null;
  show('keygen-box', ceremony && (!chosen || !enrolled || Boolean(p)));
  show('keyload-box', !p && (!ceremony || (chosen && enrolled) || !chosen));
  show('keycard-box', Boolean(p));
  show('keygen-row', !p);
  show('key-switch', Boolean(S.switchTo));
  if (S.switchTo) {
    const from = S.key ? S.key.member : S.memberIndex;
    $('key-switch-text').textContent = t('keyload.switch', {
      name: v.committee[S.switchTo.member] || '?', n: S.switchTo.member + 1, from: v.committee[from] || '?', m: from + 1,
    });
  }
  if (p) {
    renderKeycard(p);
    show('keycard-saverow', !p.loaded);
    show('keycard-printed-row', Boolean(p.printAsked) && !p.printed);
    $('enroll').disabled = !(p.saved || p.printed) || S.busy;
    show('enroll-help', !(p.saved || p.printed));
  }
}

/// The check code of a key typed from the card, shown as it is typed
/// (PROTOCOL.md §5.11): a mistyped character shows another code than the
/// card's.
export async function renderTypedCheck() {
  const box = $('keytext-check');
  const hexText = $('keytext').value.toLowerCase().replace(/[\s-]/g, '');
  if (!/^[0-9a-f]{64}$/.test(hexText)) {
    box.textContent = hexText.length > 0 ? t('keytext.count', { n: hexText.replace(/[^0-9a-f]/g, '').length }) : '';
    return;
  }
  await tn.load();
  box.textContent = t('keytext.code', { code: tn.callSync('key_check_code', { secret: hexText }).code });
}

function keyFileOf(k) {
  const v = S.view;
  return {
    election: S.id,
    member: k.member,
    key: k.secret,
    public: k.public || k.key,
    name: v.committee[k.member],
    title: v.title,
    threshold: threshold(v).t,
    members: v.committee.length,
    proof: k.proof || undefined,
    // Only a code the server has accepted (never one typed before the
    // enrollment, which may be mistyped).
    code: k.code || undefined,
    note: 'Tệp khoá bí mật của thành viên Ban kiểm phiếu: giữ kín, cần để giải mã kết quả. Secret key file of a counting committee member: keep it private; it is needed to decrypt the result.',
  };
}

function renderKeycard(p) {
  const v = S.view;
  if (!S.keycardQr || S.keycardQr.secret !== p.secret) {
    const text = JSON.stringify({ election: S.id, member: p.member, key: p.secret });
    S.keycardQr = { secret: p.secret, node: svgNode(tn.callSync('qr_svg', { text }).svg, t('keycard.qr')) };
  }
  const groups = p.secret.match(/.{1,8}/g).join(' ');
  $('keycard').replaceChildren(el('div', { class: 'c-keycard' },
    S.keycardQr.node,
    el('h3', { text: t('keycard.h') }),
    el('p', { lang: tr.lang() === 'vi' ? 'en' : 'vi', class: 'c-help', text: t('keycard.en') }),
    el('p', { text: t('keycard.member', { name: v.committee[p.member], n: p.member + 1 }) }),
    el('p', { text: t('keycard.election', { title: v.title, id: S.id }) }),
    el('p', { class: 'c-keycard-t', text: t('keycard.threshold', threshold(v)) }),
    el('p', { class: 'c-label', text: t('keycard.secret') }),
    el('p', { class: 'c-secret', dataset: { secret: 'key' }, text: groups }),
    el('p', {}, `${t('keycard.check')} `, el('b', { class: 'c-keycheck', text: tn.callSync('key_check_code', { secret: p.secret }).code })),
    el('p', { class: 'c-label', text: t('keycard.public') }),
    el('p', { class: 'c-hash', text: p.key }),
    el('p', { class: 'c-help', text: t('keycard.help') })));
  S.keycardQr.node.setAttribute('aria-label', t('keycard.qr'));
}

export async function makeKey() {
  const i = S.memberIndex;
  if (i === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return; }
  await run('member-msg', async () => {
    await tn.load();
    const k = tn.callSync('trustee_keygen', { election_hash: S.view.election_hash, trustee: i, seed: tn.seed() });
    S.pending = { member: i, secret: k.secret, key: k.key, proof: k.proof, saved: false, printed: false };
    note('member-msg', 'keygen.made', null, 'c-ok');
  });
  $('keyfile-save').focus();
}

function keyFileName(member) {
  return `khoa-ban-kiem-phieu-${S.id}-thanh-vien-${member + 1}.json`;
}

export function saveKeyFile() {
  const p = S.pending;
  if (!p) return;
  download(keyFileName(p.member), `${JSON.stringify(keyFileOf({ ...p, code: '' }), null, 2)}\n`);
  p.saved = true;
  note('member-msg', 'keygen.saved', null, 'c-ok');
  render();
}

/// The key file again after the enrollment, with the enrollment code the
/// server accepted (it opens the minutes later).
export function saveKeyFileWithCode() {
  const k = S.key;
  if (!k || !k.fresh) return;
  download(keyFileName(k.member), `${JSON.stringify(keyFileOf(k), null, 2)}\n`);
  k.fresh = false;
  note('member-msg', 'keygen.savedcode', null, 'c-ok');
  render();
}

/// Enrolls the key made (or loaded) with the code typed now: a mistyped
/// code is simply typed again, the key stays the same.
export async function enroll() {
  const p = S.pending;
  if (!p || !(p.saved || p.printed)) return;
  const code = $('enroll-code').value.trim().toUpperCase();
  if (!code) { noteBoth('member-msg', 'keygen.needcode', null, 'c-bad'); $('enroll-code').focus(); return; }
  await run('member-msg', async () => {
    try {
      await api('POST', `${E()}/trustees`, { trustee: p.member, key: p.key, proof: p.proof, code });
    } catch (e) {
      if (e instanceof tn.ApiError && e.status === 403) {
        noteBoth('member-msg', 'keygen.badcode', { n: p.member + 1 }, 'c-bad');
        $('enroll-code').select();
        return;
      }
      if (e instanceof tn.ApiError && e.status === 409) {
        // The member's place already holds a key (another device, or this
        // key enrolled by a lost answer): say what the log holds.
        noteBoth('member-msg', 'keygen.taken', { n: p.member + 1 }, 'c-bad');
        await loadView();
        return;
      }
      throw e;
    }
    S.key = { election: S.id, member: p.member, secret: p.secret, public: p.key, proof: p.proof, code, fresh: !p.loaded };
    S.stepAt = null;
    S.pending = null;
    S.keycardQr = null;
    $('enroll-code').value = '';
    note('cer-msg', null);
    note('member-msg', S.key.fresh ? 'keygen.enrolled.file' : 'keygen.enrolled', null, 'c-ok');
    await loadView();
  });
}

/// Takes a key from a key file or a key card: refused at once unless the
/// log, verified here, holds this very key for the member (or no key for
/// the member yet). Resolves to true when the key is in use.
async function useKey(obj, fallbackMember, { confirmed = false } = {}) {
  const v = S.view;
  const secret = String(obj.key || '').toLowerCase().replace(/[^0-9a-f]/g, '');
  const member = Number.isInteger(obj.member) ? obj.member : fallbackMember;
  if (secret.length !== 64 || !Number.isInteger(member) || member < 0 || member >= v.committee.length) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return false;
  }
  if (obj.election && obj.election !== S.id) { note('member-msg', 'keyload.other', { id: obj.election }, 'c-bad'); return false; }
  // Another member's key than the one in use (or chosen): the page says
  // whose it is and switches only when asked to.
  const from = S.key ? S.key.member : S.memberIndex;
  if (!confirmed && from !== null && from !== member) {
    S.switchTo = { obj, member };
    note('member-msg', null);
    render();
    $('key-switch-yes').focus();
    return false;
  }
  S.switchTo = null;
  let used = false;
  await run('member-msg', async () => {
    note('member-msg', 'keyload.checking');
    await tn.load();
    const { a, bad } = await verifiedLog();
    if (bad || !a.head || a.election_hash !== v.election_hash) {
      note('member-msg', 'keyload.badlog', { seq: bad ? bad.seq : '?', reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
      return;
    }
    let c;
    try {
      c = tn.callSync('check_key', { member, secret, head: a.head });
    } catch (_) {
      // The only error with a verified log: the key text does not decode.
      note('member-msg', 'keyload.bad', null, 'c-bad');
      return;
    }
    if (!c.ok && c.refused.code === 'wrong_key') {
      noteBoth('member-msg', 'keyload.mismatch', null, 'c-bad');
      return;
    }
    if (!c.ok) {
      note('member-msg', `refused.${c.refused.code}`, { n: member + 1 }, 'c-bad');
      return;
    }
    const pub = tn.callSync('trustee_public', { secret }).public;
    S.memberIndex = member;
    $('member-index').value = String(member);
    if (!c.registered) {
      // A key saved before its enrollment went through (a mistyped code,
      // the page closed): the member enrolls it now, while the ceremony
      // has not started without it.
      const vv = S.view;
      if (vv.phase !== 'setup' || vv.election_key) {
        noteBoth('member-msg', 'keyload.toolate', { n: member + 1 }, 'c-bad');
        return;
      }
      const k = tn.callSync('trustee_keygen', {
        election_hash: vv.election_hash, trustee: member, seed: tn.seed(), secret,
      });
      S.pending = { member, secret, key: pub, proof: k.proof, saved: true, printed: false, loaded: true };
      S.keycardQr = null;
      noteBoth('member-msg', 'keyload.unregistered', { name: vv.committee[member] }, 'c-warn');
      return;
    }
    S.key = { election: S.id, member, secret, public: pub, code: obj.code || '' };
    S.pending = null;
    S.stepAt = null;
    note('member-msg', 'keyload.ok', { name: v.committee[member] }, 'c-ok');
    used = true;
  });
  if (S.notes['member-msg'] && S.notes['member-msg'].key === 'keyload.checking') note('member-msg', null);
  if (!used && S.pending && S.pending.loaded) {
    render();
    $('enroll-code').focus();
  }
  return used;
}

/// The member confirmed the switch to another member's key.
export function switchKey(yes) {
  const sw = S.switchTo;
  S.switchTo = null;
  if (!sw || !yes) { render(); return Promise.resolve(false); }
  S.key = null;
  S.step = null;
  S.stepAt = null;
  S.pending = null;
  S.memberIndex = null;
  return useKey(sw.obj, sw.member, { confirmed: true });
}

export async function loadKeyFile(file) {
  let obj;
  try {
    obj = JSON.parse(await file.text());
  } catch (_) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return false;
  }
  $('keyfile').value = '';
  if (!obj || typeof obj !== 'object') { note('member-msg', 'keyload.bad', null, 'c-bad'); return false; }
  return useKey(obj, S.memberIndex);
}

export async function loadKeyText() {
  const text = $('keytext').value.trim();
  if (!text) return false;
  let obj = null;
  if (text.startsWith('{')) {
    try { obj = JSON.parse(text); } catch (_) { obj = null; }
  } else obj = { key: text };
  if (!obj) { note('member-msg', 'keyload.bad', null, 'c-bad'); return false; }
  if (!Number.isInteger(obj.member) && S.memberIndex === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return false; }
  const used = await useKey(obj, S.memberIndex);
  // A mistyped key stays in the field, to be corrected character by character.
  if (used || (S.pending && S.pending.loaded)) { $('keytext').value = ''; renderTypedCheck(); }
  return used;
}

/// Prints the key card. The print dialog may be cancelled: the card counts
/// as a backup only once the member says it is printed (or saved as PDF).
export function printKeycard() {
  const p = S.pending;
  if (!p) return;
  const asked = () => {
    window.removeEventListener('afterprint', asked);
    if (S.pending === p) { p.printAsked = true; render(); }
  };
  window.addEventListener('afterprint', asked);
  printNode($('keycard'));
  setTimeout(asked, 1000);
}

export function keycardPrinted() {
  const p = S.pending;
  if (!p) return;
  p.printed = true;
  note('member-msg', 'keygen.printed', null, 'c-ok');
  render();
}
