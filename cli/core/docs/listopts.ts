// The --limit and --since options of the commands that list (log, runs, memory search): one reading,
// one message for a bad value. Pure: today comes in.
import { UsageError } from '../../errors.js';
import { resolveSince } from './time.js';

/** --limit N: a whole number from 1 to max; `fallback` when the option is not given. */
export function parseLimit(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const s = String(value).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'of 1 or more' : `from 1 to ${max}`;
    throw new UsageError(`--limit: expected a whole number ${range}, found "${String(value)}"`);
  }
  return n;
}

/** --since D (YYYY-MM-DD, today, yesterday, Nd): the day it names; undefined when the option is not given. */
export function parseSince(value: unknown, today: string): string | undefined {
  if (value === undefined) return undefined;
  const since = resolveSince(String(value), today);
  if (!since) throw new UsageError(`--since: expected YYYY-MM-DD, today, yesterday or Nd (like 7d), found "${String(value)}"`);
  return since;
}
