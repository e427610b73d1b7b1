// Table tests for schedules: cron validation, keys, slots across DST, catch-up policies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cron } from 'croner';
import {
  cronProblem,
  scheduleKey,
  slotsBetween,
  dueSlots,
  nextSlot,
  CATCH_UP_MAX,
  type ScheduleEntry,
} from '../../cli/core/runs/schedule.js';

const d = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((x) => x.toISOString().replace(':00.000Z', 'Z'));
const LIS = 'Europe/Lisbon'; // UTC+0 in winter, UTC+1 from 2026-03-29 01:00Z to 2026-10-25 01:00Z

// ---------------------------------------------------------------------------------------------
// cronProblem

const valid = [
  '0 9 * * 1',
  '*/15 9-17 * * MON-FRI',
  '0 0 1 JAN,jul *',
  '0 0 * * 7',
  '0 0 * * 0-7/2',
  '5,10-20/5 * * * *',
  '*/60 * * * *',
  '30 1 * * *',
  '0 0 29 2 *',
  '0 0 31 4 1',
  '  0  9 * *\t1 ',
  '@daily',
  '@hourly',
  '@weekly',
  '@yearly',
];
for (const expr of valid) {
  test(`cron ${JSON.stringify(expr)} is valid`, () => {
    assert.is(cronProblem(expr), undefined);
  });
}

const invalid: [string, RegExp][] = [
  ['61 * * * *', /^minute "61" is out of range 0-59$/],
  ['-1 * * * *', /minute "-1" is out of range 0-59/],
  ['0 24 * * *', /hour "24" is out of range 0-23/],
  ['0 9 0 * *', /day-of-month "0" is out of range 1-31/],
  ['0 9 32 * *', /day-of-month "32" is out of range 1-31/],
  ['0 9 * 13 *', /month "13" is out of range 1-12/],
  ['0 9 * * 8', /day-of-week "8" is out of range 0-7/],
  ['0 0 9 * * 1', /6 fields; seconds/],
  ['0 0 9 * * 1 2026', /7 fields/],
  ['* * * *', /4 fields, expected 5/],
  ['every monday', /2 fields, expected 5/],
  ['', /empty/],
  ['   ', /empty/],
  ['@reboot', /@reboot/],
  ['@fortnightly', /unknown nickname "@fortnightly"/],
  ['a b c d e', /minute "a" is not a number/],
  ['0 MON * * *', /hour "MON" is not a number/],
  ['0 9 * MON *', /month "MON" is not a number or month name/],
  ['0 9 * * FOO', /day-of-week "FOO" is not a number or day name/],
  ['0 9 * * JUL', /day-of-week "JUL" is not a number or day name/],
  ['0 9 * * 5L', /non-standard/],
  ['1.5 * * * *', /minute "1.5" is not a number/],
  ['0 9 L * *', /non-standard/],
  ['0 9 15W * *', /non-standard/],
  ['0 9 * * 5#2', /non-standard/],
  ['0 9 ? * *', /non-standard/],
  ['0 9 1 * +MON', /non-standard/],
  ['*/0 * * * *', /step "\*\/0" must be 1 or more/],
  ['*/61 * * * *', /step "\*\/61" is larger than 60/],
  ['5/15 * * * *', /step "5\/15" needs "\*" or a range/],
  ['5-1 * * * *', /range "5-1" runs backwards/],
  ['0 9 * * 7-1', /day-of-week range "7-1" runs backwards/],
  ['1,,2 * * * *', /empty list entry/],
  ['0 0 30 2 *', /day-of-month "30" never occurs in month "2"/],
  ['0 0 31 4,6 *', /never occurs/],
];
for (const [expr, want] of invalid) {
  test(`cron ${JSON.stringify(expr)} is refused`, () => {
    const p = cronProblem(expr);
    assert.ok(p, 'expected a problem');
    assert.match(p!, want);
  });
}

// ---------------------------------------------------------------------------------------------
// scheduleKey

