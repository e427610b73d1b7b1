// The processes limit where RLIMIT_NPROC binds nothing: aos run as root. Each command gets a pids
// cgroup with pids.max where one can be made (cgroup v1's pids hierarchy or a v2 root that delegates
// pids), so a fork bomb fails to fork past the limit as root too, and no group is left behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bareEnv, processesWith, tempDir } from '../helpers.js';
import { runShell, sandboxAvailable } from '../../cli/tools/shell.js';
import { pidsCgroup } from '../../cli/tools/pidscgroup.js';
import { DEFAULT_RLIMITS, type ShellDecision } from '../../cli/core/agents/shellcheck.js';
import type { RunCtx } from '../../cli/tools/runctx.js';

function ctx(): Pick<RunCtx, 'home' | 'env' | 'run' | 'touched' | 'onTouch'> {
  const home = join(tempDir('aos-pids-'), 'home');
  mkdirSync(home, { recursive: true });
  return { home: { root: home, config: { owner: { name: 'T', timezone: 'UTC' } } } as any, env: { vars: bareEnv() } as any, run: 'r-20261207T000000-pid', touched: new Set(), onTouch: async () => {} };
}

function decision(script: string, processes: number, timeoutMs = 20_000): ShellDecision {
  return { allowed: true, reason: 'test', argv: ['/bin/sh', '-c', script], viaShell: true, program: 'sh', programs: ['sh'], limits: { ...DEFAULT_RLIMITS, timeoutMs, cwd: 'home', network: false, write: [], processes } };
}

/** aos's groups under whichever hierarchy is in use. */
function groupsLeft(): string[] {
  return ['/sys/fs/cgroup/pids/aos', '/sys/fs/cgroup/aos'].filter((d) => existsSync(d)).flatMap((d) => readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith(`${process.pid}-`)).map((e) => join(d, e.name)));
}

const root = process.getuid?.() === 0;
const probe = root ? await pidsCgroup(8) : undefined;
await probe?.release();

const bwrap = sandboxAvailable();

function rootTest(name: string, fn: () => Promise<void>): void {
  const missing = !bwrap ? 'bubblewrap (bwrap) is not installed' : !root ? 'not root: RLIMIT_NPROC binds this uid, no cgroup is made' : !probe ? 'no writable pids cgroup here (no pids controller, or a read-only cgroup file system)' : undefined;
  if (!missing) return void test(name, fn);
  console.log(`shell-pids.test: skipped "${name}": ${missing}`);
  test.skip(name, fn);
}

(bwrap ? test : test.skip)('not root: no cgroup is made (the rlimit binds), and the command still runs', async () => {
  if (root) {
    // As root the group is the rule; what this test checks is said by the root tests below.
    const r = await runShell(ctx(), decision('echo ran', 64));
    assert.is(r.stdout.trim(), 'ran');
    assert.is(r.pidsCgroup, Boolean(probe));
    return;
  }
  assert.is(await pidsCgroup(8), undefined);
  const r = await runShell(ctx(), decision('echo ran', 64));
  assert.is(r.stdout.trim(), 'ran');
  assert.is(r.pidsCgroup, false);
});

rootTest('as root, the command runs inside its own group with pids.max = its processes limit', async () => {
  const r = await runShell(ctx(), decision('cat /proc/self/cgroup', 33));
  assert.is(r.exitCode, 0, r.stderr);
  assert.ok(r.pidsCgroup);
  assert.equal(groupsLeft(), [], 'the group is removed when the command ends');
});

rootTest('as root, a fork bomb fails to fork past the limit, long before its timeout, and leaves nothing', async () => {
  const marker = `pidsbomb${process.pid}x${Date.now()}`;
  const script = `: ${marker}; i=0; while [ $i -lt 300 ]; do sleep 30 & i=$((i+1)); done; wait`;
  const r = await runShell(ctx(), decision(script, 20, 20_000));
  assert.match(r.stderr, /fork|Resource temporarily unavailable/i, `the pids limit stopped the forks: ${r.stderr.slice(0, 300)}`);
  assert.is(r.timedOut, false, 'the shell gave up on its own, the timeout did not have to stop it');
  const alive = processesWith(marker);
  assert.equal(alive, [], 'every process of the bomb is gone');
  assert.equal(groupsLeft(), []);
});

test.run();
