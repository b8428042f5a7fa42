// console/state.js: what the console knows (`S`) and the helpers every
// phase uses: the sections' messages, the R2 arithmetic, the API calls and
// the one-action-at-a-time runner, the committee's signatures, the server's
// view and the verified log, and `render`, which shows the sections of the
// current phase and paints each with the painter its phase module gave it
// (`painter`): the phase modules never import one another.

import * as tn from '../tn.js';
import { el, verifyLog } from '../results.js';
import { tr, t, other } from './strings.js';

export const $ = (id) => document.getElementById(id);

export const TOKEN_KEY = 'tinnhiem.organizer';

const RECENT_KEY = 'tinnhiem.console.recent';

const PHASES = ['draft', 'setup', 'voting', 'closed', 'done'];

/// Everything the page knows. Secrets (`pending.secret`, `key.secret`,
/// `sheet`) live here only.
export const S = {
  id: '',
  view: null,
  token: '',
  memberMode: false,
  memberIndex: null, // chosen in the select
  draft: null, // {editing}
  created: null, // {id, trustee_codes, candidate_codes, input}
  r9: new Map(), // candidate name → {retiring, appointed}
  pending: null, // a key made but not enrolled: {member, secret, key, proof, code, saved}
  step: null, // this member's last step in the key ceremony (wasm member_step)
  stepAt: null, // the log length that step was worked out from
  key: null, // the key in use: {member, secret, public, code}
  sheet: null, // the slips made on this page and not cleared (secret): [{n, text, url, qr, public}]
  sheetNode: null,
  sheetPrinted: false, // the member said the slips on the page are printed
  sheetPrintAsked: false, // the print dialog closed: ask whether it printed
  sheetReveal: false, // printed slips shown again during voting, on request
  confirmClear: false,
  switchTo: null, // another member's key waiting for the member's yes: {obj, member}
  confirmAtt: null, // the attendance waiting for the member's yes (below quorum, or again)
  elections: null, // the organizer's list (GET /api/elections)
  confirmDelete: false,
  loopbackOk: null, // a loopback slip address the member chose to keep
  // Line 0 of the last log this device verified (what it shows of the
  // meeting once sealed).
  election: null,
  memberQr: null, // {id, node}
  keycardQr: null, // {secret, node}
  confirmSeal: false,
  confirmClose: false,
  result: null, // {answer} once verified
  resultRun: false,
  busy: false,
  minutesUrl: null,
  notes: {}, // section message id → {key, vars, cls} or {text, cls}
};

export function show(id, on) {
  const e = $(id);
  if (e) e.hidden = !on;
}

/// A message in a section's status line, kept as a key so that it follows
/// the language toggle.
export function note(id, key, vars, cls = '') {
  S.notes[id] = key ? { key, vars, cls } : null;
  paintNote(id);
}

/// A status line that shows its text in both languages: the page's own
/// first, the other beside it in brackets (the ceremony's and the count's
/// progress, read by members who may not share a language).
export function noteBoth(id, key, vars, cls = '') {
  S.notes[id] = { key, vars, cls, both: true };
  paintNote(id);
}

export function noteError(id, e) {
  // The server's own words (Vietnamese, English beside) when it gave them.
  if (e instanceof tn.ApiError) S.notes[id] = { vi: e.text('vi'), en: e.text('en'), cls: 'c-bad', both: e.text('vi') !== e.text('en') };
  else S.notes[id] = { vi: String(e && e.message ? e.message : e), en: String(e && e.message ? e.message : e), cls: 'c-bad' };
  paintNote(id);
}

function paintNote(id) {
  const box = $(id);
  if (!box) return;
  const n = S.notes[id];
  if (!n) { box.textContent = ''; box.className = 'c-note'; return; }
  box.className = `c-note ${n.cls || ''}`;
  if (n.both) {
    const lang = tr.lang() === 'vi' ? 'en' : 'vi';
    const own = n.key ? t(n.key, n.vars) : n[tr.lang()];
    const aside = n.key ? other(n.key, n.vars) : n[lang];
    box.replaceChildren(own, ' ', el('span', { lang, class: 'c-aside', text: `(${aside})` }));
    return;
  }
  box.textContent = n.key ? t(n.key, n.vars) : (tr.lang() === 'en' ? n.en : n.vi);
}