const researcher = { cron: '0 9 * * 1', task: "Follow up on last week's open questions in the log." };
const keyCases: [string, () => void][] = [
  ['has 6 chars of [a-z0-9]', () => assert.match(scheduleKey('researcher', researcher), /^[a-z0-9]{6}$/)],
  ['is stable (pinned)', () => assert.is(scheduleKey('researcher', researcher), '0k8dl1')],
  ['hashes UTF-8 (pinned)', () => assert.is(scheduleKey('chef', { cron: '0 9 * * 1', task: 'Plan the week’s menu ✓' }), 'qu3wax')],
  ['ignores surrounding white space', () => assert.is(scheduleKey('researcher', { cron: ' 0 9 * * 1 ', task: ` ${researcher.task}\n` }), '0k8dl1')],
  ['differs when the task differs', () => assert.is.not(scheduleKey('researcher', { ...researcher, task: 'x' }), '0k8dl1')],
  ['differs when the cron differs', () => assert.is.not(scheduleKey('researcher', { ...researcher, cron: '0 9 * * 2' }), '0k8dl1')],
  ['differs when the agent differs', () => assert.is.not(scheduleKey('coder', researcher), '0k8dl1')],
];
for (const [name, check] of keyCases) test(`scheduleKey ${name}`, check);

// ---------------------------------------------------------------------------------------------
// slotsBetween

const between: [string, string, string, string, string, number, string[]][] = [
  // name, cron, zone, after, until, max, slots
  ['Lisbon spring forward: 01:30 does not exist, runs at 02:00 WEST', '30 1 * * *', LIS, '2026-03-27T12:00Z', '2026-03-31T12:00Z', 10,
    ['2026-03-28T01:30Z', '2026-03-29T01:00Z', '2026-03-30T00:30Z', '2026-03-31T00:30Z']],
  ['Lisbon fall back: 01:30 happens twice, runs once', '30 1 * * *', LIS, '2026-10-23T12:00Z', '2026-10-27T12:00Z', 10,
    ['2026-10-24T00:30Z', '2026-10-25T00:30Z', '2026-10-26T01:30Z', '2026-10-27T01:30Z']],
  ['Lisbon fall back: an interval job runs on both passes', '*/30 1 * * *', LIS, '2026-10-24T12:00Z', '2026-10-25T12:00Z', 10,
    ['2026-10-25T00:00Z', '2026-10-25T00:30Z', '2026-10-25T01:00Z', '2026-10-25T01:30Z']],
  ['Lisbon spring forward: an interval job skips the gap', '*/30 1 * * *', LIS, '2026-03-28T12:00Z', '2026-03-29T12:00Z', 10, []],
  ['UTC has no DST', '30 1 * * *', 'UTC', '2026-03-27T12:00Z', '2026-03-31T12:00Z', 10,
    ['2026-03-28T01:30Z', '2026-03-29T01:30Z', '2026-03-30T01:30Z', '2026-03-31T01:30Z']],
  ['UTC across October', '30 1 * * *', 'UTC', '2026-10-24T00:00Z', '2026-10-26T00:00Z', 10, ['2026-10-24T01:30Z', '2026-10-25T01:30Z']],
  ['after is exclusive, until inclusive', '0 9 * * *', 'UTC', '2026-01-01T09:00Z', '2026-01-03T09:00Z', 10, ['2026-01-02T09:00Z', '2026-01-03T09:00Z']],
  ['keeps the newest max', '0 * * * *', 'UTC', '2026-01-01T00:00Z', '2026-01-01T10:00Z', 3, ['2026-01-01T08:00Z', '2026-01-01T09:00Z', '2026-01-01T10:00Z']],
  ['max 0', '0 * * * *', 'UTC', '2026-01-01T00:00Z', '2026-01-01T10:00Z', 0, []],
  ['until before after', '0 * * * *', 'UTC', '2026-01-01T10:00Z', '2026-01-01T00:00Z', 5, []],
  ['day-of-month OR day-of-week when both are restricted', '0 9 1 * 1', 'UTC', '2025-12-31T12:00Z', '2026-01-31T12:00Z', 10,
    ['2026-01-01T09:00Z', '2026-01-05T09:00Z', '2026-01-12T09:00Z', '2026-01-19T09:00Z', '2026-01-26T09:00Z']],
  ['day names', '0 9 * * SAT,sun', 'UTC', '2026-01-01T00:00Z', '2026-01-05T00:00Z', 10, ['2026-01-03T09:00Z', '2026-01-04T09:00Z']],
  ['7 is Sunday', '0 9 * * 7', 'UTC', '2026-01-01T00:00Z', '2026-01-08T00:00Z', 10, ['2026-01-04T09:00Z']],
  ['@daily in Lisbon summer time', '@daily', LIS, '2026-06-01T00:00Z', '2026-06-03T00:00Z', 10, ['2026-06-01T23:00Z', '2026-06-02T23:00Z']],
  ['Lord Howe: a half-hour DST gap', '15 2 * * *', 'Australia/Lord_Howe', '2026-10-02T12:00Z', '2026-10-05T12:00Z', 10,
    ['2026-10-02T15:45Z', '2026-10-03T15:30Z', '2026-10-04T15:15Z']],
];
for (const [name, cron, zone, after, until, max, want] of between) {
  test(`slotsBetween: ${name}`, () => {
    assert.equal(iso(slotsBetween(cron, zone, d(after), d(until), max)), want);
  });
}

