// console/attendance.js: the attendance (R2), checked as it is typed and
// signed by the member.

import * as tn from '../tn.js';
import { t } from './strings.js';
import {
  $, S, note, need, quorumMet, api, E, run, sign, viewAnchor, loadView,
} from './state.js';

export function renderAttendance() {
  const v = S.view;
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

export async function recordAttendance() {
  const v = S.view;
  const p = Number($('present').value);
  if (!Number.isInteger(p) || p < 0 || p > v.summoned) { note('att-msg', 'att.invalid', { summoned: v.summoned }, 'c-bad'); return; }
  await run('att-msg', async () => {
    await tn.load();
    const signature = sign('quorum', await viewAnchor(), { present: p });
    await api('POST', `${E()}/quorum`, { present: p, signer: S.key.member, signature });
    delete $('present').dataset.touched;
    note('att-msg', 'att.done', { present: p }, 'c-ok');
    await loadView();
  });
}
