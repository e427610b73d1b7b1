// lastCommitByKind without starting git when no ref moved (issue 24): `aos status` runs often and
// `git log --all` was its only child process (~20 ms of a ~150 ms status, --cpu-prof). Commits never
// change, so the answer depends only on where HEAD and the refs point; their files are read (a few
// small files) and the last answer is kept in .aos/cache/last-commits.json under them. A .git that is
// not a plain folder (a worktree's file), or refs that move while git runs, are asked of git as before.
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vars } from '../env.js';
import { lastCommitByKind } from './read.js';
import { tempName } from '../core/docs/tempfiles.js';

const CACHE = '.aos/cache/last-commits.json';
const VERSION = 1;

/** HEAD, packed-refs and every loose ref, with their contents; undefined when .git is not a plain folder. */
async function refsKey(root: string): Promise<string | undefined> {
  const git = join(root, '.git');
  const parts: string[] = [];
  const read = async (rel: string): Promise<string | undefined> => {
    try {
      return readFileSync(join(git, rel), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  try {
    if (!(lstatSync(git)).isDirectory()) return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  parts.push(`HEAD ${await read('HEAD')}`, `packed-refs ${(await read('packed-refs')) ?? ''}`);
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = readdirSync(join(git, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else parts.push(`${child} ${(await read(child)) ?? ''}`);
    }
  };
  await walk('refs');
  return JSON.stringify([VERSION, parts]);
}

export async function lastCommitByKindCached(root: string, vars: Vars): Promise<Record<string, string>> {
  const key = await refsKey(root);
  if (key !== undefined) {
    try {
      const cached = JSON.parse(readFileSync(join(root, CACHE), 'utf8')) as { key?: string; last?: Record<string, string> } | null;
      if (cached?.key === key && cached.last && typeof cached.last === 'object') return cached.last;
    } catch (err) {
      // Missing, torn or corrupt: only a lost shortcut.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
    }
  }
  const last = await lastCommitByKind(root, vars);
  // Kept only when no ref moved while git ran, so the answer belongs to the key.
  if (key !== undefined && key === (await refsKey(root))) {
    try {
      mkdirSync(join(root, '.aos/cache'), { recursive: true });
      // aos's temp-file name, so a write killed half-way is swept by the next tick like any other.
      const tmp = join(root, '.aos/cache', tempName('last-commits.json', process.pid, (await import('node:crypto')).randomBytes(4).toString('hex')));
      writeFileSync(tmp, JSON.stringify({ key, last }));
      renameSync(tmp, join(root, CACHE));
    } catch (err) {
      // status is read-only in spirit: a home it cannot write (read-only mount) still gets its answer.
      if (!['EACCES', 'EROFS', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
  return last;
}
