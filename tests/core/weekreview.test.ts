// The weekly review's pure parts: ISO weeks, the facts, routing verdicts, proposals from an answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isoWeek, parseWeek, splitProposals, weekFacts, type WeekRun } from '../../cli/core/runs/weekreview.js';
import { routeVerdicts, summarizeRoutes, type RouteItem } from '../../cli/core/runs/routeverdict.js';

test('isoWeek and parseWeek agree, across year ends', () => {
  assert.equal(isoWeek('2026-12-07'), { week: '2026-W50', from: '2026-12-07', to: '2026-12-13' });
  assert.equal(isoWeek('2026-12-13'), { week: '2026-W50', from: '2026-12-07', to: '2026-12-13' });
  assert.equal(isoWeek('2027-01-01'), { week: '2026-W53', from: '2026-12-28', to: '2027-01-03' });
  assert.equal(isoWeek('2024-12-30'), { week: '2025-W01', from: '2024-12-30', to: '2025-01-05' });
  assert.equal(isoWeek('2021-01-03'), { week: '2020-W53', from: '2020-12-28', to: '2021-01-03' });
  for (const d of ['2026-12-07', '2027-01-01', '2024-12-30', '2021-01-03', '2026-06-15']) assert.equal(parseWeek(isoWeek(d).week), isoWeek(d));
  assert.is(parseWeek('2025-W53'), undefined, '2025 has 52 weeks');
  assert.is(parseWeek('2026-49'), undefined);
});

const item = (id: string, extra: Partial<RouteItem>): RouteItem => ({ id, subject: id, from: 'owner', status: 'done', handled_by: 'chief', created: '2026-12-07T10:00:00Z', children: [], ...extra });

test('route verdicts: failed, then denied, then re-addressed within a week, then handed on', () => {
  const items = [
    item('a', { status: 'failed' }),
    item('b', {}),
    item('c', { subject: 'Find the train' }),
    item('d', { subject: 'find the  train!', to: 'researcher', handled_by: 'researcher', created: '2026-12-09T10:00:00Z' }),
    item('e', { subject: 'old', created: '2026-11-01T10:00:00Z' }),
    item('f', { subject: 'OLD', to: 'researcher', created: '2026-11-20T10:00:00Z', handled_by: undefined, status: 'new' }),
    item('g', { children: ['x', 'y'] }),
    item('h', { status: 'waiting' }),
  ];
  const rows = routeVerdicts(items, new Set(['b', 'a']));
  assert.equal(rows.map((r) => [r.item, r.verdict]), [['a', 'failed'], ['b', 'denied'], ['c', 'readdressed'], ['d', 'ok'], ['e', 'ok'], ['g', 'handed-on']]);
  assert.match(rows[2]!.why, 'filed it again for researcher (d)');
  const chief = summarizeRoutes(rows).find((s) => s.agent === 'chief')!;
  assert.equal({ ...chief }, { agent: 'chief', items: 5, ok: 1, handed_on: 1, failed: 1, denied: 1, readdressed: 1, miss_rate: 3 / 5 });
});

const run = (r: string, agent: string, date: string, extra: Partial<WeekRun> = {}): WeekRun => ({ run: r, agent, outcome: 'done', date, seconds: 10, usage: { input: 100, output: 10, cache_read: 0, cache_write: 0 }, cost_usd: 0.01, ...extra });

test('weekFacts counts only the week, ranks spend and the slow agents', () => {
  const week = isoWeek('2026-12-07');
  const f = weekFacts(week, [
    run('r1', 'chief', '2026-12-07'),
    run('r2', 'chief', '2026-12-08', { outcome: 'failed', error: 'the model call failed\nmore', seconds: 30 }),
    run('r3', 'researcher', '2026-12-13', { cost_usd: 0.5, seconds: 100 }),
    run('r4', 'researcher', '2026-12-12', { seconds: 200 }),
    run('r0', 'chief', '2026-12-06', { cost_usd: 9 }),
    run('r5', 'chief', '2026-12-14', { cost_usd: 9 }),
  ], [], { asked: 2, denied: 1 });
  assert.equal(f.totals, { runs: 4, failed: 1, tokens: 440, usd: 0.53 });
  assert.equal(f.agents.map((a) => [a.agent, a.runs, a.failed, a.median_seconds]), [['researcher', 2, 0, 150], ['chief', 2, 1, 20]]);
  assert.equal(f.failures, [{ run: 'r2', agent: 'chief', item: null, error: 'the model call failed' }]);
  assert.equal(f.slow.map((s) => s.agent), ['researcher', 'chief']);
});

test('splitProposals keeps at most three, in any list style, and the rest as the review', () => {
  const s = splitProposals('Review line.\n1. PROPOSAL: one\n- **PROPOSAL:** two\nproposal: three\nPROPOSAL: four\nLast line.');
  assert.equal(s.proposals, ['one', 'two', 'three']);
  assert.is(s.review, 'Review line.\nLast line.');
  assert.equal(splitProposals('no proposals here').proposals, []);
});

test.run();
