// The heartbeat verdict and the schedule's "never before the home existed", as tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { heartbeatWarning, tickOutcome, type LastTick } from '../../cli/core/runs/heartbeat.js';
import { dueSlots } from '../../cli/core/runs/schedule.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000);
const tickAt = (min: number): LastTick => ({ time: ago(min).toISOString(), outcome: 'idle', runs: 0 });

test('heartbeatWarning: silent within 3 intervals, a warning after; the home age stands in for a first tick', () => {
  const cases: [LastTick | undefined, Date | undefined, number, RegExp | undefined][] = [
    [tickAt(1), undefined, 5, undefined],
    [tickAt(15), undefined, 5, undefined],
    [tickAt(16), undefined, 5, /^no tick has run for 16 minutes \(expected every 5 minutes/],
    [tickAt(16), undefined, 10, undefined],
    [tickAt(300), undefined, 5, /for 5 hours/],
    [undefined, ago(2), 5, undefined],
    [undefined, ago(60), 5, /since the home was made 60 minutes ago/],
    [undefined, undefined, 5, undefined],
    [{ time: 'garbage', outcome: 'idle', runs: 0 }, undefined, 5, undefined],
  ];
  for (const [last, created, interval, want] of cases) {
    const got = heartbeatWarning(last, created, NOW, interval);
    if (want) assert.match(got ?? '', want);
    else assert.is(got, undefined, JSON.stringify([last, created, interval]));
  }
});

test('tickOutcome', () => {
  assert.is(tickOutcome({ attention: false, did: 0 }), 'idle');
  assert.is(tickOutcome({ attention: false, did: 2 }), 'worked');
  assert.is(tickOutcome({ attention: true, did: 0 }), 'attention');
});

test('dueSlots: a slot before notBefore (the home made) never fires; one after does', () => {
  const entry = { cron: '30 6 * * *', task: 't', missed: 'once' as const };
  const now = new Date('2026-11-21T09:00:00Z');
  assert.is(dueSlots(entry, 'UTC', undefined, now).fire.length, 1, 'without a creation time: the last 24 hours');
  assert.is(dueSlots(entry, 'UTC', undefined, now, new Date('2026-11-21T08:00:00Z')).fire.length, 0);
  assert.equal(dueSlots(entry, 'UTC', undefined, now, new Date('2026-11-21T06:00:00Z')).fire, [new Date('2026-11-21T06:30:00Z')]);
  assert.is(dueSlots(entry, 'UTC', new Date('2026-11-20T06:30:00Z'), now, new Date('2026-11-21T08:00:00Z')).fire.length, 0, 'the later of the two wins');
});

test.run();