// "Fast" is this process's CPU time, not the wall clock: on a busy machine the wall clock also counts
// the time other processes held the cores, and the test failed for no fault of the code.
const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

test('slotsBetween: a week of minutely slots is fast', () => {
  const t = process.cpuUsage();
  const slots = slotsBetween('* * * * *', LIS, d('2026-03-26T00:00Z'), d('2026-04-02T00:00Z'), CATCH_UP_MAX);
  assert.is(slots.length, CATCH_UP_MAX);
  assert.is(slots.at(-1)!.toISOString(), '2026-04-02T00:00:00.000Z');
  assert.ok(cpuMs(t) < 50, `took ${cpuMs(t)} ms`);
});

const throwing: [string, () => unknown, RegExp][] = [
  ['an invalid cron', () => slotsBetween('61 * * * *', 'UTC', d('2026-01-01T00:00Z'), d('2026-01-02T00:00Z'), 5), /minute "61"/],
  ['a 6-field cron', () => nextSlot('0 0 9 * * 1', 'UTC', d('2026-01-01T00:00Z')), /6 fields/],
  ['an unknown time zone', () => dueSlots({ cron: '0 9 * * *', task: 't', missed: 'once' }, 'Mars/Olympus', undefined, d('2026-01-01T00:00Z')), /time zone "Mars\/Olympus"/],
];
for (const [name, run, want] of throwing) {
  test(`schedule: ${name} throws a clear error`, () => {
    assert.throws(run, (e: Error) => e.name === 'UserError' && want.test(e.message));
  });
}

// ---------------------------------------------------------------------------------------------
// dueSlots

