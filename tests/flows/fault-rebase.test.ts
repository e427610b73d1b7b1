// Issue 14 item 3: a synced tick killed in the middle of its rebase. aos records its own rebase
// before starting it; the next tick aborts it itself and keeps every owner file, including those
// edited and created while the rebase stood half-done. Unfixed, the next tick committed onto the
// half-done rebase and refused to sync, and the advised `git rebase --abort` then dropped the
// owner's edits and the new item.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { git, json, read, write } from '../helpers.js';
import { devices, pauseGitAfter, run, runAsync, tickKilledAt } from '../sync-helpers.js';

test('a tick killed mid-rebase: doctor names it; the next tick aborts its own rebase and no owner file is lost', async () => {
  const { remote, devs } = devices(['laptop', 'desktop']);
  const [a, b] = devs as [typeof devs[0], typeof devs[0]];
  write(a.home, 'notes/plan.md', 'one\ntwo\nthree\nfour\n');
  git(a.home, ['add', 'notes/plan.md']);
  git(a.home, ['commit', '-qm', 'plan']);
  git(a.home, ['push', '-q', 'origin', 'main']);
  // The desktop pushed first, so the laptop's tick has to rebase its own commits onto it.
  git(b.home, ['pull', '-q', '--rebase']);
  write(b.home, 'notes/from-desktop.md', 'written on the desktop\n');
  git(b.home, ['add', 'notes/from-desktop.md']);
  git(b.home, ['commit', '-qm', 'desktop note']);
  git(b.home, ['push', '-q', 'origin', 'main']);
  // A hand edit the killed tick commits before its pull: the commit the rebase replays.
  write(a.home, 'notes/plan.md', 'one, edited before the tick\ntwo\nthree\nfour\n');

  // Stops git at the rebase's first step (HEAD detached onto the remote, the laptop's commits not yet replayed).
  const pause = pauseGitAfter(a.home, `[ -d .git/rebase-merge ] && ! git symbolic-ref -q HEAD >/dev/null`);
  await tickKilledAt(a, pause.stopped);
  assert.ok(existsSync(join(a.home, '.git/rebase-merge')), 'the kill left the rebase half-done');

  const doctor = run(a, ['doctor', '--json']);
  assert.is(doctor.code, 1);
  const named = json(doctor).problems.find((p: { file: string }) => p.file === '.git/rebase-merge');
  assert.ok(named, doctor.stdout);
  assert.match(named.found, /rebase aos started to sync onto origin\/main, cut off/);
  assert.match(named.hint, 'docs/recovery.md#aos-rebase');

  // The owner works on, unaware: edits a file (as git shows it now: without the edit above, which
  // waits in a commit the rebase has not replayed yet) and adds an item while the rebase stands.
  assert.is(read(a.home, 'notes/plan.md'), 'one\ntwo\nthree\nfour\n');
  write(a.home, 'notes/plan.md', read(a.home, 'notes/plan.md') + 'edited while the rebase stood\n');
  const id = '20261121T120000-mid';
  write(a.home, `inbox/${id}.md`, `---\nid: ${id}\nfrom: owner\nto: chief\nkind: task\npriority: normal\ncreated: 2026-11-21T12:00:00+00:00\nstatus: new\n---\nAdded mid-rebase.\n`);

  const t = await runAsync(a, ['tick']);
  assert.is(t.code, 0, t.stderr + t.stdout);
  assert.match(t.stdout, /rebase onto origin\/main was cut off/);
  assert.not.ok(existsSync(join(a.home, '.git/rebase-merge')), 'no rebase is left');
  assert.is(git(a.home, ['symbolic-ref', 'HEAD']).trim(), 'refs/heads/main', 'back on the branch');
  // Every owner file, as the owner last left it, is committed and on the remote; the desktop's too.
  const plan = git(remote, ['show', 'main:notes/plan.md']);
  assert.match(plan, 'edited before the tick');
  assert.match(plan, 'edited while the rebase stood');
  assert.is(plan, 'one, edited before the tick\ntwo\nthree\nfour\nedited while the rebase stood\n');
  assert.is(read(a.home, 'notes/plan.md'), plan);
  assert.match(git(remote, ['show', 'main:notes/from-desktop.md']), 'written on the desktop');
  const item = git(remote, ['log', '--format=%H', '-1', '--', `inbox/${id}.md`]).trim();
  assert.ok(item, 'the item added mid-rebase reached the remote');
  assert.is(git(a.home, ['status', '--porcelain']), '');
  assert.is(git(a.home, ['rev-parse', 'HEAD']).trim(), git(remote, ['rev-parse', 'main']).trim());
  assert.not.ok(existsSync(join(a.home, '.aos/rebase.json')), 'the record of the rebase is gone');
  assert.not.ok(json(run(a, ['doctor', '--json'])).problems.some((p: { file: string }) => p.file.startsWith('.git/') || p.file.startsWith('.aos/')));
});

test.run();
