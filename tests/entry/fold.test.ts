// The build folds what cron runs most of the time into dist/aos.js (scripts/build.mjs, foldHotChunks):
// in a home whose documents are already in the doc cache, an idle tick, a tick with items waiting
// and aos status read no chunk file at all; and a command whose chunks load on demand still shares
// the folded modules' instances (its errors are the entry's errors). Parsing a new or changed
// document (the YAML parser) loads its chunk on demand, so each case is first run with the full build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readdirSync, readFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, aos, bareEnv, newHome, tempDir, write } from '../helpers.js';

/** A copy of the build without its chunks: whatever a command loads from dist/chunks/ fails it. */
function foldedOnly(): string {
  const dir = tempDir('aos-folded-');
  mkdirSync(join(dir, 'dist'));
  for (const f of ['aos.js', 'aos.js.map']) cpSync(join(ROOT, 'dist', f), join(dir, 'dist', f));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return join(dir, 'dist/aos.js');
}

function run(bin: string, args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: bareEnv(), encoding: 'utf8', timeout: 60_000 });
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

test.run();
