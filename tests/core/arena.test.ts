// The arena's formula: a clean small candidate beats one that fails its check and one that breaks
// the rulebook with 81 files; ties go to the smaller change; only scores and fingerprints are kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arenaDocument, rankCandidates, scoreCandidate, winner, type CandidateFacts } from '../../cli/core/arena/score.js';

const limits = { maxFiles: 80, maxBytes: 1_000_000 };
const base = (id: string, over: Partial<CandidateFacts> = {}): CandidateFacts => ({
  id, agent: 'coder', brain: 'anthropic', model: 'claude-sonnet-4-6', ran_clean: true, trace_intact: true, rulebook_clean: true, violations: [],
  checks: [{ command: 'npm test', passed: true }], files: 1, lines: 4, bytes: 120, tokens: 900, usd: 0.01,
  diff_sha: 'a'.repeat(64), record_sha: 'b'.repeat(64), ...over,
});

test('the formula: every part counts, and a perfect small change scores near 100', () => {
  assert.is(scoreCandidate(base('c1'), limits).score, 100 - Math.round(10 * (1 / 80) * 10) / 10);
  const failing = scoreCandidate(base('c2', { checks: [{ command: 'npm test', passed: false }] }), limits);
  assert.is(failing.eligible, false);
  assert.ok(failing.score <= 70 && failing.score > 60);
  const huge = scoreCandidate(base('c3', { files: 81, rulebook_clean: false, violations: ['max-files'] }), limits);
  assert.is(huge.eligible, false);
  assert.is(huge.score, 30 + 15 + 15);
});

test('rank: clean and small first; failing check and 81 files after; ties go to the smaller change', () => {
  const ranked = rankCandidates([
    base('c1', { checks: [{ command: 'npm test', passed: false }] }),
    base('c2', { files: 81, lines: 500, rulebook_clean: false, violations: ['max-files'] }),
    base('c3', { lines: 40, bytes: 120 }),
    base('c4', { lines: 4, bytes: 120, usd: 0.5 }),
  ], limits);
  assert.equal(ranked.map((c) => [c.rank, c.id, c.eligible]), [[1, 'c4', true], [2, 'c3', true], [3, 'c1', false], [4, 'c2', false]]);
  assert.is(winner(ranked)!.id, 'c4');
  assert.is(winner(rankCandidates([base('c1', { rulebook_clean: false, violations: ['node_modules'] })], limits)), undefined);
});

test('arena.md holds scores and fingerprints only', () => {
  const doc = arenaDocument('m-1', rankCandidates([base('c1'), base('c2', { ran_clean: false })], limits), limits);
  assert.match(doc, /^mission: m-1$/m);
  assert.match(doc, /^winner: c1$/m);
  assert.match(doc, '| 1 | c1 | coder · anthropic claude-sonnet-4-6 |');
  assert.match(doc, 'aaaaaaaaaaaa | bbbbbbbbbbbb |');
  assert.not.match(doc, 'diff --git');
});

test.run();
