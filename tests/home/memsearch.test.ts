// Memory search: table tests for the pure part (terms, documents, snippets, the ranking formula
// against minisearch's own search), then the index on real folders (ranking, filters, incremental
// refresh, damaged and foreign caches, files that do not parse) and `aos memory search` itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import MiniSearch from 'minisearch';
import {
  docsFromFile,
  editDistance,
  makeSnippet,
  matchWeight,
  processTerm,
  queryTerms,
  sourceType,
  stem,
  SNIPPET_CHARS,
  type SearchDoc,
} from '../../cli/core/memory/searchdocs.js';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { CACHE_FILE, DELTA_FILE, MINISEARCH_OPTIONS, VERSION, minisearchSearchOptions, openSearch, searchMemory, type Hit } from '../../cli/home/searchindex.js';
import { aos, json, newHome, tempDir, write, AOS } from '../helpers.js';

// ---------------------------------------------------------------- fixtures

function memory(title: string, body: string, extra: Record<string, string> = {}): string {
  const fields = { title, type: 'fact', description: `about ${title.toLowerCase()}`, created: '2026-03-01', status: 'active', ...extra };
  return `---\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v.startsWith('[') ? v : JSON.stringify(v)}`)
    .join('\n')}\n---\n${body}\n`;
}

function logFile(date: string, entries: [string, string, string, string][]): string {
  return `# ${date}\n` + entries.map(([time, kind, agent, body]) => `\n## ${time} · ${kind} · ${agent} · r-${date.replace(/-/g, '')}T${time.replace(/:/g, '')}-ab12\n${body}\n`).join('');
}

/** A folder with each kind of document; the index works on any folder, a home or not. */
function fixture(root = tempDir('aos-search-')): string {
  write(root, 'memory/MEMORY.md', '# Memory\n- [Sourdough](sourdough-starter.md) — feeding\n');
  write(root, 'memory/sourdough-starter.md', memory('Sourdough starter feeding', 'Feed it twice a day with rye flour.\nKeep it on the top shelf.', { updated: '2026-10-02', tags: '[baking]' }));
  write(root, 'memory/bakery-visit.md', memory('Bakery visit', 'We talked about bread; the baker keeps a sourdough culture from 1950.', { created: '2026-04-10' }));
  write(root, 'memory/gym-locker-code.md', memory('Gym locker code', 'The locker code at the Alfama gym is 4471.', { created: '2026-09-01', supersedes: '[gym-locker-code-old]' }));
  write(root, 'memory/gym-locker-code-old.md', memory('Gym locker code', 'The locker code at the Alfama gym is 1234.', { created: '2026-02-01', status: 'superseded', superseded_by: 'gym-locker-code' }));
  write(root, 'memory/gym-locker-stale.md', memory('Gym locker code', 'The locker code at the Alfama gym is 9999.', { created: '2026-01-01', status: 'stale' }));
  write(
    root,
    'logs/2026/11/2026-11-20.md',
    logFile('2026-11-20', [
      ['09:00:00', 'tick', 'researcher', 'Compared trains from Lisbon to Porto; the 08:39 is fastest.'],
      ['10:30:00', 'note', 'chief', 'The owner plans a ferry trip to Cacilhas on Saturday.'],
    ]),
  );
  write(root, 'logs/2026/10/2026-10-01.md', logFile('2026-10-01', [['08:00:00', 'tick', 'coder', 'Migrated the invoices database to the new server.']]));
  write(
    root,
    'inbox/done/2026/11/20261119T100000-zz99.md',
    '---\nid: 20261119T100000-zz99\nfrom: owner\nkind: task\ncreated: 2026-11-19T10:00:00+00:00\nstatus: done\nfinished: 2026-11-19T10:05:00+00:00\n---\nFind a plumber for the kitchen leak.\n\n## Result\nThe plumber Rui Castro comes on Monday at nine.\n',
  );
  write(
    root,
    'goals/portuguese.md',
    '---\ntitle: Portuguese conversation B2\nstatus: active\nowner: tutor\nskills:\n  - id: listening\n    name: Podcast listening\n    weight: 1\n    baseline: 1\n    current: 2\n    target: 5\n    cadence: daily\n    drill: Listen to one episode of a news podcast and summarise it aloud.\n---\n## Plan\nSpeak every day.\n\n## History\n- 2026-11-02 listening 2 — first summary\n',
  );
  return root;
}

