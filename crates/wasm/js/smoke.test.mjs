// Loads the real wasm build in Node and calls its exports the way the pages
// do: a ballot is encrypted through tn_call and comes back well formed, and
// a mistyped credential comes back as an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';

const wasmPath = process.env.TINNHIEM_WASM;
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
const x = instance.exports;

function call(op, request) {
  const bytes = new TextEncoder().encode(JSON.stringify(request));
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(op, ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  return { code, answer: JSON.parse(new TextDecoder().decode(out)) };
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
const seed = () => hex(webcrypto.getRandomValues(new Uint8Array(32)));
// The Ristretto255 base point is a valid election key for a smoke test.
const BASEPOINT = 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76';
const CREDENTIAL = process.env.TINNHIEM_TEST_CREDENTIAL;

test('encrypt_ballot answers a ballot with one answer per candidate', () => {
  const { code, answer } = call(1, {
    election_id: 'smoke',
    election_hash: '00'.repeat(32),
    election_key: BASEPOINT,
    credential: CREDENTIAL,
    choices: ['high', null, 'low'],
    seed: seed(),
  });
  assert.equal(code, 0, JSON.stringify(answer));
  assert.equal(answer.ballot.answers.length, 3);
  assert.equal(answer.ballot.answers[0].length, 2 * 1088);
  assert.match(answer.tracking, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
});

test('a mistyped credential is an error', () => {
  const bad = (CREDENTIAL[0] === 'A' ? 'B' : 'A') + CREDENTIAL.slice(1);
  const { code, answer } = call(1, {
    election_id: 'smoke', election_hash: '00'.repeat(32), election_key: BASEPOINT,
    credential: bad, choices: ['high'], seed: seed(),
  });
  assert.equal(code, 1);
  assert.match(answer.error, /mistyped/);
});
