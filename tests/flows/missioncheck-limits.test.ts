// A mission's check runs code the agent wrote, so it runs under a processes limit: the rlimit for a
// non-root uid and, as root (whom RLIMIT_NPROC does not bind), a pids cgroup where one can be made.
// An ordinary check that starts a few dozen processes is not disturbed by it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bareEnv, tempDir } from '../helpers.js';
import { runCheck, CHECK_PROCESSES } from '../../cli/flows/missioncheck.js';
import { pidsCgroup } from '../../cli/tools/pidscgroup.js';
import { sandboxAvailable } from '../../cli/tools/shell.js';

function worktree(): string {
  const wt = join(tempDir('aos-check-limits-'), 'wt');
  mkdirSync(wt, { recursive: true });
  return wt;
}
const home = { root: '/nonexistent', config: { owner: { name: 'T', timezone: 'UTC' } } } as any;
const env = { vars: bareEnv() } as any;

const probe = process.getuid?.() === 0 ? await pidsCgroup(8) : undefined;
await probe?.release();
const bounded = process.getuid?.() !== 0 || probe !== undefined;
const missing = !sandboxAvailable() ? 'bubblewrap (bwrap) is not installed' : !bounded ? 'root without a writable pids cgroup: nothing can bind the processes' : undefined;
if (missing) console.log(`missioncheck-limits.test: skipped: ${missing}`);
const run = missing ? test.skip : test;

run('a check that forks without end fails to fork at the limit and ends before its time limit', async () => {
  const bomb = `i=0; while [ $i -lt ${CHECK_PROCESSES + 200} ]; do sleep 30 & i=$((i+1)); done; wait`;
  const r = await runCheck(home, env, worktree(), bomb, 25);
  assert.is(r.timedOut, false, `stopped by the processes limit, not the time limit: ${r.tail.slice(-300)}`);
  assert.ok(r.exitCode !== 0);
  assert.match(r.tail, /fork|Resource temporarily unavailable/i);
});

run('a check that starts a few dozen processes at once passes', async () => {
  const r = await runCheck(home, env, worktree(), 'i=0; while [ $i -lt 40 ]; do sleep 1 & i=$((i+1)); done; wait; echo all-done', 60);
  assert.is(r.exitCode, 0, r.tail);
  assert.match(r.tail, /all-done/);
});

test.run();