const ids = (hits: Hit[]) => hits.map((h) => (h.type === 'log' ? `${h.file}#${h.line}` : h.file));

async function search(root: string, query: string, opts = {}): Promise<Hit[]> {
  return searchMemory(root, query, opts);
}

// ---------------------------------------------------------------- terms

test('terms: lowercase, accents folded, stop words and noise dropped, a light stemmer', () => {
  const cases: [string, string | null][] = [
    ['Trains', 'train'],
    ['training', 'train'],
    ['trained', 'train'],
    ['studies', 'studi'],
    ['studying', 'studi'],
    ['preferred', 'prefer'],
    ['running', 'run'],
    ['classes', 'class'],
    ['boxes', 'box'],
    ['Paris', 'paris'],
    ['Lisboa', 'lisboa'],
    ['café', 'caf'],
    ['the', null],
    ['And', null],
    ['x', null],
    ['20261121T103205', null],
    ['4471', '4471'],
    ['k3f9', 'k3f9'],
    ['a'.repeat(41), null],
  ];
  for (const [word, term] of cases) assert.is(processTerm(word), term, word);
  assert.is(stem('moves'), stem('moving'));
  assert.is(stem('moved'), stem('move'));
  assert.equal(queryTerms('What is the train to Porto? The TRAINS!'), ['train', 'porto']);
  assert.equal(queryTerms('the and of it'), []);
});

test('terms: prefix and fuzzy weights as minisearch gives them, edit distance in a band', () => {
  assert.is(matchWeight('train', 'train'), 1);
  assert.ok(matchWeight('trainer', 'train') > 0 && matchWeight('trainer', 'train') < 0.375);
  assert.is(matchWeight('tra', 'tr'), 0, 'no prefix matching under 4 letters');
  assert.ok(matchWeight('sourdaugh', 'sourdough') > 0 && matchWeight('sourdaugh', 'sourdough') < 0.45, 'one typo in a long word');
  assert.is(matchWeight('sourdaughs', 'sourd0ugh'), 0, 'terms with digits are not fuzzy');
  assert.is(matchWeight('bread', 'break'), 0, 'short words are not fuzzy');
  assert.is(editDistance('kitten', 'sitting', 3), 3);
  assert.is(editDistance('kitten', 'sitting', 1), 2);
  assert.is(editDistance('abc', 'abc', 0), 0);
});

// ---------------------------------------------------------------- documents

const front = (file: string, raw: string) => parseFrontMatter(file, raw);

