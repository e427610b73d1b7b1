// The search cache's delta (issue 24): a refresh writes what changed since the base beside it and
// leaves the base as it was; past its share of the base the two merge into a new base. What a
// delta holds must answer exactly as a rebuild from the files; a delta that is damaged, cut short
// or names another base is never used (the files say what changed, the answers stay right); a
// process killed while it refreshes leaves a cache that answers right the next time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FILE, DELTA_FILE, DELTA_MIN_BYTES, openSearch, type Hit } from '../../cli/home/searchindex.js';
import { isTempFile } from '../../cli/core/docs/tempfiles.js';
import { AOS, ROOT, aos, bareEnv, json, newHome, tempDir, write } from '../helpers.js';

const topic = (title: string, body: string, extra = '') => `---\ntitle: "${title}"\ntype: fact\ndescription: "about ${title.toLowerCase()}"\ncreated: 2026-03-01\nstatus: active\n${extra}---\n${body}\n`;
const entry = (time: string, body: string) => `\n## ${time} · note · chief · r-20261120T${time.replace(/:/g, '')}-ab12\n${body}\n`;
const LOG = 'logs/2026/11/2026-11-20.md';

function home(): string {
  return fixture(tempDir('aos-delta-'));
}

function fixture(root: string): string {
  write(root, 'memory/bakery.md', topic('Bakery visit', 'The baker keeps a sourdough culture from 1950.'));
  write(root, 'memory/locker.md', topic('Gym locker code', 'The locker code at the Alfama gym is 4471.'));
  write(root, 'memory/ferry.md', topic('Ferry times', 'The ferry to Cacilhas leaves every twenty minutes.'));
  write(root, 'memory/bolo.md', topic('Pão de ló em São Brás — 🍰', 'Um bolo.'));
  write(root, LOG, '# 2026-11-20\n' + entry('09:00:00', 'Compared trains from Lisbon to Porto.') + entry('10:30:00', 'The owner plans a ferry trip to Cacilhas.'));
  write(root, 'inbox/done/2026/11/20261119T100000-zz99.md', '---\nid: 20261119T100000-zz99\nstatus: done\n---\nFind a plumber for the kitchen leak.\n');
  return root;
}

const QUERIES = ['sourdough baker', 'locker code', 'ferry Cacilhas', 'quokka sanctuary', 'okapi visit', 'plumber', 'wombat', 'rye', 'Brás bolo'];

async function answers(root: string, opts: { expectWarm?: boolean } = {}): Promise<{ hits: Hit[][]; count: number }> {
  const index = await openSearch(root, { racyMs: 0 });
  if (opts.expectWarm) assert.equal([index.rebuilt, index.reindexed, index.saved], [false, 0, false], 'a warm open');
  const hits = [];
  for (const q of QUERIES) hits.push(await index.search(q, { limit: 1000, cites: true, neighbours: 1 }));
  const count = index.documentCount;
  index.close();
  return { hits, count };
}

/** What a rebuild from the files answers, in a copy of the folder (the original keeps its cache). */
async function rebuilt(root: string) {
  const copy = join(tempDir('aos-delta-copy-'), 'home');
  cpSync(root, copy, { recursive: true });
  (await openSearch(copy, { rebuild: true })).close();
  return answers(copy);
}

