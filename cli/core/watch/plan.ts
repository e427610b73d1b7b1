// Watchers (issue 20): which files of a watched folder are new or changed since the last tick, and
// whether the watcher may read its folder at all. Pure: the listing, the remembered state and the
// agent's capabilities come in; decisions go out. The flow (flows/watch.ts) lists, hashes and files.
import picomatch from 'picomatch';
import { checkAbsoluteFile, type Capability } from '../agents/capabilities.js';

export interface WatchEntry {
  folder: string;
  patterns: readonly string[];
  agent?: string;
  chain?: string;
  task: string;
}

/** What the tick remembers of one watched file (in .aos/watch.json). */
export interface SeenFile {
  size: number;
  mtimeMs: number;
  sha256: string;
  /** The item it became, or why it was not filed (reported once, not again until it changes). */
  item?: string;
  refused?: string;
  /**
   * A chain watcher's run for this file. With `pending`, the run was decided (its id written here
   * first) but not yet known to be committed: the next tick finishes exactly that run, never a second.
   */
  run?: string;
  pending?: boolean;
}

export interface Listed {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** The watched folder as an absolute path: "~/" is the user's home folder. */
export function expandFolder(folder: string, userHome: string | undefined): { path: string } | { error: string } {
  let path = folder;
  if (folder === '~' || folder.startsWith('~/')) {
    if (!userHome) return { error: 'it starts with ~ but HOME is not set' };
    path = userHome.replace(/\/+$/, '') + folder.slice(1);
  }
  if (!path.startsWith('/')) return { error: 'it is neither ~/… nor an absolute path' };
  const parts = path.split('/').filter((p) => p && p !== '.');
  if (parts.includes('..')) return { error: '".." is not allowed' };
  if (!parts.length) return { error: 'the root folder is never watched' };
  return { path: '/' + parts.join('/') };
}

/** The key a file is remembered by: the watcher (folder and target) and the file's path. */
export function watchKey(entry: WatchEntry, path: string): string {
  return `${entry.folder} -> ${entry.agent ?? `chain:${entry.chain}`} :: ${path}`;
}

const GLOB = { dot: false, nocase: true, nonegate: true, noextglob: true, nobrace: true, nobracket: true };

export function matches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => picomatch.isMatch(name, p, GLOB));
}

/**
 * Why the agent may not read the watched folder, if it may not: a watcher reads only with an
 * explicit grant over the folder (file:/abs/folder/**:read), judged with a file each pattern would take.
 */
export function readRefusal(caps: readonly Capability[], folder: string, patterns: readonly string[]): string | undefined {
  for (const p of patterns) {
    const probe = `${folder}/${p.replace(/\*+/g, 'x').replace(/\?/g, 'x')}`;
    const v = checkAbsoluteFile(caps, probe, 'read');
    if (!v.allowed) return v.reason;
  }
  return undefined;
}

/** Files that may have changed since last seen (new, or another size or mtime): only these are hashed. */
export function toHash(listed: readonly Listed[], seen: (path: string) => SeenFile | undefined): Listed[] {
  return listed.filter((f) => {
    const s = seen(f.path);
    return !s || s.size !== f.size || s.mtimeMs !== f.mtimeMs;
  });
}

/** After hashing: a file is filed when never seen or when its content differs from what was filed. */
export function isNew(hash: string, seen: SeenFile | undefined): boolean {
  return !seen || seen.sha256 !== hash;
}
