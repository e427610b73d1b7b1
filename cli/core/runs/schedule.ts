// Agents' schedules: which cron slots are due at a tick. Pure: the clock is always passed in.
//
// Cron is the classic 5-field form (minute hour day-of-month month day-of-week), read in the
// owner's IANA time zone by croner. croner is told exactly what it may read:
// - mode "5-part": a sixth field is never taken for seconds (nor a seventh for years).
// - domAndDow false: day-of-month and day-of-week restricted together match either (crontab(5));
//   a field counts as unrestricted only when it is exactly "*".
// - fixedTimeRule "no-wildcard": as in Vixie cron, a job with no "*" or step in its minute and
//   hour fields is a fixed-time job: across a DST change it runs once when a time repeats
//   (at its first occurrence) and, when its time does not exist, at the end of the gap.
//   Other jobs (e.g. "*/15 * * * *") run on both passes of a repeated hour and skip a gap.
// - paused, no callback, no name: croner starts no timer and keeps no global list.
//
// Cost: croner steps from slot to slot at roughly 50-100 µs a step in a named time zone, so
// slots are never enumerated across a long window. The newest slots are found by stepping
// back from the end (at most `max` steps); a large count of missed slots is computed from
// croner's parsed fields, a day at a time, in stretches where the UTC offset is constant
// (for fixed-time jobs croner steps through the minutes around each DST change). A week of
// minutely slots takes a few ms. dueSlots looks back at most MAX_SCAN_DAYS (366): older slots
// are neither fired nor counted as missed.
import { Cron, CronPattern } from 'croner';
import { UserError } from '../../errors.js';
import { formatter } from '../docs/time.js';

export interface ScheduleEntry {
  cron: string;
  task: string;
  missed: 'once' | 'all' | 'skip';
}

export const NEW_SCHEDULE_LOOKBACK_HOURS = 24;
export const SKIP_GRACE_MINUTES = 60;
export const CATCH_UP_MAX = 24;
/** How far back dueSlots looks, however long ago the entry last fired (a year and a day). */
const MAX_SCAN_DAYS = 366;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Validation

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** The largest step croner accepts (the size of its array for the field). */
  maxStep: number;
  names?: readonly string[];
  /** The value of names[0]. */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59, maxStep: 60 },
  { name: 'hour', min: 0, max: 23, maxStep: 24 },
  { name: 'day-of-month', min: 1, max: 31, maxStep: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    maxStep: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    namesFrom: 1,
  },
  { name: 'day-of-week', min: 0, max: 7, maxStep: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 0 },
];

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD_LIST = 'minute hour day-of-month month day-of-week';
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

type Parsed = { fields: string[] } | { problem: string };

