// campaign.js: the superior body's page (/campaign). An officer logs in with
// the officers' own password (R11: never the organizer's, nothing public),
// creates a campaign (its name, the deadline for the units' reports, the
// units expected), follows each unit's meetings (date, phase, whether the
// log verifies, on time or late against R12), adds a unit's log file or an
// election of this server, and reads the consolidated table with the
// leaders rated in two places side by side (R8, 9.4), the CSV for the
// office's spreadsheet and the printable A4 report.
//
// A unit's file is verified here first, with the same Rust code as
// `tinnhiem campaign report` (wasm op `campaign_report`): a log that fails
// is not sent, and the page names its first bad line. "Kiểm tra lại"
// downloads every log of the campaign and consolidates them in the browser,
// so the office need not take the server's table on trust.
//
// No inline script or style (CSP). The printable report is the server's
// (the command line's `--html`), shown through this page's own style sheet.

import * as tn from './tn.js';

const STRINGS = {
  vi: {
    skip: 'Đến nội dung chính',
    brand: 'Lấy phiếu tín nhiệm',
    title: 'Tổng hợp đợt lấy phiếu (cơ quan cấp trên)',
    sub: 'Kết quả của các đơn vị, tổng hợp từ nhật ký đã kiểm tra; chỉ cán bộ của cơ quan cấp trên được xem (R11).',
    'login.h': 'Đăng nhập cán bộ cấp trên',
    'login.label': 'Mật khẩu cán bộ cấp trên',
    'login.hint': 'Khác mật khẩu của cơ quan tổ chức hội nghị.',
    'login.go': 'Đăng nhập',
    'login.wrong': 'Mật khẩu không đúng.',
    'list.h': 'Các đợt lấy phiếu',
    'list.pick': 'Chọn đợt',
    'list.none': '(chưa có đợt nào)',
    'new.h': 'Tạo đợt lấy phiếu mới',
    'new.name': 'Tên đợt',
    'new.deadline': 'Hạn báo cáo của các đơn vị',
    'new.office': 'Cơ quan tổng hợp',
    'new.office.hint': 'In ở đầu báo cáo.',
    'new.units': 'Các đơn vị phải tổ chức lấy phiếu',
    'new.units.hint': 'Mỗi dòng một đơn vị, đúng tên ghi trong hội nghị.',
    'new.go': 'Tạo đợt',
    'new.done': 'Đã tạo đợt “{name}”.',
    facts: 'Hạn báo cáo {deadline} · hôm nay {today} · {count} đơn vị',
    'units.h': 'Các đơn vị và hội nghị (R12)',
    'unit.expected': 'trong danh sách',
    'unit.extra': 'ngoài danh sách của đợt',
    'unit.reported': 'Đã báo cáo',
    'unit.in_progress': 'Đang thực hiện',
    'unit.not_reported': 'Chưa báo cáo',
    'm.source.server': 'hội nghị trên máy chủ này',
    'm.source.upload': 'tệp nhật ký {file}',
    'm.date': 'Ngày họp',
    'm.phase': 'Giai đoạn',
    'm.verified': 'Nhật ký',
    'm.due': 'Hạn báo cáo (7 ngày làm việc)',
    'm.received': 'Nhận kết quả',
    'm.time': 'Thời hạn',
    'm.ok': 'hợp lệ, đã kiểm tra',
    'm.notyet': 'chưa có kết quả',
    'm.bad': 'KHÔNG hợp lệ: {failure}',
    'phase.draft': 'đang soạn',
    'phase.setup': 'chuẩn bị',
    'phase.voting': 'đang bỏ phiếu',
    'phase.closed': 'đã kết thúc bỏ phiếu',
    'phase.done': 'đã có kết quả',
    'time.on_time': 'Đúng hạn',
    'time.late': 'Trễ hạn',
    'time.pending': 'Chưa đến hạn',
    'time.overdue': 'Quá hạn',
    'add.h': 'Thêm kết quả của một đơn vị',
    'upload.label': 'Tệp nhật ký của đơn vị (.jsonl)',
    'upload.hint': 'Đơn vị tự chạy máy chủ gửi tệp nhật ký; trình duyệt kiểm tra toàn bộ tệp trước khi gửi, máy chủ kiểm tra lại.',
    'upload.go': 'Kiểm tra và gửi nhật ký',
    'upload.pick': 'Chọn một tệp nhật ký trước.',
    'upload.checking': 'Đang kiểm tra {name} trong trình duyệt…',
    'upload.bad': 'Tệp {name} KHÔNG hợp lệ ở dòng {seq}: {reason}. Không gửi; đề nghị đơn vị gửi lại đúng tệp.',
    'upload.sending': 'Tệp hợp lệ ({unit}, ngày {date}); đang gửi…',
    'upload.done': 'Đã nhận nhật ký của {unit} (họp ngày {date}), máy chủ đã kiểm tra lại: hợp lệ.',
    'attach.label': 'Hội nghị trên máy chủ này (mã hội nghị)',
    'attach.go': 'Đưa vào đợt',
    'attach.done': 'Đã đưa hội nghị {id} vào đợt.',
    'report.h': 'Bảng tổng hợp',
    'report.help': 'Mỗi dòng là một cán bộ tại một nơi; tỷ lệ tính trên số phiếu thu vào (R6). Chỉ gồm hội nghị đã có kết quả và nhật ký hợp lệ.',
    'report.csv': 'Tải bảng CSV',
    'report.print': 'In báo cáo (A4)',
    'report.recheck': 'Kiểm tra lại mọi nhật ký trong trình duyệt',
    'report.empty': 'Chưa có hội nghị nào có kết quả.',
    'recheck.run': 'Đang tải và kiểm tra {count} nhật ký trong trình duyệt…',
    'recheck.same': 'Đã kiểm tra {count} nhật ký trong trình duyệt: mọi nhật ký hợp lệ, bảng tổng hợp trùng với bảng của máy chủ.',
    'recheck.differs': 'CẢNH BÁO: bảng tính trong trình duyệt KHÁC bảng của máy chủ.',
    'recheck.bad': 'Nhật ký {log} KHÔNG hợp lệ ở dòng {seq}: {reason}.',
    'col.person': 'Cán bộ (mã)',
    'col.unit': 'Đơn vị',
    'col.position': 'Chức vụ',
    'col.date': 'Ngày họp',
    'col.returned': 'Thu vào',
    'col.valid': 'Hợp lệ',
    'col.high': 'Tín nhiệm cao',
    'col.confidence': 'Tín nhiệm',
    'col.low': 'Tín nhiệm thấp',
    'col.consequence': 'Hệ quả (R7)',
    'col.places': 'Số nơi',
    'nocode': 'chưa có mã',
    'cons.none': 'Không',
    'two.h': 'Cán bộ được lấy phiếu ở 2 nơi (xem xét tổng thể, 9.4)',
    'two.place': 'Nơi {n}',
    'two.none': 'Không có.',
    'viol.h': 'Vi phạm quy định tối đa 2 nơi (R8)',
    'viol.none': 'Không có cán bộ nào được lấy phiếu quá 2 nơi.',
    'viol.one': 'Cán bộ mã {person} được lấy phiếu ở {places} nơi, quá 2 nơi (R8).',
    'net': 'Không kết nối được máy chủ; thử lại.',
    'loading': 'Đang tải…',
  },
  en: {
    skip: 'Skip to content',
    brand: 'Confidence vote',
    title: 'Campaign consolidation (superior body)',
    sub: "The units' results, consolidated from verified logs; for the superior body's officers only (R11).",
    'login.h': "Officers' login",
    'login.label': "Officers' password",
    'login.hint': "Not the meeting organizer's password.",
    'login.go': 'Log in',
    'login.wrong': 'Wrong password.',
    'list.h': 'Campaigns',
    'list.pick': 'Campaign',
    'list.none': '(none yet)',
    'new.h': 'New campaign',
    'new.name': 'Name',
    'new.deadline': "Deadline for the units' reports",
    'new.office': 'Consolidating office',
    'new.office.hint': "Printed at the report's head.",
    'new.units': 'Units that must hold a vote',
    'new.units.hint': "One per line, as each meeting names its unit.",
    'new.go': 'Create',
    'new.done': 'Campaign “{name}” created.',
    facts: 'Deadline {deadline} · today {today} · {count} units',
    'units.h': 'Units and meetings (R12)',
    'unit.expected': 'listed',
    'unit.extra': 'not listed in the campaign',
    'unit.reported': 'Reported',
    'unit.in_progress': 'In progress',
    'unit.not_reported': 'Not reported',
    'm.source.server': 'meeting on this server',
    'm.source.upload': 'log file {file}',
    'm.date': 'Meeting date',
    'm.phase': 'Phase',
    'm.verified': 'Log',
    'm.due': 'Report due (7 working days)',
    'm.received': 'Result received',
    'm.time': 'Timeliness',
    'm.ok': 'verified',
    'm.notyet': 'no result yet',
    'm.bad': 'does NOT verify: {failure}',
    'phase.draft': 'draft',
    'phase.setup': 'setting up',
    'phase.voting': 'voting',
    'phase.closed': 'voting closed',
    'phase.done': 'result published',
    'time.on_time': 'On time',
    'time.late': 'Late',
    'time.pending': 'Not yet due',
    'time.overdue': 'Overdue',
    'add.h': "Add a unit's result",
    'upload.label': "The unit's log file (.jsonl)",
    'upload.hint': 'A unit that ran its own server sends its log; this browser verifies the whole file before sending it, and the server verifies it again.',
    'upload.go': 'Verify and send the log',
    'upload.pick': 'Choose a log file first.',
    'upload.checking': 'Verifying {name} in this browser…',
    'upload.bad': 'The file {name} does NOT verify at line {seq}: {reason}. Not sent; ask the unit for the right file.',
    'upload.sending': 'The file verifies ({unit}, {date}); sending…',
    'upload.done': "Received {unit}'s log (meeting of {date}); the server verified it again.",
    'attach.label': 'A meeting on this server (its id)',
    'attach.go': 'Add to the campaign',
    'attach.done': 'Meeting {id} added to the campaign.',
    'report.h': 'Consolidated table',
    'report.help': 'One row per leader and place; percentages of ballots returned (R6). Only meetings with a result and a verified log.',
    'report.csv': 'Download CSV',
    'report.print': 'Print the report (A4)',
    'report.recheck': 'Verify every log again in this browser',
    'report.empty': 'No meeting has a result yet.',
    'recheck.run': 'Downloading and verifying {count} logs in this browser…',
    'recheck.same': 'Verified {count} logs in this browser: every log holds and the table equals the server\'s.',
    'recheck.differs': "WARNING: the table computed in this browser DIFFERS from the server's.",
    'recheck.bad': 'Log {log} does NOT verify at line {seq}: {reason}.',
    'col.person': 'Leader (code)',
    'col.unit': 'Unit',
    'col.position': 'Position',
    'col.date': 'Date',
    'col.returned': 'Returned',
    'col.valid': 'Valid',
    'col.high': 'High',
    'col.confidence': 'Confidence',
    'col.low': 'Low',
    'col.consequence': 'Consequence (R7)',
    'col.places': 'Places',
    'nocode': 'no code',
    'cons.none': 'None',
    'two.h': 'Leaders rated in two places (judged on both, 9.4)',
    'two.place': 'Place {n}',
    'two.none': 'None.',
    'viol.h': 'Rated in more than two places (R8)',
    'viol.none': 'No leader is rated in more than two places.',
    'viol.one': 'The leader with code {person} is rated in {places} places, more than two (R8).',
    'net': 'Cannot reach the server; try again.',
    'loading': 'Loading…',
  },
};

