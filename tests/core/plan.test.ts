// Table tests for the pure plans: a run's outcome, the daily budget, doctor's cross-file checks,
// the tick's schedule items and its run order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { budgetSpent, planOutcome, type LoopResult, type OutcomePlan, type OutcomeState } from '../../cli/core/runs/outcome.js';
import { crossCheck, type CrossCheckDocs } from '../../cli/core/docs/crosscheck.js';
import { planRuns, planSchedules, type RunCandidate, type SchedulingAgent } from '../../cli/core/runs/tickplan.js';
import type { RosterEntry } from '../../cli/core/agents/route.js';

// ---------------------------------------------------------------------------------------------
// planOutcome

function state(end: LoopResult, over: Partial<OutcomeState> = {}): OutcomeState {
  return {
    end,
    agent: 'researcher',
    run: 'r-20261121T100000-abcd',
    item: { id: 'i1', name: 'i1', subject: 'Find trains' },
    delegated: [],
    maxAttempts: 3,
    via: 'tick',
    ended: { date: '2026-11-21', iso: '2026-11-21T10:05:00+00:00' },
    ...over,
  };
}

const outcomes: [string, OutcomeState, Partial<OutcomePlan>][] = [
  [
    'an answer: the item moves to done, dated by the end, with a fallback name for a name used again',
    state({ outcome: 'done', answer: 'Three trains.' }),
    {
      outcome: 'done',
      text: 'Three trains.',
      attention: false,
      item: {
        kind: 'finish',
        to: 'inbox/done/2026/11/i1.md',
        ifTaken: 'inbox/done/2026/11/i1.r-20261121T100000-abcd.md',
        fields: { status: 'done', handled_by: 'researcher', run: 'r-20261121T100000-abcd', finished: '2026-11-21T10:05:00+00:00', checkpoint: undefined, error: undefined },
        result: 'Three trains.',
      },
      logBody: 'Answered i1 ("Find trains"): Three trains.',
      commitSubject: 'researcher: answered "Find trains"',
    },
  ],
  [
    'an answer after delegating: the item waits for its children, old and new',
    state({ outcome: 'done', answer: 'Asked around.' }, { delegated: ['c2', 'c3'], item: { id: 'i1', name: 'i1', subject: 'Find trains', children: ['c1'] } }),
    {
      outcome: 'waiting',
      item: { kind: 'update', fields: { status: 'waiting', children: ['c1', 'c2', 'c3'], checkpoint: 'r-20261121T100000-abcd', error: undefined } },
      logBody: 'Delegated c2, c3 for i1 ("Find trains"); waits for the results.',
      commitSubject: 'researcher: delegated "Find trains" (waits for 2 items)',
    },
  ],
  [
    'one delegated item: singular',
    state({ outcome: 'done', answer: 'x' }, { delegated: ['c2'] }),
    { commitSubject: 'researcher: delegated "Find trains" (waits for 1 item)' },
  ],
  [
    'an approval asked: the item waits for it and the owner is told how to answer',
    state({ outcome: 'ask', approval: 'a-7' }),
    {
      outcome: 'waiting',
      text: "waits for the owner's approval a-7",
      attention: false,
      item: { kind: 'update', fields: { status: 'waiting', approval: 'a-7', checkpoint: 'r-20261121T100000-abcd', error: undefined } },
      message: 'researcher asks for your approval (a-7) while handling "Find trains": aos approve a-7, or aos deny a-7',
      logBody: 'Asked the owner to approve a-7 for i1 ("Find trains"); waits for the answer.',
      commitSubject: 'researcher: waits for approval on "Find trains" (asks approval a-7)',
    },
  ],
  [
    'a checkpoint: the item is new again and resumes from this run',
    state({ outcome: 'checkpoint', reason: 'out of turns' }),
    {
      outcome: 'checkpoint',
      recordError: 'out of turns',
      item: { kind: 'update', fields: { status: 'new', checkpoint: 'r-20261121T100000-abcd', error: undefined } },
      logBody: 'Paused i1 ("Find trains"): out of turns. It resumes from this run next tick.',
      commitSubject: 'researcher: checkpointed "Find trains"',
    },
  ],
  [
    'a failure worth retrying, attempts left: will retry, no attention',
    state({ outcome: 'failed', reason: 'HTTP 529', retry: true }, { item: { id: 'i1', name: 'i1', subject: 'Find trains', attempts: 1 } }),
    {
      outcome: 'failed',
      attention: false,
      recordError: 'HTTP 529',
      item: { kind: 'update', fields: { status: 'new', attempts: 2, error: 'HTTP 529' } },
      logBody: 'Failed i1 ("Find trains") (attempt 2 of 3, will retry): HTTP 529',
      commitSubject: 'researcher: failed "Find trains" (attempt 2 of 3, will retry)',
    },
  ],
  [
    'the last attempt: failed for good, the owner must look',
    state({ outcome: 'failed', reason: 'HTTP 529', retry: true }, { item: { id: 'i1', name: 'i1', subject: 'Find trains', attempts: 2 } }),
    { attention: true, item: { kind: 'update', fields: { status: 'failed', attempts: 3, error: 'HTTP 529' } }, commitSubject: 'researcher: failed "Find trains"' },
  ],
  [
    'a failure not worth retrying: final at the first attempt',
    state({ outcome: 'failed', reason: 'bad request', retry: false }),
    { attention: true, item: { kind: 'update', fields: { status: 'failed', attempts: 1, error: 'bad request' } } },
  ],
];
for (const [name, s, want] of outcomes) {
  test(`planOutcome: ${name}`, () => {
    const plan = planOutcome(s);
    for (const [k, v] of Object.entries(want)) assert.equal(plan[k as keyof OutcomePlan], v, k);
  });
}

