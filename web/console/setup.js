// console/setup.js: the organizer's part of the set-up: logging in, the
// draft (candidates pasted or imported from CSV, R9 exclusions left out),
// the codes shown once, and sealing.

import * as tn from '../tn.js';
import { el, svgNode } from '../results.js';
import { t } from './strings.js';
import {
  $, S, TOKEN_KEY, show, note, noteError, api, E, run, remember, recent, loadView, setId, render, threshold, dropToken, timelineNodes,
} from './state.js';

export function renderOrgHome() {
  const dl = $('recent-ids');
  const ids = recent();
  if (dl.childElementCount !== ids.length) dl.replaceChildren(...ids.map((id) => el('option', { value: id })));
  if (S.elections === null) {
    S.elections = 'loading';
    loadElections();
    return;
  }
  const box = $('org-list');
  if (S.elections === 'loading') { box.replaceChildren(el('p', { class: 'c-help', text: t('list.loading') })); return; }
  const list = S.elections;
  if (list.length === 0) { box.replaceChildren(el('p', { class: 'c-help', text: t('list.empty') })); return; }
  box.replaceChildren(el('ul', { class: 'c-elections' }, list.map((x) => {
    const a = el('a', { href: `/committee?id=${encodeURIComponent(x.id)}`, class: 'c-el-title', text: x.title });
    a.addEventListener('click', (ev) => { ev.preventDefault(); setId(x.id); });
    const present = x.present === null || x.present === undefined ? '–' : String(x.present);
    return el('li', { dataset: { id: x.id, phase: x.phase } },
      a,
      el('p', { class: 'c-el-meta' }, `${x.unit} · `, el('span', { class: 'c-nowrap', text: viDate(x.date) }), ' · ', el('span', { class: `c-badge ${x.phase === 'done' ? 'c-ok' : ''}`, text: t(`phase.${x.phase}`) })),
      el('p', { class: 'c-el-counts', text: t('list.counts', {
        present, summoned: x.summoned, issued: x.issued, returned: x.returned, t: x.threshold, n: x.committee,
      }) }),
      el('p', { class: 'c-el-id c-hash', text: x.id }));
  })));
}

/// `YYYY-MM-DD` as a Vietnamese page writes it: `28/11/2026`.
function viDate(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(d || '');
}

/// The organizer's elections, newest first (drafts included).
export async function loadElections() {
  try {
    S.elections = await api('GET', '/api/elections', undefined, { token: S.token });
  } catch (e) {
    S.elections = [];
    if (e instanceof tn.ApiError && e.status === 403) dropToken('login.expired');
    else noteError('org-home-msg', e);
  }
  render();
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
  show('codes-reissued', Boolean(c.reissued));
  const parts = [el('h3', { text: t('codes.title', { title: c.input.title, id: c.id }) })];
  if (c.trustee_codes) {
    parts.push(el('h3', { text: t('codes.members.h') }),
      el('p', { class: 'c-help', text: t('codes.members.help', { link: `${origin}/committee?id=${c.id}` }) }),
      codesTable(c.input.committee, c.trustee_codes));
  }
  if (c.candidate_codes) {
    parts.push(el('h3', { text: t('codes.candidates.h') }),
      el('p', { class: 'c-help', text: t('codes.candidates.help', { link: `${origin}/results/${c.id}` }) }),
      codesTable(c.input.candidates.map((x) => `${x.name} — ${x.position}`), c.candidate_codes));
  }
  $('codes-print').replaceChildren(el('div', { class: 'c-codes-sheet' }, ...parts));
}

/// The codes as printed: one card per person, to cut out and hand over
/// (Vietnamese only: it is read on paper).
export function codeCards() {
  const c = S.created;
  const origin = location.origin;
  const card = (role, name, code, help) => el('div', { class: 'c-codecard' },
    el('p', { class: 'c-codecard-t', text: c.input.title }),
    el('p', { class: 'c-codecard-role', text: role }),
    el('p', { class: 'c-codecard-name', text: name }),
    el('p', { class: 'c-codecard-code', text: code }),
    el('p', { class: 'c-codecard-h', text: help }));
  const cards = [];
  (c.trustee_codes || []).forEach((code, i) => cards.push(card('Thành viên Ban kiểm phiếu — mã đăng ký', c.input.committee[i], code,
    `Mở ${origin}/committee?id=${c.id}, chọn tên của mình, tạo khoá và nhập mã này để đăng ký. Giữ kín; mã cũng dùng để mở biên bản.`)));
  (c.candidate_codes || []).forEach((code, i) => cards.push(card('Người được lấy phiếu — mã xem kết quả', `${c.input.candidates[i].name} — ${c.input.candidates[i].position}`, code,
    `Xem kết quả của riêng mình tại ${origin}/results/${c.id} sau khi công bố. Giữ kín.`)));
  return el('div', { class: 'c-codecards' }, ...cards);
}

