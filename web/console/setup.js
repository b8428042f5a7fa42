// console/setup.js: the organizer's part of the set-up: logging in, the
// draft (candidates pasted or imported from CSV, R9 exclusions left out),
// the codes shown once, and sealing.

import * as tn from '../tn.js';
import { el, svgNode } from '../results.js';
import { t } from './strings.js';
import {
  $, S, TOKEN_KEY, show, note, api, E, run, remember, recent, loadView, setId, render, threshold,
} from './state.js';

export function renderOrgHome() {
  const dl = $('recent-ids');
  const ids = recent();
  if (dl.childElementCount !== ids.length) dl.replaceChildren(...ids.map((id) => el('option', { value: id })));
}

function codesTable(names, codes) {
  return el('table', { class: 'c-codes' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('codes.col.n') }), el('th', { scope: 'col', text: t('codes.col.name') }), el('th', { scope: 'col', text: t('codes.col.code') }))),
    el('tbody', {}, names.map((n, i) => el('tr', {},
      el('td', { text: String(i + 1) }), el('td', { text: n }), el('td', { class: 'c-code', text: codes[i] })))));
}

export function renderCodes() {
  const c = S.created;
  const origin = location.origin;
  const box = el('div', { class: 'c-codes-sheet' },
    el('h3', { text: t('codes.title', { title: c.input.title, id: c.id }) }),
    el('h3', { text: t('codes.members.h') }),
    el('p', { class: 'c-help', text: t('codes.members.help', { link: `${origin}/committee?id=${c.id}` }) }),
    codesTable(c.input.committee, c.trustee_codes),
    el('h3', { text: t('codes.candidates.h') }),
    el('p', { class: 'c-help', text: t('codes.candidates.help', { link: `${origin}/results/${c.id}` }) }),
    codesTable(c.input.candidates.map((x) => `${x.name} — ${x.position}`), c.candidate_codes));
  $('codes-print').replaceChildren(box);
}

export function renderOrg() {
  const v = S.view;
  const draft = v.phase === 'draft';
  show('org-draft', draft);
  show('org-sealed', !draft);
  show('seal-confirm', draft && S.confirmSeal);
  if (draft) {
    $('draft-summary').replaceChildren(el('dl', { class: 'c-dl' },
      el('dt', { text: t('sum.title') }), el('dd', { text: v.title }),
      el('dt', { text: t('sum.unit') }), el('dd', { text: v.unit }),
      el('dt', { text: t('sum.date') }), el('dd', { text: v.date }),
      el('dt', { text: t('sum.summoned') }), el('dd', { text: String(v.summoned) }),
      el('dt', { text: t('sum.candidates') }), el('dd', {}, el('ol', { class: 'c-list' }, v.candidates.map((c) => el('li', { text: `${c.name} — ${c.position}` })))),
      el('dt', { text: t('sum.committee') }), el('dd', {}, el('ol', { class: 'c-list' }, v.committee.map((n) => el('li', { text: n })))),
      el('dt', { text: t('sum.threshold') }), el('dd', { text: t('f.threshold.of', threshold(v)) })));
  } else {
    const link = `${location.origin}/committee?id=${encodeURIComponent(S.id)}`;
    $('member-link').href = link;
    $('member-link').textContent = link;
    if (!S.memberQr || S.memberQr.id !== S.id) {
      try {
        S.memberQr = { id: S.id, node: svgNode(tn.callSync('qr_svg', { text: link }).svg, t('org.qr')) };
      } catch (e) {
        // The browser module is still loading: draw the code once it is in.
        if (/has not finished/.test(e.message)) tn.load().then(render, () => {});
        else S.memberQr = { id: S.id, node: el('span') };
      }
    }
    if (S.memberQr && S.memberQr.id === S.id) {
      S.memberQr.node.setAttribute('aria-label', t('org.qr'));
      if ($('member-qr').firstChild !== S.memberQr.node) $('member-qr').replaceChildren(S.memberQr.node);
    }
  }
  $('org-results').href = `/results/${encodeURIComponent(S.id)}`;
  $('org-inspector').href = `/inspector?id=${encodeURIComponent(S.id)}&verify`;
}

function parseCandidates(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (!line) return;
    const cells = splitCsv(line);
    const name = (cells[0] || '').trim();
    const position = cells.slice(1).join(', ').trim();
    const lower = name.toLowerCase();
    if (out.length === 0 && ['name', 'họ và tên', 'họ tên', 'ho va ten', 'full name', 'tên'].includes(lower)) return;
    out.push({ name, position, line: n + 1 });
  });
  return out;
}

/// One CSV line: comma, semicolon or tab separated, with "quoted" cells.
function splitCsv(line) {
  const sep = line.includes('\t') ? '\t' : (!line.includes(',') && line.includes(';')) ? ';' : ',';
  const cells = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') { quoted = true; cur = ''; }
    else if (ch === sep) { cells.push(cur); cur = ''; }
    else cur += ch;
  }
  cells.push(cur);
  // "Name, Position, with a comma" stays one position when the separator is a comma.
  return sep === ',' && cells.length > 2 ? [cells[0], cells.slice(1).join(',')] : cells;
}