const tr = tn.i18n(STRINGS);
const TOKEN_KEY = 'tinnhiem.officer';
const $ = (id) => document.getElementById(id);

let token = null;
try { token = sessionStorage.getItem(TOKEN_KEY); } catch (_) { token = null; }
let current = null; // the campaign shown
let report = null; // its consolidated table (the server's)

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'i18n') { e.dataset.i18n = v; e.textContent = tr.t(v); }
    else if (k === 'vars') { e.dataset.i18nVars = JSON.stringify(v); e.textContent = tr.t(e.dataset.i18n, v); }
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/// A text by key, kept in step with the language.
const say = (key, vars, tag = 'span', cls) => {
  const e = el(tag, { class: cls });
  tr.say(e, key, vars);
  return e;
};

/// Shows an error (the server's words in both languages) in `out`.
function fail(out, e) {
  out.classList.add('c-bad');
  out.classList.remove('c-ok');
  if (e instanceof tn.ApiError) tr.sayBoth(out, e.message_vi, e.message_en);
  else tr.say(out, 'net');
}

function ok(out, key, vars) {
  out.classList.remove('c-bad');
  out.classList.add('c-ok');
  tr.say(out, key, vars);
}

async function api(method, path, body) {
  return tn.api(method, path, body, { token });
}

