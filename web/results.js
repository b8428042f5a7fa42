// results.js: the results page (/results/{id}) for the people R11 allows,
// and the pieces the committee console and the inspector page share with it
// (the result table of R6 with the consequences of R7, the bar chart, the
// stepwise log verification with its progress, printing and downloads).
//
// Who may read (R11): a candidate with his or her access code (own line
// only), a committee member's enrollment code or the organizer's session
// (the whole table), and a voter whose ballot was counted: the page signs
// the election hash with the voter's credential in the browser (op
// `voter_result_signature`), and the server checks the signature against
// the counted ballots. The credential comes from the address's fragment or
// from the voter page's sessionStorage and never leaves the browser.
//
// No inline script or style (CSP): bars are SVG rectangles whose width is an
// attribute; the page's own main() runs only on the results page.

import * as tn from './tn.js';
import { verifyLogParallel } from './verify-workers.js';

/// The strings the three pages share, `{vi, en}`.
export const SHARED = {
  vi: {
    'col.n': 'TT',
    'col.name': 'Họ và tên',
    'col.position': 'Chức vụ',
    'col.issued': 'Phiếu phát ra',
    'col.returned': 'Phiếu thu vào',
    'col.valid': 'Hợp lệ',
    'col.invalid': 'Không hợp lệ',
    'col.high': 'Tín nhiệm cao',
    'col.confidence': 'Tín nhiệm',
    'col.low': 'Tín nhiệm thấp',
    'col.consequence': 'Hệ quả (R7)',
    'table.caption': 'Kết quả kiểm phiếu; tỷ lệ tính trên số phiếu thu vào (R6)',
    'cons.none': 'Không',
    'cons.9.2': '9.2',
    'cons.9.3': '9.3',
    'cons.9.2.what': 'trên 50% đến dưới 2/3 tín nhiệm thấp',
    'cons.9.3.what': 'từ 2/3 trở lên tín nhiệm thấp',
    'cons.9.2.long': 'Trên 50% đến dưới 2/3 số phiếu tín nhiệm thấp (9.2): không quy hoạch lên chức vụ cao hơn; cấp có thẩm quyền xem xét điều động, bố trí công tác khác hoặc cho từ chức, nếu không từ chức thì bỏ phiếu tín nhiệm.',
    'cons.9.3.long': 'Từ 2/3 số phiếu trở lên tín nhiệm thấp (9.3): cấp có thẩm quyền cho thôi giữ chức vụ và bố trí công tác khác thấp hơn, không chờ hết nhiệm kỳ, thời hạn bổ nhiệm.',
    'sum.quorum': 'Triệu tập {summoned} · có mặt {present} · đủ 2/3 (R2): {met}',
    'sum.ballots': 'Phiếu phát ra {issued} · phiếu thu vào {returned}',
    'sum.refused': 'Máy chủ đã từ chối {forged} phiếu không do Ban kiểm phiếu phát hành và {repeated} phiếu lặp lại; phiếu bị loại khi kiểm: {excluded}.',
    'sum.head': 'Mã băm cuối nhật ký',
    yes: 'có',
    no: 'không',
    'chart.of': '{count} phiếu · {percent} số phiếu thu vào',
    'chart.mark50': '50%',
    'chart.mark23': '2/3',
    'chart.label': '{level} của {name}: {count} phiếu, {percent}',
    'chart.invalid': 'Không hợp lệ (để trống): {count}',
  },
  en: {
    'col.n': 'No.',
    'col.name': 'Full name',
    'col.position': 'Position',
    'col.issued': 'Issued',
    'col.returned': 'Returned',
    'col.valid': 'Valid',
    'col.invalid': 'Invalid',
    'col.high': 'High confidence',
    'col.confidence': 'Confidence',
    'col.low': 'Low confidence',
    'col.consequence': 'Consequence (R7)',
    'table.caption': 'Result of the count; percentages of ballots returned (R6)',
    'cons.none': 'None',
    'cons.9.2': '9.2',
    'cons.9.3': '9.3',
    'cons.9.2.what': 'over 50% and under 2/3 low',
    'cons.9.3.what': '2/3 or more low',
    'cons.9.2.long': 'Over 50% and under 2/3 low confidence (9.2): removed from planning for higher posts; the authority considers reassignment or resignation, and without resignation a formal no-confidence vote.',
    'cons.9.3.long': '2/3 or more low confidence (9.3): the authority dismisses from the post and assigns a lower one, without waiting for the term to end.',
    'sum.quorum': 'Summoned {summoned} · present {present} · 2/3 quorum (R2): {met}',
    'sum.ballots': 'Ballots issued {issued} · returned {returned}',
    'sum.refused': 'The server refused {forged} ballots not issued by the committee and {repeated} repeated ones; ballots left out by the count: {excluded}.',
    'sum.head': 'Log head hash',
    yes: 'yes',
    no: 'no',
    'chart.of': '{count} ballots · {percent} of ballots returned',
    'chart.mark50': '50%',
    'chart.mark23': '2/3',
    'chart.label': '{level} for {name}: {count} ballots, {percent}',
    'chart.invalid': 'Invalid (left blank): {count}',
  },
};