const due: [string, string, ScheduleEntry['missed'], string, string | undefined, string, string[], number][] = [
  // name, cron, policy, zone, lastFired, now, fire, missed
  ['new schedule added on a Wednesday does not replay Monday', '0 9 * * 1', 'once', LIS, undefined, '2026-01-07T10:00Z', [], 0],
  ['new schedule added on a Wednesday does not replay Monday (all)', '0 9 * * 1', 'all', LIS, undefined, '2026-01-07T10:00Z', [], 0],
  ['new schedule added on a Wednesday does not replay Monday (skip)', '0 9 * * 1', 'skip', LIS, undefined, '2026-01-07T10:00Z', [], 0],
  ['new schedule added Monday 10:00 fires the 09:00 slot', '0 9 * * 1', 'once', LIS, undefined, '2026-01-05T10:00Z', ['2026-01-05T09:00Z'], 0],
  ['new schedule added Monday 10:00 fires the 09:00 slot (all)', '0 9 * * 1', 'all', LIS, undefined, '2026-01-05T10:00Z', ['2026-01-05T09:00Z'], 0],
  ['new schedule added Monday 10:00 fires the 09:00 slot (skip, 60 min)', '0 9 * * 1', 'skip', LIS, undefined, '2026-01-05T10:00Z', ['2026-01-05T09:00Z'], 0],
  ['new schedule in summer time (09:00 WEST is 08:00Z)', '0 9 * * 1', 'once', LIS, undefined, '2026-06-08T08:30Z', ['2026-06-08T08:00Z'], 0],
  ['new schedule: a slot just over 24 h ago is history', '0 9 * * 1', 'once', LIS, undefined, '2026-01-06T09:00:01Z', [], 0],
  ['new hourly schedule (all) fires the last 24 h', '0 * * * *', 'all', 'UTC', undefined, '2026-01-05T10:30Z',
    Array.from({ length: 24 }, (_, i) => new Date(Date.parse('2026-01-04T11:00Z') + i * 3600_000).toISOString().replace(':00.000Z', 'Z')), 0],
  ['laptop asleep a week (once)', '0 9 * * *', 'once', LIS, '2026-01-01T09:00Z', '2026-01-08T12:00Z', ['2026-01-08T09:00Z'], 6],
  ['laptop asleep a week (all)', '0 9 * * *', 'all', LIS, '2026-01-01T09:00Z', '2026-01-08T12:00Z',
    ['2026-01-02T09:00Z', '2026-01-03T09:00Z', '2026-01-04T09:00Z', '2026-01-05T09:00Z', '2026-01-06T09:00Z', '2026-01-07T09:00Z', '2026-01-08T09:00Z'], 0],
  ['laptop asleep a week (skip)', '0 9 * * *', 'skip', LIS, '2026-01-01T09:00Z', '2026-01-08T12:00Z', [], 7],
  ['laptop asleep a week, woken 59 min after a slot (skip)', '0 9 * * *', 'skip', LIS, '2026-01-01T09:00Z', '2026-01-08T09:59Z', ['2026-01-08T09:00Z'], 6],
  ['tick exactly at the slot (once)', '0 9 * * *', 'once', LIS, '2026-01-07T09:00Z', '2026-01-08T09:00Z', ['2026-01-08T09:00Z'], 0],
  ['tick exactly at the slot (all)', '0 9 * * *', 'all', LIS, '2026-01-07T09:00Z', '2026-01-08T09:00Z', ['2026-01-08T09:00Z'], 0],
  ['tick exactly at the slot (skip)', '0 9 * * *', 'skip', LIS, '2026-01-07T09:00Z', '2026-01-08T09:00Z', ['2026-01-08T09:00Z'], 0],
  ['tick a second before the slot', '0 9 * * *', 'once', LIS, '2026-01-07T09:00Z', '2026-01-08T08:59:59Z', [], 0],
  ['skip: 59 minutes after the slot fires', '0 9 * * *', 'skip', LIS, '2026-01-07T09:00Z', '2026-01-08T09:59Z', ['2026-01-08T09:00Z'], 0],
  ['skip: 60 minutes after the slot fires', '0 9 * * *', 'skip', LIS, '2026-01-07T09:00Z', '2026-01-08T10:00Z', ['2026-01-08T09:00Z'], 0],
  ['skip: 61 minutes after the slot is missed', '0 9 * * *', 'skip', LIS, '2026-01-07T09:00Z', '2026-01-08T10:01Z', [], 1],
  ['lastFired is the latest slot: no double fire (once)', '0 9 * * *', 'once', LIS, '2026-01-08T09:00Z', '2026-01-08T09:04Z', [], 0],
  ['lastFired is the latest slot: no double fire (all)', '0 9 * * *', 'all', LIS, '2026-01-08T09:00Z', '2026-01-08T09:04Z', [], 0],
  ['lastFired is the latest slot: no double fire (skip)', '0 9 * * *', 'skip', LIS, '2026-01-08T09:00Z', '2026-01-08T09:04Z', [], 0],
  ['lastFired is the latest slot, tick at that very time', '0 9 * * *', 'all', LIS, '2026-01-08T09:00Z', '2026-01-08T09:00Z', [], 0],
  ['lastFired after now (clock set back)', '0 9 * * *', 'all', LIS, '2026-01-09T09:00Z', '2026-01-08T12:00Z', [], 0],
  ['all across spring forward', '30 1 * * *', 'all', LIS, '2026-03-27T01:30Z', '2026-03-31T12:00Z',
    ['2026-03-28T01:30Z', '2026-03-29T01:00Z', '2026-03-30T00:30Z', '2026-03-31T00:30Z'], 0],
  ['all across fall back: no second 01:30', '30 1 * * *', 'all', LIS, '2026-10-24T00:30Z', '2026-10-26T12:00Z', ['2026-10-25T00:30Z', '2026-10-26T01:30Z'], 0],
  ['once with 48 due hourly slots', '0 * * * *', 'once', 'UTC', '2026-01-01T00:00Z', '2026-01-03T00:00Z', ['2026-01-03T00:00Z'], 47],
  ['skip with 48 due hourly slots, the latest just now', '0 * * * *', 'skip', 'UTC', '2026-01-01T00:00Z', '2026-01-03T00:10Z', ['2026-01-03T00:00Z'], 47],
  ['all is capped at 24, the newest, the rest missed', '0 * * * *', 'all', 'UTC', '2026-01-01T00:00Z', '2026-01-03T00:00Z',
    Array.from({ length: 24 }, (_, i) => new Date(Date.parse('2026-01-02T01:00Z') + i * 3600_000).toISOString().replace(':00.000Z', 'Z')), 24],
];
for (const [name, cron, missed, zone, lastFired, now, fire, missedCount] of due) {
  test(`dueSlots: ${name}`, () => {
    const r = dueSlots({ cron, task: 't', missed }, zone, lastFired ? d(lastFired) : undefined, d(now));
    assert.equal(iso(r.fire), fire);
    assert.is(r.missed, missedCount);
  });
}

