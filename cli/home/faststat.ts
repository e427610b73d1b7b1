// A file's lstat without the Stats object: what the search scan and the idle stamp compare, over
// thousands of files on every search and hundreds on every idle tick (issue 24).
import { lstatSync, type Stats } from 'node:fs';

const LSTAT = { throwIfNoEntry: false } as const;

/** What the scan needs of a file's lstat. */
export interface FileStat {
  mode: number;
  size: number;
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
}

// Node's own stat binding, where it is safe to use (see fastStat); null until a file decided it.
type StatBinding = { lstat(path: string, bigint: boolean, req: undefined, throwIfNoEntry: boolean): Float64Array | undefined };
let binding: StatBinding | undefined | null = null;
// Node 20's layout of the numbers the binding fills: [dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atime s, ns, mtime s, ns, ctime s, ns, ...].
const MODE = 1;
const INO = 7;
const SIZE = 8;
const MTIME = 12;
const CTIME = 14;
const one: FileStat = { mode: 0, size: 0, ino: 0, mtimeMs: 0, ctimeMs: 0 };

function fromStats(st: Stats): FileStat {
  one.mode = st.mode;
  one.size = st.size;
  one.ino = st.ino;
  one.mtimeMs = st.mtimeMs;
  one.ctimeMs = st.ctimeMs;
  return one;
}

/**
 * A file's lstat (undefined when there is none), in one object reused for every call. Node 20's
 * lstatSync makes a Stats object with four Dates for each call: ~2 µs of the ~3 µs a call costs,
 * and garbage to collect, over the 7,400 sources of a year's home on every search. The binding
 * under it fills one shared array instead. It is used only when it gives exactly what lstatSync
 * gives (checked against it on the first file of each process, so another layout in another
 * Node is never trusted), when node's own lstatSync calls it the same way, when asking for it prints nothing (process.binding warns under
 * --pending-deprecation) and when it would bypass nothing (not under Node's permission model);
 * else lstatSync.
 */
export function fastStat(path: string): FileStat | undefined {
  try {
    return statOf(path);
  } catch (err) {
    // A path through a file (a folder the owner replaced by a file of its name): there is nothing
    // at that path, as for a missing one. Both node's lstatSync and its binding throw here.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function statOf(path: string): FileStat | undefined {
  if (binding === null) binding = statBinding(path);
  if (!binding) {
    const st = lstatSync(path, LSTAT);
    return st && fromStats(st);
  }
  const v = binding.lstat(path, false, undefined, false);
  if (!v) return undefined;
  one.mode = v[MODE]!;
  one.size = v[SIZE]!;
  one.ino = v[INO]!;
  // As Node computes them, to the bit: signatures made either way are the same.
  one.mtimeMs = v[MTIME]! * 1000 + v[MTIME + 1]! / 1e6;
  one.ctimeMs = v[CTIME]! * 1000 + v[CTIME + 1]! / 1e6;
  return one;
}

/** The binding when it is safe; undefined when not; null when this path (missing) cannot tell yet. */
function statBinding(path: string): StatBinding | undefined | null {
  const proc = process as unknown as { binding?: (name: string) => unknown; permission?: unknown; execArgv: string[] };
  const options = `${proc.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (typeof proc.binding !== 'function' || proc.permission !== undefined || options.includes('--pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1') return undefined;
  // Called as this node's own lstatSync calls it, or not at all: some Node 20 releases took an
  // error-context object as the fourth argument, which given a boolean aborts the process rather
  // than throwing. lstatSync's text is node's own JavaScript, so the calling convention is read there.
  if (!/binding\.lstat\(\s*pathModule\.toNamespacedPath\(path\),\s*options\.bigint,\s*undefined,\s*options\.throwIfNoEntry,?\s*\)/.test(lstatSync.toString())) return undefined;
  try {
    const candidate = proc.binding('fs') as StatBinding;
    const st = lstatSync(path, LSTAT);
    // A missing path proves nothing either way: the next one decides.
    if (!st) return null;
    const v = candidate.lstat(path, false, undefined, false);
    if (!(v instanceof Float64Array)) return undefined;
    const agrees = v[MODE] === st.mode && v[INO] === st.ino && v[SIZE] === st.size && v[MTIME]! * 1000 + v[MTIME + 1]! / 1e6 === st.mtimeMs && v[CTIME]! * 1000 + v[CTIME + 1]! / 1e6 === st.ctimeMs;
    return agrees ? candidate : undefined;
  } catch {
    return undefined;
  }
}
