// console/cancel.js: cancelling slips that are torn, lost or misprinted
// (PROTOCOL.md §6.3 `cancel`). The member lists the slips the log holds as
// this device verifies it (wasm `slips`: numbered as printed, in the order
// of issue), picks unused ones by number, and signs a `cancel` statement
// (the message of `credentials`, context `cancel`); the server answers 204
// or names the slip it refuses (one that voted, or not issued). New slips
// can then be made within the attendance (sheet.js).

import * as tn from '../tn.js';
import { el, why } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, show, note, noteBoth, api, E, run, sign, loadView, verifiedLog, render,
} from './state.js';

/// The slips as the last verified log listed them: {n, public, state}.
let listed = null;
/// The slips' numbers chosen for cancelling.
const chosen = new Set();
let confirming = false;

function counts(v) {
  const cancelled = Number.isInteger(v.cancelled) ? v.cancelled
    : (listed ? listed.filter((x) => x.state === 'cancelled').length : 0);
  return { issued: v.issued, cancelled, returned: v.returned, unused: v.unused };
}

export function renderCancel() {
  const v = S.view;
  $('cancel-counts').textContent = t('cancel.counts', counts(v));
  show('cancel-box', Boolean(listed));
  if (!listed) return;
  const unused = listed.filter((x) => x.state === 'unused');
  const list = $('cancel-list');
  const want = unused.map((x) => x.n).join(',');
  if (list.dataset.slips !== want) {
    list.dataset.slips = want;
    list.replaceChildren(...(unused.length ? unused.map((x) => {
      const id = `cancel-${x.n}`;
      const input = el('input', { type: 'checkbox', id, value: String(x.n), checked: chosen.has(x.n) ? true : null });
      input.addEventListener('change', () => {
        if (input.checked) chosen.add(x.n); else chosen.delete(x.n);
        confirming = false;
        render();
      });
      return el('label', { class: 'c-check c-slipno', for: id }, input, el('span', { text: t('cancel.slip', { n: x.n }) }));
    }) : [el('p', { class: 'c-help', text: t('cancel.none') })]));
  }
  for (const n of [...chosen]) if (!unused.some((x) => x.n === n)) chosen.delete(n);
  $('cancel-go').disabled = chosen.size === 0 || S.busy;
  show('cancel-go', !confirming);
  show('cancel-confirm', confirming && chosen.size > 0);
  $('cancel-confirm-text').textContent = t('cancel.confirm', { list: numbers(), count: chosen.size });
}

function numbers() {
  return [...chosen].sort((a, b) => a - b).join(', ');
}

/// The slips of the log as this device verifies it.
export async function loadSlips() {
  await run('cancel-msg', async () => {
    note('cancel-msg', 'cancel.loading');
    await tn.load();
    const { a, bad } = await verifiedLog();
    if (bad || !a.head || a.election_hash !== S.view.election_hash) {
      note('cancel-msg', 'sheet.badlog', { reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
      return;
    }
    listed = tn.callSync('slips', { head: a.head });
    note('cancel-msg', null);
  });
}

export function askCancel(on) {
  confirming = on && chosen.size > 0;
  render();
  $(confirming ? 'cancel-no' : 'cancel-go').focus();
}

export async function cancelSlips() {
  const picked = listed ? listed.filter((x) => chosen.has(x.n) && x.state === 'unused') : [];
  if (picked.length === 0) return;
  await run('cancel-msg', async () => {
    await tn.load();
    // Signed on the log as verified now (the anchor of the next statement).
    const { a, bad } = await verifiedLog();
    if (bad || !a.anchor) {
      note('cancel-msg', 'sheet.badlog', { reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
      return;
    }
    const credentials = picked.map((x) => x.public);
    const signature = sign('cancel', a.anchor, { credentials });
    confirming = false;
    try {
      await api('POST', `${E()}/cancel`, { credentials, signer: S.key.member, signature });
    } catch (e) {
      // The server names the slip it refuses (one that voted meanwhile):
      // the list is read again so that it shows what the log now holds.
      await loadSlipsQuietly();
      throw e;
    }
    const list = picked.map((x) => x.n).join(', ');
    chosen.clear();
    await loadView();
    await loadSlipsQuietly();
    const v = S.view;
    const left = v.present === null ? 0 : Math.max(0, v.present - v.issued);
    noteBoth('cancel-msg', 'cancel.done', { list, count: picked.length, left }, 'c-ok');
  });
}

async function loadSlipsQuietly() {
  try {
    const { a, bad } = await verifiedLog();
    if (!bad && a.head) listed = tn.callSync('slips', { head: a.head });
  } catch (_) { /* the list stays as it was; the next press reads it again */ }
}

/// Forgets the list (another election, or the key removed).
export function resetCancel() {
  listed = null;
  chosen.clear();
  confirming = false;
}
