// Not a test (its name does not end in .test.mjs): times op 30
// `find_ballot` in the real wasm build under Node, on a verified log.
//   TINNHIEM_WASM=target/wasm-build/wasm32-unknown-unknown/wasm/tinnhiem_wasm.wasm \
//     node crates/wasm/js/bench-find-ballot.mjs LOG [rounds]
// Verifies LOG with tally_load and tally_step, then looks up a code no
// ballot has (the whole log scanned) and the last ballot's code.
import { readFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';

const [logPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 5);
const { instance } = await WebAssembly.instantiate(await readFile(process.env.TINNHIEM_WASM), {});
const x = instance.exports;

function callBytes(op, bytes) {
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(op, ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  const answer = JSON.parse(new TextDecoder().decode(out));
  if (code !== 0) throw new Error(JSON.stringify(answer));
  return answer;
}
const call = (op, request) => callBytes(op, new TextEncoder().encode(JSON.stringify(request)));
const seed = () => Array.from(webcrypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

const log = await readFile(logPath);
let p = callBytes(29, log);
const t0 = performance.now();
while (p.done < p.total && !p.failed) p = call(8, { lines: 8192, seed: seed() });
console.log(`verified ${p.done} of ${p.total} lines in ${((performance.now() - t0) / 1000).toFixed(2)} s (failed: ${p.failed})`);
for (let i = 0; i < rounds; i++) {
  const s = performance.now();
  const a = call(30, { seal: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' });
  console.log(`find_ballot, unknown code: ${(performance.now() - s).toFixed(0)} ms (seq ${a.seq})`);
}