function forget() {
  token = null;
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (_) { /* nothing kept */ }
  $('login').hidden = false;
  $('campaigns').hidden = true;
  $('campaign').hidden = true;
}

/// Any refusal of the session itself sends the officer back to the login.
async function guarded(fn) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 403) forget();
    throw e;
  }
}

// --- login ---

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const status = $('status');
  try {
    const a = await tn.api('POST', '/api/officer/login', { password: $('password').value });
    token = a.token;
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (_) { /* for this page only */ }
    $('password').value = '';
    status.textContent = '';
    await showList();
  } catch (e) {
    fail(status, e);
  }
});

// --- the list and a new campaign ---

async function showList(select) {
  const list = await guarded(() => api('GET', '/api/campaigns'));
  $('login').hidden = true;
  $('campaigns').hidden = false;
  const pick = $('pick');
  pick.replaceChildren();
  if (!list.length) pick.append(say('list.none', undefined, 'option'));
  for (const c of list) pick.append(el('option', { value: c.id }, `${c.name} (${c.deadline})`));
  $('new').open = !list.length;
  const id = select || (list[0] && list[0].id);
  if (id) {
    pick.value = id;
    await showCampaign(id);
  } else {
    $('campaign').hidden = true;
  }
}

$('pick').addEventListener('change', () => showCampaign($('pick').value).catch((e) => fail($('status'), e)));

