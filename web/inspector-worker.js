// inspector-worker.js: one Web Worker of the inspector's check. It has its
// own copy of the browser module and checks the chunks of lines the page
// sends (`tally_check_chunk`: decoding, server signatures, ballot
// signatures and proofs in one batch, the same Rust code as `tinnhiem
// verify`); the page applies the summaries in log order (verify-workers.js).
//
// Messages in: first {module}, the page's compiled module (or null: the
// worker downloads it); then {id, header, lines}: the header's bytes
// (`tally_plan`) and the chunk's lines joined by "\n", both Uint8Array.
// Message out: {id, summary, lines} or {id, error}.

import * as tn from './tn.js';

self.onmessage = async (ev) => {
  if ('module' in ev.data) {
    (ev.data.module ? tn.loadModule(ev.data.module) : tn.load()).catch(() => { /* reported with the first chunk */ });
    return;
  }
  const { id, header, lines } = ev.data;
  try {
    await tn.load();
    const req = new Uint8Array(header.length + 32 + lines.length);
    req.set(header, 0);
    req.set(crypto.getRandomValues(new Uint8Array(32)), header.length);
    req.set(lines, header.length + 32);
    const a = tn.callBytes('tally_check_chunk', req);
    self.postMessage({ id, summary: a.summary, lines: a.lines });
  } catch (e) {
    self.postMessage({ id, error: String((e && e.message) || e) });
  }
};
