// Dates said in a question, as days of the calendar: "last May", "in March", "3 weeks ago",
// "yesterday", "2026-04-12", "12 April". Pure: the question and the day it is asked in, the day
// ranges out, and the question without its date words (so "May" does not look for the word may).
// Relative phrases count back from the asking day; a month without a year is its latest occurrence
// up to the asking month ("last May" asked in May is a year before).

/** A span of days, yyyymmdd codes, both ends included. */
export interface DayRange {
  from: number;
  to: number;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = `(${MONTHS.join('|')}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)`;
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const COUNT = `(\\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  return MONTHS.findIndex((m) => m.startsWith(w.slice(0, 3)));
}

function ymd(d: Date): number {
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function day(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m, d));
}

function monthRange(y: number, m: number): DayRange {
  return { from: ymd(day(y, m, 1)), to: ymd(day(y, m + 1, 0)) };
}

function around(d: Date, before: number, after: number): DayRange {
  return { from: ymd(day(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - before)), to: ymd(day(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + after)) };
}

interface Rule {
  re: RegExp;
  range(m: RegExpExecArray, asked: Date): DayRange | undefined;
}

const count = (s: string) => NUMBER_WORDS[s.toLowerCase()] ?? Number(s);

// Most specific first; each rule's text is removed from the question once matched. Every rule's
// text holds a digit, a month's first three letters, or day, week, month or year (DATE_WORDS).
const RULES: Rule[] = [
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/, range: (m) => around(day(Number(m[1]), Number(m[2]) - 1, Number(m[3])), 0, 0) },
  {
    re: new RegExp(`\\b(?:on\\s+)?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b(?:\\s+(\\d{4}))?`, 'i'),
    range: (m, asked) => {
      const mi = monthIndex(m[2]!);
      let y = m[3] ? Number(m[3]) : asked.getUTCFullYear();
      if (!m[3] && day(y, mi, Number(m[1])) > asked) y--;
      return around(day(y, mi, Number(m[1])), 0, 0);
    },
  },
  {
    re: new RegExp(`\\b${MONTH}\\s+(\\d{4})\\b`, 'i'),
    range: (m) => monthRange(Number(m[2]), monthIndex(m[1]!)),
  },
  {
    // "last May", "in May", "since May", "early May": the latest May up to (for "last": before) this month.
    re: new RegExp(`\\b(last|in|during|early|late|mid|this|since|of)\\s+(?:in\\s+)?${MONTH}\\b`, 'i'),
    range: (m, asked) => {
      const mi = monthIndex(m[2]!);
      const last = m[1]!.toLowerCase() === 'last';
      let y = asked.getUTCFullYear();
      if (mi > asked.getUTCMonth() || (last && mi === asked.getUTCMonth())) y--;
      return monthRange(y, mi);
    },
  },
  { re: /\b(?:the\s+)?day\s+before\s+yesterday\b/i, range: (_m, a) => around(a, 2, -2) },
  { re: /\byesterday\b/i, range: (_m, a) => around(a, 1, -1) },
  { re: new RegExp(`\\b${COUNT}\\s+days?\\s+ago\\b`, 'i'), range: (m, a) => around(a, count(m[1]!), -count(m[1]!)) },
  { re: new RegExp(`\\b${COUNT}\\s+weeks?\\s+ago\\b`, 'i'), range: (m, a) => around(a, 7 * count(m[1]!) + 3, 3 - 7 * count(m[1]!)) },
  {
    re: new RegExp(`\\b${COUNT}\\s+months?\\s+ago\\b`, 'i'),
    range: (m, a) => monthRange(a.getUTCFullYear(), a.getUTCMonth() - count(m[1]!)),
  },
  { re: /\blast\s+week\b/i, range: (_m, a) => around(a, 13, -7) },
  { re: /\b(?:earlier\s+)?this\s+week\b/i, range: (_m, a) => around(a, 6, 0) },
  { re: /\blast\s+month\b/i, range: (_m, a) => monthRange(a.getUTCFullYear(), a.getUTCMonth() - 1) },
  { re: /\b(?:earlier\s+)?this\s+month\b/i, range: (_m, a) => monthRange(a.getUTCFullYear(), a.getUTCMonth()) },
  { re: /\blast\s+year\b/i, range: (_m, a) => ({ from: (a.getUTCFullYear() - 1) * 10000 + 101, to: (a.getUTCFullYear() - 1) * 10000 + 1231 }) },
];

/** What the text of every rule holds one of (see RULES). */
const DATE_WORDS = /\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year/i;

export interface QueryDates {
  /** The days the question is about (none when it names no date). */
  ranges: DayRange[];
  /** The question with the date phrases taken out. */
  rest: string;
}

/**
 * The dates a question names, relative to `asked` (YYYY-MM-DD, the day the question is asked).
 * An invalid asking day understands only absolute dates.
 */
export function queryDates(query: string, asked: string | undefined): QueryDates {
  // Most questions name no date: one cheap test, before the rules' fifteen expressions are run (and compiled).
  if (!DATE_WORDS.test(query)) return { ranges: [], rest: query };
  const m = asked ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(asked) : null;
  const at = m ? day(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
  const ranges: DayRange[] = [];
  let rest = query;
  for (const rule of RULES) {
    for (let i = 0; i < 3; i++) {
      const found = rule.re.exec(rest);
      if (!found) break;
      const range = at ? rule.range(found, at) : /\d{4}/.test(found[0]) ? rule.range(found, day(9999, 11, 31)) : undefined;
      if (!range || !(range.from <= range.to)) break;
      ranges.push(range);
      rest = rest.slice(0, found.index) + ' ' + rest.slice(found.index + found[0].length);
    }
  }
  return { ranges, rest: ranges.length ? rest.replace(/\s+/g, ' ').trim() : query };
}

/** Days between two yyyymmdd codes (b - a). */
function daysBetween(a: number, b: number): number {
  const t = (c: number) => Date.UTC(Math.floor(c / 10000), (Math.floor(c / 100) % 100) - 1, c % 100);
  return Math.round((t(b) - t(a)) / 86400000);
}

/** How much a document dated `date` (yyyymmdd, 0 for none) gains for a question about `ranges`. */
export const DATE_BOOST = { inside: 2, near: 1.3, nearDays: 7 };

export function dateWeight(date: number, ranges: readonly DayRange[]): number {
  if (!ranges.length || !date) return 1;
  let best = 1;
  for (const r of ranges) {
    if (date >= r.from && date <= r.to) return DATE_BOOST.inside;
    const off = date < r.from ? daysBetween(date, r.from) : daysBetween(r.to, date);
    if (off <= DATE_BOOST.nearDays) best = DATE_BOOST.near;
  }
  return best;
}