test('documents: a memory topic, each log entry, a done item, a goal', () => {
  const root = fixture();
  const read = (f: string) => readFileSync(join(root, f), 'utf8');
  const [m] = docsFromFile('memory/sourdough-starter.md', read('memory/sourdough-starter.md'), front).docs;
  assert.equal(
    { id: m!.id, type: m!.type, title: m!.title, description: m!.description, tags: m!.tags, date: m!.date, status: m!.status, line: m!.line },
    { id: 'memory/sourdough-starter.md', type: 'memory', title: 'Sourdough starter feeding', description: 'about sourdough starter feeding', tags: 'baking', date: '2026-10-02', status: 'active', line: 1 },
  );
  assert.match(m!.body, /rye flour/);

  const logs = docsFromFile('logs/2026/11/2026-11-20.md', read('logs/2026/11/2026-11-20.md'), front).docs;
  assert.equal(
    logs.map((d) => [d.id, d.line, d.title, d.date, d.type]),
    [
      ['logs/2026/11/2026-11-20.md#3', 3, 'tick · researcher · r-20261120T090000-ab12', '2026-11-20', 'log'],
      ['logs/2026/11/2026-11-20.md#6', 6, 'note · chief · r-20261120T103000-ab12', '2026-11-20', 'log'],
    ],
  );
  assert.match(logs[1]!.body, /ferry trip/);

  const [done] = docsFromFile('inbox/done/2026/11/20261119T100000-zz99.md', read('inbox/done/2026/11/20261119T100000-zz99.md'), front).docs;
  assert.is(done!.title, 'Find a plumber for the kitchen leak.');
  assert.is(done!.date, '2026-11-19');
  assert.match(done!.body, /Rui Castro/, 'the result is searchable');

  const [goal] = docsFromFile('goals/portuguese.md', read('goals/portuguese.md'), front).docs;
  assert.is(goal!.title, 'Portuguese conversation B2');
  assert.is(goal!.description, 'Podcast listening');
  assert.match(goal!.body, /news podcast/, 'drills are part of the text');
  assert.is(goal!.date, '2026-11-02', 'the latest history line dates a goal');

  assert.is(sourceType('memory/MEMORY.md'), undefined, 'the index file is not a topic');
  assert.is(sourceType('logs/runs/2026/11/r-1.md'), undefined, 'run records are not log entries');
  assert.is(sourceType('logs/2026/11/2026-12-01.md'), undefined, 'a day in the wrong month folder');
});

test('documents: a file whose front matter cannot be read gives problems and no documents; loose fields are tolerated', () => {
  const bad = docsFromFile('memory/broken.md', '---\ntitle: [unclosed\n---\nbody\n', front);
  assert.equal(bad.docs, []);
  assert.is(bad.problems[0]!.file, 'memory/broken.md');
  const loose = docsFromFile('memory/loose.md', '---\ntitle: 42\ntags: nope\nstatus: weird\n---\n# A heading\ntext\n', front).docs[0]!;
  assert.is(loose.title, '42');
  assert.is(loose.tags, '');
  assert.is(loose.status, 'active');
  assert.is(docsFromFile('memory/plain.md', '# Plain notes\nno front matter', front).docs[0]!.title, 'Plain notes');
});

test('snippets: the first matching line (body before front matter), its line number, ~160 characters', () => {
  const text = memory('Gym locker code', 'First line without it.\n\nThe locker code at the Alfama gym is 4471.');
  const s = makeSnippet(text, 'memory', 1, new Set(['alfama']));
  assert.is(s.line, 10);
  assert.is(s.text, 'The locker code at the Alfama gym is 4471.');
  const inFront = makeSnippet(text, 'memory', 1, new Set(['gym']));
  assert.is(inFront.line, 10, 'a body match wins over the title line');
  const described = makeSnippet(memory('Sourdough', 'nothing here'), 'memory', 1, new Set(['sourdough']));
  assert.equal(described, { line: 4, text: 'description: "about sourdough"' }, 'in the front matter, the description first');
  const titleOnly = makeSnippet(memory('Sourdough', 'nothing here', { description: 'bread' }), 'memory', 1, new Set(['sourdough']));
  assert.equal(titleOnly, { line: 2, text: 'title: "Sourdough"' });
  const long = `${'word '.repeat(80)}needle ${'more '.repeat(80)}`;
  const w = makeSnippet(`---\ntitle: t\n---\n${long}\n`, 'memory', 1, new Set(['needl']));
  assert.ok(w.text.includes('needle') && w.text.startsWith('…') && w.text.endsWith('…'), w.text);
  assert.ok(w.text.length <= SNIPPET_CHARS + 2, `${w.text.length}`);
  const log = logFile('2026-11-20', [
    ['09:00:00', 'tick', 'a', 'one'],
    ['10:00:00', 'note', 'b', 'two\nthe ferry leaves at ten'],
  ]);
  assert.equal(makeSnippet(log, 'log', 6, new Set(['ferri'])), { line: 6, text: 'the ferry leaves at ten' }, 'from the matching line on');
});

