// web/tn.js outside the browser: its table of operations matches the
// browser module's (crates/wasm/src/api.rs, `mod op`), its SHA-256 matches
// Node's, and its strings fall back to Vietnamese and fill placeholders.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './harness.js';

// web/ has no package.json of its own, so the module is loaded from its text.
const source = await readFile(path.join(ROOT, 'web/tn.js'), 'utf8');
const tn = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

test('the table of operations is the browser module\'s, name for name and number for number', async () => {
  const rust = await readFile(path.join(ROOT, 'crates/wasm/src/api.rs'), 'utf8');
  const block = rust.slice(rust.indexOf('pub mod op'));
  const ops = {};
  for (const m of block.slice(0, block.indexOf('\n}')).matchAll(/pub const (\w+): u32 = (\d+);/g)) {
    ops[m[1].toLowerCase()] = Number(m[2]);
  }
  assert.ok(Object.keys(ops).length >= 2, 'found the op constants');
  assert.deepEqual({ ...tn.OPS }, ops);
});

test('sha256 agrees with node:crypto on lengths around the block boundaries and on UTF-8', () => {
  const inputs = ['', 'abc', 'Tín nhiệm cao', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'b'.repeat(65), 'x'.repeat(1000)];
  for (const s of inputs) {
    assert.equal(tn.sha256(s), createHash('sha256').update(s, 'utf8').digest('hex'), `length ${s.length}`);
  }
});

test('strings: the current language, Vietnamese when a translation is missing, placeholders filled', () => {
  const tr = tn.i18n({ vi: { a: 'Đã chọn {done}/{total}', b: 'chỉ tiếng Việt' }, en: { a: '{done} of {total}' } });
  assert.equal(tr.lang(), 'vi');
  assert.equal(tr.t('a', { done: 2, total: 3 }), 'Đã chọn 2/3');
  assert.equal(tr.t('b'), 'chỉ tiếng Việt');
  assert.equal(tr.t('missing'), 'missing');
});

test('ApiError: the server\'s words in each language, and which failures are worth sending again', () => {
  const e = new tn.ApiError({ status: 409, error: 'repeated', message: 'Mã này đã được dùng', message_en: 'already voted' });
  assert.equal(e.text('vi'), 'Mã này đã được dùng');
  assert.equal(e.text('en'), 'already voted');
  assert.equal(e.retryable, false);
  assert.equal(new tn.ApiError({ status: 0, error: 'network' }).retryable, true);
  assert.equal(new tn.ApiError({ status: 503, error: 'storage' }).retryable, true);
});

test('seed is 32 random bytes in hex', () => {
  const a = tn.seed();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, tn.seed());
});
