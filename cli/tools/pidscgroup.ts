// A pids cgroup around one shell command, where aos may make one. RLIMIT_NPROC does not bind root (the
// kernel exempts uid 0, in a user namespace too), so a fork bomb run by aos as root filled the process
// table until the timeout; a cgroup's pids.max binds every uid. cgroup v1's pids hierarchy
// (/sys/fs/cgroup/pids) or v2 (/sys/fs/cgroup listing pids in its subtree_control). Anything else — not
// root, no such controller, a read-only cgroup file system — gives none, and the rlimit and the timeout
// stay the walls (a non-root uid is bound by RLIMIT_NPROC).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';

export interface PidsCgroup {
  /** The group's cgroup.procs: the command writes its own pid there before it starts anything. */
  procs: string;
  /** Kills whatever is still in the group and removes it. */
  release(): Promise<void>;
}

const V1 = '/sys/fs/cgroup/pids';
const V2 = '/sys/fs/cgroup';

/** Where aos's groups live: the pids hierarchy's own folder (v1), or a v2 root that delegates pids. */
async function parentFolder(): Promise<string | undefined> {
  if (await fs.stat(join(V1, 'pids.max')).catch(() => fs.stat(join(V1, 'cgroup.procs')).catch(() => undefined))) return join(V1, 'aos');
  const sub = await fs.readFile(join(V2, 'cgroup.subtree_control'), 'utf8').catch(() => '');
  return /(^|\s)pids(\s|$)/.test(sub) ? join(V2, 'aos') : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}

/** Groups left by an aos that was killed (its pid is in the name and gone): removed when empty. */
async function removeStale(parent: string): Promise<void> {
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!pid || alive(pid)) continue;
    await fs.rmdir(join(parent, name)).catch(() => undefined);
  }
}

/** A new group with pids.max = `max`, or undefined where none can be made (see the top). */
export async function pidsCgroup(max: number): Promise<PidsCgroup | undefined> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const parent = await parentFolder();
  if (!parent) return undefined;
  let dir: string | undefined;
  try {
    await fs.mkdir(parent, { recursive: true });
    // v2: the controller must be handed down to aos's folder before its children have pids.max.
    if (parent === join(V2, 'aos')) await fs.writeFile(join(parent, 'cgroup.subtree_control'), '+pids');
    await removeStale(parent);
    dir = await fs.mkdtemp(join(parent, `${process.pid}-`));
    await fs.writeFile(join(dir, 'pids.max'), String(max));
  } catch {
    if (dir) await fs.rmdir(dir).catch(() => undefined);
    return undefined;
  }
  const group = dir;
  return {
    procs: join(group, 'cgroup.procs'),
    async release() {
      // The sandbox's pid namespace ends with its first process; a command run without one may leave some.
      for (let i = 0; i < 50; i++) {
        const pids = (await fs.readFile(join(group, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
        if (!pids.length) break;
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await fs.rmdir(group).catch(() => undefined);
    },
  };
}

/**
 * The command line that runs `file args` inside the group: a shell writes its own pid into the
 * group's cgroup.procs, then becomes the command, so nothing the command starts is outside it.
 */
export function insideGroup(group: PidsCgroup, file: string, args: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', group.procs, file, ...args]];
}