// ---------------------------------------------------------------- the ranking is minisearch's

test('ranking: scores and order are what minisearch itself computes over the same documents', async () => {
  const root = fixture();
  const docs: SearchDoc[] = [];
  const files = ['memory/sourdough-starter.md', 'memory/bakery-visit.md', 'memory/gym-locker-code.md', 'memory/gym-locker-code-old.md', 'memory/gym-locker-stale.md', 'logs/2026/11/2026-11-20.md', 'logs/2026/10/2026-10-01.md', 'inbox/done/2026/11/20261119T100000-zz99.md', 'goals/portuguese.md'];
  for (const f of files) docs.push(...docsFromFile(f, readFileSync(join(root, f), 'utf8'), front).docs);
  const ms = new MiniSearch({ ...MINISEARCH_OPTIONS, storeFields: ['type', 'date', 'status'] });
  ms.addAll(docs);
  const index = await openSearch(root);
  for (const [query, opts] of [
    ['sourdough', {}],
    ['gym locker code', {}],
    ['locker Alfama', { types: ['memory'] }],
    ['train Porto ferry', {}],
    ['plumber monday', { since: '2026-11-01' }],
    ['podcast listening', {}],
    ['sourdaugh culture', {}],
    ['migrat invoices', {}],
  ] as [string, { types?: string[]; since?: string }][]) {
    const expected = ms.search(query, minisearchSearchOptions(opts)).map((r) => [r.id as string, r.score.toFixed(3)]);
    const got = (await index.search(query, { ...opts, limit: 100 })).map((h, i) => [ids([h])[0]!, h.score.toFixed(3), i] as const);
    const sort = (xs: readonly (readonly unknown[])[]) => xs.map((x) => [x[0] as string, x[1] as string]).sort((a, b) => Number(b[1]) - Number(a[1]) || (a[0]! < b[0]! ? -1 : 1));
    assert.equal(sort(got), sort(expected), query);
    for (let i = 1; i < got.length; i++) assert.ok(Number(got[i - 1]![1]) >= Number(got[i]![1]), `${query}: best first`);
  }
  index.close();
});

// ---------------------------------------------------------------- the index on real folders

test('search: a title hit beats a body hit; an active memory ranks above stale and superseded ones', async () => {
  const root = fixture();
  const sour = await search(root, 'sourdough');
  assert.equal(ids(sour).slice(0, 2), ['memory/sourdough-starter.md', 'memory/bakery-visit.md']);
  const locker = await search(root, 'gym locker code Alfama');
  assert.equal(ids(locker), ['memory/gym-locker-code.md', 'memory/gym-locker-stale.md', 'memory/gym-locker-code-old.md']);
  assert.equal(
    locker.map((h) => [h.status, h.line, h.snippet]),
    [
      ['active', 9, 'The locker code at the Alfama gym is 4471.'],
      ['stale', 8, 'The locker code at the Alfama gym is 9999.'],
      ['superseded', 9, 'The locker code at the Alfama gym is 1234.'],
    ],
  );
  const [log] = await search(root, 'ferry Cacilhas');
  assert.equal({ file: log!.file, line: log!.line, type: log!.type, date: log!.date, title: log!.title }, { file: 'logs/2026/11/2026-11-20.md', line: 6, type: 'log', date: '2026-11-20', title: 'note · chief · r-20261120T103000-ab12' });
  const [done] = await search(root, 'plumber');
  assert.equal([done!.file, done!.line, done!.title], ['inbox/done/2026/11/20261119T100000-zz99.md', 9, 'Find a plumber for the kitchen leak.']);
});

