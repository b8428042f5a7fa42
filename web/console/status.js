// console/status.js: the meeting as it stands, for everyone: the public
// figures, the quorum (R2), the committee's keys and decryptions, the log.

import { el } from '../results.js';
import { t } from './strings.js';
import {
  $, S, need, quorumMet, threshold, timelineNodes,
} from './state.js';

export function renderStatus() {
  const v = S.view;
  $('fig-summoned').textContent = String(v.summoned);
  $('fig-present').textContent = v.present === null ? '–' : String(v.present);
  $('fig-issued').textContent = String(v.issued);
  $('fig-cancelled').textContent = Number.isInteger(v.cancelled) ? String(v.cancelled) : '0';
  $('fig-returned').textContent = String(v.returned);
  const q = $('quorum-line');
  if (v.present === null) {
    q.className = 'c-note';
    q.textContent = t('r2.none', { need: need(v.summoned), summoned: v.summoned });
  } else {
    const met = quorumMet(v.present, v.summoned);
    q.className = `c-note ${met ? 'c-ok' : 'c-bad'}`;
    q.textContent = t(met ? 'r2.met' : 'r2.short', { present: v.present, summoned: v.summoned, need: need(v.summoned) });
  }
  $('threshold-line').textContent = t('status.threshold', threshold(v));
  $('timeline').replaceChildren(...timelineNodes(v));
  const decrypting = v.phase === 'closed' || v.phase === 'done';
  $('committee-list').replaceChildren(...v.committee.map((name, i) => {
    const keyed = Boolean(v.trustee_keys[i]);
    const parts = [`${i + 1}. ${name}`];
    if (S.key && S.key.member === i) parts.push(t('member.me'));
    return el('li', { dataset: { member: i, key: keyed ? 'yes' : 'no', decrypted: v.decrypted_by[i] ? 'yes' : 'no' } },
      `${parts.join(' ')} — `,
      el('span', { class: `c-badge ${keyed ? 'c-ok' : ''}`, text: t(keyed ? 'member.key.ok' : 'member.key.none') }),
      decrypting ? ' ' : null,
      decrypting ? el('span', { class: `c-badge ${v.decrypted_by[i] ? 'c-ok' : ''}`, text: t(v.decrypted_by[i] ? 'member.dec.ok' : 'member.dec.none') }) : null);
  }));
  $('log-line').textContent = t('status.logline', { n: v.log_length, head: v.head ? `${v.head.slice(0, 16)}…` : '–' });
}
