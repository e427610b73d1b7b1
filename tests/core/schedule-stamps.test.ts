// lastFiredStamps (one pass over the item names for every entry, issue 24) answers what
// lastFiredStamp answers for each key alone, over names of every shape a folder may hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastFiredStamp, lastFiredStamps, scheduleInputs, scheduleInputsOf, scheduleKey, scheduleKeys } from '../../cli/core/runs/schedulekeys.js';

const keys = ['abc123', 'zz0000', '000000', scheduleKey('chief', { cron: '0 9 * * *', task: 'Plan the day.' })];
let seed = 7;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

function randomName(): string {
  const stamp = `2026${String(1 + rnd(12)).padStart(2, '0')}${String(1 + rnd(28)).padStart(2, '0')}T${String(rnd(240000)).padStart(6, '0')}`;
  const key = pick([...keys, 'abc12', 'abc1234', 'other1', 'hand']);
  return pick([
    `${stamp}-${key}.md`,
    `${stamp}-${key}.md~`,
    `${stamp}-${key}.txt`,
    `${stamp}${key}.md`,
    `-${key}.md`,
    `x-${key}.md`,
    `${stamp}-b${key}.md`,
    `${stamp}--${key}.md`,
    'unsupported',
    `${key}.md`,
  ]);
}

test('lastFiredStamps gives each key what lastFiredStamp gives it', () => {
  for (let round = 0; round < 200; round++) {
    const names = Array.from({ length: rnd(60) }, randomName);
    const all = lastFiredStamps(names, keys);
    for (const k of keys) assert.is(all[k] ?? undefined, lastFiredStamp(names, k), `${k} over ${names.join(' ')}`);
    assert.equal(Object.keys(all).sort(), [...keys].sort(), 'every key and only those');
  }
});

test('scheduleInputsOf with the stamps is scheduleInputs', () => {
  const agents = [
    { id: 'chief', file: 'agents/chief.md', front: { status: 'active', schedule: [{ cron: '0 9 * * *', task: 'Plan the day.', missed: 'once' as const }] } },
    { id: 'coach', file: 'agents/coach.md', front: { status: 'active', schedule: [{ cron: '0 7 * * 1', task: 'Week plan.', missed: 'skip' as const }] } },
    { id: 'off', file: 'agents/off.md', front: { status: 'paused', schedule: [{ cron: '0 7 * * 1', task: 'Never.', missed: 'all' as const }] } },
  ];
  const chiefKey = scheduleKey('chief', agents[0]!.front.schedule[0]!);
  const itemNames = ['20261101T090000-' + chiefKey + '.md', '20261102T090000-' + chiefKey + '.md', '20261102T090000-other1.md'];
  const state = { timeZone: 'Europe/Berlin', agents, itemNames, created: new Date('2026-10-01T00:00:00Z') };
  assert.equal(scheduleKeys(agents), [chiefKey, scheduleKey('coach', agents[1]!.front.schedule[0]!)]);
  assert.is(scheduleInputsOf(state, lastFiredStamps(itemNames, scheduleKeys(agents))), scheduleInputs(state));
  assert.match(scheduleInputs(state), /20261102T090000/);
});

test.run();