/// The threshold `t` of the committee (the server's view; n for an n-of-n
/// election) and its size `n`.
export function threshold(v) {
  const n = v.committee.length;
  return { t: Number.isInteger(v.threshold) ? v.threshold : n, n };
}

/// How many more members must decrypt before the result can be computed.
export function decryptionsNeeded(v) {
  if (Number.isInteger(v.decryptions_needed)) return v.decryptions_needed;
  const done = v.decrypted_by.filter(Boolean).length;
  return Math.max(0, threshold(v).t - done);
}

export function need(summoned) {
  // The smallest `present` with present * 3 >= summoned * 2.
  return Math.floor((2 * summoned + 2) / 3);
}

export function quorumMet(present, summoned) {
  return present * 3 >= summoned * 2;
}

export function api(method, path, body, opts) {
  return tn.api(method, path, body, opts);
}

export const E = () => `/api/elections/${encodeURIComponent(S.id)}`;

/// Runs one action at a time (a second click while one runs is ignored);
/// its errors land in the section's message.
export async function run(msgId, fn) {
  if (S.busy) return;
  S.busy = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 403 && S.token && ['draft-msg', 'org-msg'].includes(msgId)) {
      dropToken('login.expired');
    }
    noteError(msgId, e);
  } finally {
    S.busy = false;
    document.body.removeAttribute('aria-busy');
    render();
  }
}

/// Signs a committee statement for the place after `anchor` (PROTOCOL.md
/// §5.3): the entry hash of the last line that is not a ballot, from the
/// log this device verified (`a.anchor`) or, for the statements made
/// without downloading the log, from a fresh view (`viewAnchor`).
export function sign(kind, anchor, extra = {}) {
  return tn.callSync('sign_statement', {
    election_hash: S.view.election_hash,
    anchor,
    secret: S.key.secret,
    signer: S.key.member,
    kind,
    ...extra,
  }).signature;
}

/// The anchor of the next statement as the server's view gives it now. A
/// wrong one only gets the statement refused; it cannot place it elsewhere.
export async function viewAnchor() {
  return (await api('GET', E())).anchor;
}

export function remember(id) {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]').filter((x) => x !== id);
    list.unshift(id);
    localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 10)));
  } catch (_) { /* not remembered */ }
}

export function recent() {
  try { return JSON.parse(localStorage.getItem(RECENT_KEY) || '[]'); } catch (_) { return []; }
}

export function dropToken(key) {
  S.token = '';
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (_) { /* none */ }
  if (key) note('login-msg', key, null, 'c-warn');
}

export async function loadView() {
  if (!S.id) return;
  try {
    const v = await api('GET', E());
    const before = S.view ? S.view.phase : null;
    S.view = v;
    if (S.notes.msg && S.notes.msg.key === 'err.notfound') note('msg', null);
    if (before && before !== v.phase) { S.confirmClose = false; S.confirmSeal = false; }
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 404) {
      S.view = null;
      note('msg', 'err.notfound', { id: S.id }, 'c-bad');
    } else if (!S.view) noteError('msg', e);
  }
  render();
}

export function setId(id, { push = true } = {}) {
  S.id = id;
  S.view = null;
  S.result = null;
  S.resultRun = false;
  S.sheet = null;
  S.sheetNode = null;
  S.sheetPrinted = false;
  S.sheetPrintAsked = false;
  S.sheetReveal = false;
  S.confirmClear = false;
  S.confirmAtt = null;
  S.confirmDelete = false;
  S.switchTo = null;
  S.election = null;
  S.pending = null;
  S.step = null;
  S.stepAt = null;
  if (S.key && S.key.election !== id) S.key = null;
  const url = id ? `/committee?id=${encodeURIComponent(id)}` : '/committee';
  if (push) history.replaceState(null, '', url);
  if (id && S.token) remember(id);
  return loadView();
}

/// The sections a phase module paints, in the order they are painted.
const SECTIONS = ['s-org-home', 's-codes', 's-org', 's-status', 's-member', 's-ceremony', 's-attendance', 's-sheet', 's-cancel', 's-open', 's-voting', 's-decrypt', 's-result'];
const PAINTERS = new Map();

/// Gives section `id` its painter, called by `render` while it is shown.
export function painter(id, paint) {
  if (!SECTIONS.includes(id)) throw new Error(`no section ${id}`);
  PAINTERS.set(id, paint);
}

