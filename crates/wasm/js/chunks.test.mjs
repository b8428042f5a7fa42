// The chunked check of the inspector's Web Workers (ops 26–28) in the real
// wasm build: the header by `tally_plan`, chunks summarized by
// `tally_check_chunk` (as a worker would, here out of order) and applied in
// log order by `tally_apply_chunk` give exactly `tally_finish`'s answer of
// the single-thread steps (`tally_step`): on the test vectors (honest,
// forced ballots excluded, a threshold committee, a cancelled slip) and on
// tampered logs, the same failing line, reason and exclusions.
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

/// `request`: JSON, or the bytes themselves for ops 27 and 29.
function call(op, request) {
  const bytes = request instanceof Uint8Array ? request : new TextEncoder().encode(JSON.stringify(request));
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(op, ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  const answer = JSON.parse(new TextDecoder().decode(out));
  assert.equal(code, 0, JSON.stringify(answer));
  return answer;
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
const seed = () => hex(webcrypto.getRandomValues(new Uint8Array(32)));
const [BEGIN, STEP, FINISH, PLAN, CHECK, APPLY, LOAD] = [7, 8, 9, 26, 27, 28, 29];
const utf8 = (s) => new TextEncoder().encode(s);

function bySteps(text) {
  let p = call(BEGIN, { log: text });
  while (p.done < p.total && !p.failed) p = call(STEP, { lines: 5, seed: seed() });
  return call(FINISH, {});
}

/// `tally_check_chunk`'s request: the header, a seed, the lines.
function chunkRequest(header, lines) {
  const h = Buffer.from(header, 'hex');
  const body = utf8(lines.join('\n'));
  const req = new Uint8Array(h.length + 32 + body.length);
  req.set(h);
  req.set(webcrypto.getRandomValues(new Uint8Array(32)), h.length);
  req.set(body, h.length + 32);
  return req;
}

/// The workers' path with chunks of `size` lines, checked last to first;
/// the log loaded as bytes (`tally_load`).
function byChunks(text, size) {
  call(LOAD, utf8(text));
  const plan = call(PLAN, { seed: seed() });
  const lines = text.replace(/\n$/, '').split('\n');
  if (plan.header && !plan.failed) {
    const chunks = [];
    for (let a = plan.done; a < lines.length; a += size) chunks.push(lines.slice(a, a + size));
    const summaries = chunks.map((c) => c).reverse().map((c) => call(CHECK, chunkRequest(plan.header, c))).reverse();
    for (const s of summaries) {
      const p = call(APPLY, { lines: s.lines, summary: s.summary, seed: seed() });
      if (p.failed) break;
    }
  }
  return call(FINISH, {});
}

function same(text, what) {
  const expected = bySteps(text);
  for (const size of [32, 3, 1]) {
    assert.deepEqual(byChunks(text, size), expected, `${what}, chunks of ${size}`);
  }
  return expected;
}

for (const name of ['honest', 'forced', 'threshold', 'cancel']) {
  test(`the chunked check answers as the steps on ${name}.jsonl`, async () => {
    const a = same(await readFile(path.join(VECTORS, `${name}.jsonl`), 'utf8'), name);
    assert.ok(a.result, `${name} verifies`);
    if (name === 'forced') assert.ok(a.exclusions.length > 0, 'the forced ballots are excluded');
  });
}

test('the chunked check names the same failing line and reason on tampered logs', async () => {
  const text = await readFile(path.join(VECTORS, 'honest.jsonl'), 'utf8');
  const lines = text.trim().split('\n');
  const ballot = lines.findIndex((l) => l.includes('"kind":"ballot"'));
  assert.ok(ballot > 0);
  // A changed hex digit in a ballot's answer, a ballot line swapped with
  // the next, a ballot line dropped.
  const flip = (l) => l.replace(/"answers":\["(.)/, (_, c) => `"answers":["${c === '0' ? '1' : '0'}`);
  const tampered = [
    lines.map((l, i) => (i === ballot ? flip(l) : l)),
    lines.map((l, i) => (i === ballot ? lines[ballot + 1] : i === ballot + 1 ? lines[ballot] : l)),
    lines.filter((_, i) => i !== ballot + 1),
  ];
  for (const [k, t] of tampered.entries()) {
    assert.notEqual(t.join('\n'), lines.join('\n'), `tampering ${k} changes the log`);
    const a = same(`${t.join('\n')}\n`, `tampering ${k}`);
    assert.ok(a.failure, `tampering ${k} fails`);
    assert.ok(a.failure.seq >= ballot, `tampering ${k} fails at or after the ballot`);
  }
});

test('a chunk request shorter than a header and a seed is an error, not a summary', () => {
  const bytes = new Uint8Array(50);
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(CHECK, ptr, bytes.length);
  const out = JSON.parse(new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len())));
  assert.equal(code, 1);
  assert.match(out.error, /shorter than a header/);
});