/// Merges string tables: `merge(SHARED, PAGE)`.
export function merge(...tables) {
  const out = { vi: {}, en: {} };
  for (const t of tables) {
    Object.assign(out.vi, t.vi);
    Object.assign(out.en, t.en);
  }
  return out;
}

/// `el('p', {class: 'x', text: 'hi'}, child...)`: a DOM element. Attributes
/// are set as attributes (never as inline style); `text` sets textContent;
/// `on` maps events to handlers.
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) {
    if (k === null || k === undefined || k === false) continue;
    e.append(k instanceof Node ? k : String(k));
  }
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs = {}) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/// An SVG made by the browser module (a QR code) as a node, parsed as XML
/// (no innerHTML), with an accessible name.
export function svgNode(markup, label) {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const svg = document.importNode(doc.documentElement, true);
  if (svg.nodeName.toLowerCase() !== 'svg') return el('span', { text: '(QR)' });
  svg.setAttribute('role', 'img');
  if (label) svg.setAttribute('aria-label', label);
  return svg;
}

/// A percentage as the reader's language writes it (two decimals).
export function pct(p, lang) {
  const s = Number(p).toFixed(2);
  return `${lang === 'vi' ? s.replace('.', ',') : s}%`;
}

function consClass(code) {
  return code === '9.2' ? 'c-r92' : code === '9.3' ? 'c-r93' : '';
}

/// The consequence of R7 as a badge: a short pill that never wraps (the
/// point of the plan, or "none"), and for 9.2 and 9.3 the threshold in
/// words beside it, which wraps as text does.
export function consequenceBadge(code, t) {
  const cls = code === '9.2' ? 'c-badge c-warn' : code === '9.3' ? 'c-badge c-bad' : 'c-badge';
  const badge = el('span', { class: cls, dataset: { consequence: code }, text: t(`cons.${code === 'none' ? 'none' : code}`) });
  if (code !== '9.2' && code !== '9.3') return badge;
  return el('span', { class: 'c-cons' }, badge, ' ', el('span', { class: 'c-cons-what', text: t(`cons.${code}.what`) }));
}

/// The quorum, ballots and refusals of a result, as paragraphs.
export function resultSummary(r, t) {
  return el('div', { class: 'c-summary' },
    el('p', { text: t('sum.quorum', { summoned: r.quorum.summoned, present: r.quorum.present, met: t(r.quorum.met ? 'yes' : 'no') }) }),
    el('p', { text: t('sum.ballots', { issued: r.issued, returned: r.returned }) }),
    el('p', { text: t('sum.refused', { forged: r.refused.forged, repeated: r.refused.repeated, excluded: r.excluded }) }),
    el('p', {}, el('span', { text: `${t('sum.head')}: ` }), el('span', { class: 'c-hash', dataset: { head: r.log_head }, text: r.log_head })));
}

