// A mission's check (`npm test`, `node --test`, a type check, a lint): the owner's command, run by sh
// in the mission's worktree inside bubblewrap (the worktree the only writable place, no network, the
// home and the rest of the machine out of sight), with a time limit. Its exit code, duration, the
// tail of its output and the hash of all of it are the evidence verification.md keeps.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { SAFE_PATH } from '../core/agents/shellcheck.js';
import { sandboxRefusal } from '../core/agents/confine.js';
import { prlimitPath, sandboxState } from '../tools/shell.js';
import { insideGroup, pidsCgroup } from '../tools/pidscgroup.js';

export interface CheckResult {
  command: string;
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  /** sha256 of the whole output (stdout then stderr), hex. */
  hash: string;
  /** The last lines of the output. */
  tail: string;
  sandboxed: boolean;
}

const TAIL_LINES = 40;
const TAIL_BYTES = 4000;
const KEEP_BYTES = 4 * 1024 * 1024;
/** Processes a check may have at once (test runners start workers; a fork bomb stops here). */
export const CHECK_PROCESSES = 512;

async function sandboxArgs(wt: string, bins: string[]): Promise<string[]> {
  const a = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const dir of ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt', '/nix', ...bins]) {
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st) continue;
    if (st.isSymbolicLink()) a.push('--symlink', await fs.readlink(dir), dir);
    else if (st.isDirectory() && !a.includes(dir)) a.push('--ro-bind', dir, dir);
  }
  for (const name of ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'ssl', 'ca-certificates', 'alternatives', 'passwd', 'group', 'nsswitch.conf', 'localtime']) {
    const at = `/etc/${name}`;
    const st = await fs.lstat(at).catch(() => undefined);
    if (st?.isSymbolicLink()) a.push('--symlink', await fs.readlink(at), at);
    else if (st) a.push('--ro-bind', at, at);
  }
  a.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--bind', wt, wt, '--chdir', wt);
  return a;
}

export async function runCheck(home: Home, env: Env, worktree: string, command: string, timeoutSeconds: number): Promise<CheckResult> {
  const wt = await fs.realpath(worktree);
  const sandbox = sandboxState(home.config, env.vars);
  const refusal = sandboxRefusal(sandbox);
  if (refusal) return { command, exitCode: 126, timedOut: false, durationMs: 0, hash: createHash('sha256').update(refusal).digest('hex'), tail: `the check was not run: ${refusal}`, sandboxed: false };
  // The node that runs aos, for checks like `node --test` where node lives outside the system folders.
  const nodeBin = dirname(process.execPath);
  const path = [...SAFE_PATH.split(':'), nodeBin].filter((d, i, all) => all.indexOf(d) === i).join(':');
  const sh = ['/bin/sh', '/usr/bin/sh'].find((p) => existsSync(p)) ?? 'sh';
  // The check runs code the agent wrote: a processes limit (the rlimit for a non-root uid, a pids
  // cgroup for root, which the rlimit does not bind) and no core files. No memory or CPU rlimit: an
  // address-space cap breaks runtimes that reserve memory up front, and the time limit bounds CPU.
  const prlimit = prlimitPath();
  const inner = [...(prlimit ? [prlimit, `--nproc=${CHECK_PROCESSES}`, '--core=0', '--'] : []), sh, '-c', command];
  let [file, ...args] = inner as [string, ...string[]];
  if (sandbox.bwrap) {
    args = [...(await sandboxArgs(wt, nodeBin.startsWith('/usr/') ? [] : [dirname(nodeBin)])), '--', ...inner];
    file = sandbox.bwrap;
  }
  const group = await pidsCgroup(CHECK_PROCESSES);
  if (group) [file, args] = insideGroup(group, file, args);
  const { execa } = await import('execa');
  const started = Date.now();
  const child = execa(file, args, { cwd: wt, env: { PATH: path, HOME: wt, LANG: 'C.UTF-8', CI: '1', NO_COLOR: '1' }, extendEnv: false, shell: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, detached: true, reject: false, cleanup: true });
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let size = 0;
  const take = (chunk: Buffer) => {
    hash.update(chunk);
    kept.push(chunk);
    size += chunk.length;
    while (size > KEEP_BYTES && kept.length > 1) size -= kept.shift()!.length;
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutSeconds * 1000);
  const result = await child;
  clearTimeout(timer);
  await group?.release();
  const durationMs = Date.now() - started;
  const out = Buffer.concat(kept).toString('utf8');
  const tail = out.split('\n').slice(-TAIL_LINES).join('\n').slice(-TAIL_BYTES).trimEnd();
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : timedOut ? 124 : 137;
  return { command, exitCode: timedOut && exitCode === 0 ? 124 : exitCode, timedOut, durationMs, hash: hash.digest('hex'), tail, sandboxed: Boolean(sandbox.bwrap) };
}