export function renderOrg() {
  const v = S.view;
  const draft = v.phase === 'draft';
  show('org-draft', draft);
  show('org-draft-actions', draft);
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
      el('dt', { text: t('sum.threshold') }), el('dd', { text: t('f.threshold.of', threshold(v)) })),
      ...timelineNodes(v),
      ...(v.committee.length === 1 ? [el('p', { class: 'c-note c-warn', text: t('f.committee.one') })] : []));
    show('delete-confirm', S.confirmDelete);
    show('delete-draft', !S.confirmDelete);
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

/// The key under which two lines name the same leader: name and position,
/// trimmed, spaces collapsed, Unicode NFC, case folded (as the server
/// compares them).
function leaderKey(c) {
  const norm = (x) => x.trim().replace(/\s+/g, ' ').normalize('NFC').toLocaleLowerCase('vi');
  return `${norm(c.name)}\u0000${norm(c.position)}`;
}

/// The first two lines (numbered as typed, from 1) naming the same leader
/// among those on the ballot, or null.
function duplicate(list) {
  const seen = new Map();
  for (const c of list) {
    const f = S.r9.get(c.name);
    if (f && (f.retiring || f.appointed)) continue;
    const k = leaderKey(c);
    if (seen.has(k)) return { a: seen.get(k), b: c.line };
    seen.set(k, c.line);
  }
  return null;
}

export function renderPreview() {
  const list = parseCandidates($('f-candidates').value);
  const dup = duplicate(list);
  const warn = $('f-candidates-dup');
  warn.hidden = !dup;
  warn.textContent = dup ? t('f.err.duplicate', dup) : '';
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
  // A threshold that was the default for the committee's size keeps
  // following it when members are added or removed.
  $('f-threshold').value = v ? String(threshold(v).t) : '';
  if (v && threshold(v).t !== defaultThreshold(v.committee.length)) $('f-threshold').dataset.touched = '1';
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
  input.min = String(n > 0 ? defaultThreshold(n) : 1);
  if (!input.dataset.touched) input.value = n > 0 ? String(defaultThreshold(n)) : '';
  const tt = Number(input.value);
  $('f-threshold-of').textContent = n > 0 && Number.isInteger(tt) && tt >= 1 ? t('f.threshold.of', { t: tt, n }) : '';
  // One member alone holds the whole key: no one checks that member.
  const one = $('f-committee-one');
  one.hidden = n !== 1;
  one.textContent = n === 1 ? t('f.committee.one') : '';
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
  const dup = duplicate(list);
  if (dup) return { err: ['f.err.duplicate', dup] };
  const committee = committeeNames();
  if (committee.length === 0) return { err: ['f.err.committee'] };
  const raw = $('f-threshold').value.trim();
  const needed = raw === '' ? defaultThreshold(committee.length) : Number(raw);
  const min = defaultThreshold(committee.length);
  if (!Number.isInteger(needed) || needed < min || needed > committee.length) {
    return { err: ['f.err.threshold', { min, n: committee.length }] };
  }
  return { input: { title, unit, date, candidates, summoned, committee, threshold: needed } };
}

export async function submitDraft() {
  const { err, input } = draftInput();
  if (err) { note('draft-msg', err[0], err[1], 'c-bad'); return; }
  await run('draft-msg', async () => {
    note('draft-msg', 'f.saving');
    if (S.draft.editing) {
      const answer = await api('PUT', E(), input, { token: S.token });
      S.draft = null;
      note('org-msg', 'f.saved', null, 'c-ok');
      note('draft-msg', null);
      S.elections = null;
      // A changed number of members (or of leaders) issues that kind of
      // codes anew: shown once, like at creation; the old ones are void.
      if (answer && (answer.trustee_codes || answer.candidate_codes)) {
        S.created = {
          id: S.id, trustee_codes: answer.trustee_codes, candidate_codes: answer.candidate_codes, input, reissued: true,
        };
        render();
        $('codes-h').focus();
      }
      await loadView();
    } else {
      const created = await api('POST', '/api/elections', input, { token: S.token });
      S.draft = null;
      note('draft-msg', null);
      S.created = { ...created, input };
      S.elections = null;
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
      S.elections = null;
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

/// Deletes the draft (after the organizer's yes): nothing of it was public.
export function deleteDraft() {
  return run('org-msg', async () => {
    await api('DELETE', E(), undefined, { token: S.token });
    const title = S.view ? S.view.title : S.id;
    S.confirmDelete = false;
    S.elections = null;
    try {
      const list = recent().filter((x) => x !== S.id);
      localStorage.setItem('tinnhiem.console.recent', JSON.stringify(list));
    } catch (_) { /* not remembered */ }
    await setId('');
    note('org-home-msg', 'org.deleted', { title }, 'c-ok');
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