/// The result table of R6 with the consequence of R7 per candidate. On a
/// phone it becomes one card per candidate (each cell labelled). Every
/// figure is also in a data attribute, for checks that compare it with
/// `tinnhiem verify --json`.
export function resultTable(r, t, lang, first = 1) {
  const cols = ['n', 'name', 'position', 'issued', 'returned', 'valid', 'invalid', 'high', 'confidence', 'low', 'consequence'];
  const colClass = (c) => (c === 'name' ? 'c-l c-name' : c === 'position' ? 'c-l c-position' : c === 'consequence' ? 'c-l c-consequence' : null);
  const head = el('tr', {}, cols.map((c) => el('th', { scope: 'col', class: colClass(c), text: t(`col.${c}`) })));
  const rows = r.candidates.map((c, i) => {
    const cell = (col, content, data) => el('td', {
      'data-label': t(`col.${col}`),
      class: colClass(col),
      dataset: data,
    }, content);
    const level = (k) => cell(k, `${c[k].count} (${pct(c[k].percent, lang)})`, { count: c[k].count, percent: c[k].percent });
    return el('tr', { class: consClass(c.consequence) || null, dataset: { candidate: i } },
      cell('n', String(first + i)),
      cell('name', c.name, { field: 'name' }),
      cell('position', c.position, { field: 'position' }),
      cell('issued', String(c.issued), { value: c.issued }),
      cell('returned', String(c.returned), { value: c.returned }),
      cell('valid', String(c.valid), { value: c.valid }),
      cell('invalid', String(c.invalid), { value: c.invalid }),
      level('high'), level('confidence'), level('low'),
      cell('consequence', consequenceBadge(c.consequence, t), { value: c.consequence }));
  });
  return el('div', { class: 'c-scroll', tabindex: '0', role: 'region', 'aria-label': t('table.caption') },
    el('table', { class: 'c-table c-cards c-result' },
      el('caption', { text: t('table.caption') }),
      el('thead', {}, head),
      el('tbody', {}, rows)));
}

/// One candidate's three levels as horizontal bars (percent of ballots
/// returned), the low bar marked at 50% and 2/3 (R7), and the consequence.
export function resultChart(r, t, lang) {
  const levels = ['high', 'confidence', 'low'];
  return el('ol', { class: 'c-chart' }, r.candidates.map((c) => {
    const bars = levels.map((k) => {
      const p = Math.max(0, Math.min(100, Number(c[k].percent)));
      const svg = svgEl('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', class: 'c-barsvg',
        'aria-label': t('chart.label', { level: t(`col.${k}`), name: c.name, count: c[k].count, percent: pct(c[k].percent, lang) }) });
      svg.append(svgEl('rect', { class: 'c-track', x: 0, y: 0, width: 100, height: 10 }));
      svg.append(svgEl('rect', { class: `c-fill-${k}`, x: 0, y: 0, width: p, height: 10 }));
      if (k === 'low') {
        for (const x of [50, 66.667]) svg.append(svgEl('line', { class: 'c-mark', x1: x, x2: x, y1: 0, y2: 10, 'vector-effect': 'non-scaling-stroke' }));
      }
      return el('div', { class: 'c-level', dataset: { level: k, percent: c[k].percent } },
        el('div', { class: 'c-level-head' },
          el('span', { class: 'c-bar-name', text: t(`col.${k}`) }),
          el('span', { class: 'c-value', text: t('chart.of', { count: c[k].count, percent: pct(c[k].percent, lang) }) })),
        svg,
        k === 'low' ? el('div', { class: 'c-ticks', 'aria-hidden': 'true' },
          el('span', { class: 'c-tick c-tick50', text: t('chart.mark50') }),
          el('span', { class: 'c-tick c-tick67', text: t('chart.mark23') })) : null);
    });
    return el('li', { class: consClass(c.consequence) || null },
      el('h3', { text: c.name }),
      el('p', { class: 'c-pos', text: c.position }),
      bars,
      el('p', { class: 'c-legend', text: t('chart.invalid', { count: c.invalid }) }),
      c.consequence === 'none'
        ? el('p', {}, consequenceBadge('none', t))
        : el('p', { class: `c-note ${c.consequence === '9.3' ? 'c-bad' : 'c-warn'}`, dataset: { consequence: c.consequence }, text: t(`cons.${c.consequence}.long`) }));
  }));
}

/// A failure's or an exclusion's reason (from `tally_finish`) in the page's
/// language: the verifier gives both.
export function why(x, lang) {
  return lang === 'vi' && x.reason_vi ? x.reason_vi : x.reason;
}