test('planOutcome: a long answer is cut in the log, whole in the item', () => {
  const answer = 'x'.repeat(500);
  const plan = planOutcome(state({ outcome: 'done', answer }));
  assert.is(plan.logBody, `Answered i1 ("Find trains"): ${'x'.repeat(399)}…`);
  assert.is(plan.item.kind === 'finish' && plan.item.result, answer);
});

// ---------------------------------------------------------------------------------------------
// budgetSpent

const budgets: [string, { tokens_per_day?: number; usd_per_day?: number }, { tokens: number; usd: number }, string | undefined][] = [
  ['no budget', {}, { tokens: 1e9, usd: 1e9 }, undefined],
  ['under both', { tokens_per_day: 1000, usd_per_day: 1 }, { tokens: 999, usd: 0.99 }, undefined],
  ['tokens reached exactly', { tokens_per_day: 1000 }, { tokens: 1000, usd: 0 }, "chief's daily token budget (1000) is spent"],
  ['cost reached', { usd_per_day: 0.5 }, { tokens: 0, usd: 0.6 }, "chief's daily cost budget ($0.5) is spent"],
  ['both: tokens named first', { tokens_per_day: 10, usd_per_day: 0.5 }, { tokens: 10, usd: 0.6 }, "chief's daily token budget (10) is spent"],
];
for (const [name, budget, spent, want] of budgets) test(`budgetSpent: ${name}`, () => assert.is(budgetSpent('chief', budget, spent), want));

// ---------------------------------------------------------------------------------------------
// crossCheck

const agent = (id: string, over: { schedule?: { cron: string }[]; capabilities?: string[] } = {}) => ({
  id,
  file: `agents/${id}.md`,
  front: { schedule: over.schedule ?? [], capabilities: over.capabilities ?? ['memory:*:read'] },
});
const healthy: CrossCheckDocs = { config: { default_agent: 'chief' }, agents: [agent('chief')], inbox: [{ file: 'inbox/a.md', front: { to: 'chief' } }], goals: [{ file: 'goals/g.md', front: { owner: 'chief' } }] };

const checks: [string, CrossCheckDocs, [string, string | undefined][]][] = [
  ['all names resolve', healthy, []],
  ['no config: nothing about it', { ...healthy, config: undefined }, []],
  ['a default agent that does not exist', { ...healthy, config: { default_agent: 'boss' } }, [['aos.yaml', 'default_agent']]],
  ['an item addressed to nobody', { ...healthy, inbox: [{ file: 'inbox/a.md', front: { to: 'ghost' } }, { file: 'inbox/b.md', front: {} }] }, [['inbox/a.md', 'to']]],
  ['a goal owned by nobody', { ...healthy, goals: [{ file: 'goals/g.md', front: { owner: 'ghost' } }] }, [['goals/g.md', 'owner']]],
  ['a bad cron line, by its index', { ...healthy, agents: [agent('chief', { schedule: [{ cron: '0 9 * * *' }, { cron: '99 * * * *' }] })] }, [['agents/chief.md', 'schedule.1.cron']]],
  ['a bad capability', { ...healthy, agents: [agent('chief', { capabilities: ['nonsense'] })] }, [['agents/chief.md', 'capabilities']]],
  ['a bad policy rule', { ...healthy, config: { default_agent: 'chief', policy: { never: ['bogus'] } } }, [['aos.yaml', 'policy']]],
  [
    'in doctor order: config, items, agents, goals',
    { config: { default_agent: 'boss' }, agents: [agent('chief', { capabilities: ['nonsense'] })], inbox: [{ file: 'inbox/a.md', front: { to: 'ghost' } }], goals: [{ file: 'goals/g.md', front: { owner: 'ghost' } }] },
    [['aos.yaml', 'default_agent'], ['inbox/a.md', 'to'], ['agents/chief.md', 'capabilities'], ['goals/g.md', 'owner']],
  ],
];
for (const [name, docs, want] of checks) {
  test(`crossCheck: ${name}`, () => assert.equal(crossCheck(docs).map((p) => [p.file, p.field]), want));
}

// ---------------------------------------------------------------------------------------------
// planSchedules

const daily = (id: string, over: Partial<SchedulingAgent['front']> = {}): SchedulingAgent => ({
  id,
  file: `agents/${id}.md`,
  front: { status: 'active', schedule: [{ cron: '0 6 * * *', task: 'Morning sweep.', missed: 'once' }], ...over },
});
const NOW = new Date('2026-11-21T10:00:00Z');

