// arena.parallel's budget shares (core/arena/pool.ts): runs started together split what is left of
// the day; a run starting later gets what the runs still going have not reserved; no cap, no limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arenaParallel, reserveBudget } from '../../cli/core/arena/pool.js';
import { budgetSpent } from '../../cli/core/runs/outcome.js';

const budget = { tokens_per_day: 1515, usd_per_day: 1 };

test('two runs started together split the remainder; each is stopped by budgetSpent at its share', () => {
  const first = reserveBudget(budget, { tokens: 15, usd: 0.2 }, [], 2);
  assert.equal(first.reserve, { tokens: 750, usd: 0.4 });
  assert.equal(first.start, { tokens: 765, usd: 0.6 });
  const second = reserveBudget(budget, { tokens: 15, usd: 0.2 }, [first.reserve], 1);
  assert.equal(second.reserve.tokens, 750, 'the second of the batch gets the same share');
  assert.is(budgetSpent('coder', budget, { tokens: first.start.tokens + 749, usd: first.start.usd }), undefined);
  assert.match(budgetSpent('coder', budget, { tokens: first.start.tokens + 750, usd: first.start.usd }) ?? '', /daily token budget \(1515\) is spent/);
});

test('a later run gets what the runs going have not reserved; nothing left means it stops at once', () => {
  const later = reserveBudget(budget, { tokens: 515, usd: 0 }, [{ tokens: 600, usd: 0.5 }], 1);
  assert.is(later.reserve.tokens, 400);
  const none = reserveBudget(budget, { tokens: 1515, usd: 0 }, [], 2);
  assert.is(none.reserve.tokens, 0);
  assert.ok(budgetSpent('coder', budget, none.start), 'a run with no share asks nothing');
});

test('no daily cap: the spent figure is left as it is and nothing is held', () => {
  const r = reserveBudget({}, { tokens: 42, usd: 0.1 }, [{ tokens: Infinity, usd: Infinity }], 3);
  assert.equal(r.start, { tokens: 42, usd: 0.1 });
  assert.equal(r.reserve, { tokens: Infinity, usd: Infinity });
});

test('arena.parallel defaults to 2 and is never below 1', () => {
  assert.is(arenaParallel(undefined), 2);
  assert.is(arenaParallel(1), 1);
  assert.is(arenaParallel(0), 1);
  assert.is(arenaParallel(4), 4);
});

test.run();