test('dueSlots: all, a year asleep, looks back 366 days at most', () => {
  const r = dueSlots({ cron: '0 9 * * *', task: 't', missed: 'all' }, 'UTC', d('2024-01-01T09:00Z'), d('2026-01-08T12:00Z'));
  assert.is(r.fire.length, CATCH_UP_MAX);
  assert.is(r.fire[0]!.toISOString(), '2025-12-16T09:00:00.000Z');
  assert.is(r.fire.at(-1)!.toISOString(), '2026-01-08T09:00:00.000Z');
  assert.is(r.missed, 366 - CATCH_UP_MAX);
});

test('dueSlots: a week of minutely slots across DST is counted exactly and fast', () => {
  dueSlots({ cron: '* * * * *', task: 't', missed: 'all' }, 'UTC', d('2026-01-01T00:00Z'), d('2026-01-02T00:00Z')); // warm up
  const t = process.cpuUsage();
  const r = dueSlots({ cron: '* * * * *', task: 't', missed: 'all' }, LIS, d('2026-03-26T00:00Z'), d('2026-04-02T00:00Z'));
  const ms = cpuMs(t);
  assert.is(r.fire.length, CATCH_UP_MAX);
  assert.is(r.fire.at(-1)!.toISOString(), '2026-04-02T00:00:00.000Z');
  assert.is(r.missed, 7 * 1440 - CATCH_UP_MAX);
  assert.ok(ms < 50, `took ${ms} ms`);
});

