// Which processes are alive and which hold a file: asked before aos removes a lock it did not make.
import { promises as fs } from 'node:fs';
import { join, sep } from 'node:path';
import { isErrno } from './files.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}

export interface Holder {
  pid: number;
  /** The process's command line, shortened, for the message. */
  command: string;
  /** How it holds the file: an open descriptor on it, or a git running in the repository. */
  how: 'open' | 'git in this repository';
}

async function readOr(path: string, fallback: string): Promise<string> {
  return fs.readFile(path, 'utf8').catch(() => fallback);
}

/**
 * The processes holding `file` open, plus every git process working in `repo` (git closes the
 * index lock while `git commit` waits for its editor, so an open descriptor alone would miss it).
 * Undefined where there is no /proc to ask (not Linux): the caller must not assume "no holder".
 */
export async function lockHolders(file: string, repo: string): Promise<Holder[] | undefined> {
  let pids: string[];
  try {
    pids = (await fs.readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const target = await fs.realpath(file).catch(() => file);
  const repoReal = await fs.realpath(repo).catch(() => repo);
  const holders: Holder[] = [];
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    const fds = await fs.readdir(join('/proc', p, 'fd')).catch(() => [] as string[]);
    let how: Holder['how'] | undefined;
    for (const fd of fds) {
      if ((await fs.readlink(join('/proc', p, 'fd', fd)).catch(() => '')) === target) {
        how = 'open';
        break;
      }
    }
    if (!how) {
      const comm = (await readOr(join('/proc', p, 'comm'), '')).trim();
      if (comm === 'git' || comm.startsWith('git-')) {
        const cwd = await fs.readlink(join('/proc', p, 'cwd')).catch(() => '');
        if (cwd === repoReal || cwd.startsWith(repoReal + sep)) how = 'git in this repository';
      }
    }
    if (!how) continue;
    const command = (await readOr(join('/proc', p, 'cmdline'), '')).split('\0').filter(Boolean).join(' ').slice(0, 120);
    holders.push({ pid, command: command || '(unknown)', how });
  }
  return holders;
}
