// Table tests for conversational recall's pure parts: dates in questions (core/memory/querydates.ts),
// log entries ranked with their neighbours and a date's weight (rankDocs with neighbours and asOf),
// and a window hit's line span (logSpan).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processTerm, shardKey, tokenize, type DocType } from '../../cli/core/memory/searchdocs.js';
import { DATE_BOOST, dateWeight, queryDates } from '../../cli/core/memory/querydates.js';
import { FIELDS, dateCode, logSpan, rankDocs, type Postings, type RankedDocs } from '../../cli/core/memory/searchrank.js';

// ---------------------------------------------------------------- dates in questions

test('queryDates: the days a question names, relative to the day it is asked, and the question without them', () => {
  const asked = '2026-11-10';
  const cases: [string, [number, number][], string][] = [
    ['What did Carla cook last May?', [[20260501, 20260531]], 'What did Carla cook ?'],
    ['What did Carla cook in April?', [[20260401, 20260430]], 'What did Carla cook ?'],
    ['what happened in december', [[20251201, 20251231]], 'what happened'],
    ['what did we say last November', [[20251101, 20251130]], 'what did we say'],
    ['the trip in November', [[20261101, 20261130]], 'the trip'],
    ['Bruno cooked 3 months ago', [[20260801, 20260831]], 'Bruno cooked'],
    ['Bruno cooked two months ago', [[20260901, 20260930]], 'Bruno cooked'],
    ['the boiler two weeks ago', [[20261024, 20261030]], 'the boiler'],
    ['the boiler 5 days ago', [[20261105, 20261105]], 'the boiler'],
    ['the call yesterday', [[20261109, 20261109]], 'the call'],
    ['the call the day before yesterday', [[20261108, 20261108]], 'the call'],
    ['the call last week', [[20261028, 20261103]], 'the call'],
    ['the call last month', [[20261001, 20261031]], 'the call'],
    ['the call earlier this month', [[20261101, 20261130]], 'the call'],
    ['on 12 April the plumber came', [[20260412, 20260412]], 'the plumber came'],
    ['the 3rd of December', [[20251203, 20251203]], ''],
    ['March 2025 budget', [[20250301, 20250331]], 'budget'],
    ['logged on 2026-04-12 and 2026-04-14', [[20260412, 20260412], [20260414, 20260414]], 'logged on and'],
    ['may I see the train times', [], 'may I see the train times'],
    ['the march of the penguins', [], 'the march of the penguins'],
    ['gym locker code', [], 'gym locker code'],
  ];
  for (const [q, ranges, rest] of cases) {
    const got = queryDates(q, asked);
    assert.equal(got.ranges.map((r) => [r.from, r.to]), ranges, q);
    assert.is(got.rest, rest, q);
  }
  // "last May" asked in May means a year before; "in May" asked in May means this one.
  assert.equal(queryDates('last May', '2026-05-20').ranges, [{ from: 20250501, to: 20250531 }]);
  assert.equal(queryDates('in May', '2026-05-20').ranges, [{ from: 20260501, to: 20260531 }]);
  // Months and years roll over.
  assert.equal(queryDates('2 months ago', '2026-01-15').ranges, [{ from: 20251101, to: 20251130 }]);
  // Without an asking day, only absolute dates are understood.
  assert.equal(queryDates('last May', undefined).ranges, []);
  assert.equal(queryDates('on 2026-04-12', undefined).ranges, [{ from: 20260412, to: 20260412 }]);
  assert.equal(queryDates('last May', 'someday').ranges, []);
});

test('dateWeight: inside a named range, near it, far from it, undated', () => {
  const may = [{ from: 20260501, to: 20260531 }];
  const cases: [number, number][] = [
    [20260515, DATE_BOOST.inside],
    [20260501, DATE_BOOST.inside],
    [20260531, DATE_BOOST.inside],
    [20260425, DATE_BOOST.near],
    [20260607, DATE_BOOST.near],
    [20260608, 1],
    [20260101, 1],
    [0, 1],
  ];
  for (const [date, want] of cases) assert.is(dateWeight(date, may), want, String(date));
  assert.is(dateWeight(20260515, []), 1, 'no dates named: no weight');
  assert.ok(DATE_BOOST.inside > DATE_BOOST.near && DATE_BOOST.near > 1);
});

// ---------------------------------------------------------------- ranking with neighbours and dates

interface Entry {
  file: number;
  /** Place among the file's entries. */
  at: number;
  date: string;
  title: string;
  body: string;
  type?: DocType;
}

/** An in-memory index over `docs` (id = position), analysed as the real one is. */
function index(docs: Entry[]): RankedDocs {
  const shards = new Map<string, Map<string, [number[], number[], number[], number[]]>>();
  const lengths: number[][] = [];
  const totals = FIELDS.map(() => 0);
  docs.forEach((doc, id) => {
    const fields: Record<string, string> = { title: doc.title, description: '', body: doc.body, tags: '' };
    lengths.push(
      FIELDS.map((field, f) => {
        const counts = new Map<string, number>();
        for (const word of tokenize(fields[field]!)) {
          const term = processTerm(word);
          if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
        }
        for (const [term, freq] of counts) {
          const key = shardKey(term);
          if (!shards.has(key)) shards.set(key, new Map());
          const shard = shards.get(key)!;
          if (!shard.has(term)) shard.set(term, [[], [], [], []]);
          shard.get(term)![f]!.push(id, freq);
        }
        totals[f] = totals[f]! + counts.size;
        return counts.size;
      }),
    );
  });
  return {
    count: docs.length,
    rows: docs.length,
    totals,
    terms: (key) => shards.get(key)?.keys() ?? [],
    postings: (key, term, f): Postings => {
      const list = shards.get(key)?.get(term)?.[f];
      return list?.length ? list : 0;
    },
    dead: () => false,
    type: (id) => docs[id]!.type ?? 'log',
    status: () => undefined,
    date: (id) => dateCode(docs[id]!.date),
    fieldLength: (id, f) => lengths[id]![f]!,
    fileOf: (id) => docs[id]!.file,
    ordinal: (id) => docs[id]!.at,
  };
}