test('search: type and since filters, a limit, stop words alone find nothing', async () => {
  const root = fixture();
  assert.equal(ids(await search(root, 'gym sourdough train plumber podcast', { types: ['log'] })), ['logs/2026/11/2026-11-20.md#3']);
  assert.equal((await search(root, 'gym sourdough train plumber podcast', { types: ['goal', 'done'] })).map((h) => h.type).sort(), ['done', 'goal']);
  const since = await search(root, 'gym sourdough train plumber podcast migrated', { since: '2026-10-01' });
  assert.ok(since.every((h) => h.date >= '2026-10-01'), JSON.stringify(since));
  assert.ok(ids(since).includes('logs/2026/10/2026-10-01.md#3'), 'the since day itself is included');
  assert.not.ok(ids(since).includes('memory/bakery-visit.md'));
  assert.is((await search(root, 'gym locker code', { limit: 1 })).length, 1);
  assert.equal(await search(root, 'the'), []);
  assert.equal(await search(root, 'the and of what'), []);
  assert.equal(await search(root, 'zyzzyva'), []);
});

test('refresh: a warm open reads nothing; a changed file is the only one re-read; a deleted one disappears', async () => {
  const root = fixture();
  const first = await openSearch(root, { racyMs: 0 });
  assert.ok(first.rebuilt);
  assert.is(first.reindexed, 9);
  assert.ok(first.saved);
  assert.is(first.documentCount, 10);
  first.close();

  const warm = await openSearch(root, { racyMs: 0 });
  assert.equal([warm.rebuilt, warm.reindexed, warm.saved], [false, 0, false]);
  const before = await warm.search('locker code Alfama');
  warm.close();

  appendFileSync(join(root, 'logs/2026/11/2026-11-20.md'), '\n## 11:00:00 · note · chief · r-x\nThe owner booked a quokka sanctuary visit.\n');
  const after = await openSearch(root, { racyMs: 0 });
  assert.equal([after.rebuilt, after.reindexed, after.saved, after.documentCount], [false, 1, true, 11]);
  assert.equal(ids(await after.search('quokka sanctuary')), ['logs/2026/11/2026-11-20.md#9']);
  assert.equal(ids(await after.search('locker code Alfama')), ids(before), 'the other documents rank as before (scores move a little: one more document)');
  assert.equal(ids(await after.search('ferry Cacilhas')), ['logs/2026/11/2026-11-20.md#6'], 'earlier entries of the changed log stay');
  after.close();

  write(root, 'memory/bakery-visit.md', memory('Bakery visit', 'The baker now sells rye only.'));
  unlinkSync(join(root, 'memory/sourdough-starter.md'));
  const again = await openSearch(root, { racyMs: 0 });
  assert.is(again.reindexed, 1);
  assert.is(again.documentCount, 10);
  assert.equal(await again.search('sourdough'), [], 'a deleted file and a changed one no longer match');
  assert.equal(ids(await again.search('rye')), ['memory/bakery-visit.md']);
  again.close();

  // Everything a full rebuild would find, the incremental index finds too, in the same order.
  const queries = ['rye baker', 'locker code', 'quokka ferry trains', 'plumber', 'podcast'];
  const incremental = await Promise.all(queries.map((q) => search(root, q)));
  const rebuilt = await openSearch(root, { rebuild: true });
  assert.ok(rebuilt.rebuilt);
  assert.equal(await Promise.all(queries.map((q) => rebuilt.search(q))), incremental);
  rebuilt.close();
});

