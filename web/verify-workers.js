// verify-workers.js: the inspector's check of a whole log on every core.
//
// The page's own module reads the header (`tally_plan`: the lines up to
// the election key, one at a time). Web Workers (inspector-worker.js, one
// per core) then check chunks of lines, each in one batch; the page's
// module applies their summaries in log order (`tally_apply_chunk`), which
// costs little: no decoding, no proof, no point decompression but one sum
// per chunk. The chain and the state are applied in order here, as
// `tinnhiem verify` does on its own thread; a chunk that is not all
// accepted ballots (the end of the log, an exclusion, a failure) is checked
// again by the page's module line by line, with the answers of the
// single-thread path. Without workers (an old browser, a failure to start
// them) the check goes on in steps on the page's thread.

import * as tn from './tn.js';

const WORKER_URL = '/static/inspector-worker.js';
/// The module for the workers: where the browser has wide arithmetic, the
/// module's flavour built with 64-bit field arithmetic on it (the same
/// Rust code, about three times as fast for the check; crates/server's
/// build.rs), the page's own if it is that one (the inspector asks for it,
/// `tn.preferWide`), else the page's own standard one. `{module, wide}`.
async function workerModule() {
  if (tn.isWide()) return { module: tn.compiledModule(), wide: true };
  const wide = await tn.wideModule();
  return wide ? { module: wide, wide: true } : { module: tn.compiledModule(), wide: false };
}

/// How many workers: `n` if given (0: none), else one per core.
export function workerCount(n) {
  if (Number.isInteger(n) && n >= 0) return n;
  const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(cores, 16));
}

/// Where each line of `bytes` starts and ends, cut as
/// `tinnhiem_tally::split_lines` cuts: at every "\n", the last one
/// optional.
function lineSpans(bytes) {
  const spans = [];
  const end = bytes.length && bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length;
  if (end <= 0) return spans;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    if (nl < 0 || nl >= end) {
      spans.push([start, end]);
      return spans;
    }
    spans.push([start, nl]);
    start = nl + 1;
  }
}

function unhex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

/// Checks lines `from..` of the loaded log with `n` workers; resolves to
/// the last progress (`failed` set if a line fails), or null if the
/// workers could not do it (the caller goes on in steps).
function runWorkers(bytes, spans, plan, n, module, progress) {
  return new Promise((resolve) => {
    const size = plan.chunk;
    const chunks = [];
    for (let a = plan.done; a < spans.length; a += size) {
      const b = Math.min(a + size, spans.length);
      chunks.push({ a, b });
    }
    const header = unhex(plan.header);
    const waiting = new Map();
    let next = 0; // the next chunk to send
    let due = 0; // the next chunk to apply
    let last = plan;
    let over = false;
    const workers = [];
    const end = (value) => {
      if (over) return;
      over = true;
      for (const w of workers) w.terminate();
      resolve(value);
    };
    const send = (w) => {
      if (over || next >= chunks.length) return;
      const k = next++;
      const { a, b } = chunks[k];
      const lines = bytes.slice(spans[a][0], spans[b - 1][1]);
      w.postMessage({ id: k, header, lines }, [lines.buffer]);
    };
    const apply = () => {
      while (!over && waiting.has(due)) {
        const r = waiting.get(due);
        waiting.delete(due);
        const { a, b } = chunks[due];
        if (r.error || r.lines !== b - a) return end(null);
        last = tn.callSync('tally_apply_chunk', { lines: b - a, summary: r.summary, seed: tn.seed() });
        due += 1;
        if (progress) progress(last.done, last.total);
        if (last.failed || due === chunks.length) return end(last);
      }
      return undefined;
    };
    try {
      for (let i = 0; i < Math.min(n, chunks.length); i++) {
        const w = new Worker(WORKER_URL, { type: 'module' });
        w.onmessage = (ev) => {
          waiting.set(ev.data.id, ev.data);
          send(w);
          try {
            apply();
          } catch (_) {
            end(null);
          }
        };
        w.onerror = () => end(null);
        workers.push(w);
        // A module compiled once on the page, not once per worker.
        w.postMessage({ module });
        // Two chunks each: the next is there as soon as one is done.
        send(w);
        send(w);
      }
    } catch (_) {
      end(null);
    }
    if (!chunks.length) end(last);
  });
}

/// Verifies a log (JSON Lines: its text, or its UTF-8 bytes as a
/// Uint8Array) with the tally crate on every core:
/// the header on the page's thread, the rest in chunks checked by `workers`
/// Web Workers (default: one per core; 0: none, the steps of the
/// single-thread path) and applied here in log order. `progress(done,
/// total)` is told after each chunk. Resolves to the answer of
/// `tally_finish` with `ms` (the time taken), `total` and `workers` (how
/// many checked chunks; 0 when the page's thread did it all) and `wide`
/// (whether the check ran on the wide-arithmetic module: the workers', or
/// the page's when no worker ran).
export function verifyLogParallel(log, progress, options = {}) {
  // The page's module holds one verification at a time: a second log
  // (another file chosen meanwhile) waits for the first to end.
  const next = (verifying || Promise.resolve()).catch(() => {}).then(() => run(log, progress, options));
  verifying = next;
  return next;
}

let verifying = null;

async function run(log, progress, { workers } = {}) {
  await tn.load();
  const n = typeof Worker === 'function' ? workerCount(workers) : 0;
  const t0 = performance.now();
  // The log's bytes once: for the page's module and cut for the workers.
  const bytes = typeof log === 'string' ? new TextEncoder().encode(log) : log;
  let p = tn.callBytes('tally_load', bytes);
  if (progress) progress(p.done, p.total);
  let used = 0;
  // Whether the check ran on the wide module: the page's, unless workers
  // ran it.
  let wide = tn.isWide();
  if (n > 0) {
    const plan = tn.callSync('tally_plan', { seed: tn.seed() });
    p = plan;
    if (progress) progress(p.done, p.total);
    const spans = lineSpans(bytes);
    if (plan.header && !plan.failed && plan.done < plan.total && spans.length === plan.total) {
      const chosen = await workerModule();
      const r = await runWorkers(bytes, spans, plan, n, chosen.module, progress);
      if (r) {
        p = r;
        used = n;
        wide = chosen.wide;
      }
    }
  }
  // The single-thread path: what is left (all of it without workers).
  let chunk = 4;
  while (p.done < p.total && !p.failed) {
    const s = performance.now();
    p = tn.callSync('tally_step', { lines: chunk, seed: tn.seed() });
    const dt = performance.now() - s;
    if (dt < 25) chunk = Math.min(chunk * 2, 8192);
    else if (dt > 100) chunk = Math.max(1, chunk >> 1);
    if (progress) progress(p.done, p.total);
    await new Promise((r) => setTimeout(r, 0));
  }
  const answer = tn.callSync('tally_finish', {});
  answer.ms = performance.now() - t0;
  answer.total = p.total;
  answer.workers = used;
  answer.wide = wide;
  return answer;
}