export function renderPreview() {
  const list = parseCandidates($('f-candidates').value);
  show('cand-preview-box', list.length > 0);
  $('cand-preview').replaceChildren(...list.map((c, i) => {
    const flags = S.r9.get(c.name) || { retiring: false, appointed: false };
    const out = flags.retiring || flags.appointed;
    const box = (k, label) => {
      const id = `r9-${i}-${k}`;
      const input = el('input', { type: 'checkbox', id, checked: flags[k] ? true : null });
      input.addEventListener('change', () => {
        S.r9.set(c.name, { ...flags, [k]: input.checked });
        renderPreview();
      });
      return el('label', { class: 'c-check', for: id }, input, el('span', { text: label }));
    };
    return el('li', { dataset: { excluded: out ? 'yes' : 'no' } },
      el('span', { class: out ? 'c-badge c-warn' : null, text: `${c.name || '?'} — ${c.position || '?'}${out ? ` (${t('f.excluded')})` : ''}` }),
      box('retiring', t('f.retiring')), box('appointed', t('f.appointed')));
  }));
}

export function openDraft(editing) {
  S.draft = { editing };
  S.r9 = new Map();
  note('draft-msg', null);
  const v = editing ? S.view : null;
  $('draft-h').textContent = t(editing ? 'draft.edit' : 'draft.new');
  $('draft-h').dataset.i18n = editing ? 'draft.edit' : 'draft.new';
  $('draft-submit').dataset.i18n = editing ? 'draft.save' : 'draft.create';
  $('draft-submit').textContent = t(editing ? 'draft.save' : 'draft.create');
  show('draft-editnote', editing);
  $('f-title').value = v ? v.title : '';
  $('f-unit').value = v ? v.unit : '';
  $('f-date').value = v ? v.date : today();
  $('f-summoned').value = v ? String(v.summoned) : '';
  $('f-candidates').value = v ? v.candidates.map((c) => `${c.name}, ${c.position}`).join('\n') : '';
  $('f-committee').value = v ? v.committee.join('\n') : '';
  // A draft being edited keeps the threshold it has; a new one follows the
  // committee's size until the organizer types a number.
  $('f-threshold').value = v ? String(threshold(v).t) : '';
  if (v) $('f-threshold').dataset.touched = '1';
  else delete $('f-threshold').dataset.touched;
  renderThreshold();
  renderPreview();
  render();
  $('draft-h').focus();
}

function committeeNames() {
  return $('f-committee').value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

/// The smallest majority of `n` members (`dkg::default_threshold`): 2 of 3,
/// 3 of 5.
export function defaultThreshold(n) {
  return Math.floor(n / 2) + 1;
}

/// The threshold field: the smallest majority of the committee typed so
/// far, until the organizer types another number; "t trên n" beside it.
export function renderThreshold() {
  const input = $('f-threshold');
  const n = committeeNames().length;
  input.max = String(Math.max(1, n));
  if (!input.dataset.touched) input.value = n > 0 ? String(defaultThreshold(n)) : '';
  const tt = Number(input.value);
  $('f-threshold-of').textContent = n > 0 && Number.isInteger(tt) && tt >= 1 ? t('f.threshold.of', { t: tt, n }) : '';
}

/// Today in the browser's own time zone, `YYYY-MM-DD`.
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function draftInput() {
  const title = $('f-title').value.trim();
  const unit = $('f-unit').value.trim();
  const date = $('f-date').value;
  const summoned = Number($('f-summoned').value);
  if (!title || !unit) return { err: ['f.err.title'] };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { err: ['f.err.date'] };
  if (!Number.isInteger(summoned) || summoned < 1) return { err: ['f.err.summoned'] };
  const list = parseCandidates($('f-candidates').value);
  const bad = list.find((c) => !c.name || !c.position);
  if (bad) return { err: ['f.err.candidates', { line: bad.line }] };
  const candidates = list
    .filter((c) => { const f = S.r9.get(c.name); return !(f && (f.retiring || f.appointed)); })
    .map((c) => ({ name: c.name, position: c.position }));
  if (candidates.length === 0) return { err: ['f.err.none'] };
  const committee = committeeNames();
  if (committee.length === 0) return { err: ['f.err.committee'] };
  const raw = $('f-threshold').value.trim();
  const needed = raw === '' ? defaultThreshold(committee.length) : Number(raw);
  if (!Number.isInteger(needed) || needed < 1 || needed > committee.length) {
    return { err: ['f.err.threshold', { n: committee.length }] };
  }
  return { input: { title, unit, date, candidates, summoned, committee, threshold: needed } };
}

export async function submitDraft() {
  const { err, input } = draftInput();
  if (err) { note('draft-msg', err[0], err[1], 'c-bad'); return; }
  await run('draft-msg', async () => {
    note('draft-msg', 'f.saving');
    if (S.draft.editing) {
      await api('PUT', E(), input, { token: S.token });
      S.draft = null;
      note('org-msg', 'f.saved', null, 'c-ok');
      note('draft-msg', null);
      await loadView();
    } else {
      const created = await api('POST', '/api/elections', input, { token: S.token });
      S.draft = null;
      note('draft-msg', null);
      S.created = { ...created, input };
      await setId(created.id);
      $('codes-h').focus();
    }
  });
}

/// The organizer's password for a session token (kept in this tab's
/// sessionStorage).
export async function logIn() {
  const password = $('password').value;
  if (!password) return;
  await run('login-msg', async () => {
    try {
      const { token } = await api('POST', '/api/login', { password });
      S.token = token;
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (_) { /* this page only */ }
      $('password').value = '';
      note('login-msg', null);
      if (S.id) { remember(S.id); await loadView(); }
    } catch (e) {
      if (e instanceof tn.ApiError && e.status === 403) note('login-msg', 'login.wrong', null, 'c-bad');
      else throw e;
    }
  });
}

export function seal() {
  return run('org-msg', async () => {
    await api('POST', `${E()}/seal`, undefined, { token: S.token });
    S.confirmSeal = false;
    note('org-msg', 'org.sealed', null, 'c-ok');
    await loadView();
  });
}
