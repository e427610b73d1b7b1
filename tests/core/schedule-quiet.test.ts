// The tick's schedule shortcut (issue 24): after a tick that planned nothing, the next ticks skip the
// plan while the inputs are the same and the recorded next slot has not come. These tests simulate
// ticks over weeks of a clock, pure, and check the shortcut never hides a slot the full plan would
// fire, for every kind of entry, and that every change to an input ends it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextScheduleDue, planSchedules, type SchedulingAgent, type ScheduleState } from '../../cli/core/runs/tickplan.js';
import { scheduleInputs, schedulesQuiet, type ScheduleQuiet } from '../../cli/core/runs/schedulekeys.js';
import type { ScheduleEntry } from '../../cli/core/runs/schedule.js';

const MIN = 60_000;
const agent = (id: string, schedule: ScheduleEntry[], status = 'active'): SchedulingAgent => ({ id, file: `agents/${id}.md`, front: { status, schedule } });

/**
 * Ticks from `start` every `step` minutes (with a jitter, so ticks fall on, just before and just after
 * slots) for `ticks` ticks, filing what each plan creates. Returns how many ticks took the shortcut;
 * fails if the shortcut was taken where the full plan creates an item or names a problem.
 */
function simulate(timeZone: string, agents: SchedulingAgent[], start: string, step: number, ticks: number, created?: Date): number {
  const names: string[] = [];
  let recorded: ScheduleQuiet | undefined;
  let quietTicks = 0;
  let t = Date.parse(start);
  for (let i = 0; i < ticks; i++) {
    t += step * MIN + ((i * 7919) % 61) * 1000 - 30_000;
    const now = new Date(t);
    const state: ScheduleState = { timeZone, agents, itemNames: [...names], created };
    const inputs = scheduleInputs(state);
    const plan = planSchedules(state, now);
    if (schedulesQuiet(recorded, inputs, now)) {
      quietTicks++;
      assert.equal(plan.create.map((p) => p.id), [], `the shortcut hid a due slot at ${now.toISOString()}`);
      assert.equal(plan.problems, [], `the shortcut hid a problem at ${now.toISOString()}`);
      continue;
    }
    const next = plan.create.length || plan.problems.length ? undefined : nextScheduleDue(state, now);
    recorded = next === undefined ? undefined : { inputs, next_due: next };
    names.push(...plan.create.map((p) => `${p.id}.md`));
  }
  return quietTicks;
}

const kinds: [string, string, ScheduleEntry[], number][] = [
  ['a daily entry (missed once)', 'UTC', [{ cron: '0 6 * * *', task: 'Morning sweep.', missed: 'once' }], 37],
  ['an hourly entry at an odd minute (missed all)', 'Europe/Lisbon', [{ cron: '17 * * * *', task: 'Hourly.', missed: 'all' }], 23],
  ['every 15 minutes (missed skip)', 'America/New_York', [{ cron: '*/15 * * * *', task: 'Often.', missed: 'skip' }], 4],
  ['weekly and monthly together', 'Australia/Lord_Howe', [{ cron: '0 9 * * 1', task: 'Weekly.', missed: 'once' }, { cron: '30 2 1 * *', task: 'Monthly.', missed: 'all' }], 53],
  ['a skip entry ticked rarely (slots past their grace)', 'UTC', [{ cron: '0 */6 * * *', task: 'Six-hourly.', missed: 'skip' }], 97],
];

for (const [what, tz, entries, step] of kinds) {
  test(`schedule shortcut: ${what}: never hides a slot the plan would fire, across a DST change`, () => {
    // Across the end of summer time in Europe (25 October 2026) and the US (1 November 2026).
    const [start, days] = tz === 'America/New_York' ? ['2026-10-31T12:00:00Z', 1.5] : ['2026-10-22T00:00:00Z', 6];
    const quiet = simulate(tz, [agent('chief', entries), agent('coach', entries.slice(0, 1))], start, step, Math.ceil((days * 24 * 60) / step));
    assert.ok(quiet > 0, 'the shortcut was never taken');
  });
}

test('schedule shortcut: a home made recently (slots before it never fire) is simulated alike', () => {
  simulate('UTC', [agent('chief', [{ cron: '0 * * * *', task: 'Hourly.', missed: 'all' }])], '2026-11-01T00:00:00Z', 23, 200, new Date('2026-11-01T05:10:00Z'));
});

test('schedule shortcut: every change to an input ends it', () => {
  const entry: ScheduleEntry = { cron: '0 6 * * *', task: 'Morning sweep.', missed: 'once' };
  const base: ScheduleState = { timeZone: 'UTC', agents: [agent('chief', [entry])], itemNames: ['20261121T060000-zzzzzz.md'] };
  const now = new Date('2026-11-21T10:00:00Z');
  const key = planSchedules({ ...base, itemNames: [] }, now).create[0]!.id.slice(16);
  const filed = { ...base, itemNames: [`20261121T060000-${key}.md`] };
  assert.equal(planSchedules(filed, now).create, []);
  const recorded = { inputs: scheduleInputs(filed), next_due: nextScheduleDue(filed, now)! };
  assert.is(new Date(recorded.next_due).toISOString(), '2026-11-22T06:00:00.000Z');
  assert.ok(schedulesQuiet(recorded, scheduleInputs(filed), new Date('2026-11-22T05:59:59Z')));
  assert.not.ok(schedulesQuiet(recorded, scheduleInputs(filed), new Date('2026-11-22T06:00:00Z')), 'the next slot has come');
  const changed: [string, ScheduleState][] = [
    ['the time zone', { ...filed, timeZone: 'Asia/Tokyo' }],
    ['the cron', { ...filed, agents: [agent('chief', [{ ...entry, cron: '0 7 * * *' }])] }],
    ['the task', { ...filed, agents: [agent('chief', [{ ...entry, task: 'Evening sweep.' }])] }],
    ['the missed rule', { ...filed, agents: [agent('chief', [{ ...entry, missed: 'all' }])] }],
    ['an entry added', { ...filed, agents: [agent('chief', [entry, { ...entry, cron: '0 8 * * *' }])] }],
    ['an agent with a schedule added', { ...filed, agents: [agent('chief', [entry]), agent('coach', [entry])] }],
    ['the agent paused', { ...filed, agents: [agent('chief', [entry], 'paused')] }],
    ['its last item removed', { ...filed, itemNames: [] }],
    ['a newer item of the entry filed', { ...filed, itemNames: [...filed.itemNames, `20261121T090000-${key}.md`] }],
    ['the creation time', { ...filed, created: new Date('2026-11-20T00:00:00Z') }],
  ];
  for (const [what, state] of changed) assert.not.ok(schedulesQuiet(recorded, scheduleInputs(state), now), what);
  // Items of other entries or none do not matter.
  assert.ok(schedulesQuiet(recorded, scheduleInputs({ ...filed, itemNames: [...filed.itemNames, '20261121T090000-other1.md', '20261121T090000-hand.md'] }), now));
  assert.not.ok(schedulesQuiet(undefined, scheduleInputs(filed), now), 'nothing recorded');
});

test.run();
