// console/count.js: after the close: each member's partial decryption (of
// the totals summed here from the verified log, with the trustee key or,
// under the threshold ceremony, the share rebuilt from the log: wasm
// `member_decryption`), how many more members are needed, the result
// computed and published once enough have decrypted, re-verified from the
// whole log, and the minutes (R10).

import * as tn from '../tn.js';
import {
  el, resultSummary, resultTable, verifyLog, download, why,
} from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, show, note, noteBoth, noteError, api, E, run, sign, loadView, fetchLog, verifiedLog, progressTo, render,
  threshold, decryptionsNeeded,
} from './state.js';

export function renderDecrypt() {
  const v = S.view;
  $('decrypt-list').replaceChildren(...v.committee.map((name, i) => el('li', { dataset: { member: i } },
    `${i + 1}. ${name}${S.key && S.key.member === i ? ` ${t('member.me')}` : ''} — `,
    el('span', { class: `c-badge ${v.decrypted_by[i] ? 'c-ok' : ''}`, text: t(v.decrypted_by[i] ? 'member.dec.ok' : 'member.dec.none') }))));
  const done = v.decrypted_by.filter(Boolean).length;
  const { t: tt, n } = threshold(v);
  const more = decryptionsNeeded(v);
  const mine = S.key ? v.decrypted_by[S.key.member] : false;
  // Until t members have decrypted, everyone sees how many more are needed.
  if (more > 0) noteBoth('decrypt-need', 'decrypt.more', { n: more, done, t: tt, total: n }, 'c-warn');
  else noteBoth('decrypt-need', 'decrypt.enough', { done, t: tt, total: n }, 'c-ok');
  show('decrypt', Boolean(S.key) && !mine && more > 0);
  show('publish-box', Boolean(S.key) && more === 0);
  const m = S.notes['decrypt-msg'];
  const auto = !m || ['decrypt.needkey', 'decrypt.mine', 'decrypt.done'].includes(m.key);
  if (auto) {
    if (!S.key && more > 0) note('decrypt-msg', 'decrypt.needkey', null, 'c-warn');
    else if (mine) note('decrypt-msg', 'decrypt.mine', null, 'c-ok');
    else note('decrypt-msg', null);
  }
}

export function renderResult() {
  if (!S.result && !S.resultRun) verifyResult();
  show('minutes-code-box', !S.token && !(S.key && S.key.code));
  $('result-results').href = `/results/${encodeURIComponent(S.id)}`;
  $('result-inspector').href = `/inspector?id=${encodeURIComponent(S.id)}&verify`;
  const a = S.result;
  if (!a) return;
  const rn = $('result-note');
  if (a.result) {
    rn.className = 'c-note c-ok';
    const s = (a.ms / 1000).toFixed(2);
    rn.textContent = t('result.verified', { n: a.total, s: tr.lang() === 'vi' ? s.replace('.', ',') : s });
    $('result-summary').replaceChildren(resultSummary(a.result, t));
    $('result-table').replaceChildren(resultTable(a.result, t, tr.lang()));
  } else {
    rn.className = 'c-note c-bad';
    rn.textContent = t('result.failed', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? a.failure.reason : '' });
  }
}

async function verifyResult() {
  S.resultRun = true;
  show('result-verify', true);
  try {
    const text = await fetchLog();
    S.result = await verifyLog(text, progressTo('result-progress'));
    if (S.result.election && S.result.election.id === S.id) S.election = S.result.election;
  } catch (e) {
    // Not retried by itself (that could loop); reloading the page retries.
    noteError('result-msg', e);
  } finally {
    show('result-verify', false);
  }
  render();
}

