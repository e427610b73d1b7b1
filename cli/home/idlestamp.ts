// The idle fast path (issue 24): a tick may skip `git status` (its hand-edit check) when nothing in
// the home changed since a tick that left it clean. The facts are the lstat of every file and folder
// outside .git/ and .aos/ (size, mtime and ctime to the microsecond, inode) and of git's index, HEAD and
// refs: an edit in place changes its file's facts (ctime even when the mtime is set back), an added,
// removed or renamed file its folder's. A fact from within a second before the tick began, or later,
// is unknown (file systems with coarse mtimes could hide a second edit in the same second): then no
// stamp is kept, and the next tick takes the slow path and tries again.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic, readIfExists, removeFile } from './files.js';
import { fastStat } from './faststat.js';
import { LOCK_FILE } from './lock.js';

const STAMP_FILE = '.aos/cache/idle.json';
const VERSION = 1;
const SECOND_MS = 1000;
/**
 * Past this many paths the stat pass costs what git status costs (git stats from C, with the
 * index's cached stats, in parallel): measured 8.4k paths at 0.3–0.6 s in Node against git's 60 ms
 * of CPU. Bigger homes keep asking git; the walk stops here.
 */
const MAX_FACTS = 3000;
/** The stamp of a home past MAX_FACTS: no facts, so never taken for unchanged. */
const TOO_BIG = `{"version":${VERSION},"too_big":true}`;

/** Relative path → "size:mtimeMs:ctimeMs:ino" (fractional milliseconds); '' is the home folder itself. */
type Facts = Record<string, string>;

/** A path's facts (undefined when it does not exist), and its newest time to compare with the tick's start. */
export function factOf(path: string): { fact: string; newest: number } | undefined {
  // Plain (not bigint) stats: the times are doubles of milliseconds, precise to under a microsecond
  // for today's dates. fastStat gives lstatSync's numbers to the bit without its Stats object and
  // four Dates (most of a call's cost), so a stamp written either way reads the same.
  const st = fastStat(path);
  if (!st) return undefined;
  return { fact: `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`, newest: Math.max(st.mtimeMs, st.ctimeMs) };
}

/** Git's own state that says whether a commit or a staging happened outside aos. */
const GIT_FILES = ['.git/HEAD', '.git/index', '.git/packed-refs'];
const GIT_FOLDERS = ['.git/refs/heads'];

function collect(root: string): { facts: Facts; newest: number } | undefined {
  const facts: Facts = {};
  let newest = 0;
  // Git's own files are compared but never make a stamp "too new": the tick's own git status rewrites
  // the index (racily clean entries, the cache tree) and its commits move HEAD. Neither is a hand edit
  // racing the tick, which is what the one-second rule is for; a later owner `git add` or commit still
  // changes their facts and sends the next tick down the slow path.
  const note = (rel: string, counts = true): boolean => {
    const f = factOf(rel ? join(root, rel) : root);
    if (!f) return false;
    facts[rel] = f.fact;
    if (counts && f.newest > newest) newest = f.newest;
    return true;
  };
  let count = 0;
  const walk = (rel: string, skipTop: boolean, counts = true): void => {
    if (++count > MAX_FACTS || !note(rel, counts)) return;
    for (const e of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
      if (skipTop && (e.name === '.git' || e.name === '.aos')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child, false, counts);
      else if (++count <= MAX_FACTS) note(child, counts);
    }
  };
  walk('', true);
  for (const f of GIT_FILES) note(f, false);
  for (const d of GIT_FOLDERS) if (factOf(join(root, d))) walk(d, false, false);
  return count > MAX_FACTS ? undefined : { facts, newest };
}

/** True when every fact recorded by the last clean tick still holds: no hand edit can be pending. */
export async function homeUnchanged(root: string): Promise<boolean> {
  const raw = await readIfExists(join(root, STAMP_FILE));
  if (raw === undefined) return false;
  let stamp: { version?: number; facts?: Facts };
  try {
    stamp = JSON.parse(raw) as typeof stamp;
  } catch (err) {
    // A torn or corrupt stamp is only a lost shortcut.
    if (err instanceof SyntaxError) return false;
    throw err;
  }
  if (stamp.version !== VERSION || !stamp.facts || typeof stamp.facts !== 'object') return false;
  const facts = Object.entries(stamp.facts);
  // A home has at least its folder and aos.yaml; an empty record proves nothing.
  if (facts.length < 2) return false;
  // The paths are the stamp's own (written by collect, relative, normalized): joined by hand, since
  // path.join's normalizing was a tenth of an idle tick's CPU over a few hundred facts.
  const base = root.endsWith('/') ? root : `${root}/`;
  for (const [rel, fact] of facts) if (factOf(rel ? base + rel : root)?.fact !== fact) return false;
  return true;
}

/**
 * The newest a fact may be and still be known: the tick's start (the lock file's mtime, the file
 * system's own clock) less a second; undefined without the lock (no tick holds it).
 */
export function knownBefore(root: string): number | undefined {
  const start = factOf(join(root, LOCK_FILE));
  return start ? Number(start.fact.split(':')[1]) - SECOND_MS : undefined;
}

/**
 * Called at the end of a tick whose hand-edit check left nothing behind: records the home's facts,
 * unless one is as new as the tick's start (the lock file's mtime, the file system's own clock) less
 * a second, or the home is too big for the stamp to pay; then any old stamp goes.
 */
export async function recordUnchanged(root: string): Promise<void> {
  const start = factOf(join(root, LOCK_FILE));
  const path = join(root, STAMP_FILE);
  // Homes grow: one found too big is not walked again on every tick.
  if ((await readIfExists(path))?.startsWith(TOO_BIG)) return;
  const found = start ? collect(root) : undefined;
  if (start && !found) {
    mkdirSync(join(root, '.aos/cache'), { recursive: true });
    return writeAtomic(path, TOO_BIG);
  }
  const startMs = start ? Number(start.fact.split(':')[1]) : 0;
  if (!found || found.newest >= startMs - SECOND_MS) return forgetUnchanged(root);
  mkdirSync(join(root, '.aos/cache'), { recursive: true });
  await writeAtomic(join(root, STAMP_FILE), JSON.stringify({ version: VERSION, facts: found.facts }));
}

export async function forgetUnchanged(root: string): Promise<void> {
  removeFile(join(root, STAMP_FILE));
}
