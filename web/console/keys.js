// console/keys.js: the key ceremony. Each member makes a key share with
// the browser module (the secret leaves the page only in the key file and
// key card the member keeps), enrolls its public part with the enrollment
// code, or loads the key made before, from the file or the card.

import * as tn from '../tn.js';
import { el, svgNode, download, printNode } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, show, note, api, E, run, loadView, render,
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
    S.pending = null;
    S.keycardQr = null;
    $('enroll-code').value = '';
    note('member-msg', 'keygen.enrolled', null, 'c-ok');
    await loadView();
  });
}

function useKey(obj, fallbackMember) {
  const v = S.view;
  const secret = String(obj.key || '').toLowerCase().replace(/[^0-9a-f]/g, '');
  const member = Number.isInteger(obj.member) ? obj.member : fallbackMember;
  if (secret.length !== 64 || !Number.isInteger(member) || member < 0 || member >= v.committee.length) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return;
  }
  if (obj.election && obj.election !== S.id) { note('member-msg', 'keyload.other', { id: obj.election }, 'c-bad'); return; }
  if (obj.public && v.trustee_keys[member] && obj.public !== v.trustee_keys[member]) {
    note('member-msg', 'keyload.mismatch', { n: member + 1 }, 'c-bad');
    return;
  }
  S.key = { election: S.id, member, secret, public: obj.public || v.trustee_keys[member] || '', code: obj.code || '' };
  S.memberIndex = member;
  $('member-index').value = String(member);
  note('member-msg', 'keyload.ok', { name: v.committee[member] }, 'c-ok');
  render();
}

export async function loadKeyFile(file) {
  let obj;
  try {
    obj = JSON.parse(await file.text());
  } catch (_) {
    note('member-msg', 'keyload.bad', null, 'c-bad');
    return;
  }
  if (!obj || typeof obj !== 'object') { note('member-msg', 'keyload.bad', null, 'c-bad'); return; }
  useKey(obj, S.memberIndex);
  $('keyfile').value = '';
}

export function loadKeyText() {
  const text = $('keytext').value.trim();
  if (!text) return;
  let obj = null;
  if (text.startsWith('{')) {
    try { obj = JSON.parse(text); } catch (_) { obj = null; }
  } else obj = { key: text };
  if (!obj) { note('member-msg', 'keyload.bad', null, 'c-bad'); return; }
  if (!Number.isInteger(obj.member) && S.memberIndex === null) { note('member-msg', 'keygen.needwho', null, 'c-bad'); return; }
  useKey(obj, S.memberIndex);
  $('keytext').value = '';
}

export function printKeycard() {
  if (!S.pending) return;
  printNode($('keycard'));
  S.pending.saved = true;
  render();
}