/** The expression as five plain fields (nicknames expanded), or what is wrong with its shape. */
function splitCron(expr: string): Parsed {
  const text = expr.trim();
  if (text === '') return { problem: 'is empty' };
  if (text.startsWith('@')) {
    const nick = text.toLowerCase();
    if (nick === '@reboot') return { problem: '"@reboot" is not a time: use a 5-field cron like "0 9 * * 1"' };
    const expanded = NICKNAMES[nick];
    if (!expanded) return { problem: `unknown nickname "${text}" (known: ${Object.keys(NICKNAMES).join(', ')})` };
    return { fields: expanded.split(' ') };
  }
  const fields = text.split(/\s+/);
  if (fields.length === 6 || fields.length === 7) {
    return { problem: `has ${fields.length} fields; seconds and years are not supported, use 5: ${FIELD_LIST}` };
  }
  if (fields.length !== 5) {
    return { problem: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected 5: ${FIELD_LIST}` };
  }
  return { fields };
}

function valueOf(spec: FieldSpec, text: string): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) return `${spec.name} "${text}" is out of range ${spec.min}-${spec.max}`;
    return n;
  }
  if (spec.names && /^[a-z]{3}$/i.test(text)) {
    const i = spec.names.indexOf(text.toUpperCase());
    if (i >= 0) return i + spec.namesFrom!;
  }
  const what = spec.names ? (spec.name === 'month' ? 'a number or month name (JAN-DEC)' : 'a number or day name (SUN-SAT)') : 'a number';
  if (!/^[a-z]+$/i.test(text) || /^(L|W|LW)$/i.test(text)) {
    if (/[LW#?+]/i.test(text)) return `${spec.name} "${text}" uses a non-standard extension (L, W, #, ?, + are not supported)`;
  }
  return `${spec.name} "${text}" is not ${what}`;
}

/** The values one field matches, or what is wrong with it. */
function parseField(spec: FieldSpec, text: string): Set<number> | string {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return `${spec.name} "${text}" has an empty list entry`;
    const slash = item.split('/');
    if (slash.length > 2) return `${spec.name} "${item}" has more than one "/"`;
    const [base = '', stepText] = slash;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) return `${spec.name} step "${item}" is not a whole number after "/"`;
      step = Number(stepText);
      if (step < 1) return `${spec.name} step "${item}" must be 1 or more`;
      if (step > spec.maxStep) return `${spec.name} step "${item}" is larger than ${spec.maxStep}`;
    }
    let from: number;
    let to: number;
    if (base === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const ends = base.split('-');
      if (ends.length > 2 || ends.some((e) => e === '')) {
        if (base.startsWith('-')) return `${spec.name} "${base}" is out of range ${spec.min}-${spec.max}`;
        return `${spec.name} "${base}" is not a value or a range like 1-5`;
      }
      const a = valueOf(spec, ends[0]!);
      if (typeof a === 'string') return a;
      const b = ends.length === 2 ? valueOf(spec, ends[1]!) : a;
      if (typeof b === 'string') return b;
      if (b < a) return `${spec.name} range "${base}" runs backwards`;
      if (stepText !== undefined && ends.length === 1) {
        return `${spec.name} step "${item}" needs "*" or a range before "/", like "*/${stepText}"`;
      }
      from = a;
      to = b;
    }
    for (let v = from; v <= to; v += step) values.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return values;
}

/**
 * undefined when the expression is a valid 5-field cron; else a short phrase saying what is wrong,
 * e.g. 'minute "61" is out of range 0-59'. Refuses 6- and 7-field forms, @reboot, croner's
 * extensions (L, W, #, ?, +) and expressions that match no date (30 February). Accepts month and
 * day names (JAN, MON) and @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
 */
