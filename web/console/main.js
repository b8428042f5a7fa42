// console/main.js: the counting committee's console (/committee).
//
// One page for the two roles of the meeting's set-up:
// - the organizer (password → session token) creates the election
//   (candidates pasted or imported from CSV, R9 exclusions left out), hands
//   out the codes shown once, edits the draft and seals it;
// - each committee member, in his or her own browser, makes a key share
//   with the browser module (the secret never leaves the page except in the
//   key file and key card the member keeps), enrolls its public part with
//   the enrollment code, and later signs the attendance (R2), the credential
//   sheet (R3, made and printed here; the server gets only the public
//   parts), the opening and the close, decrypts his or her share of the
//   totals from the key file, and signs the counts the browser computed
//   from the published decryptions. Between the enrollment and the
//   opening, each member's page takes the member's part in the committee's
//   threshold key ceremony by itself (ceremony.js), and picks it up again
//   from the key file and the log after a reload.
// Everyone sees the public figures (present, issued, returned, unused,
// refused), never a ballot's content. After the result the page re-verifies
// the whole log in the browser, shows the table of R6 with the consequences
// of R7, and opens the printable minutes (R10).
//
// No inline script or style (CSP). Secrets (key share, credentials) are held
// in memory only, never in storage; the organizer's session token is kept in
// sessionStorage (this tab).
//
// The phases are modules of this folder (setup, keys, attendance, sheet,
// voting, count, with status for the figures everyone sees); state.js holds
// what they share and strings.js the texts. This module wires the page's
// controls to them and starts it.

import * as tn from '../tn.js';
import { printNode } from '../results.js';
import { tr, t } from './strings.js';
import {
  $, S, TOKEN_KEY, note, loadView, setId, render, painter, dropToken,
} from './state.js';
import {
  renderOrgHome, renderCodes, renderOrg, renderPreview, renderThreshold, openDraft, submitDraft, logIn, seal,
  deleteDraft, codeCards,
} from './setup.js';
import { renderDossier, addFiles } from './dossier.js';
import { renderCeremony, ceremonyTick } from './ceremony.js';
import { renderStatus } from './status.js';
import {
  renderMember, makeKey, saveKeyFile, saveKeyFileWithCode, printKeycard, keycardPrinted, enroll, loadKeyFile, loadKeyText,
  renderTypedCheck, switchKey,
} from './keys.js';
import {
  renderAttendance, recordAttendance, cancelAttendance,
} from './attendance.js';
import {
  renderSheet, renderBaseWarning, makeSheet, clearSheet, askClearSheet, printSheet, sheetPrinted, revealSheet,
} from './sheet.js';
import {
  renderCancel, loadSlips, askCancel, cancelSlips,
} from './cancel.js';
import {
  renderOpen, renderVoting, openVoting, closeVoting,
} from './voting.js';
import {
  renderDecrypt, renderResult, decryptMine, publish, openMinutes, saveMinutes,
} from './count.js';

/// Each section's painter, for `render` (state.js).
function paint() {
  painter('s-org-home', renderOrgHome);
  painter('s-codes', renderCodes);
  painter('s-org', () => { renderOrg(); renderDossier(); });
  painter('s-status', renderStatus);
  painter('s-member', renderMember);
  painter('s-ceremony', renderCeremony);
  painter('s-attendance', renderAttendance);
  painter('s-sheet', renderSheet);
  painter('s-cancel', renderCancel);
  painter('s-open', renderOpen);
  painter('s-voting', renderVoting);
  painter('s-decrypt', renderDecrypt);
  painter('s-result', renderResult);
}