// One evening's chat (file 0) and another day (file 1).
const chat: Entry[] = [
  { file: 0, at: 0, date: '2026-05-04', title: 'chat · carla', body: 'Carla: How was your week?' },
  { file: 0, at: 1, date: '2026-05-04', title: 'chat · bruno', body: 'Bruno: We adopted a greyhound.' },
  { file: 0, at: 2, date: '2026-05-04', title: 'chat · carla', body: 'Carla: What is her name?' },
  { file: 0, at: 3, date: '2026-05-04', title: 'chat · bruno', body: 'Bruno: Luna, she sleeps on the sofa.' },
  { file: 0, at: 4, date: '2026-05-04', title: 'chat · carla', body: 'Carla: Send me pictures.' },
  { file: 1, at: 0, date: '2026-08-10', title: 'chat · bruno', body: 'Bruno: Walked the greyhound by the river.' },
  { file: 1, at: 1, date: '2026-08-10', title: 'chat · carla', body: 'Carla: Lovely, say hi to her.' },
];

test('rankDocs with neighbours: a question split over adjacent turns finds them as one hit, not each turn again', () => {
  const docs = index(chat);
  const plain = rankDocs(docs, 'greyhound name Luna').top;
  assert.equal(plain.map((r) => r.id), [2, 3, 1, 5], 'alone, each turn is its own hit');
  assert.ok(plain.every((r) => r.around === undefined));
  const windowed = rankDocs(docs, 'greyhound name Luna', { neighbours: 1 }).top;
  // The question about the name, ranked with the greyhound turn before it and Luna after it; the
  // turns inside its span are not returned again, the other day's greyhound still is.
  assert.equal(windowed.map((r) => [r.id, r.around]), [[2, 1], [5, 1]]);
  assert.ok(!windowed.some((r) => r.id === 1 || r.id === 3), JSON.stringify(windowed));
  assert.ok(windowed[0]!.score > plain[0]!.score, 'neighbours add to a window');
  // Neighbours are of the same file only: the other day's entries never join this evening's window.
  const other = rankDocs(docs, 'river pictures', { neighbours: 1 }).top;
  assert.equal(other.map((r) => r.id).sort(), [4, 5]);
});

test('rankDocs with neighbours: non-log documents and filters are as without them', () => {
  const docs = index([...chat, { file: 2, at: 0, date: '2026-03-01', title: 'Greyhound care', body: 'Greyhounds need a coat in winter.', type: 'memory' }]);
  const plain = rankDocs(docs, 'greyhound coat').top.find((r) => r.id === 7)!;
  const windowed = rankDocs(docs, 'greyhound coat', { neighbours: 1 }).top.find((r) => r.id === 7)!;
  assert.is(windowed.score, plain.score);
  assert.is(windowed.around, undefined);
  assert.equal(rankDocs(docs, 'greyhound', { neighbours: 1, types: ['memory'] }).top.map((r) => r.id), [7]);
  assert.equal(rankDocs(docs, 'greyhound', { neighbours: 1, since: '2026-08-01' }).top.map((r) => r.id), [5]);
  assert.is(rankDocs(docs, 'greyhound', { neighbours: 1, limit: 1 }).top.length, 1);
});

test('rankDocs with asOf: the entry of the day a question names ranks first; its date words are not searched', () => {
  const docs = index(chat);
  // Both days mention the greyhound; "in August" picks the walk, "last May" the adoption.
  assert.is(rankDocs(docs, 'greyhound in August', { asOf: '2026-11-10' }).top[0]!.id, 5);
  assert.is(rankDocs(docs, 'greyhound last May', { asOf: '2026-11-10' }).top[0]!.id, 1);
  assert.is(rankDocs(docs, 'greyhound 3 months ago', { asOf: '2026-11-10' }).top[0]!.id, 5);
  // Without the asking day the words are only words ("may" is a stop word, "august" matches nothing).
  const words = rankDocs(docs, 'greyhound in August').top;
  assert.equal(words.map((r) => r.id).sort(), [1, 5]);
  assert.is(rankDocs(docs, 'August', { asOf: '2026-11-10' }).top.length, 0, 'a date alone has no words to look for');
});

// ---------------------------------------------------------------- a window's lines

test('logSpan: from the first neighbour heading to the last neighbour body line, clipped to the file', () => {
  const lines = ['# 2026-05-04', '', '## 18:00:00 · chat · carla · s-1', 'one', '', '## 18:01:00 · chat · bruno · s-1', 'two', 'two more', '', '## 18:02:00 · chat · carla · s-1', 'three', '', '## 18:03:00 · chat · bruno · s-1', 'four', ''];
  assert.equal(logSpan(lines, 6, 1), [3, 11]);
  assert.equal(logSpan(lines, 3, 1), [3, 8], 'the first entry has no neighbour before it');
  assert.equal(logSpan(lines, 13, 1), [10, 14], 'the last: to its last non-blank line');
  assert.equal(logSpan(lines, 6, 0), [6, 8], 'no neighbours: the entry itself');
  assert.equal(logSpan(lines, 6, 5), [3, 14], 'a wide window stops at the file');
});

test.run();