$('new-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const status = $('status');
  const units = $('new-units').value.split('\n').map((s) => s.trim()).filter(Boolean);
  const body = { name: $('new-name').value, deadline: $('new-deadline').value, units };
  const office = $('new-office').value.trim();
  if (office) body.office = office;
  try {
    const c = await guarded(() => api('POST', '/api/campaigns', body));
    ok(status, 'new.done', { name: c.name });
    $('new-form').reset();
    $('new').open = false;
    await showList(c.id);
  } catch (e) {
    fail(status, e);
  }
});

// --- one campaign ---

async function showCampaign(id) {
  const [view, rep] = await guarded(() => Promise.all([
    api('GET', `/api/campaigns/${encodeURIComponent(id)}`),
    api('GET', `/api/campaigns/${encodeURIComponent(id)}/report`),
  ]));
  current = view;
  report = rep;
  $('campaign').hidden = false;
  $('campaign-h').textContent = view.name;
  const facts = $('campaign-facts');
  tr.say(facts, 'facts', { deadline: view.deadline, today: view.today, count: view.units.length });
  renderUnits(view);
  renderReport(rep);
}

function badge(key, cls) {
  return say(key, undefined, 'span', `c-badge ${cls}`);
}

function renderUnits(view) {
  const box = $('units');
  box.replaceChildren();
  const list = el('ul', { class: 'k-units' });
  for (const u of view.units) {
    const cls = { reported: 'c-ok', in_progress: 'c-warn', not_reported: 'c-bad' }[u.status] || '';
    const head = el('div', { class: 'k-unit-head' },
      el('strong', {}, u.unit), ' ',
      badge(`unit.${u.status}`, cls));
    if (!u.expected) head.append(' ', say('unit.extra', undefined, 'small', 'k-extra'));
    const item = el('li', { class: 'k-unit', 'data-unit': u.unit, 'data-status': u.status }, head);
    for (const m of u.meetings) item.append(meetingCard(m));
    list.append(item);
  }
  box.append(list);
}

