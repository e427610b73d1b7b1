// The optional vector score's pure parts: the mix of keyword and vector scores, cosine, and the
// embedder's answer checked before any vector is used (issue 22).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cosine, mixScores } from '../../cli/core/memory/vectorrank.js';
import { parseVectors } from '../../cli/model/embedder.js';

test('cosine: 1 for one direction, 0 for orthogonal, zero or mismatched vectors', () => {
  assert.is(cosine([1, 2, 3], [2, 4, 6]), 1);
  assert.is(cosine([1, 0], [0, 1]), 0);
  assert.is(cosine([0, 0], [1, 1]), 0);
  assert.is(cosine([1, 2], [1, 2, 3]), 0);
});

test('mixScores: weight 0 is the keyword order, weight 1 the vector order, ties keep the keyword order', () => {
  const hits = [{ id: 'a', score: 10 }, { id: 'b', score: 5 }, { id: 'c', score: 5 }];
  const sim = [0.1, 0.9, undefined];
  assert.equal(mixScores(hits, sim, 0).map((h) => h.id), ['a', 'b', 'c']);
  assert.equal(mixScores(hits, sim, 1).map((h) => h.id), ['b', 'a', 'c']);
  // 0.5: a = 0.5 + 0.05, b = 0.25 + 0.45: b first; c without a vector scores its keyword half only.
  const mixed = mixScores(hits, sim, 0.5);
  assert.equal(mixed.map((h) => [h.id, h.score]), [['b', 0.7], ['a', 0.55], ['c', 0.25]]);
  assert.equal(mixScores([{ id: 'x', score: 1 }, { id: 'y', score: 1 }], [0.5, 0.5], 0.5).map((h) => h.id), ['x', 'y']);
  // A negative similarity counts as none (far, not below zero).
  assert.equal(mixScores(hits, [-1, -1, -1], 1).map((h) => h.id), ['a', 'b', 'c']);
});

test('parseVectors: one vector of finite numbers per text, all of one length, or a clear refusal', () => {
  assert.equal(parseVectors('{"vectors":[[1,2],[3,4]]}', 2), [[1, 2], [3, 4]]);
  for (const [text, count, why] of [
    ['not json', 1, /something other than JSON/],
    ['{"data":[]}', 1, /without a "vectors" list/],
    ['{"vectors":[[1]]}', 2, /1 vectors for 2 texts/],
    ['{"vectors":[[]]}', 1, /an empty vector/],
    ['{"vectors":[[1,2],[3]]}', 2, /not all 2 finite numbers/],
    ['{"vectors":[[1,"2"]]}', 1, /not all 2 finite numbers/],
    ['null', 1, /without a "vectors" list/],
  ] as const) {
    assert.throws(() => parseVectors(text, count), (e: Error) => why.test(e.message), text);
  }
});

test.run();
