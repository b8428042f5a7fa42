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

test('election_check answers the 32-character check and the fingerprint of an election', () => {
  const { code, answer } = call(14, { election_hash: '00'.repeat(32), election_key: BASEPOINT });
  assert.equal(code, 0, JSON.stringify(answer));
  assert.match(answer.check, /^[0-9A-HJKMNP-TV-Z]{32}$/);
  assert.match(answer.fingerprint, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  // Another election hash, another check.
  const other = call(14, { election_hash: '01'.repeat(32), election_key: BASEPOINT });
  assert.notEqual(other.answer.check, answer.check);
});

test('neither the credential nor the answer stays in the module\'s memory', () => {
  const { answer } = call(1, {
    election_id: 'smoke', election_hash: '00'.repeat(32), election_key: BASEPOINT,
    credential: CREDENTIAL, choices: ['high'], seed: seed(),
  });
  const ptr = x.tn_result_ptr();
  const len = x.tn_result_len();
  assert.ok(len > 0 && answer.tracking);
  x.tn_result_clear();
  assert.equal(x.tn_result_len(), 0);
  const memory = new TextDecoder('latin1').decode(new Uint8Array(x.memory.buffer));
  // The answer's place no longer holds it (its first bytes may be the
  // allocator's own once freed).
  assert.ok(!memory.slice(ptr, ptr + len).includes(answer.tracking), 'the answer is wiped');
  // The request (the credential text) was wiped after the call.
  assert.ok(!memory.includes(CREDENTIAL), 'the credential text is not left in memory');
});

test('seal_ballot, open_sealed and check_audit: an opening checks in the page; forget_sealed wipes it', () => {
  const request = {
    election_id: 'smoke', election_hash: '00'.repeat(32), election_key: BASEPOINT,
    credential: CREDENTIAL, choices: ['high', null], seed: seed(),
  };
  const sealed = call(22, request);
  assert.equal(sealed.code, 0, JSON.stringify(sealed.answer));
  assert.match(sealed.answer.seal, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(sealed.answer.ballot.answers.length, 2);
  // Another code is refused; the module keeps the sealed ballot.
  assert.equal(call(23, { seal: '0000-0000-0000-0000' }).code, 1);
  const opened = call(23, { seal: sealed.answer.seal });
  assert.equal(opened.code, 0, JSON.stringify(opened.answer));
  assert.deepEqual(opened.answer.audit.choices, ['high', 'none']);
  assert.equal(opened.answer.audit.randomness.length, 2 * 96 * 2);
  assert.equal(opened.answer.credential, sealed.answer.ballot.credential);
  // Opened once: nothing is held any more.
  assert.equal(call(23, { seal: sealed.answer.seal }).code, 1);
  const election = { election_hash: '00'.repeat(32), election_key: BASEPOINT };
  const checked = call(25, { election, audit: opened.answer.audit });
  assert.equal(checked.code, 0, JSON.stringify(checked.answer));
  assert.deepEqual(checked.answer, { seal: sealed.answer.seal, choices: ['high', 'none'], ok: true });
  // A page that shows "low" where it encrypted "high" is caught.
  const lie = { ...opened.answer.audit, choices: ['low', 'none'] };
  const caught = call(25, { election, audit: lie });
  assert.deepEqual(caught.answer, {
    seal: sealed.answer.seal, choices: ['low', 'none'], ok: false, candidate: 0, level: 'high',
  });
  // The server's promise: checked with line 0's server key; a promise of
  // zeros does not verify, and a promise without the key is an error.
  const promised = call(25, { election: { ...election, server_key: BASEPOINT }, audit: opened.answer.audit, promise: '00'.repeat(64) });
  assert.equal(promised.code, 0, JSON.stringify(promised.answer));
  assert.equal(promised.answer.promise_ok, false);
  assert.equal(call(25, { election, audit: opened.answer.audit, promise: '00'.repeat(64) }).code, 1);
  // find_ballot (op 30): a seal code that is not 16 characters is an error.
  assert.equal(call(30, { seal: 'ABC' }).code, 1);
  // forget_sealed: the next opening finds nothing.
  assert.equal(call(22, request).code, 0);
  assert.deepEqual(call(24, {}).answer, {});
  assert.equal(call(23, { seal: sealed.answer.seal }).code, 1);
});
