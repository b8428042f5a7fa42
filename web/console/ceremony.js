// console/ceremony.js: the committee's threshold key ceremony (PROTOCOL.md
// §10), run by each member's own browser once its key is enrolled: the page
// verifies the log, the browser module works out this member's next step
// from the log and the key alone (wasm `member_step`: its dealing, a
// complaint about a share that does not check, its `shares_ok`, or whom it
// waits for) and the page posts it. Nothing is kept between the rounds, so
// a page closed mid-ceremony carries on from the key file and the log.
// Everyone sees where each member stands (the server's view).

import * as tn from '../tn.js';
import { el, why } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, note, noteBoth, api, E, loadView, verifiedLog, threshold, render,
} from './state.js';

let ticking = false;

/// Whether this page takes its member's part in the ceremony now.
function running() {
  const v = S.view;
  return Boolean(S.key && v && v.phase === 'setup' && v.ceremony && !v.election_key);
}

export function renderCeremony() {
  const v = S.view;
  const c = v.ceremony;
  const { t: need, n } = threshold(v);
  const qualified = Array.isArray(c.qualified) ? new Set(c.qualified) : null;
  $('cer-threshold').textContent = t('status.threshold', { t: need, n });
  $('cer-list').replaceChildren(...v.committee.map((name, i) => {
    const keyed = Boolean(v.trustee_keys[i]);
    const dealt = Boolean(c.dealt[i]);
    const ok = Boolean(c.shares_ok[i]);
    const out = qualified !== null && !qualified.has(i);
    const badge = (on, yes, no, cls = 'c-ok') => el('span', { class: `c-badge ${on ? cls : ''}`, text: t(on ? yes : no) });
    return el('li', { dataset: { member: i, dealt: dealt ? 'yes' : 'no', sharesOk: ok ? 'yes' : 'no' } },
      `${i + 1}. ${name}${S.key && S.key.member === i ? ` ${t('member.me')}` : ''} — `,
      badge(keyed, 'cer.key', 'cer.nokey'), ' ',
      badge(dealt, 'cer.dealt', 'cer.notdealt'), ' ',
      badge(ok, 'cer.ok', 'cer.notok'),
      out ? ' ' : null,
      out ? el('span', { class: 'c-badge c-bad', text: t('cer.out') }) : null);
  }));
  $('cer-complaints').replaceChildren(...c.complaints.map((x) => el('li', {
    text: t('cer.complaint', { complainer: x.complainer + 1, dealer: x.dealer + 1 }),
  })));
  if (v.election_key) {
    noteBoth('cer-msg', 'step.done', { t: need, n }, 'c-ok');
  } else if (!S.key) {
    // A member without a key is asked for it; the organizer only watches.
    // (Not while the member is making or enrolling the key just above.)
    note('cer-msg', S.memberMode && !S.pending ? 'cer.needkey' : null, null, 'c-warn');
  } else if (S.notes['cer-msg'] && S.notes['cer-msg'].key === 'cer.needkey') {
    note('cer-msg', null);
  }
}

/// Members `list` (from 0) as the page numbers them (from 1).
function who(list) {
  return list.map((i) => i + 1).join(', ');
}

function showStep(s) {
  const v = S.view;
  const { t: need, n } = threshold(v);
  const wait = (kind) => noteBoth('cer-msg', `step.${kind}.${s.waiting_for.length === 1 ? 'one' : 'many'}`, { who: who(s.waiting_for) });
  switch (s.kind) {
    case 'await_keys': case 'await_dealings': case 'await_shares_ok': wait(s.kind); break;
    case 'deal': case 'shares_ok': noteBoth('cer-msg', `step.${s.kind}`); break;
    case 'complain': noteBoth('cer-msg', 'step.complain', { dealer: s.dealer + 1 }, 'c-warn'); break;
    case 'await_election_key': noteBoth('cer-msg', 'step.await_election_key'); break;
    case 'too_few_qualified': noteBoth('cer-msg', 'step.too_few_qualified', { qualified: s.qualified, needed: s.needed }, 'c-bad'); break;
    case 'done': noteBoth('cer-msg', 'step.done', { t: need, n }, 'c-ok'); break;
    case 'register': noteBoth('cer-msg', 'step.register', null, 'c-warn'); break;
    case 'refused': note('cer-msg', `refused.${s.refused.code}`, { n: (s.refused.member ?? 0) + 1, dealer: (s.refused.dealer ?? 0) + 1 }, 'c-bad'); break;
    default: break;
  }
}

/// One round of this member's part: verify the log, ask the browser module
/// for the next step, post it, and again while there is something to post.
/// Called after the key is enrolled or loaded and at every refresh of the
/// view; does nothing while the log is as it was at the last round.
export async function ceremonyTick() {
  if (!running() || ticking) return;
  if (S.stepAt !== null && S.stepAt === S.view.log_length) return;
  ticking = true;
  try {
    await tn.load();
    // A round posts at most one entry per step; a few rounds cover a whole
    // turn (dealing, then shares_ok once the others have dealt).
    for (let round = 0; round < 4 && running(); round++) {
      const length = S.view.log_length;
      const { a, bad } = await verifiedLog();
      if (bad || !a.head || a.election_hash !== S.view.election_hash) {
        noteBoth('cer-msg', 'step.badlog', { seq: bad ? bad.seq : '?', reason: bad ? why(bad, tr.lang()) : '—' }, 'c-bad');
        S.stepAt = length;
        return;
      }
      const s = tn.callSync('member_step', { member: S.key.member, secret: S.key.secret, head: a.head, seed: tn.seed() });
      S.step = s;
      showStep(s);
      if (!s.post) {
        S.stepAt = length;
        return;
      }
      await api('POST', `${E()}/${s.post.route}`, s.post.body);
      await loadView();
    }
  } catch (e) {
    // Not sent (the room's Wi-Fi, the server busy): the next refresh tries
    // again from the log.
    const msg = e instanceof tn.ApiError ? e.text(tr.lang()) : String(e && e.message ? e.message : e);
    noteBoth('cer-msg', 'step.retry', { msg }, 'c-warn');
    S.stepAt = null;
  } finally {
    ticking = false;
    render();
  }
}