function meetingCard(m) {
  const dl = el('dl', { class: 'c-dl k-meeting', 'data-election': m.election });
  const row = (key, value) => { dl.append(say(key, undefined, 'dt'), el('dd', {}, value)); };
  const src = m.source === 'upload'
    ? say('m.source.upload', { file: m.file_name || '' }, 'span')
    : say('m.source.server', undefined, 'span');
  const title = el('p', { class: 'k-mtitle' }, el('span', { class: 'c-mono' }, m.election), ' · ', src);
  row('m.date', m.date);
  row('m.phase', say(`phase.${m.phase}`));
  const verified = m.verified ? say('m.ok', undefined, 'span', 'c-ok')
    : m.failure ? say('m.bad', { failure: m.failure }, 'span', 'c-bad')
      : say('m.notyet');
  row('m.verified', verified);
  row('m.due', m.report_due || '—');
  row('m.received', m.received || '—');
  const time = say(`time.${m.timeliness}`, undefined, 'strong',
    { on_time: 'c-ok', late: 'c-bad', overdue: 'c-bad', pending: '' }[m.timeliness]);
  const cell = el('span', {}, time);
  if (m.timeliness_note) cell.append(el('br'), el('small', {}, m.timeliness_note));
  row('m.time', cell);
  dl.dataset.timeliness = m.timeliness;
  return el('div', { class: 'k-mbox' }, title, dl);
}

// A count and its percentage as the reader's language writes it
// (65,00% / 65.00%); the table is drawn again when the language changes.
const pct = (l) => {
  const s = l.percent.toFixed(2);
  return `${l.count} (${tr.lang() === 'vi' ? s.replace('.', ',') : s}%)`;
};
const cons = (c) => (c === 'none' ? say('cons.none') : document.createTextNode(c));

