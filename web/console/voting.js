// console/voting.js: opening the vote and, while it runs, the live count
// (never a ballot's content) and the close.

import * as tn from '../tn.js';
import { t } from './strings.js';
import {
  $, S, show, note, quorumMet, api, E, run, sign, viewAnchor, loadView,
} from './state.js';

export function renderOpen() {
  const v = S.view;
  const box = $('open-check');
  const keys = v.trustee_keys.filter(Boolean).length;
  let key = 'open.ready';
  let vars = { issued: v.issued };
  let ok = true;
  if (!v.election_key && v.ceremony && keys === v.committee.length) { key = 'open.ceremony'; ok = false; }
  else if (!v.election_key) { key = 'open.nokeys'; vars = { done: keys, total: v.committee.length }; ok = false; }
  else if (v.present === null) { key = 'open.nopresent'; ok = false; }
  else if (!quorumMet(v.present, v.summoned)) { key = 'open.noquorum'; ok = false; }
  else if (v.issued === 0) { key = 'open.nosheet'; ok = false; }
  box.className = `c-note ${ok ? 'c-ok' : 'c-warn'}`;
  box.textContent = t(key, vars);
  $('open').disabled = !ok || S.busy;
}

export function renderVoting() {
  const v = S.view;
  $('voting-count').textContent = t('voting.count', { returned: v.returned, issued: v.issued });
  const bar = $('voting-progress');
  bar.max = Math.max(1, v.issued);
  bar.value = v.returned;
  // The kiosk opens in a new tab (no "back" to this console there).
  $('kiosk-link').href = `/kiosk?e=${encodeURIComponent(S.id)}`;
  $('live-returned').textContent = String(v.returned);
  $('live-unused').textContent = String(v.unused);
  $('live-forged').textContent = String(v.refused.forged);
  $('live-repeated').textContent = String(v.refused.repeated);
  show('close-box', Boolean(S.key));
  show('close', !S.confirmClose);
  show('close-confirm', S.confirmClose);
  $('close-confirm-text').textContent = t('close.confirm', { returned: v.returned, issued: v.issued, unused: v.unused });
}

export async function openVoting() {
  await run('open-msg', async () => {
    await tn.load();
    const signature = sign('open', await viewAnchor());
    await api('POST', `${E()}/open`, { signer: S.key.member, signature });
    note('voting-msg', 'open.done', null, 'c-ok');
    await loadView();
  });
}

export async function closeVoting() {
  await run('voting-msg', async () => {
    await tn.load();
    const signature = sign('close', await viewAnchor());
    await api('POST', `${E()}/close`, { signer: S.key.member, signature });
    S.confirmClose = false;
    note('decrypt-msg', null);
    note('voting-msg', 'close.done', null, 'c-ok');
    await loadView();
  });
}
