import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRuns, requestHash } from '../../cli/core/runs/divergence.js';
import type { RecordEntry } from '../../cli/core/runs/runrecord.js';

test('requestHash: fresh item and run ids do not change it; anything else does', () => {
  const a = requestHash('{"messages":["delegated: 20261121T103205-k3f9q2 (run r-20261121T103206-ab12)"]}');
  const b = requestHash('{"messages":["delegated: 20270101T000000-zzzz99 (run r-20270101T000001-cd34)"]}');
  assert.is(a, b);
  assert.is.not(requestHash('{"messages":["delegated: 20261121T103205-k3f9q2 to coder"]}'), a);
  assert.match(a, /^m[0-9a-f]{12}$/);
});

test('compareRuns: an unmasked hash from an older record is not compared with a masked one', () => {
  const model = (request: string): RecordEntry => ({ type: 'model', turn: 1, stop: 'end_turn', content: [{ type: 'text', text: 'hi' }], usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 }, request }) as RecordEntry;
  const cap = (s: string) => s;
  assert.is(compareRuns([model('3f2a9c1b7d00')], [model('m111111111111')], { live: false, cap }).divergedAt, null);
  assert.is(compareRuns([model('m3f2a9c1b7d0')], [model('m111111111111')], { live: false, cap }).divergedAt, 1);
});

test.run();
