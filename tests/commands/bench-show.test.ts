// aos bench show: a benchmark result prints with its mode; one whose configuration was removed is
// refused by name (the disclosure contract), and the others still show.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, json, newHome, write } from '../helpers.js';
import { disclosureDocument, type Disclosure } from '../../cli/core/arena/disclosure.js';

const result: Disclosure = {
  suite: 'starter', date: '2026-12-07', mode: 'full-loop', brains: ['anthropic'], models: ['claude-sonnet-4-6'], candidates: 3, repair_rounds: 2, retries: 0,
  checks: ['node --test'], aos_version: '0.1.0', device: 'testbox',
  tasks: [{ task: 'fix-add', outcome: 'promoted', tokens: 1200, usd: 0.02 }, { task: 'fix-sub', outcome: 'failed', tokens: 800, usd: 0.01 }],
};

test('a disclosed result prints with its mode and configuration; --json carries the score', () => {
  const home = newHome();
  write(home, 'benchmarks/2026-12-07-starter.md', disclosureDocument(result));
  const r = aos(['bench', 'show', '--home', home]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '2026-12-07  starter  1/2 promoted (50%)  mode full-loop  anthropic  candidates 3  repairs 2  2000 tokens  $0.0300');
  const j = json(aos(['bench', 'show', 'starter', '--home', home, '--json']));
  assert.equal(j.results[0].score, { promoted: 1, tasks: 2, share: 0.5, tokens: 2000, usd: 0.03 });
});

test('a result without its configuration is refused, naming the file and what is missing', () => {
  const home = newHome();
  const stripped = disclosureDocument(result).replace(/^mode: .*\n/m, '').replace(/^candidates: .*\n/m, '');
  write(home, 'benchmarks/2026-12-07-starter.md', stripped);
  write(home, 'benchmarks/2026-12-06-other.md', disclosureDocument({ ...result, suite: 'other', date: '2026-12-06', mode: 'single-model' }));
  const one = aos(['bench', 'show', 'starter', '--home', home]);
  assert.is(one.code, 1);
  assert.match(one.stderr, 'benchmarks/2026-12-07-starter.md');
  assert.match(one.stderr, 'mode, candidates');
  assert.not.match(one.stdout, 'promoted');
  const all = aos(['bench', 'show', '--home', home]);
  assert.is(all.code, 0);
  assert.match(all.stdout, 'mode single-model');
  assert.match(all.stderr, 'refused');
  write(home, 'benchmarks/2026-12-05-x.md', disclosureDocument({ ...result, suite: 'x', date: '2026-12-05' }).replace('mode: full-loop', 'mode: best-case'));
  const wrong = aos(['bench', 'show', 'x', '--home', home]);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, 'benchmarks/2026-12-05-x.md:4: mode: expected one of single-model, full-loop');
});

test.run();