test('citations: a memory topic ranks the log entries it cites (its sources) with it; the cache follows edits of the sources', async () => {
  const root = fixture();
  write(root, 'memory/weekend-plans.md', memory('Weekend boat outing', 'The owner wants a boat outing across the river at the weekend.', { sources: '[logs/2026/11/2026-11-20.md#L6, logs/2026/11/2026-11-20.md#L2, memory/x.md#L1]' }));
  const found = async (opts: { cites?: boolean }) => {
    const index = await openSearch(root);
    const hits = ids(await index.search('boat outing weekend', opts));
    index.close();
    return hits;
  };
  assert.equal(await found({}), ['memory/weekend-plans.md'], 'without citations only the topic says these words');
  assert.equal(await found({ cites: true }), ['memory/weekend-plans.md', 'logs/2026/11/2026-11-20.md#6'], 'the cited entry comes with it; a line heading no entry and a non-log source lend nothing');
  // The sources change: the entry it cited before gains nothing, the one it cites now does.
  write(root, 'memory/weekend-plans.md', memory('Weekend boat outing', 'The owner wants a boat outing across the river at the weekend.', { sources: '[logs/2026/10/2026-10-01.md#L3]' }));
  assert.equal(await found({ cites: true }), ['memory/weekend-plans.md', 'logs/2026/10/2026-10-01.md#3']);
  // The cited log is rewritten so that line heads nothing: nothing is lent, nothing breaks.
  write(root, 'logs/2026/10/2026-10-01.md', '# 2026-10-01\n\nNo entries any more.\n');
  assert.equal(await found({ cites: true }), ['memory/weekend-plans.md']);
  // The command ranks with citations.
  write(root, 'memory/weekend-plans.md', memory('Weekend boat outing', 'The owner wants a boat outing across the river at the weekend.', { sources: '[logs/2026/11/2026-11-20.md#L6]' }));
  const home = newHome();
  for (const f of ['memory/weekend-plans.md', 'logs/2026/11/2026-11-20.md']) write(home, f, readFileSync(join(root, f), 'utf8'));
  const out = json(aos(['memory', 'search', 'boat outing weekend', '--json'], { cwd: home })) as { hits: Hit[] };
  assert.equal(ids(out.hits), ['memory/weekend-plans.md', 'logs/2026/11/2026-11-20.md#6']);
});

test('refresh: a log edited in place within the same second, its size and mtime unchanged, is read again and its new text found', async () => {
  const root = fixture();
  const file = join(root, 'logs/2026/11/2026-11-20.md');
  const before = readFileSync(file, 'utf8');
  const stat = statSync(file);
  const index = await openSearch(root);
  assert.equal(ids(await index.search('ferry Cacilhas')), ['logs/2026/11/2026-11-20.md#6']);
  index.close();
  // Same length, same mtime (set back, as an edit in the same tick of a seconds-only clock leaves it).
  writeFileSync(file, before.replace('ferry trip to Cacilhas', 'kayak trip to Barreiro'));
  utimesSync(file, stat.atime, stat.mtime);
  assert.is(statSync(file).size, stat.size);
  // (A wide window, so a loaded machine cannot make the file old before the next open.)
  const again = await openSearch(root, { racyMs: 60_000 });
  assert.equal(ids(await again.search('kayak Barreiro')), ['logs/2026/11/2026-11-20.md#6'], 'the new text is found');
  assert.equal(await again.search('Cacilhas'), [], 'the old text is gone');
  again.close();
  // The file changed just before the scan: it is read again while it stays that recent, even
  // when nothing moved at all (not its ctime either), and its content decides.
  const racy = await openSearch(root, { racyMs: 60_000 });
  assert.ok(racy.reindexed >= 1, 'a file changed within the last seconds is read again');
  assert.equal(ids(await racy.search('kayak Barreiro')), ['logs/2026/11/2026-11-20.md#6']);
  racy.close();
  // Once the files are older than the window, the next open reads them once more and then none.
  (await openSearch(root, { racyMs: 0 })).close();
  const settled = await openSearch(root, { racyMs: 0 });
  assert.is(settled.reindexed, 0);
  settled.close();
});

async function results(root: string) {
  const index = await openSearch(root, { racyMs: 0 });
  const out = { rebuilt: index.rebuilt, hits: await Promise.all(['locker code', 'ferry trains', 'sourdough rye', 'plumber Monday'].map((q) => index.search(q))) };
  index.close();
  return out;
}

