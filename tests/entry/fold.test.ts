// The build folds what cron runs most of the time into dist/aos.js (scripts/build.mjs, foldHotChunks):
// in a home whose documents are already in the doc cache, an idle tick, a tick with items waiting
// and aos status read no chunk file at all; and a command whose chunks load on demand still shares
// the folded modules' instances (its errors are the entry's errors). Parsing a new or changed
// document (the YAML parser) loads its chunk on demand, so each case is first run with the full build.
// The folded code runs from V8's code cache: a missing, corrupt or unwritable cache costs a compile,
// never the command, and any change to the code (even same-size, mtime set back) is never served stale.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readdirSync, readFileSync, renameSync, mkdirSync, writeFileSync, statSync, utimesSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, AOS, aos, bareEnv, git, newHome, tempDir, write } from '../helpers.js';

/** A copy of the build without its chunks: whatever a command loads from dist/chunks/ fails it. */
function foldedOnly(withChunks = false): string {
  const dir = tempDir('aos-folded-');
  if (withChunks) cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  else mkdirSync(join(dir, 'dist'));
  for (const f of ['aos.js', 'aos-hot.cjs', 'aos-hot.cjs.map', 'package.json']) cpSync(join(ROOT, 'dist', f), join(dir, 'dist', f));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return join(dir, 'dist/aos.js');
}

function run(bin: string, args: string[], cwd: string, env: Record<string, string> = bareEnv()) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Moves every item in the inbox to done, so the next tick has nothing to do. */
function settle(home: string): void {
  mkdirSync(join(home, 'inbox/done/2026/01'), { recursive: true });
  for (const f of readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(home, 'inbox', f), join(home, 'inbox/done/2026/01', f));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

test('an idle tick, a tick with items waiting and aos status need no chunk file', () => {
  const home = newHome();
  aos(['tick'], { cwd: home });
  settle(home);
  aos(['tick'], { cwd: home });
  // A second later, so the idle stamp is written (facts as new as the tick's second are unknown).
  sleep(1100);
  aos(['tick'], { cwd: home });
  aos(['status'], { cwd: home }); // status reads documents the tick does not (into the same cache)
  const bin = foldedOnly();
  for (let i = 0; i < 2; i++) {
    const idle = run(bin, ['tick'], home);
    assert.is(idle.code, 0, idle.stderr);
    assert.not.match(idle.stderr, /ERR_MODULE_NOT_FOUND|internal error/);
  }
  const status = run(bin, ['status'], home);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /^aos home /);
  const version = run(bin, ['--version'], home);
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);

  // No model configured: the item is routed and waits.
  write(home, 'inbox/20261101T090000-wait.md', '---\nid: 20261101T090000-wait\nfrom: owner\nkind: task\ncreated: 2026-11-01T09:00:00+00:00\nstatus: new\n---\nPlan the trip.\n');
  assert.match(aos(['tick'], { cwd: home }).stdout, /^waiting /m);
  const waiting = run(bin, ['tick'], home);
  assert.ok(waiting.code === 0 || waiting.code === 1, waiting.stderr);
  assert.match(waiting.stdout, /^waiting /m);
  assert.not.match(waiting.stderr, /ERR_MODULE_NOT_FOUND|internal error/);
});