test('a refresh writes only the delta; the base stays byte for byte; the answers are a rebuild\'s', async () => {
  const root = home();
  (await openSearch(root, { racyMs: 0 })).close();
  const base = readFileSync(join(root, CACHE_FILE));
  assert.not.ok(existsSync(join(root, DELTA_FILE)), 'a new index is a base alone');

  // Each kind of change: an entry appended, a topic edited (its row removed, a new one), a file
  // deleted, a new topic citing a log entry.
  appendFileSync(join(root, LOG), entry('11:00:00', 'The owner booked a quokka sanctuary visit.'));
  write(root, 'memory/bakery.md', topic('Bakery visit', 'The baker now sells rye only.'));
  unlinkSync(join(root, 'memory/locker.md'));
  write(root, 'memory/quokka.md', topic('Quokka outing', 'A sanctuary outing.', 'sources: [logs/2026/11/2026-11-20.md#L9]\n'));
  write(root, 'memory/bolo2.md', topic('Bolo do caco, ação №2', 'Outro bolo.'));
  const refreshed = await openSearch(root, { racyMs: 0 });
  assert.equal([refreshed.rebuilt, refreshed.reindexed, refreshed.saved], [false, 4, true]);
  refreshed.close();
  assert.equal(readFileSync(join(root, CACHE_FILE)), base, 'the base was not written');

  const got = await answers(root, { expectWarm: true });
  assert.equal(got, await rebuilt(root));
  assert.equal(got.hits[0]!.map((h) => h.file), ['memory/bakery.md'], 'the edited topic, not its old text');
  assert.equal(got.hits[1], [], 'the deleted topic is gone');
  assert.equal(got.hits[3]!.map((h) => `${h.file}:${h.line}`), ['memory/quokka.md:9', `${LOG}:9`], 'the new topic, and the entry it cites');
  assert.equal(got.hits[QUERIES.indexOf('Brás bolo')]!.map((h) => h.title).sort(), ['Bolo do caco, ação №2', 'Pão de ló em São Brás — 🍰'], 'titles from the base and from the delta');

  // A second refresh builds on the delta (its rows, postings and removals stay).
  appendFileSync(join(root, LOG), entry('12:00:00', 'A wombat was seen near the quokka sanctuary.'));
  write(root, 'memory/ferry.md', topic('Ferry times', 'The ferry to Cacilhas leaves every half hour; a wombat rides it.'));
  const again = await openSearch(root, { racyMs: 0 });
  assert.equal([again.rebuilt, again.reindexed, again.saved], [false, 2, true]);
  again.close();
  assert.equal(readFileSync(join(root, CACHE_FILE)), base, 'the base is still as it was');
  assert.equal(await answers(root, { expectWarm: true }), await rebuilt(root));
});