test('cache: truncated, corrupted, garbage or from another version is rebuilt, with the same results', async () => {
  const root = fixture();
  const good = await results(root);
  assert.ok(good.rebuilt);
  assert.not.ok((await results(root)).rebuilt);
  const path = join(root, CACHE_FILE);
  const stored = readFileSync(path);

  const nl = stored.indexOf(10);
  const headBytes = Number(stored.subarray(0, nl).toString().split(' ')[1]);
  const headAt = (text: string) => nl + 1 + stored.subarray(nl + 1).indexOf(text);
  const body = nl + 1 + headBytes;
  const header = JSON.parse(stored.subarray(nl + 1, body).toString());
  const flip = (at: number, b: Buffer) => Buffer.concat([b.subarray(0, at), Buffer.from([b[at]! ^ 1]), b.subarray(at + 1)]);
  const damage: [string, (b: Buffer) => Buffer | string][] = [
    ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2))],
    ['truncated by one byte', (b) => b.subarray(0, b.length - 1)],
    ['empty', () => ''],
    ['garbage', () => 'not a cache at all\n{{{'],
    ['JSON of another shape', () => JSON.stringify({ version: VERSION, index: [] })],
    ['a flipped bit in the document table', (b) => flip(body + header.table[0] + 7, b)],
    ['the body overwritten', (b) => Buffer.concat([b.subarray(0, body), Buffer.alloc(b.length - body, 'x')])],
    ['a changed count in the header', (b) => Buffer.from(b.toString('latin1').replace(/"count":(\d)/, (_, d) => `"count":${(Number(d) + 1) % 10}`), 'latin1')],
    ['a flipped bit in the manifest', (b) => flip(headAt('"sigs":[') + 9, b)],
    // A well-formed cache, checksums and all, written by another version.
    ['another version', (b) => {
      const head = stored.subarray(nl + 1, body).toString().replace(`"version":"${VERSION}"`, `"version":"${VERSION.replace(/^search-\d+/, 'search-0')}"`);
      assert.ok(VERSION.includes(':crc32:'), 'this node has zlib.crc32');
      return Buffer.concat([Buffer.from(`aos-search ${Buffer.byteLength(head)} ${crc32(Buffer.from(head))}\n${head}`), b.subarray(body)]);
    }],
  ];
  for (const [what, change] of damage) {
    writeFileSync(path, change(stored));
    const r = await results(root);
    assert.ok(r.rebuilt, `${what}: found at open`);
    assert.equal(r.hits, good.hits, what);
    assert.not.ok((await results(root)).rebuilt, `${what}: the rebuilt cache is good`);
  }
  // Damage inside the shard a query reads is found when it is read: rebuilt, and still answered.
  writeFileSync(path, flip(body + header.shards['lo'][0] + 2, stored));
  const index = await openSearch(root, { racyMs: 0 });
  assert.not.ok(index.rebuilt, 'the header and the table are fine');
  assert.equal(await index.search('locker code'), good.hits[0]);
  assert.ok(index.rebuilt, 'the damaged shard made it rebuild');
  index.close();
  // Damage in a shard no query read: a refresh writes its delta beside it without reading it, and
  // the first query that reads it rebuilds, and answers.
  writeFileSync(path, flip(body + header.shards['pl'][0] + 2, stored));
  appendFileSync(join(root, 'logs/2026/11/2026-11-20.md'), '\n## 12:00:00 · note · chief · r-y\nA wombat.\n');
  const refreshed = await openSearch(root, { racyMs: 0 });
  assert.equal([refreshed.rebuilt, refreshed.saved], [false, true], 'the refresh wrote a delta');
  assert.ok(existsSync(join(root, DELTA_FILE)));
  assert.equal(ids(await refreshed.search('plumber wombat')), ['inbox/done/2026/11/20261119T100000-zz99.md', 'logs/2026/11/2026-11-20.md#9']);
  assert.ok(refreshed.rebuilt, 'the query met the damaged shard and rebuilt');
  assert.not.ok(existsSync(join(root, DELTA_FILE)), 'the rebuilt base has no delta');
  refreshed.close();
});