export function cronProblem(expr: string): string | undefined {
  if (typeof expr !== 'string') return 'is not text';
  const split = splitCron(expr);
  if ('problem' in split) return split.problem;
  const sets: Set<number>[] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const parsed = parseField(spec, split.fields[i]!);
    if (typeof parsed === 'string') return parsed;
    sets.push(parsed);
  }
  // With day-of-week "*", the day is day-of-month alone: it must exist in some chosen month.
  const [, , dom, month] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (split.fields[4] === '*' && ![...month].some((m) => [...dom].some((d) => d <= DAYS_IN_MONTH[m - 1]!))) {
    return `day-of-month "${split.fields[2]}" never occurs in month "${split.fields[3]}"`;
  }
  try {
    new CronPattern(split.fields.join(' '), undefined, { mode: '5-part' });
  } catch (e) {
    return String((e as Error).message).replace(/^CronPattern:\s*/, '');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Keys

// In schedulekeys.ts, which loads no croner: the tick's quiet check needs the keys on every tick.
export { scheduleKey } from './schedulekeys.js';

// ---------------------------------------------------------------------------------------------
// Compiled schedules

interface Compiled {
  cron: Cron;
  expr: string;
  timeZone: string;
  pattern?: CronPattern;
}

const compiledCache = new Map<string, Compiled>();

/** Throws a UserError when the expression or the time zone is not usable. */
function compile(expr: string, timeZone: string): Compiled {
  const key = `${timeZone}\n${expr}`;
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const problem = cronProblem(expr);
  if (problem) throw new UserError(`cron "${expr}" ${problem}`);
  try {
    formatter(timeZone);
  } catch {
    throw new UserError(`time zone "${timeZone}" is not an IANA time zone such as Europe/Lisbon`);
  }
  const fields = (splitCron(expr) as { fields: string[] }).fields.join(' ');
  const cron = new Cron(fields, {
    timezone: timeZone,
    paused: true,
    mode: '5-part',
    domAndDow: false,
    fixedTimeRule: 'no-wildcard',
  });
  const compiled: Compiled = { cron, expr: fields, timeZone };
  if (compiledCache.size >= 256) compiledCache.clear();
  compiledCache.set(key, compiled);
  return compiled;
}

/** The newest slot strictly before `beforeMs`, if any. */
function previousSlot(c: Compiled, beforeMs: number): number | undefined {
  // croner counts a run earlier in the same second as the reference as before it.
  const [d] = c.cron.previousRuns(1, new Date(beforeMs));
  return d ? d.getTime() : undefined;
}

/** Up to `limit` slots s with after < s <= until, newest first. */
function newestSlots(c: Compiled, afterMs: number, untilMs: number, limit: number): number[] {
  const out: number[] = [];
  let ref = untilMs + 1; // + 1 ms: a slot exactly at `until` is included
  while (out.length < limit) {
    const s = previousSlot(c, ref);
    if (s === undefined || s <= afterMs) break;
    out.push(s);
    ref = s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Counting slots without stepping through each of them

/** UTC offset of the time zone at an instant, in ms (wall clock minus UTC). */
function offsetAt(timeZone: string, ms: number): number {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** Slots in (a, b] by stepping with croner; only used over a few hours. */
function stepCount(c: Compiled, a: number, b: number): number {
  let n = 0;
  let d: Date | null = new Date(a);
  while ((d = c.cron.nextRun(d)) && d.getTime() <= b) n++;
  return n;
}

/** Slots in (a, b] when the UTC offset is `offset` throughout: wall-clock minutes that match. */
function wallCount(p: CronPattern, a: number, b: number, offset: number): number {
  const first = Math.floor((a + offset) / MINUTE) + 1; // minutes since the epoch, wall clock
  const last = Math.floor((b + offset) / MINUTE);
  if (first > last) return 0;
  let perHour = 0;
  for (let m = 0; m < 60; m++) if (p.minute[m]) perHour++;
  let perDay = 0;
  for (let h = 0; h < 24; h++) if (p.hour[h]) perDay += perHour;
  const inDay = (lo: number, hi: number): number => {
    if (lo === 0 && hi === 1439) return perDay;
    let n = 0;
    for (let h = Math.floor(lo / 60); h <= Math.floor(hi / 60); h++) {
      if (!p.hour[h]) continue;
      const from = Math.max(lo, h * 60);
      const to = Math.min(hi, h * 60 + 59);
      if (from === h * 60 && to === h * 60 + 59) n += perHour;
      else for (let m = from; m <= to; m++) if (p.minute[m - h * 60]) n++;
    }
    return n;
  };
  let total = 0;
  const lastDay = Math.floor(last / 1440);
  for (let day = Math.floor(first / 1440); day <= lastDay; day++) {
    const date = new Date(day * DAY);
    if (!p.month[date.getUTCMonth()]) continue;
    // croner's day rule: day-of-week "*" leaves day-of-month alone; otherwise AND when
    // day-of-month is "*", OR when both are restricted.
    let ok = !!p.day[date.getUTCDate() - 1];
    if (!p.starDOW) {
      const dow = !!p.dayOfWeek[date.getUTCDay()];
      ok = p.starDOM || p.useAndLogic ? ok && dow : ok || dow;
    }
    if (!ok) continue;
    const lo = Math.max(first - day * 1440, 0);
    const hi = Math.min(last - day * 1440, 1439);
    total += inDay(lo, hi);
  }
  return total;
}

/**
 * The number of slots in (after, until]. Stretches of constant UTC offset are counted on the wall
 * clock. Offset changes are found by sampling daily, then bisecting to the millisecond. Across a
 * change, interval jobs need nothing more (both passes of a repeated hour run, a gap is skipped);
 * for fixed-time jobs croner steps through the minutes around the change itself, so DST rules are
 * croner's. Two offset changes within one day would go unseen (no zone does that).
 */
function countSlots(c: Compiled, afterMs: number, untilMs: number): number {
  c.pattern ??= new CronPattern(c.expr, c.timeZone, { mode: '5-part', fixedTimeRule: 'no-wildcard' });
  const p = c.pattern;
  const tz = c.timeZone;
  let total = 0;
  let start = afterMs;
  while (start < untilMs) {
    const offset = offsetAt(tz, start + 1); // the stretch is (start, ...]
    let lo = start + 1;
    let hi: number | undefined;
    for (let t = Math.min(start + DAY, untilMs); ; t = Math.min(t + DAY, untilMs)) {
      if (offsetAt(tz, t) !== offset) {
        hi = t;
        break;
      }
      lo = t;
      if (t >= untilMs) break;
    }
    if (hi === undefined) {
      total += wallCount(p, start, untilMs, offset);
      break;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(tz, mid) === offset) lo = mid;
      else hi = mid;
    }
    // hi is the first instant with the new offset.
    if (!p.isFixedTime) {
      // Interval jobs run on both passes of a repeated hour and skip a gap: the wall clock
      // on each side of the change says it all.
      total += wallCount(p, start, hi - 1, offset);
      start = hi - 1;
      continue;
    }
    // Fixed-time jobs run once in a repeated hour and at the end of a gap: croner steps.
    const margin = Math.abs(offsetAt(tz, hi) - offset) + 5 * MINUTE;
    const windowStart = Math.max(start, lo - margin);
    const windowEnd = Math.min(untilMs, hi + margin);
    total += wallCount(p, start, windowStart, offset);
    total += stepCount(c, windowStart, windowEnd);
    start = windowEnd;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// The public questions

/**
 * Slot times s with after < s <= until, oldest first, at most `max` of them (the newest ones if
 * more exist). Costs one croner step per slot returned, however long the window.
 * Throws a UserError for an invalid expression or time zone.
 */
export function slotsBetween(cron: string, timeZone: string, after: Date, until: Date, max: number): Date[] {
  const c = compile(cron, timeZone);
  if (!(max >= 1) || !(until.getTime() > after.getTime())) return [];
  return newestSlots(c, after.getTime(), until.getTime(), Math.floor(max))
    .reverse()
    .map((ms) => new Date(ms));
}

/**
 * Which slots to fire now. lastFired is the slot time of the most recent item this entry created
 * (undefined if it never fired).
 * - never fired: only slots in (now - 24 h, now] count (a new schedule does not replay history).
 * - once: if any slot is due, fire only the latest one; missed = the number of due slots not fired.
 * - all: fire every due slot, oldest first, at most CATCH_UP_MAX (the newest ones); missed = the rest.
 * - skip: fire the latest due slot only if now - slot <= SKIP_GRACE_MINUTES; missed = the due slots not fired.
 * Slots more than MAX_SCAN_DAYS (366) before now are never due, nor counted as missed.
 * Throws a UserError for an invalid expression or time zone.
 */
export function dueSlots(
  entry: ScheduleEntry,
  timeZone: string,
  lastFired: Date | undefined,
  now: Date,
  /** When the home was made: a slot before it was never missed, so it never fires. */
  notBefore?: Date,
): { fire: Date[]; missed: number } {
  const c = compile(entry.cron, timeZone);
  const nowMs = now.getTime();
  const from = Math.max(lastFired ? lastFired.getTime() : nowMs - NEW_SCHEDULE_LOOKBACK_HOURS * HOUR, notBefore?.getTime() ?? -Infinity);
  const afterMs = Math.max(from, nowMs - MAX_SCAN_DAYS * DAY);
  if (!(nowMs > afterMs)) return { fire: [], missed: 0 };
  const keep = entry.missed === 'all' ? CATCH_UP_MAX : 1;
  const newest = newestSlots(c, afterMs, nowMs, keep + 1);
  if (newest.length === 0) return { fire: [], missed: 0 };
  const due = newest.length <= keep ? newest.length : Math.max(countSlots(c, afterMs, nowMs), keep + 1);
  let fire: number[];
  if (entry.missed === 'all') fire = newest.slice(0, keep).reverse();
  else if (entry.missed === 'skip') fire = nowMs - newest[0]! <= SKIP_GRACE_MINUTES * MINUTE ? [newest[0]!] : [];
  else fire = [newest[0]!];
  return { fire: fire.map((ms) => new Date(ms)), missed: due - fire.length };
}

/** The next slot after `now` (for `aos status` / agent show), or undefined. */
export function nextSlot(cron: string, timeZone: string, now: Date): Date | undefined {
  const c = compile(cron, timeZone);
  let next = c.cron.nextRun(now);
  // croner drops milliseconds from the reference: never answer a slot at or before `now`.
  while (next && next.getTime() <= now.getTime()) next = c.cron.nextRun(next);
  return next ?? undefined;
}
