// A committee member's operations in the real wasm build, called as the
// console calls them: the page verifies the log (tally_begin, tally_step,
// tally_finish) and gives back the head it read with the key from the key
// file. On a 2-of-3 log made by `cargo run --example member_logs -p
// tinnhiem-wasm` (TINNHIEM_TEST_MEMBER_LOGS names the file): every member's
// first step is its dealing, another member's key is refused, two members
// decrypt after the close, and the key text is not left in the module's
// memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';

const { instance } = await WebAssembly.instantiate(await readFile(process.env.TINNHIEM_WASM), {});
const x = instance.exports;
const logs = JSON.parse(await readFile(process.env.TINNHIEM_TEST_MEMBER_LOGS, 'utf8'));

// Operation numbers (crates/wasm/src/api.rs, `mod op`).
const OP = { tally_begin: 7, tally_step: 8, tally_finish: 9, member_step: 16, member_decryption: 17, check_key: 18 };

function call(name, request) {
  const bytes = new TextEncoder().encode(JSON.stringify(request));
  const ptr = x.tn_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const code = x.tn_call(OP[name], ptr, bytes.length);
  const out = new Uint8Array(x.memory.buffer, x.tn_result_ptr(), x.tn_result_len());
  const answer = JSON.parse(new TextDecoder().decode(out));
  x.tn_result_clear();
  return { code, answer };
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
const seed = () => hex(webcrypto.getRandomValues(new Uint8Array(32)));

/// The console's verification of a log: every line, then the outcome.
function verify(log) {
  call('tally_begin', { log });
  const p = call('tally_step', { lines: 100000, seed: seed() }).answer;
  assert.equal(p.failed, false);
  assert.equal(p.done, p.total);
  return call('tally_finish', {}).answer;
}

test('each member of a 2-of-3 committee is told to post its dealing, to the dealings route', () => {
  const a = verify(logs.setup);
  assert.equal(a.threshold, 2);
  assert.equal(a.decryptions_needed, null);
  for (const [member, secret] of logs.secrets.entries()) {
    const { code, answer } = call('member_step', { member, secret, head: a.head, seed: seed() });
    assert.equal(code, 0, JSON.stringify(answer));
    assert.equal(answer.kind, 'deal');
    assert.equal(answer.post.route, 'dealings');
    assert.match(answer.post.body.dealing, /^[0-9a-f]+$/);
    assert.deepEqual(answer.waiting_for, []);
  }
});

test('another member\'s key file is refused at once (check_key and member_step), naming no key', () => {
  const a = verify(logs.setup);
  const mine = call('check_key', { member: 1, secret: logs.secrets[1], head: a.head });
  assert.deepEqual(mine.answer, { ok: true, registered: true, refused: null });
  const other = call('check_key', { member: 1, secret: logs.secrets[2], head: a.head });
  assert.equal(other.code, 0);
  assert.equal(other.answer.ok, false);
  assert.equal(other.answer.refused.code, 'wrong_key');
  assert.equal(other.answer.refused.member, 1);
  const step = call('member_step', { member: 1, secret: logs.secrets[2], head: a.head, seed: seed() });
  assert.equal(step.answer.kind, 'refused');
  assert.ok(!JSON.stringify(step.answer).includes(logs.secrets[2]));
  // A damaged key file: an error that does not repeat it.
  const damaged = logs.secrets[0].slice(0, 60);
  const bad = call('check_key', { member: 0, secret: damaged, head: a.head });
  assert.equal(bad.code, 1);
  assert.equal(bad.answer.error, 'the key file is damaged');
});

test('after the close two members decrypt; a stale head is refused', () => {
  const setup = verify(logs.setup);
  const a = verify(logs.closed);
  assert.equal(a.phase, 'Closed');
  assert.equal(a.decryptions_needed, 2);
  const stale = call('member_decryption', { member: 0, secret: logs.secrets[0], head: setup.head, seed: seed() });
  assert.equal(stale.code, 1);
  assert.match(stale.answer.error, /head/);
  for (const member of [0, 2]) {
    const { code, answer } = call('member_decryption', { member, secret: logs.secrets[member], head: a.head, seed: seed() });
    assert.equal(code, 0, JSON.stringify(answer));
    assert.equal(answer.refused, null);
    assert.equal(answer.decryption.trustee, member);
    assert.equal(answer.decryption.shares.length, 2 * 3);
    for (const s of answer.decryption.shares) assert.match(s, /^[0-9a-f]{256}$/);
  }
});

test('the key text is not left in the module\'s memory after the member\'s operations', () => {
  const a = verify(logs.closed);
  call('check_key', { member: 0, secret: logs.secrets[0], head: a.head });
  call('member_step', { member: 0, secret: logs.secrets[0], head: a.head, seed: seed() });
  call('member_decryption', { member: 0, secret: logs.secrets[0], head: a.head, seed: seed() });
  const memory = new TextDecoder('latin1').decode(new Uint8Array(x.memory.buffer));
  assert.ok(!memory.includes(logs.secrets[0]), 'the key text is wiped');
});