test('problems: an unparsable topic is skipped and reported (once parsed, not again until it changes); a symlink is refused', async () => {
  const root = fixture();
  write(root, 'memory/broken.md', '---\ntitle: "Broken quokka\ntype: fact\n---\nThe quokka text.\n');
  symlinkSync(join(root, 'memory/bakery-visit.md'), join(root, 'memory/linked.md'));
  const index = await openSearch(root, { racyMs: 0 });
  assert.equal(
    index.problems.map((p) => p.file).sort(),
    ['memory/broken.md', 'memory/linked.md'],
  );
  assert.equal(await index.search('quokka'), []);
  assert.equal(ids(await index.search('sourdough')).slice(0, 1), ['memory/sourdough-starter.md'], 'the rest is searchable');
  index.close();
  const warm = await openSearch(root, { racyMs: 0 });
  assert.equal([warm.reindexed, warm.problems.length], [0, 2], 'the broken file is not parsed again, and still reported');
  warm.close();
  write(root, 'memory/broken.md', memory('Fixed quokka', 'The quokka text.'));
  const fixed = await openSearch(root, { racyMs: 0 });
  assert.equal([fixed.reindexed, fixed.problems.map((p) => p.file)], [1, ['memory/linked.md']]);
  assert.equal(ids(await fixed.search('quokka')), ['memory/broken.md']);
  fixed.close();
  rmSync(join(root, 'memory/broken.md'));
  assert.equal(await search(root, 'quokka'), []);
});

test('an empty folder: an empty index, no crash', async () => {
  const root = tempDir('aos-search-empty-');
  const index = await openSearch(root);
  assert.is(index.documentCount, 0);
  assert.equal(await index.search('anything'), []);
  index.close();
  assert.ok(existsSync(join(root, CACHE_FILE)));
});

// ---------------------------------------------------------------- the command

test('aos memory search: ranked hits with file:line, type, date and a snippet; --json, --type, --since, --limit', () => {
  if (!existsSync(AOS)) throw new Error(`build first: ${AOS} is missing`);
  const home = fixture(newHome());
  const text = aos(['memory', 'search', 'gym', 'locker', 'code'], { cwd: home });
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^memory\/gym-locker-code\.md:9 {2}\[memory 2026-09-01\] {2}Gym locker code\n {4}The locker code at the Alfama gym is 4471\.\n/);
  assert.match(text.stdout, /gym-locker-code-old\.md:9 {2}\[memory 2026-02-01 superseded\]/);

  const data = json(aos(['memory', 'search', 'ferry', '--json'], { cwd: home }));
  assert.equal(
    data.hits.map((h: Hit) => [h.file, h.line, h.type, h.date]),
    [['logs/2026/11/2026-11-20.md', 6, 'log', '2026-11-20']],
  );
  assert.equal(data.problems, []);
  const typed = json(aos(['memory', 'search', 'gym plumber', '--type', 'done', '--json'], { cwd: home }));
  assert.equal(typed.hits.map((h: Hit) => h.type), ['done']);
  const since = json(aos(['memory', 'search', 'gym locker', '--since', '2026-08-01', '--json'], { cwd: home }));
  assert.equal(since.hits.map((h: Hit) => h.file), ['memory/gym-locker-code.md']);
  assert.is(json(aos(['memory', 'search', 'gym locker', '--limit', '2', '--json'], { cwd: home })).hits.length, 2);
  assert.match(aos(['memory', 'search', 'the'], { cwd: home }).stdout, /No matches for "the" \(only common words/);
  assert.ok(existsSync(join(home, CACHE_FILE)), 'the cache lives in .aos/');

  for (const bad of [['--limit', '0'], ['--limit', 'lots'], ['--since', 'someday'], ['--type', 'notes']]) {
    const r = aos(['memory', 'search', 'gym', ...bad], { cwd: home });
    assert.is(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
  }
});

test.run();