export async function decryptMine() {
  await run('decrypt-msg', async () => {
    note('decrypt-msg', 'decrypt.working');
    await tn.load();
    // The totals are summed here from the log, every line verified, never
    // taken from the server (GET /totals): a server that passed one ballot's
    // ciphertext off as a total would otherwise get every member to decrypt
    // that ballot (docs/SECURITY.md).
    const { a, bad } = await verifiedLog({ progress: true });
    if (!a.totals || a.phase !== 'Closed' || a.election_hash !== S.view.election_hash || a.entries !== a.total || bad) {
      note('decrypt-msg', 'decrypt.badlog', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? why(a.failure, tr.lang()) : a.phase }, 'c-bad');
      return;
    }
    await tn.nextPaint();
    const d = tn.callSync('member_decryption', {
      member: S.key.member, secret: S.key.secret, head: a.head, seed: tn.seed(),
    });
    if (d.refused) {
      const r = d.refused;
      note('decrypt-msg', `refused.${r.code}`, { n: (r.member ?? 0) + 1, dealer: (r.dealer ?? 0) + 1 }, r.code === 'already_decrypted' ? 'c-ok' : 'c-bad');
      await loadView();
      return;
    }
    await api('POST', `${E()}/decryptions`, d.decryption);
    note('decrypt-msg', 'decrypt.done', null, 'c-ok');
    await loadView();
  });
}

export async function publish() {
  await run('decrypt-msg', async () => {
    note('decrypt-msg', 'publish.working');
    // Every line must hold; the only complaint allowed is "no result yet".
    const { a, bad } = await verifiedLog({ progress: true });
    if (!a.decrypted_counts || a.entries !== a.total || bad) {
      note('decrypt-msg', 'publish.failed', { seq: a.failure ? a.failure.seq : '?', reason: a.failure ? why(a.failure, tr.lang()) : '' }, 'c-bad');
      return;
    }
    const counts = a.decrypted_counts;
    const signature = sign('result', a.anchor, { counts });
    await api('POST', `${E()}/result`, { counts, signer: S.key.member, signature });
    note('decrypt-msg', 'publish.done', null, 'c-ok');
    note('result-msg', 'publish.done', null, 'c-ok');
    await loadView();
    $('result-h').focus();
  });
}

function bearer() {
  return S.token || (S.key && S.key.code) || $('minutes-code').value.trim();
}

async function fetchMinutes() {
  const token = bearer();
  if (!token) { note('result-msg', 'minutes.needcode', null, 'c-bad'); $('minutes-code').focus(); return null; }
  return tn.fetchText(`${E()}/minutes`, { token });
}

/// The minutes in their own window. The window inherits this page's CSP,
/// which refuses the server page's inline <style>: it is replaced by
/// console.css (same origin), whose `c-minutes` rules are the same.
export async function openMinutes() {
  // Opened at once, within the click, so that no pop-up blocker interferes.
  const w = window.open('', '_blank');
  await run('result-msg', async () => {
    const html = await fetchMinutes();
    if (html === null) { if (w) w.close(); return; }
    // The <style> is cut from the text before parsing: even an inert parse
    // of it is reported as a CSP violation.
    const doc = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style>/gi, ''), 'text/html');
    for (const n of doc.querySelectorAll('style, script, link')) n.remove();
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('/static/console.css', location.href).href;
    doc.head.append(link);
    doc.body.classList.add('c-minutes');
    const out = `<!doctype html>\n${doc.documentElement.outerHTML}`;
    if (S.minutesUrl) URL.revokeObjectURL(S.minutesUrl);
    S.minutesUrl = URL.createObjectURL(new Blob([out], { type: 'text/html' }));
    $('minutes-link').href = S.minutesUrl;
    $('minutes-link').hidden = false;
    if (w) {
      w.location.href = S.minutesUrl;
      note('result-msg', 'minutes.opened', null, 'c-ok');
    } else {
      note('result-msg', 'minutes.blocked', null, 'c-warn');
    }
  });
}

export async function saveMinutes() {
  await run('result-msg', async () => {
    const html = await fetchMinutes();
    if (html !== null) download(`bien-ban-kiem-phieu-${S.id}.html`, html, 'text/html');
  });
}