test('a command loaded on demand shares the folded modules: its user errors are reported as such', () => {
  const home = newHome();
  // inbox's chunk is not folded: it imports the error classes back from dist/aos.js.
  const inboxChunks = readdirSync(join(ROOT, 'dist/chunks')).filter((f) => /^inbox-.*\.js$/.test(f));
  assert.ok(inboxChunks.length > 0, 'the inbox command has a chunk of its own');
  for (const f of inboxChunks) assert.not.match(readFileSync(join(ROOT, 'dist/chunks', f), 'utf8'), /^export \{ __hot/);
  const r = aos(['inbox', 'show', 'no-such-item'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stderr, /^aos: no inbox item "no-such-item"/);
  assert.not.match(r.stderr, /internal error/);
  // Without the chunks the same command cannot run: the copy above really lacks them.
  const bare = run(foldedOnly(), ['inbox', 'show', 'no-such-item'], home);
  assert.is.not(bare.code, 0);
});

test('a command loaded on demand reads the folded values from one module, not through a stub per chunk', () => {
  const chunks = join(ROOT, 'dist/chunks');
  // A folded chunk's stub (and folded.js) require the entry and take its __hotExports().
  const isStub = (text: string) => text.startsWith("import { createRequire } from 'node:module';\nconst hot = createRequire(") && text.includes('.__hotExports();');
  const files = readdirSync(chunks).filter((f) => f.endsWith('.js'));
  const stubs = new Set(files.filter((f) => f !== 'folded.js' && isStub(readFileSync(join(chunks, f), 'utf8'))));
  assert.ok(stubs.size > 10, 'the folded chunks left stubs (for dynamic imports)');
  let readers = 0;
  for (const f of files.filter((f) => !stubs.has(f) && f !== 'folded.js')) {
    const text = readFileSync(join(chunks, f), 'utf8');
    // Static imports only: `import{...}from"./x.js"` or `import"./x.js"`; import("./x.js") is dynamic.
    const statics = [...text.matchAll(/(?:^|[;\n])\s*import\s*(?:[^"'();]*?from\s*)?"\.\/([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(statics.filter((s) => stubs.has(s)), [], `${f} imports stubs statically`);
    if (statics.includes('folded.js')) readers++;
  }
  assert.ok(readers > 10, 'commands read the folded values from folded.js');
  // And it works: the inbox command (not folded) answers, with the folded modules' error classes.
  const r = aos(['inbox', 'show', 'no-such-item'], { cwd: newHome() });
  assert.equal([r.code, r.stderr.split('\n')[0]], [1, 'aos: no inbox item "no-such-item" (aos inbox list shows the ids)']);
});

/** A bare environment whose code cache is in its own HOME (~/.cache/aos), not the suite's shared one. */
function ownCacheEnv(): Record<string, string> {
  const env = bareEnv();
  delete env.XDG_CACHE_HOME;
  return env;
}

/** The code cache files under a user's home. */
function caches(userHome: string): string[] {
  const dir = join(userHome, '.cache/aos');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => join(dir, f)) : [];
}

test('another command writes a code cache only where none is; the first tick or status replaces it with its own', () => {
  const home = newHome();
  const env = ownCacheEnv();
  const names = () => caches(env.HOME!).map((f) => f.slice(f.lastIndexOf('/') + 1).replace(/^v8-.*?(\.any)?\.bin$/, (_, any) => (any ? 'any' : 'cron')));
  assert.is(run(AOS, ['--version'], home, env).code, 0);
  assert.equal(names(), [], '--version loads no folded code');
  assert.is(run(AOS, ['inbox', 'list'], home, env).code, 0);
  assert.equal(names(), ['any']);
  const anyCache = readFileSync(caches(env.HOME!)[0]!);
  const again = run(AOS, ['inbox', 'list'], home, env);
  assert.is(again.code, 0, again.stderr);
  assert.equal(readFileSync(caches(env.HOME!)[0]!), anyCache, 'found and used, not written again');
  assert.is(run(AOS, ['tick'], home, env).code, 0);
  assert.equal(names(), ['cron'], "the tick's cache replaces the other command's");
  assert.is(run(AOS, ['inbox', 'list'], home, env).code, 0);
  assert.equal(names(), ['cron'], "another command uses the tick's cache and writes none");
});

test('the code cache is written once, and a corrupt, empty or unwritable one costs a compile, never the command', () => {
  const home = newHome();
  const env = ownCacheEnv();
  const expected = run(AOS, ['status'], home, env);
  assert.is(expected.code, 0, expected.stderr);
  const [cache, ...more] = caches(env.HOME!);
  assert.ok(cache && more.length === 0, `one cache file under ${env.HOME}/.cache/aos`);
  const written = readFileSync(cache!);
  assert.ok(written.length > 10_000, 'the cache holds compiled code');
  const again = run(AOS, ['status'], home, env);
  assert.equal([again.code, again.stdout, again.stderr], [0, expected.stdout, '']);
  assert.equal(readFileSync(cache!), written, 'an accepted cache is not written again');

  for (const [what, bytes] of [['corrupt', Buffer.from('not a code cache at all'.repeat(100))], ['empty', Buffer.alloc(0)]] as const) {
    writeFileSync(cache!, bytes);
    const r = run(AOS, ['status'], home, env);
    assert.equal([r.code, r.stdout, r.stderr], [0, expected.stdout, ''], `${what} cache`);
    assert.ok(readFileSync(cache!).length > 10_000, `a ${what} cache is written again`);
  }

  // The cache folder cannot be made: a file stands where it would be.
  const blocked = ownCacheEnv();
  writeFileSync(join(blocked.HOME!, '.cache'), 'in the way\n');
  for (let i = 0; i < 2; i++) {
    const r = run(AOS, ['status'], home, blocked);
    assert.equal([r.code, r.stdout, r.stderr], [0, expected.stdout, ''], 'unwritable cache folder');
  }
  // No HOME at all (and no XDG_CACHE_HOME): no cache, the command runs.
  const bare = run(AOS, ['status'], home, { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', AOS_HOME: home });
  assert.is(bare.code, 0, bare.stderr);
});

test('a changed build is never served from the cache of the old one, even a same-size edit with its mtime set back', () => {
  const home = newHome();
  const env = ownCacheEnv();
  const bin = foldedOnly(true);
  const hot = join(bin, '../aos-hot.cjs');
  // A whole second, so the mtime can be put back exactly.
  utimesSync(hot, 1_700_000_000, 1_700_000_000);
  const first = run(bin, ['status'], home, env); // writes the cache, with status's own code compiled
  assert.match(first.stdout, /^aos home /);
  assert.is(caches(env.HOME!).length, 1);
  assert.match(run(bin, ['status'], home, env).stdout, /^aos home /); // from the cache
  // The same number of bytes, written in place (same inode), its mtime put back as it was.
  const before = statSync(hot);
  const text = readFileSync(hot, 'utf8');
  const edited = text.replace('`aos home ${root}', '`AOS HOME ${root}');
  assert.is.not(edited, text);
  assert.is(Buffer.byteLength(edited), before.size);
  writeFileSync(hot, edited);
  utimesSync(hot, 1_700_000_000, 1_700_000_000);
  assert.is(statSync(hot).mtimeMs, before.mtimeMs);
  assert.is(statSync(hot).ino, before.ino);
  for (let i = 0; i < 2; i++) {
    const r = run(bin, ['status'], home, env);
    assert.match(r.stdout, /^AOS HOME /, 'the edited code runs, not the cached one');
  }
  assert.is(caches(env.HOME!).length, 1, 'a cache file of its own for the edited code, and the old build\'s removed');
});

test('a new cache replaces the same install\'s older ones and leaves other installs\' caches alone', () => {
  const home = newHome();
  const env = ownCacheEnv();
  const [a, b] = [foldedOnly(true), foldedOnly(true)];
  assert.is(run(a, ['status'], home, env).code, 0);
  assert.is(run(b, ['status'], home, env).code, 0);
  const both = caches(env.HOME!).sort();
  assert.is(both.length, 2, 'one cache per install');
  // A rebuild of install a: a new file in place of its code (another inode).
  const hot = join(a, '../aos-hot.cjs');
  const text = readFileSync(hot);
  renameSync(hot, `${hot}.old`);
  writeFileSync(hot, text);
  assert.is(run(a, ['status'], home, env).code, 0);
  const after = caches(env.HOME!).sort();
  assert.is(after.length, 2, `still one per install: ${after.join(', ')}`);
  const bCache = both.find((f) => after.includes(f));
  assert.ok(bCache, 'install b\'s cache is untouched');
});

test('a node older than 20.16 is told plainly, and nothing runs', () => {
  const home = newHome();
  const before = git(home, ['log', '--oneline']);
  const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tests/fixtures/old-node.cjs'), AOS, 'tick'], { cwd: home, env: bareEnv(), encoding: 'utf8' });
  assert.equal([r.status, r.stdout], [1, '']);
  assert.match(r.stderr, /^aos: needs Node\.js 20\.16 or later; this is v\d+\.\d+\.\d+ \(/);
  assert.is(git(home, ['log', '--oneline']), before, 'the tick did nothing');
});

test('aos --version answers from the entry alone', () => {
  const dir = tempDir('aos-entry-only-');
  mkdirSync(join(dir, 'dist'));
  cpSync(join(ROOT, 'dist/aos.js'), join(dir, 'dist/aos.js'));
  const r = run(join(dir, 'dist/aos.js'), ['--version'], dir);
  assert.equal([r.code, r.stdout.trim(), r.stderr], [0, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version, '']);
});

test.run();
