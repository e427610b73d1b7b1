// Issue 14 item 5: aos removes git's .git/index.lock only when no process holds it. A live lock (a
// process with it open, or the owner's `git commit` waiting in its editor) stays, and the tick says
// who holds it; an abandoned one is removed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aos, bareEnv, newHome, tempDir, write } from '../helpers.js';

const twoMinutesAgo = () => new Date(Date.now() - 120_000);

function ageLock(home: string): void {
  utimesSync(join(home, '.git/index.lock'), twoMinutesAgo(), twoMinutesAgo());
}

async function waitFor(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 1200 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(what(), label);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    // The whole group: the editor's sleep goes with its git.
    process.kill(-child.pid!, 'SIGKILL');
  });
}

test('a process holding .git/index.lock open: the tick leaves it, exits 1 and names the holder', async () => {
  const home = newHome();
  const ready = join(tempDir(), 'ready');
  // A stand-in for any git mid-command: the lock file created and held open.
  const holder = spawn(process.execPath, ['-e', `const fs=require('fs');fs.openSync(${JSON.stringify(join(home, '.git/index.lock'))},'wx');fs.writeFileSync(${JSON.stringify(ready)},'');setInterval(()=>{},1000)`], { stdio: 'ignore', detached: true });
  try {
    await waitFor(() => existsSync(ready), 'the holder opened the lock');
    ageLock(home); // older than the 60 s that used to be enough to delete it
    const r = aos(['tick'], { cwd: home });
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.ok(existsSync(join(home, '.git/index.lock')), 'the live lock is still there');
    assert.match(r.stderr, /\.git\/index\.lock/);
    assert.match(r.stderr, new RegExp(`pid ${holder.pid}\\b`));
    assert.match(r.stderr, /docs\/recovery\.md#stuck-lock/);
    // Also after a dead tick's lock was taken over (the other path that used to delete it).
    write(home, '.aos/lock', JSON.stringify({ pid: 999999, host: 'elsewhere', started: '2000-01-01T00:00:00Z', command: 'tick' }) + '\n');
    const again = aos(['tick'], { cwd: home });
    assert.is(again.code, 1, again.stdout + again.stderr);
    assert.ok(existsSync(join(home, '.git/index.lock')), 'still there after a takeover');
  } finally {
    await stop(holder);
  }
});

test("the owner's git commit waiting in its editor: its lock is not removed", async () => {
  const home = newHome();
  // `git commit -a` keeps the index locked while its editor is open (a plain commit does not).
  write(home, 'memory/MEMORY.md', '# Memory\n\na hand edit\n');
  const editing = join(tempDir(), 'editing');
  const env = bareEnv({ GIT_AUTHOR_NAME: 'o', GIT_AUTHOR_EMAIL: 'o@o', GIT_COMMITTER_NAME: 'o', GIT_COMMITTER_EMAIL: 'o@o' });
  write(home, '../editor.sh', `#!/bin/sh\ntouch '${editing}'\nsleep 60\n`);
  const gitCommit = spawn('git', ['commit', '-a'], { cwd: home, env: { ...env, GIT_EDITOR: `sh ${join(home, '../editor.sh')}` }, stdio: 'ignore', detached: true });
  try {
    await waitFor(() => existsSync(editing), 'git commit opened its editor');
    assert.ok(existsSync(join(home, '.git/index.lock')), 'git holds its lock while the editor is open');
    ageLock(home);
    const r = aos(['tick'], { cwd: home });
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.ok(existsSync(join(home, '.git/index.lock')), "the owner's commit keeps its lock");
    assert.match(r.stderr, new RegExp(`pid ${gitCommit.pid}\\b`));
    assert.match(r.stderr, /git commit/);
  } finally {
    await stop(gitCommit);
  }
});

test('an abandoned .git/index.lock (no holder, older than a minute) is removed and the tick goes on', () => {
  const home = newHome();
  writeFileSync(join(home, '.git/index.lock'), '');
  ageLock(home);
  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.not.ok(existsSync(join(home, '.git/index.lock')));
  assert.match(r.stdout, /removed a stale \.git\/index\.lock \(no process holds it\)/);
});

test.run();