test('past its share of the base the delta merges into a new base, and the answers stay a rebuild\'s', async () => {
  const root = home();
  (await openSearch(root, { racyMs: 0 })).close();
  appendFileSync(join(root, LOG), entry('11:00:00', 'The owner booked a quokka sanctuary visit; an okapi visit too.'));
  write(root, 'memory/locker.md', topic('Gym locker code', 'The locker code at the Alfama gym is now 5582; ask about the okapi.'));
  (await openSearch(root, { racyMs: 0 })).close();
  assert.ok(existsSync(join(root, DELTA_FILE)));
  const base = readFileSync(join(root, CACHE_FILE));

  // Enough new words for the delta to pass DELTA_MIN_BYTES; some shared with the delta's postings
  // (okapi, quokka), so the merge joins the delta's lists and this process's.
  const lines = ['# 2026-11-21'];
  for (let i = 0; lines.join('\n').length < DELTA_MIN_BYTES * 2; i++) lines.push(entry(`08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `Okapi visit number ${i}: word${i} and zq${i.toString(36)} near the quokka.`));
  write(root, 'logs/2026/11/2026-11-21.md', lines.join('\n'));
  const merged = await openSearch(root, { racyMs: 0 });
  assert.equal([merged.rebuilt, merged.saved], [false, true]);
  merged.close();
  assert.not.ok(existsSync(join(root, DELTA_FILE)), 'the delta went into the base');
  assert.not.equal(readFileSync(join(root, CACHE_FILE)), base, 'a new base');
  const got = await answers(root, { expectWarm: true });
  assert.equal(got, await rebuilt(root));
  assert.ok(got.hits[4]!.length > 100, 'the okapi entries of both are found');
});

test('a delta damaged, cut short, of another base or in the way is not used: the files are read again, the answers stay right', async () => {
  const root = home();
  (await openSearch(root, { racyMs: 0 })).close();
  const oldBase = readFileSync(join(root, CACHE_FILE));
  appendFileSync(join(root, LOG), entry('11:00:00', 'A wombat near the quokka sanctuary.'));
  write(root, 'memory/bakery.md', topic('Bakery visit', 'The baker now sells rye only.'));
  (await openSearch(root, { racyMs: 0 })).close();
  const delta = readFileSync(join(root, DELTA_FILE));
  const good = await answers(root, { expectWarm: true });
  assert.equal(good, await rebuilt(root));

  // A delta of the base before the last merge: rebuild the base (a new stamp), put the old delta back.
  const staleRoot = join(tempDir('aos-delta-stale-'), 'home');
  cpSync(root, staleRoot, { recursive: true });
  (await openSearch(staleRoot, { rebuild: true })).close();
  const otherBase = readFileSync(join(staleRoot, CACHE_FILE));

  const nl = delta.indexOf(10);
  const body = nl + 1 + Number(delta.subarray(0, nl).toString().split(' ')[1]);
  const flip = (at: number) => Buffer.concat([delta.subarray(0, at), Buffer.from([delta[at]! ^ 1]), delta.subarray(at + 1)]);
  const cases: [string, Buffer | string, Buffer?][] = [
    ['empty', ''],
    ['cut after its first line', delta.subarray(0, nl + 1)],
    ['cut in its header', delta.subarray(0, nl + 20)],
    ['cut in its body', delta.subarray(0, body + 3)],
    ['cut by one byte', delta.subarray(0, delta.length - 1)],
    ['a flipped bit in its header', flip(nl + 12)],
    ['a flipped bit in its table', flip(body + 2)],
    ['garbage', 'aos-search-delta 5 1\n{{{{{'],
    ['a base cache where the delta belongs', oldBase],
    ['the delta of another base', delta, otherBase],
  ];
  for (const [what, bytes, baseBytes] of cases) {
    writeFileSync(join(root, CACHE_FILE), baseBytes ?? oldBase);
    writeFileSync(join(root, DELTA_FILE), bytes);
    const index = await openSearch(root, { racyMs: 0 });
    assert.equal([index.rebuilt, index.saved], [false, true], `${what}: the base is kept, a new delta written`);
    index.close();
    assert.equal(await answers(root, { expectWarm: true }), good, what);
  }
  // Damage inside a shard of the delta is found when a query reads it: rebuilt, and answered.
  writeFileSync(join(root, CACHE_FILE), oldBase);
  const shardAt = body + delta.subarray(body).lastIndexOf('wombat') + 2;
  writeFileSync(join(root, DELTA_FILE), flip(shardAt));
  const index = await openSearch(root, { racyMs: 0 });
  assert.equal(await index.search('wombat', { limit: 1000, cites: true, neighbours: 1 }), good.hits[QUERIES.indexOf('wombat')]);
  assert.ok(index.rebuilt, 'the damaged delta shard made it rebuild');
  index.close();
  assert.equal(await answers(root), good);

  // A folder where the delta would be: searching still answers, and says why the cache is not saved.
  rmSync(join(root, DELTA_FILE), { force: true });
  write(root, join(DELTA_FILE, 'x'), '');
  appendFileSync(join(root, LOG), entry('12:00:00', 'A second wombat.'));
  const blocked = await openSearch(root, { racyMs: 0 });
  assert.not.ok(blocked.saved);
  assert.equal(blocked.problems.map((p) => [p.file, p.expected]), [[DELTA_FILE, 'a writable search cache']]);
  assert.is((await blocked.search('wombat')).length, 2);
  blocked.close();
});

test('killed with SIGKILL while it refreshes (delta writes and merges), the cache answers right the next time', async () => {
  const root = home();
  (await openSearch(root, { racyMs: 0 })).close();
  const log = join(root, 'logs/2026/11/2026-11-22.md');
  writeFileSync(log, '# 2026-11-22\n');
  // A writer that appends an entry and refreshes, over and over: each refresh writes the delta,
  // and every few dozen the delta outgrows its share and is merged into the base.
  const script = `import { appendFileSync } from 'node:fs';
import { openSearch } from ${JSON.stringify(join(ROOT, 'cli/home/searchindex.ts'))};
for (let i = 0; ; i++) {
  const words = Array.from({ length: 40 }, (_, k) => 'w' + (i * 40 + k).toString(36)).join(' ');
  appendFileSync(${JSON.stringify(log)}, '\\n## 09:00:00 · note · chief · r-k' + process.pid + '-' + i + '\\nOkapi visit ' + i + ': ' + words + '\\n');
  (await openSearch(${JSON.stringify(root)}, { racyMs: 0 })).close();
  if (i === 2) process.stdout.write('going\\n');
}`;
  for (let round = 0; round < 6; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 20 + round * 37));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  const got = await answers(root);
  assert.equal(got, await rebuilt(root));
  assert.ok(got.hits[4]!.length >= 18, `every entry written is found (${got.hits[4]!.length})`);
  // Anything a kill left behind is an aos temp file (ignored by git, removed by the tick).
  for (const name of readdirSync(join(root, '.aos/search'))) assert.ok(['index', 'index.delta'].includes(name) || isTempFile(name), name);
});

// strace stops a process at a chosen system call and kills it there: the worst moments, every time.
const RENAME = 'rename,renameat,renameat2';
const UNLINK = 'unlink,unlinkat';
function canInject(): boolean {
  const r = spawnSync('strace', ['-qq', '-o', '/dev/null', '-e', 'trace=uname', '-e', 'inject=uname:signal=SIGKILL', 'uname'], { encoding: 'utf8' });
  return r.signal === 'SIGKILL';
}

test('killed with SIGKILL at the worst moments of a refresh and of a merge, the next search answers as a rebuild', () => {
  if (!existsSync(AOS)) throw new Error(`build first: ${AOS} is missing`);
  if (!canInject()) {
    console.log('  (not run: strace cannot inject faults on this machine)');
    return;
  }
  const root = fixture(newHome());
  const env = bareEnv();
  const ask = (cwd: string) => QUERIES.map((q) => json(aos(['memory', 'search', q, '--json', '--limit', '50'], { cwd, env })).hits);
  const fresh = () => {
    const copy = join(tempDir('aos-delta-copy-'), 'home');
    cpSync(root, copy, { recursive: true });
    rmSync(join(copy, '.aos/search'), { recursive: true, force: true });
    return ask(copy);
  };
  const killedAt = (calls: string) => spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${calls}`, '-e', `inject=${calls}:signal=SIGKILL`, process.execPath, AOS, 'memory', 'search', 'quokka'], { cwd: root, env, encoding: 'utf8' });
  const cache = () => readdirSync(join(root, '.aos/search'));
  ask(root);
  ask(root);
  const base = readFileSync(join(root, CACHE_FILE));
  const delta = () => (existsSync(join(root, DELTA_FILE)) ? readFileSync(join(root, DELTA_FILE)) : undefined);

  // A refresh killed with its delta written whole under the temp name, before the rename.
  const before = delta();
  appendFileSync(join(root, LOG), entry('11:00:00', 'A quokka sanctuary visit.'));
  assert.is(killedAt(RENAME).signal, 'SIGKILL');
  assert.ok(cache().some(isTempFile), `killed with its temp file written: ${cache()}`);
  assert.equal(delta(), before, 'the delta before it is still the one in place');
  assert.equal(ask(root), fresh());
  assert.not.equal(delta(), before);
  assert.equal(readFileSync(join(root, CACHE_FILE)), base);

  // A merge (the delta past its share) killed before its new base is renamed: the old base and
  // delta stay, the next search merges again.
  const big = (day: string) => {
    const lines = [`# ${day}`];
    for (let i = 0; lines.join('\n').length < DELTA_MIN_BYTES * 2; i++) lines.push(entry(`08:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `Okapi visit ${i}: ${day.slice(-2)}w${i} zq${i.toString(36)} near the quokka.`));
    write(root, `logs/2026/11/${day}.md`, lines.join('\n'));
  };
  big('2026-11-21');
  assert.is(killedAt(RENAME).signal, 'SIGKILL');
  assert.equal(readFileSync(join(root, CACHE_FILE)), base, 'the base as it was');
  assert.ok(cache().includes('index.delta'));
  assert.equal(ask(root), fresh());
  assert.not.equal(readFileSync(join(root, CACHE_FILE)), base, 'merged this time');
  assert.not.ok(cache().includes('index.delta'));

  // A merge killed after its new base is renamed, before the old delta is removed: that delta
  // names the base before, so it is not used (and is replaced).
  appendFileSync(join(root, LOG), entry('12:00:00', 'A wombat at the quokka sanctuary.'));
  ask(root);
  const merged = readFileSync(join(root, CACHE_FILE));
  assert.ok(cache().includes('index.delta'));
  big('2026-11-23');
  assert.is(killedAt(UNLINK).signal, 'SIGKILL');
  assert.not.equal(readFileSync(join(root, CACHE_FILE)), merged, 'the new base is in place');
  assert.ok(cache().includes('index.delta'), 'the old delta is still there');
  assert.equal(ask(root), fresh());
});

test('a folder listed as before is compared whole: a source replaced by a folder of its name is gone, names that are not sources change nothing', async () => {
  const root = home();
  const before = await answers(root);
  // Names that are not sources: hidden, not .md, the index of memory/, a line break in the name.
  write(root, 'memory/.draft.md', topic('Hidden', 'wombat'));
  write(root, 'memory/notes.txt', 'wombat');
  write(root, 'memory/MEMORY.md', '# Memory\n- wombat\n');
  write(root, 'memory/odd\nname.md', topic('Odd', 'wombat'));
  const relisted = await openSearch(root, { racyMs: 0 });
  assert.equal([relisted.reindexed, relisted.saved], [0, true], 'the new listing is stored, no file read');
  relisted.close();
  assert.equal(await answers(root, { expectWarm: true }), before);
  // Same names, same order: the listing is as before, but one source is now a folder.
  unlinkSync(join(root, 'memory/ferry.md'));
  write(root, 'memory/ferry.md/inside.md', topic('Inside', 'ferry'));
  const replaced = await answers(root);
  assert.equal(replaced.count, before.count - 1);
  assert.equal(replaced.hits[QUERIES.indexOf('ferry Cacilhas')]!.map((h) => h.file), [LOG], 'the topic that was a file is gone');
  assert.equal(replaced, await rebuilt(root));
});

test('the scan\'s two ways to stat a file (Node\'s binding, lstatSync under --pending-deprecation) agree to the bit, and print nothing', async () => {
  if (!existsSync(AOS)) throw new Error(`build first: ${AOS} is missing`);
  const root = fixture(newHome());
  write(root, 'memory/deep/ignored.md', topic('Not a source', 'quokka'));
  symlinkSync(join(root, 'memory/bakery.md'), join(root, 'memory/linked.md'));
  // Old enough that no file is read again for being recent (a second, where a file system keeps whole seconds).
  const fine = statSync(join(root, LOG)).mtimeMs % 1000 !== 0;
  await new Promise((r) => setTimeout(r, fine ? 300 : 2100));
  const pending = bareEnv({ NODE_OPTIONS: '--pending-deprecation' });
  const cache = () => readdirSync(join(root, '.aos/search')).map((n) => [n, readFileSync(join(root, '.aos/search', n))]);
  const asked = (env?: Record<string, string>) => aos(['memory', 'search', 'ferry Cacilhas plumber', '--json'], { cwd: root, env });

  const slow = asked(pending);
  assert.is(slow.code, 0, slow.stderr);
  assert.not.match(slow.stderr, /Deprecation/);
  const built = cache();
  const fast = asked();
  assert.is(fast.code, 0, fast.stderr);
  assert.is(fast.stderr, '', 'nothing printed');
  assert.equal(json(fast), json(slow));
  assert.equal(cache(), built, 'the binding\'s signatures are lstatSync\'s: nothing was read again or written');
  assert.match(fast.stdout, /a symbolic link/, 'a symlink is still refused');
  // And the other way round.
  appendFileSync(join(root, LOG), entry('11:00:00', 'A ferry to Barreiro.'));
  await new Promise((r) => setTimeout(r, fine ? 300 : 2100));
  const refreshed = asked();
  assert.is(refreshed.code, 0, refreshed.stderr);
  const after = cache();
  assert.equal(json(asked(pending)), json(refreshed));
  assert.equal(cache(), after);
});

test.run();