function wire() {
  tn.langButton($('lang'), tr);
  tr.onChange(() => {
    if (S.draft) {
      $('draft-h').textContent = t(S.draft.editing ? 'draft.edit' : 'draft.new');
      $('draft-submit').textContent = t(S.draft.editing ? 'draft.save' : 'draft.create');
      renderPreview();
      renderThreshold();
    }
    $('member-index').dataset.options = '';
    render();
  });

  $('login-form').addEventListener('submit', (ev) => { ev.preventDefault(); logIn(); });
  $('member-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = $('member-eid').value.trim();
    if (!id) return;
    S.memberMode = true;
    if (id !== S.id) await setId(id);
    else render();
    if (S.view) $('member-h').focus();
  });
  $('logout').addEventListener('click', () => { dropToken(); S.elections = null; render(); });
  $('new-election').addEventListener('click', () => openDraft(false));
  $('org-open-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = $('org-eid').value.trim();
    if (id) await setId(id);
  });
  $('org-home').addEventListener('click', () => { S.elections = null; setId(''); render(); });

  $('f-candidates').addEventListener('input', renderPreview);
  $('f-committee').addEventListener('input', renderThreshold);
  $('f-threshold').addEventListener('input', () => { $('f-threshold').dataset.touched = '1'; renderThreshold(); });
  $('f-csv').addEventListener('change', async () => {
    const f = $('f-csv').files[0];
    if (!f) return;
    $('f-candidates').value = (await f.text()).replace(/^\uFEFF/, '');
    $('f-csv').value = '';
    renderPreview();
  });
  $('s-draft').addEventListener('submit', (ev) => { ev.preventDefault(); submitDraft(); });
  $('draft-cancel').addEventListener('click', () => { S.draft = null; note('draft-msg', null); render(); });

  $('codes-printbtn').addEventListener('click', () => printNode(codeCards()));
  $('codes-done').addEventListener('click', () => { S.created = null; render(); $('org-h').focus?.(); });
  $('delete-draft').addEventListener('click', () => { S.confirmDelete = true; render(); $('delete-no').focus(); });
  $('delete-no').addEventListener('click', () => { S.confirmDelete = false; render(); $('delete-draft').focus(); });
  $('delete-yes').addEventListener('click', deleteDraft);

  $('dossier-file').addEventListener('change', () => addFiles($('dossier-file').files));
  $('edit-draft').addEventListener('click', () => openDraft(true));
  $('seal').addEventListener('click', () => { S.confirmSeal = true; render(); $('seal-yes').focus(); });
  $('seal-no').addEventListener('click', () => { S.confirmSeal = false; render(); $('seal').focus(); });
  $('seal-yes').addEventListener('click', seal);

  $('member-index').addEventListener('change', () => {
    const v = $('member-index').value;
    S.memberIndex = v === '' ? null : Number(v);
    note('member-msg', null);
    render();
  });
  $('keygen').addEventListener('click', makeKey);
  $('keyfile-save').addEventListener('click', saveKeyFile);
  $('keycard-print').addEventListener('click', printKeycard);
  $('keycard-printed').addEventListener('click', keycardPrinted);
  $('keyfile-code').addEventListener('click', saveKeyFileWithCode);
  // Once the key is enrolled or loaded, the page takes its part in the
  // key ceremony at once.
  $('enroll-form').addEventListener('submit', async (ev) => { ev.preventDefault(); await enroll(); ceremonyTick(); });
  $('keyfile').addEventListener('change', async () => {
    const f = $('keyfile').files[0];
    if (f && await loadKeyFile(f)) ceremonyTick();
  });
  $('keyload-box').addEventListener('submit', async (ev) => { ev.preventDefault(); if (await loadKeyText()) ceremonyTick(); });
  $('keytext').addEventListener('input', () => { renderTypedCheck().catch(() => {}); });
  $('key-switch-yes').addEventListener('click', async () => { if (await switchKey(true)) ceremonyTick(); });
  $('key-switch-no').addEventListener('click', () => switchKey(false));
  $('key-forget').addEventListener('click', () => { S.key = null; S.step = null; S.stepAt = null; note('member-msg', null); note('cer-msg', null); render(); });
  $('minutes-code-box').addEventListener('submit', (ev) => { ev.preventDefault(); openMinutes(); });

  $('present').addEventListener('input', () => { $('present').dataset.touched = '1'; S.confirmAtt = null; note('att-msg', null); render(); });
  $('att-sign').addEventListener('click', () => recordAttendance(false));
  $('att-yes').addEventListener('click', () => recordAttendance(true));
  $('att-no').addEventListener('click', cancelAttendance);
  $('sheet-count').addEventListener('input', () => { $('sheet-count').dataset.touched = '1'; });
  $('sheet-make').addEventListener('click', makeSheet);
  $('sheet-base').addEventListener('input', () => { S.loopbackOk = null; renderBaseWarning(); });
  $('sheet-print').addEventListener('click', printSheet);
  $('sheet-printed').addEventListener('click', sheetPrinted);
  $('sheet-reveal').addEventListener('click', revealSheet);
  $('sheet-clear').addEventListener('click', () => askClearSheet(true));
  $('sheet-clear-no').addEventListener('click', () => askClearSheet(false));
  $('sheet-clear-yes').addEventListener('click', clearSheet);
  $('cancel-load').addEventListener('click', loadSlips);
  $('cancel-go').addEventListener('click', () => askCancel(true));
  $('cancel-no').addEventListener('click', () => askCancel(false));
  $('cancel-yes').addEventListener('click', cancelSlips);
  // Leaving the page loses what exists only here: slips not printed yet,
  // a key not saved to a file or printed.
  window.addEventListener('beforeunload', (ev) => {
    const key = S.pending && !S.pending.loaded && !S.pending.saved && !S.pending.printed;
    const slips = S.sheet && !S.sheetPrinted;
    if (key || slips) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });
  $('open').addEventListener('click', openVoting);
  $('close').addEventListener('click', () => { S.confirmClose = true; render(); $('close-yes').focus(); });
  $('close-no').addEventListener('click', () => { S.confirmClose = false; render(); $('close').focus(); });
  $('close-yes').addEventListener('click', closeVoting);
  $('decrypt').addEventListener('click', decryptMine);
  $('publish').addEventListener('click', publish);
  $('minutes-open').addEventListener('click', openMinutes);
  $('minutes-save').addEventListener('click', saveMinutes);
}

async function main() {
  paint();
  wire();
  tr.apply();
  try { S.token = sessionStorage.getItem(TOKEN_KEY) || ''; } catch (_) { S.token = ''; }
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  if (id) {
    $('member-eid').value = id;
    $('org-eid').value = id;
  }
  tn.load().catch(() => { /* reported when used */ });
  render();
  if (id) await setId(id, { push: false });
  // The public figures follow the meeting (never a ballot's content); a
  // member's page takes the next step of the key ceremony when the log
  // has moved, even from a tab in the background (the others wait for it).
  setInterval(async () => {
    const ceremony = Boolean(S.key && S.view && S.view.phase === 'setup' && S.view.ceremony && !S.view.election_key);
    if (S.id && S.view && S.view.phase !== 'done' && !S.busy && (!document.hidden || ceremony)) {
      await loadView();
      ceremonyTick();
    }
  }, 2000);
}

main();
