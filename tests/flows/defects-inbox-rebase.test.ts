// Defects, round three: `aos inbox add` after a synced tick was killed in the middle of its rebase.
// aos recorded that rebase as its own (.aos/rebase.json); inbox add now ends it first, as the next
// tick would (aborted, the owner's files kept), and commits the item on the branch. Before, it
// committed on top of the half-done rebase (a detached HEAD). A rebase the owner started is left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { git, json, newHome, read, write, aos, bareEnv } from '../helpers.js';
import { devices, pauseGitAfter, runAsync, tickKilledAt } from '../sync-helpers.js';

test("inbox add after a tick was killed mid-rebase: aos's own rebase is ended first, the item lands on the branch, no owner file is lost", async () => {
  const { remote, devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [typeof devs[0], typeof devs[0]];
  write(a.home, 'notes/plan.md', 'one\ntwo\n');
  git(a.home, ['add', 'notes/plan.md']);
  git(a.home, ['commit', '-qm', 'plan']);
  git(a.home, ['push', '-q', 'origin', 'main']);
  git(b.home, ['pull', '-q', '--rebase']);
  write(b.home, 'notes/from-desktop.md', 'written on the desktop\n');
  git(b.home, ['add', 'notes/from-desktop.md']);
  git(b.home, ['commit', '-qm', 'desktop note']);
  git(b.home, ['push', '-q', 'origin', 'main']);
  write(a.home, 'notes/plan.md', 'one, edited before the tick\ntwo\n');

  const pause = pauseGitAfter(a.home, `[ -d .git/rebase-merge ] && ! git symbolic-ref -q HEAD >/dev/null`);
  await tickKilledAt(a, pause.stopped);
  assert.ok(existsSync(join(a.home, '.git/rebase-merge')), 'the kill left the rebase half-done');
  assert.ok(existsSync(join(a.home, '.aos/rebase.json')), 'recorded as aos’s own');
  write(a.home, 'notes/meanwhile.md', 'written while the rebase stood\n');

  const add = await runAsync(a, ['inbox', 'add', 'Water the plants', '--to', 'chief', '--json']);
  assert.is(add.code, 0, add.stdout + add.stderr);
  assert.match(add.stderr, /recovered: a sync's rebase onto origin\/main was cut off/);
  const { id, committed } = json(add);
  assert.ok(committed, 'the item was committed');
  assert.not.ok(existsSync(join(a.home, '.git/rebase-merge')), 'no rebase is left');
  assert.not.ok(existsSync(join(a.home, '.aos/rebase.json')), 'its record is gone');
  assert.is(git(a.home, ['symbolic-ref', 'HEAD']).trim(), 'refs/heads/main', 'on the branch, not a detached HEAD');
  assert.is(git(a.home, ['rev-parse', 'HEAD']).trim(), committed, 'the item’s commit is the branch’s tip');
  assert.match(git(a.home, ['show', `main:inbox/${id}.md`]), /Water the plants/);
  // The owner's files: the edit committed before the tick, and the file written meanwhile.
  assert.match(git(a.home, ['show', 'main:notes/plan.md']), 'one, edited before the tick');
  assert.is(read(a.home, 'notes/meanwhile.md'), 'written while the rebase stood\n');

  // The next tick syncs as usual: everything reaches the remote.
  const t = await runAsync(a, ['tick']);
  assert.is(t.code, 0, t.stdout + t.stderr);
  assert.match(git(remote, ['show', `main:inbox/done/${id.slice(0, 4)}/${id.slice(4, 6)}/${id}.md`]), /Water the plants/);
  assert.is(git(remote, ['show', 'main:notes/meanwhile.md']), 'written while the rebase stood\n');
  assert.is(git(a.home, ['status', '--porcelain']), '');
});

test('inbox add leaves a rebase the owner started alone', () => {
  const home = newHome();
  write(home, 'notes/a.md', 'base\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'base']);
  git(home, ['checkout', '-qb', 'side']);
  write(home, 'notes/a.md', 'side\n');
  git(home, ['commit', '-qam', 'side']);
  git(home, ['checkout', '-q', 'main']);
  write(home, 'notes/a.md', 'main\n');
  git(home, ['commit', '-qam', 'main']);
  git(home, ['checkout', '-q', 'side']);
  let stopped = false;
  try {
    git(home, ['rebase', 'main']);
  } catch {
    stopped = true;
  }
  assert.ok(stopped && existsSync(join(home, '.git/rebase-merge')), 'the owner’s rebase stopped on a conflict');
  const orig = read(home, '.git/rebase-merge/orig-head');
  const add = aos(['inbox', 'add', 'Call the plumber', '--home', home], { env: bareEnv() });
  assert.ok(add.code === 0, add.stdout + add.stderr);
  assert.ok(existsSync(join(home, '.git/rebase-merge')), 'the owner’s rebase is still there');
  assert.is(read(home, '.git/rebase-merge/orig-head'), orig);
  assert.not.match(add.stderr, /recovered/);
});

test.run();
