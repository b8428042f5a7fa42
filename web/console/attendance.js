// console/attendance.js: the attendance (R2), checked as it is typed and
// signed by the member.

import * as tn from '../tn.js';
import { t } from './strings.js';
import {
  $, S, show, note, need, quorumMet, api, E, run, sign, viewAnchor, loadView, render,
} from './state.js';

export function cancelAttendance() {
  S.confirmAtt = null;
  render();
  $('att-sign').focus();
}

export function renderAttendance() {
  const v = S.view;
  show('att-confirm', S.confirmAtt !== null);
  show('att-sign', S.confirmAtt === null);
  if (S.confirmAtt !== null) {
    const p = S.confirmAtt;
    const parts = [];
    if (v.present !== null) parts.push(t('att.again', { old: v.present, present: p }));
    if (!quorumMet(p, v.summoned)) parts.push(t('att.short', { present: p, summoned: v.summoned, need: need(v.summoned) }));
    parts.push(t('att.sure'));
    $('att-confirm-text').textContent = parts.join(' ');
  }
  const input = $('present');
  input.max = String(v.summoned);
  if (document.activeElement !== input && !input.dataset.touched) input.value = v.present === null ? '' : String(v.present);
  renderR2();
}

export function renderR2() {
  const v = S.view;
  const box = $('att-check');
  const raw = $('present').value.trim();
  const p = Number(raw);
  if (raw === '' || !Number.isInteger(p) || p < 0) {
    box.className = 'c-note';
    box.textContent = t('r2.none', { need: need(v.summoned), summoned: v.summoned });
  } else if (p > v.summoned) {
    box.className = 'c-note c-bad';
    box.textContent = t('r2.over', { summoned: v.summoned });
  } else {
    const met = quorumMet(p, v.summoned);
    box.className = `c-note ${met ? 'c-ok' : 'c-bad'}`;
    box.textContent = t(met ? 'r2.met' : 'r2.short', { present: p, summoned: v.summoned, need: need(v.summoned) });
  }
}

/// Signs the attendance. A figure below the quorum, or a second
/// attendance (the log keeps both lines), is signed only after a yes.
export async function recordAttendance(confirmed = false) {
  const v = S.view;
  const raw = $('present').value.trim();
  const p = Number(raw);
  if (raw === '' || !Number.isInteger(p) || p < 0 || p > v.summoned) { note('att-msg', 'att.invalid', { summoned: v.summoned }, 'c-bad'); return; }
  if (!confirmed && (v.present !== null || !quorumMet(p, v.summoned))) {
    S.confirmAtt = p;
    note('att-msg', null);
    render();
    $('att-no').focus();
    return;
  }
  S.confirmAtt = null;
  await run('att-msg', async () => {
    await tn.load();
    const signature = sign('quorum', await viewAnchor(), { present: p });
    await api('POST', `${E()}/quorum`, { present: p, signer: S.key.member, signature });
    delete $('present').dataset.touched;
    note('att-msg', 'att.done', { present: p }, 'c-ok');
    await loadView();
  });
}