function renderReport(rep) {
  const table = $('table');
  table.replaceChildren();
  const dates = Object.fromEntries(rep.elections.map((e) => [e.id, e.date]));
  if (!rep.people.length) {
    table.append(say('report.empty', undefined, 'p'));
  } else {
    const t = el('table', { class: 'c-table c-cards k-report', id: 'report-table' });
    const cols = ['col.person', 'col.unit', 'col.position', 'col.date', 'col.returned', 'col.valid', 'col.high', 'col.confidence', 'col.low', 'col.consequence'];
    const hr = el('tr');
    for (const c of cols) hr.append(say(c, undefined, 'th'));
    t.append(el('thead', {}, hr));
    const body = el('tbody');
    // One row per leader and place, the leader named on each (as in the
    // CSV): on a phone every row is a card of its own.
    for (const p of rep.people) {
      for (const pl of p.places) {
        const r = el('tr', { 'data-person': p.person || '', class: pl.consequence === '9.3' ? 'c-r93' : pl.consequence === '9.2' ? 'c-r92' : undefined });
        const who = el('span', { class: 'k-who' }, el('strong', {}, p.name), ' ',
          p.person ? el('span', { class: 'c-mono' }, p.person) : say('nocode', undefined, 'small'));
        const cells = [who, pl.unit, pl.position, dates[pl.election] || '', pl.returned, pl.valid,
          pct(pl.high), pct(pl.confidence), pct(pl.low), cons(pl.consequence)];
        cells.forEach((v, i) => r.append(el('td', { class: i < 3 ? 'c-l' : undefined, 'data-label': tr.t(cols[i]) }, v)));
        body.append(r);
      }
    }
    t.append(body);
    table.append(t);
  }
  // The two places side by side (9.4).
  const two = $('two');
  two.replaceChildren();
  const pairs = rep.people.filter((p) => p.places.length === 2);
  if (!pairs.length) two.append(say('two.none', undefined, 'p'));
  for (const p of pairs) {
    const t = el('table', { class: 'c-table k-two', 'data-person': p.person || '' });
    const hr = el('tr', {}, el('th', { class: 'c-l' }, el('strong', {}, p.name), el('br'), el('span', { class: 'c-mono' }, p.person || '')));
    p.places.forEach((_, k) => hr.append(say('two.place', { n: k + 1 }, 'th')));
    t.append(el('thead', {}, hr));
    const body = el('tbody');
    const rows = [
      ['col.unit', (pl) => pl.unit],
      ['col.position', (pl) => pl.position],
      ['col.date', (pl) => dates[pl.election] || ''],
      ['col.returned', (pl) => pl.returned],
      ['col.valid', (pl) => pl.valid],
      ['col.high', (pl) => pct(pl.high)],
      ['col.confidence', (pl) => pct(pl.confidence)],
      ['col.low', (pl) => pct(pl.low)],
      ['col.consequence', (pl) => cons(pl.consequence)],
    ];
    for (const [key, f] of rows) {
      const r = el('tr', {}, say(key, undefined, 'th', 'c-l'));
      for (const pl of p.places) r.append(el('td', { class: 'c-l' }, f(pl)));
      body.append(r);
    }
    t.append(body);
    two.append(el('div', { class: 'c-scroll' }, t));
  }
  const viol = $('violations');
  viol.replaceChildren();
  if (!rep.violations.length) viol.append(say('viol.none', undefined, 'p', 'c-note c-ok'));
  for (const v of rep.violations) viol.append(say('viol.one', { person: v.person, places: v.places }, 'p', 'c-note c-bad'));
}

// --- adding a unit's result ---