test('planSchedules: a new entry fires its last slot within a day, as one item for its agent', () => {
  const { create, problems } = planSchedules({ timeZone: 'UTC', agents: [daily('chief')], itemNames: [] }, NOW);
  assert.equal(problems, []);
  assert.is(create.length, 1);
  const p = create[0]!;
  assert.match(p.id, /^20261121T060000-/);
  assert.is(p.file, `inbox/${p.id}.md`);
  assert.is(p.agent, 'chief');
  assert.is(p.slot, '2026-11-21T06:00:00+00:00');
  assert.equal(p.item, { id: p.id, text: 'Morning sweep.', created: '2026-11-21T10:00:00+00:00', from: 'schedule', to: 'chief', kind: 'schedule', slot: p.slot });
  assert.is(p.logBody, 'Scheduled "0 6 * * *" for 2026-11-21T06:00:00+00:00: Morning sweep.');
  assert.is(p.commitSubject, 'chief: scheduled work for 2026-11-21T06:00:00+00:00');
});

test('planSchedules: a slot already filed (pending or done) is not planned again', () => {
  const first = planSchedules({ timeZone: 'UTC', agents: [daily('chief')], itemNames: [] }, NOW).create[0]!;
  assert.equal(planSchedules({ timeZone: 'UTC', agents: [daily('chief')], itemNames: [`${first.id}.md`] }, NOW).create, []);
});

test('planSchedules: missed slots are counted in the last item', () => {
  const first = planSchedules({ timeZone: 'UTC', agents: [daily('chief')], itemNames: [] }, NOW).create[0]!;
  const later = new Date('2026-11-24T10:00:00Z');
  const { create } = planSchedules({ timeZone: 'UTC', agents: [daily('chief')], itemNames: [`${first.id}.md`] }, later);
  assert.is(create.length, 1);
  assert.match(create[0]!.item.text, /\(2 earlier slots were missed while aos was not running\.\)$/);
});

test('planSchedules: paused agents and agents without schedules plan nothing; a bad cron line is its own problem only', () => {
  const agents = [daily('paused', { status: 'paused' }), daily('idle', { schedule: [] }), daily('broken', { schedule: [{ cron: '99 * * * *', task: 'x', missed: 'once' }] }), daily('chief')];
  const { create, problems } = planSchedules({ timeZone: 'UTC', agents, itemNames: [] }, NOW);
  assert.equal(create.map((c) => c.agent), ['chief']);
  assert.equal(problems.map((p) => [p.file, p.field]), [['agents/broken.md', 'schedule.0.cron']]);
});

// ---------------------------------------------------------------------------------------------
// planRuns

const roster: RosterEntry[] = [
  { id: 'chief', handles: [], status: 'active' },
  { id: 'researcher', handles: ['find *'], status: 'active' },
  { id: 'coder', handles: [], status: 'paused' },
];
const item = (id: string, subject: string, front: Partial<RunCandidate['front']> = {}, over: Partial<RunCandidate> = {}): RunCandidate => ({
  id,
  subject,
  front: { from: 'owner', kind: 'task', priority: 'normal', created: '2026-11-21T10:00:00+00:00', ...front },
  resuming: false,
  ...over,
});

const runPlans: [string, RunCandidate[], Record<string, string | undefined>, number, unknown[]][] = [
  ['nothing pending', [], {}, 50, []],
  [
    "owner's items first, then schedules; by priority, then id",
    [item('c-sched', 'sweep', { from: 'schedule', kind: 'schedule', to: 'chief' }), item('b', 'find a', { priority: 'low' }), item('a', 'plan', { priority: 'urgent' })],
    {},
    50,
    [
      { item: 'a', agent: 'chief', via: 'default' },
      { item: 'b', agent: 'researcher', via: 'handles' },
      { item: 'c-sched', agent: 'chief', via: 'to' },
    ],
  ],
  ['blocked: its reason, no agent', [item('a', 'x', {}, { blocked: 'waits for delegated work: c1' })], {}, 50, [{ item: 'a', wait: 'waits for delegated work: c1' }]],
  ['addressed to a paused agent', [item('a', 'x', { to: 'coder' })], {}, 50, [{ item: 'a', wait: 'it is addressed to coder, which is paused' }]],
  ["an agent whose budget is spent: it runs tomorrow", [item('a', 'find x')], { researcher: 'spent' }, 50, [{ item: 'a', wait: 'spent; it runs tomorrow' }]],
  [
    'the per-tick cap: the rest waits',
    [item('a', 'x'), item('b', 'y'), item('c', 'z', {}, { blocked: 'no' })],
    {},
    1,
    [
      { item: 'a', agent: 'chief', via: 'default' },
      { item: 'b', wait: 'the tick runs at most 1 items; it waits for the next tick' },
      { item: 'c', wait: 'no' },
    ],
  ],
];
for (const [name, items, spent, max, want] of runPlans) test(`planRuns: ${name}`, () => assert.equal(planRuns(items, roster, 'chief', spent, max), want));

test.run();