// The count of missed slots is computed without stepping through each slot; croner stepping is the reference.
const counts: [string, string, string, string][] = [
  ['*/7 * * * *', LIS, '2026-03-28T00:00Z', '2026-03-30T00:00Z'],
  ['*/7 * * * *', LIS, '2026-10-24T00:00Z', '2026-10-26T00:00Z'],
  ['*/30 0-2 * * *', LIS, '2026-03-20T00:00Z', '2026-04-05T00:00Z'],
  ['*/30 0-2 * * *', LIS, '2026-10-15T00:00Z', '2026-11-01T00:00Z'],
  ['30 1 * * *', LIS, '2026-02-01T00:00Z', '2026-04-15T00:00Z'],
  ['30 1 * * *', LIS, '2026-09-01T00:00Z', '2026-11-15T00:00Z'],
  ['30 0-2 * * *', LIS, '2026-03-20T00:00Z', '2026-04-05T00:00Z'],
  ['30 0-2 * * *', LIS, '2026-10-15T00:00Z', '2026-11-01T00:00Z'],
  ['15,45 1-3 * * 0', 'America/New_York', '2026-01-01T00:00Z', '2026-12-31T00:00Z'],
  ['0 9 13 * 5', 'UTC', '2026-01-01T00:00Z', '2026-12-31T00:00Z'],
  ['0 9 */2 * MON', LIS, '2026-01-01T00:00Z', '2026-12-31T00:00Z'],
  ['*/10 1-2 * * *', 'Australia/Lord_Howe', '2026-03-25T00:00Z', '2026-04-15T00:00Z'],
  ['*/10 1-2 * * *', 'Australia/Lord_Howe', '2026-09-25T00:00Z', '2026-10-15T00:00Z'],
  ['15 2 * * *', 'Australia/Lord_Howe', '2026-09-01T00:00Z', '2026-10-20T00:00Z'],
  ['*/5 * * * *', 'Asia/Kathmandu', '2026-01-01T00:17Z', '2026-01-02T03:00Z'],
  ['45 2 * * *', 'Pacific/Chatham', '2026-03-01T00:00Z', '2026-05-01T00:00Z'],
  ['0 3 * * *', 'Pacific/Chatham', '2026-09-01T00:00Z', '2026-10-31T00:00Z'],
];
for (const [cron, zone, after, until] of counts) {
  test(`dueSlots counts ${JSON.stringify(cron)} in ${zone} from ${after} as croner does`, () => {
    const c = new Cron(cron, { timezone: zone, paused: true, mode: '5-part', fixedTimeRule: 'no-wildcard' });
    let want = 0;
    for (let s = c.nextRun(d(after)); s && s <= d(until); s = c.nextRun(s)) want++;
    assert.ok(want > CATCH_UP_MAX, `a case must have more than ${CATCH_UP_MAX} slots (has ${want})`);
    const r = dueSlots({ cron, task: 't', missed: 'all' }, zone, d(after), d(until));
    assert.is(r.fire.length + r.missed, want);
  });
}

// ---------------------------------------------------------------------------------------------
// nextSlot

const next: [string, string, string, string, string | undefined][] = [
  ['next Monday from a Wednesday', '0 9 * * 1', LIS, '2026-01-07T10:00Z', '2026-01-12T09:00Z'],
  ['next Monday in summer time', '0 9 * * 1', LIS, '2026-06-03T00:00Z', '2026-06-08T08:00Z'],
  ['exactly at a slot: the one after', '0 9 * * 1', LIS, '2026-01-12T09:00Z', '2026-01-19T09:00Z'],
  ['half a second after a slot: the one after', '0 9 * * 1', LIS, '2026-01-12T09:00:00.500Z', '2026-01-19T09:00Z'],
  ['into the spring-forward gap', '30 1 * * *', LIS, '2026-03-28T12:00Z', '2026-03-29T01:00Z'],
  ['29 February', '0 0 29 2 *', 'UTC', '2026-01-01T00:00Z', '2028-02-29T00:00Z'],
];
for (const [name, cron, zone, now, want] of next) {
  test(`nextSlot: ${name}`, () => {
    const s = nextSlot(cron, zone, d(now));
    assert.is(s && iso([s])[0], want);
  });
}

test.run();