/// Verifies a log (JSON Lines text) in the browser with the tally crate:
/// the chunks in Web Workers on every core, applied in log order here, or
/// in steps on the page's thread where workers cannot start
/// (`verify-workers.js`); `progress(done, total)` draws a bar. Resolves to
/// the answer of `tally_finish` with `ms`, the time taken. The browser
/// module holds one verification at a time, so calls are queued.
export function verifyLog(text, progress) {
  return verifyLogParallel(text, progress);
}

/// Offers `text` as a file download named `name`.
export function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, class: 'c-no-print' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/// Prints `node` alone: a copy goes into #print-root (the only thing the
/// print style shows), the print dialog opens, and the copy is removed
/// afterwards (a credential sheet must not stay in the page longer than
/// needed).
export function printNode(node) {
  let root = document.getElementById('print-root');
  if (!root) {
    root = el('div', { id: 'print-root' });
    document.body.append(root);
  }
  root.replaceChildren(node.cloneNode(true));
  document.body.classList.add('c-printing');
  const done = () => {
    document.body.classList.remove('c-printing');
    root.replaceChildren();
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Some browsers print without an afterprint event.
  setTimeout(done, 1000);
}

/// Shows an error (ApiError, WasmError or any) in `box` in the page's
/// language.
export function showError(box, e, tr) {
  const text = e && typeof e.text === 'function' ? e.text(tr.lang()) : (e && e.message) || String(e);
  box.className = 'c-note c-bad';
  box.textContent = text;
}

// ---------------------------------------------------------------------------
// The results page itself.

const PAGE = {
  vi: {
    skip: 'Đến nội dung chính',
    brand: 'Lấy phiếu tín nhiệm',
    title: 'Kết quả lấy phiếu tín nhiệm',
    'access.h': 'Xem kết quả',
    'access.r11': 'Theo quy định (R11), kết quả được thông báo cho người đã bỏ phiếu, cấp có thẩm quyền quản lý cán bộ và từng người được lấy phiếu (chỉ kết quả của chính mình).',
    'code.label': 'Mã truy cập',
    'code.hint': 'Mã được phát cho người được lấy phiếu, hoặc mã của thành viên Ban kiểm phiếu.',
    'code.go': 'Xem bằng mã truy cập',
    'cred.label': 'Mã trên phiếu mã bỏ phiếu (cử tri)',
    'cred.hint': 'Mã in dưới mã QR trên phiếu bạn đã dùng để bỏ phiếu. Mã chỉ dùng trên trình duyệt này để ký yêu cầu, không gửi đi.',
    'cred.go': 'Xem với tư cách người đã bỏ phiếu',
    'loading': 'Đang tải…',
    'status.notdone': 'Chưa có kết quả: cuộc lấy phiếu đang ở giai đoạn “{phase}”. Kết quả có sau khi Ban kiểm phiếu công bố.',
    'phase.draft': 'soạn thảo',
    'phase.setup': 'chuẩn bị',
    'phase.voting': 'bỏ phiếu',
    'phase.closed': 'kiểm phiếu',
    'phase.done': 'đã công bố',
    'status.noelection': 'Không tìm thấy cuộc lấy phiếu này.',
    'status.asking': 'Đang lấy kết quả…',
    'status.signing': 'Đang ký yêu cầu bằng mã của bạn trên trình duyệt…',
    'status.own': 'Bạn đang xem kết quả của chính mình (người được lấy phiếu).',
    'status.all': 'Kết quả của tất cả người được lấy phiếu.',
    'status.forbidden': 'Mã không đúng, hoặc không có quyền xem kết quả này. Cử tri: chỉ phiếu đã được tính mới xem được.',
    'status.failed': 'Không lấy được kết quả. Kiểm tra kết nối rồi tải lại trang.',
    'status.badcode': 'Mã này không đọc được (có thể nhập sai một ký tự). Kiểm tra lại mã in trên phiếu.',
    'result.h': 'Kết quả',
    'chart.h': 'Biểu đồ theo từng người',
    'table.h': 'Bảng kết quả (R6)',
    'hide': 'Ẩn kết quả',
    'inspect': 'Tự kiểm tra nhật ký công khai',
    'date': 'Ngày {date}',
  },
  en: {
    skip: 'Skip to main content',
    brand: 'Confidence vote',
    title: 'Confidence vote result',
    'access.h': 'See the result',
    'access.r11': 'Under R11 the result goes to the people who voted, the managing authority, and each candidate (his or her own line only).',
    'code.label': 'Access code',
    'code.hint': 'The code handed to a candidate, or a counting committee member\'s code.',
    'code.go': 'See with the access code',
    'cred.label': 'The code on your voting slip (voter)',
    'cred.hint': 'The code printed under the QR code of the slip you voted with. It only signs the request in this browser and is never sent.',
    'cred.go': 'See as a voter',
    'loading': 'Loading…',
    'status.notdone': 'No result yet: the vote is in phase "{phase}". The result comes once the counting committee publishes it.',
    'phase.draft': 'draft',
    'phase.setup': 'set-up',
    'phase.voting': 'voting',
    'phase.closed': 'counting',
    'phase.done': 'published',
    'status.noelection': 'No such vote.',
    'status.asking': 'Fetching the result…',
    'status.signing': 'Signing the request with your code in this browser…',
    'status.own': 'You are seeing your own result (candidate).',
    'status.all': 'The result of every candidate.',
    'status.forbidden': 'Wrong code, or not allowed to see this result. Voters: only a counted ballot gives access.',
    'status.failed': 'The result could not be fetched. Check the connection and reload the page.',
    'status.badcode': 'This code cannot be read (perhaps one character is mistyped). Check the code printed on the slip.',
    'result.h': 'Result',
    'chart.h': 'Chart per candidate',
    'table.h': 'Result table (R6)',
    'hide': 'Hide the result',
    'inspect': 'Check the public log yourself',
    'date': 'Date {date}',
  },
};

async function resultsPage() {
  const tr = tn.i18n(merge(SHARED, PAGE));
  const $ = (id) => document.getElementById(id);
  const id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  const status = $('status');
  let view = null;
  let shown = null; // {result, own}

  // The status line by key (it follows the language toggle), or the
  // server's words in both languages.
  const say = (key, vars, cls = '') => {
    status.className = `c-note ${cls}`;
    tr.say(status, key, vars);
  };
  const clear = () => {
    status.className = 'c-note';
    status.textContent = '';
    delete status.dataset.i18n;
    delete status.dataset.i18nVars;
    delete status.dataset.textVi;
    delete status.dataset.textEn;
  };
  const render = () => {
    tr.apply();
    if (view) {
      $('title').textContent = view.title;
      $('unit').textContent = `${view.unit} · ${tr.t('date', { date: view.date })}`;
    }
    $('inspect').href = `/inspector?id=${encodeURIComponent(id)}`;
    // The phase's name is itself translated: said again in the new language.
    if (view && view.phase !== 'done') say('status.notdone', { phase: tr.t(`phase.${view.phase}`) }, 'c-warn');
    if (!shown) { $('result').hidden = true; return; }
    $('result').hidden = false;
    $('access').hidden = true;
    $('summary').replaceChildren(resultSummary(shown.result, tr.t));
    $('chart').replaceChildren(resultChart(shown.result, tr.t, tr.lang()));
    $('table').replaceChildren(resultTable(shown.result, tr.t, tr.lang(), shown.first));
  };
  tn.langButton($('lang'), tr);
  tr.onChange(render);

  const show = (result, own) => {
    let first = 1;
    if (own && view) {
      const i = view.candidates.findIndex((c) => c.name === result.candidates[0]?.name && c.position === result.candidates[0]?.position);
      if (i >= 0) first = i + 1;
    }
    shown = { result, own, first };
    say(own ? 'status.own' : 'status.all', null, 'c-ok');
    render();
    $('result-h').focus();
  };
  const failed = (e) => {
    if (e instanceof tn.ApiError && e.status === 403) say('status.forbidden', null, 'c-bad');
    else if (e instanceof tn.ApiError) {
      status.className = 'c-note c-bad';
      tr.sayBoth(status, e.message_vi || e.error, e.message_en || e.error);
    } else if (e instanceof tn.WasmError) say('status.badcode', null, 'c-bad');
    else say('status.failed', null, 'c-bad');
  };

  const byCode = async (code) => {
    say('status.asking');
    try {
      const r = await tn.api('GET', `/api/elections/${encodeURIComponent(id)}/result`, undefined, { token: code.trim() });
      // A candidate's code gives his or her own line only.
      show(r, Boolean(view) && view.candidates.length > 1 && r.candidates.length === 1);
    } catch (e) { failed(e); }
  };
  // The voter page's result pass: the credential's signature made when the
  // ballot was cast (voter.js, `resultPass`), posted as it is.
  const byPass = async (pass) => {
    say('status.asking');
    try {
      show(await tn.api('POST', `/api/elections/${encodeURIComponent(id)}/result/voter`, pass), false);
    } catch (e) { failed(e); }
  };
  const byCredential = async (credential) => {
    if (!view || !view.election_hash) return;
    say('status.signing');
    try {
      await tn.load();
      const req = tn.callSync('voter_result_signature', {
        election_id: id, election_hash: view.election_hash, credential: slipCode(credential), seed: tn.seed(),
      });
      say('status.asking');
      const r = await tn.api('POST', `/api/elections/${encodeURIComponent(id)}/result/voter`, req);
      show(r, false);
    } catch (e) { failed(e); }
  };

  $('code-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('code').value;
    if (v.trim()) byCode(v);
  });
  $('cred-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('cred').value;
    if (v.trim()) byCredential(v);
  });
  $('hide').addEventListener('click', () => {
    shown = null;
    clear();
    $('access').hidden = false;
    render();
    $('code').focus();
  });

  render();
  say('loading');
  try {
    view = await tn.api('GET', `/api/elections/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof tn.ApiError && e.status === 404) say('status.noelection', null, 'c-bad');
    else failed(e);
    return;
  }
  render();
  if (view.phase !== 'done') {
    say('status.notdone', { phase: tr.t(`phase.${view.phase}`) }, 'c-warn');
    return;
  }
  clear();
  $('access').hidden = false;
  // A voter arriving from the voter page: the credential in the fragment
  // (removed from the address at once) or in that page's sessionStorage.
  let credential = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (credential) history.replaceState(null, '', location.pathname + location.search);
  if (!credential) {
    try { credential = sessionStorage.getItem(`tinnhiem.credential.${id}`) || ''; } catch (_) { credential = ''; }
  }
  let token = '';
  try { token = sessionStorage.getItem('tinnhiem.organizer') || ''; } catch (_) { /* none */ }
  const pass = credential ? null : storedPass(id);
  if (credential) await byCredential(credential);
  else if (pass) await byPass(pass);
  else if (token) await byCode(token);
}

/// The credential in what a voter has: the code printed on the slip, the
/// QR code's `credential.check` (the voter page keeps that in its tab), or
/// the whole address typed in. The check after the last dot is not part of
/// the credential (a credential never holds a dot).
function slipCode(text) {
  let code = String(text).trim();
  if (code.includes('#')) code = code.slice(code.indexOf('#') + 1);
  if (code.includes('.')) code = code.slice(0, code.lastIndexOf('.'));
  return code.toUpperCase();
}

/// A result pass kept by the voter page on this phone for election `id`
/// (the receipt record, `tinnhiem.ballot.{id}.*` in localStorage), or null.
function storedPass(id) {
  const prefix = `tinnhiem.ballot.${id}.`;
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(prefix)) continue;
      const r = JSON.parse(localStorage.getItem(key) || 'null');
      const p = r && r.receipt && r.pass;
      if (p && /^[0-9a-f]{64}$/.test(p.credential) && /^[0-9a-f]{128}$/.test(p.signature)) {
        return { credential: p.credential, signature: p.signature };
      }
    }
  } catch (_) { /* no storage */ }
  return null;
}

if (document.body && document.body.dataset.page === 'results') {
  resultsPage().catch(() => {
    // Not the code's words (English) in a Vietnamese page: both languages.
    const s = document.getElementById('status');
    if (s) {
      s.className = 'c-note c-bad';
      s.textContent = 'Trang gặp lỗi; hãy tải lại. ';
      s.append(Object.assign(document.createElement('span'), { lang: 'en', textContent: 'The page failed; please reload it.' }));
    }
  });
}