$('upload-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('upload-out');
  out.classList.remove('c-bad', 'c-ok');
  delete out.dataset.seq;
  const file = $('file').files[0];
  if (!file || !current) { fail(out, new tn.ApiError({ status: 0, error: 'file', message: tr.t('upload.pick'), message_en: STRINGS.en['upload.pick'] })); return; }
  const text = await file.text();
  out.classList.remove('c-bad', 'c-ok');
  tr.say(out, 'upload.checking', { name: file.name });
  await tn.nextPaint();
  let checked;
  try {
    checked = await tn.call('campaign_report', { logs: [{ name: file.name, log: text }], seed: tn.seed() });
  } catch (e) {
    out.classList.add('c-bad');
    out.textContent = String(e.message || e);
    return;
  }
  if (checked.failed.length) {
    const f = checked.failed[0].failure;
    out.classList.add('c-bad');
    out.dataset.seq = String(f.seq);
    tr.say(out, 'upload.bad', { name: file.name, seq: f.seq, reason: tr.lang() === 'en' ? f.reason : f.reason_vi });
    return;
  }
  const e0 = checked.campaign.elections[0];
  tr.say(out, 'upload.sending', { unit: e0.unit, date: e0.date });
  try {
    const res = await fetch(`/api/campaigns/${encodeURIComponent(current.id)}/logs?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/jsonl', Accept: 'application/json' },
      body: text,
    });
    const a = await res.json().catch(() => null);
    if (!res.ok) throw (a && a.error ? new tn.ApiError({ status: res.status, ...a }) : new Error('net'));
    ok(out, 'upload.done', { unit: a.unit, date: a.date });
    $('file').value = '';
    await showCampaign(current.id);
  } catch (e) {
    fail(out, e);
  }
});

$('attach-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('attach-out');
  const id = $('attach-id').value.trim();
  if (!id || !current) return;
  try {
    await guarded(() => api('POST', `/api/campaigns/${encodeURIComponent(current.id)}/elections`, { election: id }));
    ok(out, 'attach.done', { id });
    $('attach-id').value = '';
    await showCampaign(current.id);
  } catch (e) {
    fail(out, e);
  }
});

// --- downloads, printing, checking again ---

async function authed(path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const a = await res.json().catch(() => null);
    throw (a && a.error ? new tn.ApiError({ status: res.status, ...a }) : new Error('net'));
  }
  return res;
}

$('csv').addEventListener('click', async () => {
  if (!current) return;
  try {
    const blob = await (await authed(`/api/campaigns/${encodeURIComponent(current.id)}/report.csv`)).blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `tong-hop-${current.id}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (e) {
    fail($('status'), e);
  }
});

$('print').addEventListener('click', async () => {
  if (!current) return;
  try {
    const html = await (await authed(`/api/campaigns/${encodeURIComponent(current.id)}/report.html`)).text();
    // The server's printable report (escaped there); its inline style is
    // replaced by this page's own (.k-print in campaign.css).
    // Its one <style> element is dropped before parsing: this page's policy
    // allows no inline style, and the rules are in campaign.css.
    const doc = new DOMParser().parseFromString(html.replace(/<style>[\s\S]*?<\/style>/, ''), 'text/html');
    const root = $('print-root');
    root.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
    root.hidden = false;
    document.body.classList.add('c-printing');
    const done = () => {
      document.body.classList.remove('c-printing');
      root.hidden = true;
      window.removeEventListener('afterprint', done);
    };
    window.addEventListener('afterprint', done);
    window.print();
  } catch (e) {
    fail($('status'), e);
  }
});

$('recheck').addEventListener('click', async () => {
  if (!current) return;
  const out = $('recheck-out');
  const meetings = current.units.flatMap((u) => u.meetings).filter((m) => m.verified);
  out.classList.remove('c-bad', 'c-ok');
  tr.say(out, 'recheck.run', { count: meetings.length });
  try {
    const logs = [];
    for (const m of meetings) {
      const path = m.source === 'upload'
        ? `/api/campaigns/${encodeURIComponent(current.id)}/logs/${m.file}`
        : `/api/elections/${encodeURIComponent(m.election)}/log`;
      logs.push({ name: m.file_name || `${m.election}.jsonl`, log: await (await authed(path)).text() });
    }
    await tn.nextPaint();
    const a = await tn.call('campaign_report', { logs, seed: tn.seed() });
    if (a.failed.length) {
      const f = a.failed[0];
      out.classList.add('c-bad');
      tr.say(out, 'recheck.bad', { log: f.log, seq: f.failure.seq, reason: tr.lang() === 'en' ? f.failure.reason : f.failure.reason_vi });
      return;
    }
    // The people and violations do not depend on the logs' names or order
    // of the elections list: compare them, sorted the same way.
    const norm = (c) => JSON.stringify({
      people: [...c.people].map((p) => ({ ...p, places: [...p.places].sort((x, y) => x.election.localeCompare(y.election)) }))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      violations: c.violations,
      heads: c.elections.map((e) => e.log_head).sort(),
    });
    if (a.campaign && norm(a.campaign) === norm(report)) {
      ok(out, 'recheck.same', { count: logs.length });
    } else {
      out.classList.add('c-bad');
      tr.say(out, 'recheck.differs');
    }
  } catch (e) {
    fail(out, e);
  }
});

// --- start ---

tn.langButton($('lang'), tr);
tr.apply();
tr.onChange(() => { if (report) renderReport(report); if (current) renderUnits(current); });
tn.load().catch(() => { /* loaded again when needed */ });
if (token) {
  showList().catch((e) => { if (!(e instanceof tn.ApiError)) fail($('status'), e); });
} else {
  forget();
}
