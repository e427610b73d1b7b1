// Table tests for memory search's pure ranking (core/memory/searchrank.ts): the order of hits, the date
// codes, the scoring over an in-memory index (field and status weights, dead rows, filters, limit),
// and how a ranked document is shown. The agreement with minisearch itself is in memsearch.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processTerm, shardKey, tokenize, type DocType, type MemoryStatus } from '../../cli/core/memory/searchdocs.js';
import { FIELDS, dateCode, dateText, popcount, rankDocs, ranksBefore, showHit, type Postings, type RankedDocs } from '../../cli/core/memory/searchrank.js';

interface Doc {
  type?: DocType;
  date?: string;
  status?: MemoryStatus;
  title?: string;
  description?: string;
  body?: string;
  tags?: string;
  /** Removed since the index was built: its row and postings stay, and count for nothing. */
  dead?: boolean;
}

/** An index over `docs` (id = position), analysed as the real one is, kept in memory. */
function index(docs: Doc[]): RankedDocs {
  const shards = new Map<string, Map<string, [number[], number[], number[], number[]]>>();
  const lengths: number[][] = [];
  const totals = FIELDS.map(() => 0);
  docs.forEach((doc, id) => {
    lengths.push(
      FIELDS.map((field, f) => {
        const counts = new Map<string, number>();
        for (const word of tokenize(doc[field] ?? '')) {
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
        // minisearch's field length: distinct terms.
        if (!doc.dead) totals[f] = totals[f]! + counts.size;
        return counts.size;
      }),
    );
  });
  return {
    count: docs.filter((d) => !d.dead).length,
    rows: docs.length,
    totals,
    terms: (key) => shards.get(key)?.keys() ?? [],
    postings: (key, term, f): Postings => {
      const list = shards.get(key)?.get(term)?.[f];
      return list?.length ? list : 0;
    },
    dead: (id) => Boolean(docs[id]!.dead),
    type: (id) => docs[id]!.type ?? 'memory',
    status: (id) => docs[id]!.status,
    date: (id) => dateCode(docs[id]!.date ?? ''),
    fieldLength: (id, f) => lengths[id]![f]!,
  };
}

const ids = (docs: Doc[], query: string, opts = {}) => rankDocs(index(docs), query, opts).top.map((r) => r.id);
const scores = (docs: Doc[], query: string, opts = {}) => new Map(rankDocs(index(docs), query, opts).top.map((r) => [r.id, r.score]));

test('ranksBefore: higher score, then newer, then the earlier id', () => {
  const cases: [number, number, number, number, number, number, boolean][] = [
    // a: score, date, id;   b: score, date, id;   a before b?
    [2, 0, 5, 1, 20261231, 0, true],
    [1, 20261231, 0, 2, 0, 5, false],
    [1, 20260102, 5, 1, 20260101, 0, true],
    [1, 20260101, 0, 1, 20260102, 5, false],
    [1, 20260101, 3, 1, 20260101, 4, true],
    [1, 20260101, 4, 1, 20260101, 3, false],
    [1, 0, 3, 1, 20260101, 1, false],
    [1, 20260101, 3, 1, 20260101, 3, false],
  ];
  for (const [as, ad, ai, bs, bd, bi, want] of cases) assert.is(ranksBefore({ score: as, date: ad, id: ai }, { score: bs, date: bd, id: bi }), want, `${as},${ad},${ai} vs ${bs},${bd},${bi}`);
});

test('dateCode and dateText: YYYY-MM-DD both ways, anything else is no date', () => {
  const cases: [string, number][] = [
    ['2026-03-01', 20260301],
    ['1999-12-31', 19991231],
    ['', 0],
    ['2026-3-1', 0],
    ['2026-03-01T10:00', 0],
    ['yesterday', 0],
  ];
  for (const [text, code] of cases) {
    assert.is(dateCode(text), code, text);
    if (code) assert.is(dateText(code), text);
  }
  assert.is(dateText(0), '');
});

test('popcount: query terms a document matched', () => {
  for (const [n, want] of [[0, 0], [1, 1], [0b1011, 3], [2 ** 29, 1], [2 ** 30 - 1, 30]] as const) assert.is(popcount(n), want, String(n));
});

test('rankDocs: nothing to rank gives no hits and no terms', () => {
  const docs: Doc[] = [{ title: 'Dentist', body: 'the dentist is in Alfama' }];
  const cases: [Doc[], string, { limit?: number }][] = [
    [docs, '', {}],
    [docs, 'the and of', {}], // stop words only
    [docs, 'dentist', { limit: 0 }],
    [[], 'dentist', {}],
    [[{ title: 'Dentist', dead: true }], 'dentist', {}],
  ];
  for (const [d, query, opts] of cases) assert.equal(rankDocs(index(d), query, opts).top, [], `${query} ${JSON.stringify(opts)}`);
  assert.equal(ids(docs, 'plumber'), []);
});

test('rankDocs: field weights, terms matched, prefix and fuzzy matches', () => {
  const docs: Doc[] = [
    { title: 'Notes', body: 'the dentist moved' }, // 0: body
    { title: 'Dentist', body: 'moved to a new street' }, // 1: title
    { title: 'Notes', tags: 'dentist' }, // 2: tags
    { title: 'Notes', description: 'dentist' }, // 3: description
    { title: 'Notes', body: 'dentist appointment in Alfama' }, // 4: two query terms
    { title: 'Preferences', body: 'window seat' }, // 5: prefix of "preference"
    { title: 'Notes', body: 'the architect called' }, // 6: "architekt" is one edit away
  ];
  // A title counts 3, a description or tag 2 (equal here: the earlier id first), the body 1 (the
  // shorter body first); two terms matched multiply the sum by two.
  assert.equal(ids(docs, 'dentist'), [1, 2, 3, 0, 4]);
  const both = ids(docs, 'dentist alfama');
  assert.ok(both.indexOf(4) < both.indexOf(0), 'both terms in the body above one');
  const s = scores(docs, 'dentist alfama');
  assert.ok(s.get(4)! > 2 * s.get(0)!, 'both terms: more than twice one term in the same field');
  // "prefer" matches longer terms it starts, below the term itself.
  const prefer = rankDocs(index(docs), 'prefer');
  assert.equal(prefer.top.map((r) => r.id), [5]);
  assert.equal([...prefer.terms], [processTerm('preferences')], 'the index terms matched, for the snippets');
  assert.ok(scores(docs, 'preferences').get(5)! > prefer.top[0]!.score, 'an exact match outranks a prefix match');
  // Fuzzy: words of 6+ letters within one edit.
  assert.equal(ids(docs, 'architekt'), [6]);
  assert.equal(ids(docs, 'arkitect'), [], 'two edits away is too far under 10 letters');
  assert.equal(ids(docs, 'archi'), [6], 'a word of 4+ letters matches as a prefix');
  assert.equal(ids(docs, 'arc'), [], 'a shorter one does not');
});

test('rankDocs: superseded and stale memories rank below active ones with the same text', () => {
  const text = { title: 'Dentist', body: 'Dr Ana Almeida in Alfama' };
  const docs: Doc[] = [
    { ...text, status: 'superseded' },
    { ...text, status: 'stale' },
    { ...text, status: 'active' },
    { ...text },
  ];
  const s = scores(docs, 'dentist');
  assert.equal(ids(docs, 'dentist'), [2, 3, 1, 0]);
  assert.is(s.get(2), s.get(3), 'no status counts as active');
  assert.ok(Math.abs(s.get(0)! / s.get(2)! - 0.3) < 1e-12);
  assert.ok(Math.abs(s.get(1)! / s.get(2)! - 0.5) < 1e-12);
});

test('rankDocs: a dead row is never a hit and scores as if the index never held it', () => {
  const live: Doc[] = [
    { title: 'Dentist', body: 'Alfama' },
    { title: 'Plumber', body: 'dentist next door' },
  ];
  const withDead: Doc[] = [{ title: 'Dentist', body: 'old dentist', dead: true }, ...live];
  assert.equal(ids(withDead, 'dentist'), [1, 2]);
  const a = scores(live, 'dentist');
  const b = scores(withDead, 'dentist');
  assert.is(b.get(1), a.get(0));
  assert.is(b.get(2), a.get(1));
});

test('rankDocs: ties go to the newer document, then the earlier id; undated documents last', () => {
  const same = { title: 'Dentist', body: 'Alfama' };
  const docs: Doc[] = [
    { ...same, date: '2026-01-01' },
    { ...same },
    { ...same, date: '2026-05-01' },
    { ...same, date: '2026-01-01' },
  ];
  assert.equal(ids(docs, 'dentist'), [2, 0, 3, 1]);
  const top = rankDocs(index(docs), 'dentist').top;
  assert.ok(top.every((r) => r.score === top[0]!.score));
  assert.equal(top.map((r) => r.date), [20260501, 20260101, 20260101, 0]);
});

test('rankDocs: types, since and limit filter without changing the order', () => {
  const docs: Doc[] = [
    { type: 'memory', title: 'Dentist', body: 'Alfama' },
    { type: 'log', date: '2026-02-01', body: 'called the dentist' },
    { type: 'log', date: '2026-04-01', body: 'dentist appointment moved' },
    { type: 'done', date: '2026-03-01', title: 'Book dentist' },
    { type: 'goal', title: 'Teeth', body: 'see the dentist twice a year' },
  ];
  const all = ids(docs, 'dentist');
  assert.is(all.length, 5);
  const cases: [{ types?: string[]; since?: string; limit?: number }, (id: number) => boolean][] = [
    [{ types: ['log'] }, (id) => docs[id]!.type === 'log'],
    [{ types: ['memory', 'goal'] }, (id) => ['memory', 'goal'].includes(docs[id]!.type!)],
    [{ types: [] }, () => true],
    [{ since: '2026-03-01' }, (id) => (docs[id]!.date ?? '') >= '2026-03-01'],
    [{ since: '2026-01-01', types: ['done'] }, (id) => docs[id]!.type === 'done'],
  ];
  for (const [opts, keep] of cases) assert.equal(ids(docs, 'dentist', opts), all.filter(keep), JSON.stringify(opts));
  for (const limit of [1, 2, 3, 5, 9]) assert.equal(ids(docs, 'dentist', { limit }), all.slice(0, limit), `limit ${limit}`);
  assert.is(ids(docs, 'dentist', {}).length, 5, 'the default limit is 10');
  const many = Array.from({ length: 12 }, (_, i): Doc => ({ title: 'Dentist', body: 'x '.repeat(i) + 'visit' }));
  assert.is(ids(many, 'dentist').length, 10);
});

test('rankDocs with cites: a memory topic lends its score and matched terms to the log entries it cites', () => {
  const docs: Doc[] = [
    { type: 'memory', title: 'Carla adopted a greyhound', body: 'Carla adopted a greyhound named Luna in May.' },
    { type: 'log', title: 'chat c', body: 'C: we brought Luna home today, she sleeps all day.' },
    { type: 'log', title: 'chat bruno', body: 'Bruno: the greyhound races are on television tonight.' },
    { type: 'log', title: 'chat carla', body: 'Carla: the weather is lovely.' },
    { type: 'log', title: 'chat bruno', body: 'Bruno: my neighbour has a greyhound.', dead: true },
  ];
  const cited = (id: number) => (id === 0 ? [1, 4] : []);
  const withCites = (opts: { cites?: boolean } = {}) => rankDocs({ ...index(docs), cited }, 'Carla greyhound', { ...opts }).top;
  const plain = withCites();
  assert.ok(!plain.some((r) => r.id === 1), 'without cites, the entry that says neither word plainly is not found by them');
  const lent = withCites({ cites: true });
  const at = (id: number) => lent.findIndex((r) => r.id === id);
  assert.ok(at(1) >= 0, 'the cited entry is found by the topic');
  assert.is(at(0), 0, 'the topic keeps its own rank');
  assert.ok(at(1) < at(2) && at(1) < at(3), 'the cited entry ranks above entries matching one word of the question');
  assert.ok(at(4) < 0, 'a dead entry gains nothing');
  // The topic's own score is unchanged; only what it cites moves.
  assert.is(lent.find((r) => r.id === 0)!.score, plain.find((r) => r.id === 0)!.score);
  // The same with neighbour windows (the CLI's ranking): the cited entry still takes a log rank.
  const windows = rankDocs({ ...index(docs), cited, fileOf: (id) => (id ? 1 : 0), ordinal: (id) => id }, 'Carla greyhound', { cites: true, neighbours: 1 }).top;
  assert.ok(windows.some((r) => r.id === 1 || r.around), 'a window holding the cited entry is returned');
});

test('showHit: title, snippet line and text, date, rounded score, status only when set', () => {
  const memoryLines = ['---', 'title: "Dentist"', 'description: "who and where"', 'status: superseded', '---', 'Dr Ana Almeida, in Alfama.', ''];
  const logLines = ['# 2026-03-01', '', '## 10:00:00 · note · owner · r-20260301T100000-ab12', 'Called the dentist.', ''];
  const cases: [Parameters<typeof showHit>[0], string[], string[], object][] = [
    [
      { file: 'memory/dentist.md', type: 'memory', line: 1, date: 20260301, score: 1.23456, status: 'superseded', title: 'Dentist' },
      memoryLines,
      ['alfama'],
      { file: 'memory/dentist.md', line: 6, type: 'memory', date: '2026-03-01', title: 'Dentist', snippet: 'Dr Ana Almeida, in Alfama.', score: 1.235, status: 'superseded' },
    ],
    [
      { file: 'memory/dentist.md', type: 'memory', line: 1, date: 0, score: 2, title: undefined },
      memoryLines,
      ['alfama'],
      { file: 'memory/dentist.md', line: 6, type: 'memory', date: '', title: 'memory/dentist.md', snippet: 'Dr Ana Almeida, in Alfama.', score: 2 },
    ],
    [
      { file: 'logs/2026/03/2026-03-01.md', type: 'log', line: 3, date: 20260301, score: 0.0004 },
      logLines,
      ['dentist'],
      { file: 'logs/2026/03/2026-03-01.md', line: 3, type: 'log', date: '2026-03-01', title: 'note · owner · r-20260301T100000-ab12', snippet: 'Called the dentist.', score: 0 },
    ],
    // A heading that does not parse: the log entry is titled by its file.
    [
      { file: 'logs/2026/03/2026-03-01.md', type: 'log', line: 3, date: 20260301, score: 1 },
      ['# 2026-03-01', '', '## 10:00 · note', 'Called the dentist.'],
      ['dentist'],
      { file: 'logs/2026/03/2026-03-01.md', line: 3, type: 'log', date: '2026-03-01', title: 'logs/2026/03/2026-03-01.md', snippet: 'Called the dentist.', score: 1 },
    ],
    // A file deleted since it was indexed: no snippet.
    [
      { file: 'memory/dentist.md', type: 'memory', line: 1, date: 0, score: 1, title: 'Dentist' },
      [''],
      ['dentist'],
      { file: 'memory/dentist.md', line: 1, type: 'memory', date: '', title: 'Dentist', snippet: '', score: 1 },
    ],
  ];
  for (const [doc, lines, terms, want] of cases) assert.equal(showHit(doc, lines, new Set(terms)), want, `${doc.file} ${lines.length}`);
});

test.run();
