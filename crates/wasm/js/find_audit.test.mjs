// `find_audit` (op 31) in the real wasm build: the audits of the committed
// vector `audit.jsonl` found by their seal codes in the log verified in the
// module's session, by the single-thread steps and by the workers' chunks
// alike; each line's body opens with `check_audit` (op 25) to the marks
// `tinnhiem verify --json` lists; the log verified up to its close says so
// (`closed`), a code no audit has and a log verified only part of the way
// find nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const wasmPath = process.env.TINNHIEM_WASM;
const VECTORS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tally/tests/vectors');
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
const x = instance.exports;

/// `request`: JSON, or the bytes themselves for ops 27 and 29. Returns
/// `{code, answer}`.
function raw(op, request) {
  const bytes = request instanceof Uint8Array ? request : new TextEncoder().encode(JSON.stringify(request));
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(op, ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  return { code, answer: JSON.parse(new TextDecoder().decode(out)) };
}

function call(op, request) {
  const { code, answer } = raw(op, request);
  assert.equal(code, 0, JSON.stringify(answer));
  return answer;
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
const seed = () => hex(webcrypto.getRandomValues(new Uint8Array(32)));
const sha256 = async (s) => hex(new Uint8Array(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(s))));
const [BEGIN, STEP, CHECK_AUDIT, PLAN, CHECK, APPLY, LOAD, FIND_AUDIT] = [7, 8, 25, 26, 27, 28, 29, 31];

function bySteps(text, upTo = Infinity) {
  let p = call(BEGIN, { log: text });
  while (p.done < Math.min(p.total, upTo) && !p.failed) p = call(STEP, { lines: 1, seed: seed() });
}

function byChunks(text, size) {
  call(LOAD, new TextEncoder().encode(text));
  const plan = call(PLAN, { seed: seed() });
  const lines = text.replace(/\n$/, '').split('\n');
  for (let a = plan.done; a < lines.length; a += size) {
    const h = Buffer.from(plan.header, 'hex');
    const body = new TextEncoder().encode(lines.slice(a, a + size).join('\n'));
    const req = new Uint8Array(h.length + 32 + body.length);
    req.set(h);
    req.set(webcrypto.getRandomValues(new Uint8Array(32)), h.length);
    req.set(body, h.length + 32);
    const s = call(CHECK, req);
    call(APPLY, { lines: s.lines, summary: s.summary, seed: seed() });
  }
}

test('every audit of the vector is found by its seal code, by either path, and opens to its marks', async () => {
  const text = await readFile(path.join(VECTORS, 'audit.jsonl'), 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const { audits } = JSON.parse(await readFile(path.join(VECTORS, 'audit.verify.json'), 'utf8'));
  assert.ok(audits.length >= 2, 'the vector has audits');
  const key = lines.find((l) => l.kind === 'election_key').body.key;
  const election = { election_hash: await sha256(text.split('\n')[0]), election_key: key };
  for (const verify of [() => bySteps(text), () => byChunks(text, 4)]) {
    verify();
    for (const a of audits) {
      const found = call(FIND_AUDIT, { seal: a.seal.replace(/-/g, '').toLowerCase() });
      assert.equal(found.seal, a.seal);
      assert.equal(found.seq, a.seq);
      assert.deepEqual(found.audit, lines[a.seq].body, 'the line\'s body as the log has it');
      assert.equal(found.closed, true);
      const opened = call(CHECK_AUDIT, { election, audit: found.audit });
      assert.deepEqual(opened, { seal: a.seal, choices: a.choices, ok: true });
    }
    // A code no audit has, in a closed log: never published.
    assert.deepEqual(call(FIND_AUDIT, { seal: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' }), { seal: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', seq: null, audit: null, closed: true });
  }
  // Verified only up to the first audit's line (excluded): not found, not
  // closed.
  bySteps(text, audits[0].seq);
  assert.deepEqual(call(FIND_AUDIT, { seal: audits[0].seal }), { seal: audits[0].seal, seq: null, audit: null, closed: false });
  // A code that is not 16 characters is an error.
  assert.equal(raw(FIND_AUDIT, { seal: 'ABC' }).code, 1);
});
