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
  $, S, show, note, api, E, run, loadView, render, verifiedLog, threshold,
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
  const i = S.memberIndex;
  const chosen = i !== null;
  const enrolled = chosen && Boolean(v.trustee_keys[i]);
  const ceremony = v.phase === 'setup' && !v.election_key;
  show('keygen-box', ceremony && (!chosen || !enrolled));
  show('keyload-box', !ceremony || (chosen && enrolled) || !chosen);
  const p = S.pending && S.pending.member === i ? S.pending : null;
  show('keycard-box', Boolean(p));
  $('keygen').hidden = Boolean(p);
  if (p) {
    renderKeycard(p);
    $('enroll').disabled = !p.saved || S.busy;
  }
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
    el('p', { class: 'c-label', text: t('keycard.public') }),
    el('p', { class: 'c-hash', text: p.key }),
    el('p', { class: 'c-help', text: t('keycard.help') })));
  S.keycardQr.node.setAttribute('aria-label', t('keycard.qr'));
}

export async function makeKey() {
  const i = S.memberIndex;
  if (i === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return; }
  const code = $('enroll-code').value.trim();
  if (!code) { note('member-msg', 'keygen.needcode', null, 'c-bad'); $('enroll-code').focus(); return; }
  await run('member-msg', async () => {
    await tn.load();
    const k = tn.callSync('trustee_keygen', { election_hash: S.view.election_hash, trustee: i, seed: tn.seed() });
    S.pending = { member: i, secret: k.secret, key: k.key, proof: k.proof, code, saved: false };
    note('member-msg', 'keygen.made', null, 'c-ok');
  });
  $('keyfile-save').focus();
}

export function saveKeyFile() {
  const p = S.pending;
  if (!p) return;
  download(`khoa-ban-kiem-phieu-${S.id}-thanh-vien-${p.member + 1}.json`, `${JSON.stringify(keyFileOf(p), null, 2)}\n`);
  p.saved = true;
  note('member-msg', 'keygen.saved', null, 'c-ok');
  render();
}

export async function enroll() {
  const p = S.pending;
  if (!p || !p.saved) return;
  await run('member-msg', async () => {
    try {
      await api('POST', `${E()}/trustees`, { trustee: p.member, key: p.key, proof: p.proof, code: p.code });
    } catch (e) {
      if (e instanceof tn.ApiError && e.status === 403) { note('member-msg', 'keygen.badcode', null, 'c-bad'); return; }
      throw e;
    }
    S.key = { election: S.id, member: p.member, secret: p.secret, public: p.key, code: p.code };
    S.stepAt = null;
    S.pending = null;
    S.keycardQr = null;
    $('enroll-code').value = '';
    note('member-msg', 'keygen.enrolled', null, 'c-ok');
    await loadView();
  });
}

/// Takes a key from a key file or a key card: refused at once unless the
/// log, verified here, holds this very key for the member (or no key for
/// the member yet). Resolves to true when the key is in use.
async function useKey(obj, fallbackMember) {
  const v = S.view;
  const secret = String(obj.key || '').toLowerCase().replace(/[^0-9a-f]/g, '');
  const member = Number.isInteger(obj.member) ? obj.member : fallbackMember;
  if (secret.length !== 64 || !Number.isInteger(member) || member < 0 || member >= v.committee.length) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return false;
  }
  if (obj.election && obj.election !== S.id) { note('member-msg', 'keyload.other', { id: obj.election }, 'c-bad'); return false; }
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
    if (!c.ok) {
      note('member-msg', `refused.${c.refused.code}`, { n: member + 1 }, 'c-bad');
      return;
    }
    const pub = tn.callSync('trustee_public', { secret }).public;
    S.key = { election: S.id, member, secret, public: pub, code: obj.code || '' };
    S.memberIndex = member;
    S.stepAt = null;
    $('member-index').value = String(member);
    note('member-msg', 'keyload.ok', { name: v.committee[member] }, 'c-ok');
    used = true;
  });
  return used;
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
  $('keytext').value = '';
  return useKey(obj, S.memberIndex);
}

export function printKeycard() {
  if (!S.pending) return;
  printNode($('keycard'));
  S.pending.saved = true;
  render();
}
