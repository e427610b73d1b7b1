// --limit and --since, read one way by every listing command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLimit, parseSince } from '../../cli/core/docs/listopts.js';
import { UsageError } from '../../cli/errors.js';

const TODAY = '2026-11-21';

test('parseLimit: the fallback when absent, whole numbers in range, everything else a usage error', () => {
  const cases: [unknown, number | undefined, number | RegExp][] = [
    [undefined, undefined, 20],
    ['5', undefined, 5],
    [' 7 ', undefined, 7],
    [3, undefined, 3],
    ['1000', 1000, 1000],
    ['1001', 1000, /from 1 to 1000, found "1001"/],
    ['0', undefined, /of 1 or more, found "0"/],
    ['-2', undefined, /found "-2"/],
    ['lots', undefined, /found "lots"/],
    ['1e2', undefined, /found "1e2"/],
    ['2.5', undefined, /found "2.5"/],
    ['', undefined, /found ""/],
    ['99999999999999999999', undefined, /found/],
  ];
  for (const [value, max, want] of cases) {
    if (typeof want === 'number') assert.is(parseLimit(value, 20, max), want, String(value));
    else assert.throws(() => parseLimit(value, 20, max), (e: Error) => e instanceof UsageError && want.test(e.message) && e.message.startsWith('--limit: '));
  }
});

test('parseSince: undefined when absent; days, words and counts; anything else a usage error', () => {
  const cases: [unknown, string | undefined | RegExp][] = [
    [undefined, undefined],
    ['2026-01-05', '2026-01-05'],
    ['today', TODAY],
    ['Yesterday', '2026-11-20'],
    ['7d', '2026-11-14'],
    ['0d', TODAY],
    ['someday', /--since: expected YYYY-MM-DD, today, yesterday or Nd \(like 7d\), found "someday"/],
    ['2026-13-45', /found "2026-13-45"/],
    ['7', /found "7"/],
  ];
  for (const [value, want] of cases) {
    if (want instanceof RegExp) assert.throws(() => parseSince(value, TODAY), (e: Error) => e instanceof UsageError && want.test(e.message));
    else assert.is(parseSince(value, TODAY), want, String(value));
  }
});

test.run();