export function render() {
  const v = S.view;
  const ph = v ? v.phase : null;
  const org = Boolean(S.token);
  // After sealing, the meeting as line 0 of the last log this device
  // verified says it (the server's description only until then).
  const m = v && ph !== 'draft' && S.election ? S.election : v;
  $('meeting-line').textContent = v ? t('meeting.line', { title: m.title, unit: m.unit, date: m.date, id: v.id }) : '';
  renderPhases(ph);
  show('s-start', !org && !S.memberMode);
  show('s-org-home', org && !S.id && !S.draft && !S.created);
  show('s-draft', org && Boolean(S.draft));
  show('s-codes', org && Boolean(S.created));
  const main = v && !S.draft && !S.created;
  show('s-org', org && main);
  show('s-status', main && ph !== 'draft');
  show('s-member', S.memberMode && main && ph !== 'draft');
  show('s-ceremony', main && ph === 'setup' && Boolean(v.ceremony));
  const k = Boolean(S.key) && main;
  show('s-attendance', k && ph === 'setup');
  show('s-sheet', k && (ph === 'setup' || (ph === 'voting' && v.present !== null && v.issued < v.present) || Boolean(S.sheet)));
  const everIssued = v ? v.issued + (Number.isInteger(v.cancelled) ? v.cancelled : 0) : 0;
  show('s-cancel', k && (ph === 'setup' || ph === 'voting') && everIssued > 0);
  show('s-open', k && ph === 'setup');
  show('s-voting', main && ph === 'voting');
  show('s-decrypt', main && ph === 'closed');
  show('s-result', main && ph === 'done');
  if (S.memberMode && v && ph === 'draft' && !org) note('msg', 'member.draft', null, 'c-warn');
  else if (S.notes.msg && S.notes.msg.key === 'member.draft') note('msg', null);

  for (const id of SECTIONS) {
    if (!$(id).hidden && PAINTERS.has(id)) PAINTERS.get(id)();
  }
  for (const id of Object.keys(S.notes)) paintNote(id);
}

function renderPhases(ph) {
  const list = $('phases');
  list.hidden = !ph;
  if (!ph) return;
  const at = PHASES.indexOf(ph);
  list.replaceChildren(...PHASES.map((p, i) => el('li', {
    'aria-current': i === at ? 'step' : null,
    class: i < at ? 'c-past' : null,
    text: t(`phase.${p}`),
  })));
}

export function fetchLog() {
  return tn.fetchText(`${E()}/log`);
}

/// The server's log as this device verifies it (with the progress box when
/// `progress`), and `bad`: the first line that fails before the end, if
/// any (running out of lines, "no result yet", is not one).
export async function verifiedLog({ progress = false } = {}) {
  if (progress) show('verify-box', true);
  let a;
  try {
    a = await verifyLog(await fetchLog(), progress ? progressTo('verify-progress', 'verify-text') : undefined);
  } finally {
    if (progress) show('verify-box', false);
  }
  if (a.election && a.election.id === S.id) S.election = a.election;
  return { a, bad: a.failure && a.failure.seq < a.total ? a.failure : null };
}

export function progressTo(barId, textId) {
  return (done, total) => {
    const bar = $(barId);
    bar.max = Math.max(1, total);
    bar.value = done;
    if (textId) $(textId).textContent = t('verify.text', { done, total });
  };
}

/// `YYYY-MM-DD` written as dd/mm/yyyy.
function dmy(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const DEADLINES = ['self_report', 'dossier', 'questions', 'answers', 'report_due'];

/// The plan's deadlines (R12) from the view's `timeline`: a heading, one
/// line per deadline in the page's language with the other beside, and a
/// note when the calendar lacks a year's data. Nothing when the view has
/// no timeline.
export function timelineNodes(v) {
  const tl = v.timeline;
  if (!tl) return [];
  return [
    el('h3', { text: `${t('tl.h')} (${other('tl.h')})` }),
    el('ul', { class: 'c-list', dataset: { timeline: tl.complete ? 'complete' : 'incomplete' } },
      DEADLINES.map((k) => el('li', { dataset: { deadline: k }, text: `${t(`tl.${k}`)}: ${dmy(tl[k])} (${other(`tl.${k}`)})` }))),
    ...(tl.complete ? [] : [el('p', { class: 'c-note c-warn', text: `${t('tl.incomplete')} (${other('tl.incomplete')})` })]),
  ];
}
