// A change as the rulebook's judge reads it: each changed path with its status and its size after
// the change. Either the working tree's uncommitted changes (untracked files not ignored included)
// or the commits of a range. Read-only, through the one runner.
import { lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Vars } from '../env.js';
import { GitError, UsageError, isErrno } from '../errors.js';
import type { ChangedPath, ChangeStatus } from '../core/rules/judge.js';
import { gitRead } from './run.js';

/** git's empty tree: what a repository without commits is compared against. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** The top of the repository holding `dir`, or a usage error (exit 2, never a rule's exit 1) naming `dir` when it is none. */
export async function repositoryRoot(dir: string, vars: Vars): Promise<string> {
  const at = resolve(dir);
  try {
    return (await gitRead(at, vars, ['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    // execFile with a missing cwd fails before git starts (ENOENT on spawn).
    if (err instanceof GitError || isErrno(err, 'ENOENT')) throw new UsageError(`${at} is not a git repository (expected a folder inside a git work tree)`);
    throw err;
  }
}

/** `git diff --name-status -z` (with renames) as changed paths, sizes still unknown. */
function parseNameStatus(out: string): { path: string; status: ChangeStatus; from?: string }[] {
  const fields = out.split('\0');
  const changes: { path: string; status: ChangeStatus; from?: string }[] = [];
  for (let i = 0; i < fields.length; i++) {
    const code = fields[i]!;
    if (!code) continue;
    if (code[0] === 'R' || code[0] === 'C') {
      const from = fields[++i]!;
      const path = fields[++i]!;
      changes.push(code[0] === 'R' ? { path, status: 'renamed', from } : { path, status: 'added' });
    } else {
      const path = fields[++i]!;
      changes.push({ path, status: code[0] === 'A' ? 'added' : code[0] === 'D' ? 'deleted' : 'modified' });
    }
  }
  return changes;
}

async function hasCommits(root: string, vars: Vars): Promise<boolean> {
  return (await gitRead(root, vars, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { exit1Empty: true })).trim() !== '';
}

/** The working tree's changes against HEAD (staged or not) and its untracked files that are not ignored, sized from the disk. */
export async function uncommittedChanges(root: string, vars: Vars): Promise<ChangedPath[]> {
  const base = (await hasCommits(root, vars)) ? 'HEAD' : EMPTY_TREE;
  const tracked = parseNameStatus(await gitRead(root, vars, ['--no-optional-locks', 'diff', '--name-status', '-z', '-M', base, '--']));
  const untracked = (await gitRead(root, vars, ['ls-files', '-z', '--others', '--exclude-standard'])).split('\0').filter(Boolean);
  const changes = [...tracked, ...untracked.map((path) => ({ path, status: 'added' as const }))];
  return changes.map((c) => ({ ...c, bytes: c.status === 'deleted' ? 0 : diskSize(join(root, c.path)) }));
}

/** A link counts as its own few bytes, never as what it points at; a path gone since git listed it counts 0. */
function diskSize(file: string): number {
  try {
    const st = lstatSync(file);
    return st.isFile() || st.isSymbolicLink() ? st.size : 0;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}

/** Exit 2: a script reading exit 1 as "refused by the rulebook" must not mistake a typo for a verdict. */
export class BadRangeError extends UsageError {
  override name = 'BadRangeError';
}

/** `A..B` (B empty: HEAD) as two verified commits; anything else is a BadRangeError naming the range. */
export async function resolveRange(root: string, vars: Vars, range: string): Promise<{ from: string; to: string }> {
  const m = /^(.+?)\.\.(?!\.)(.*)$/.exec(range);
  if (!m) throw new BadRangeError(`--range "${range}": expected A..B, two commits of ${root} (e.g. main..HEAD)`);
  const verify = async (rev: string): Promise<string> => {
    const sha = (await gitRead(root, vars, ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], { exit1Empty: true })).trim();
    if (!sha) throw new BadRangeError(`--range "${range}": "${rev}" is no commit of ${root}`);
    return sha;
  };
  return { from: await verify(m[1]!), to: await verify(m[2] || 'HEAD') };
}

/** What the commits after `from` up to `to` changed, sized from the blobs at `to`. */
export async function rangeChanges(root: string, vars: Vars, from: string, to: string): Promise<ChangedPath[]> {
  const changes = parseNameStatus(await gitRead(root, vars, ['diff', '--name-status', '-z', '-M', from, to, '--']));
  const sizes = new Map<string, number>();
  const wanted = changes.filter((c) => c.status !== 'deleted').map((c) => c.path);
  // ls-tree -l prints "<mode> <type> <object> <size>\t<path>"; chunks keep the command line short.
  for (let i = 0; i < wanted.length; i += 500) {
    const out = await gitRead(root, vars, ['--literal-pathspecs', 'ls-tree', '-r', '-l', '-z', to, '--', ...wanted.slice(i, i + 500)]);
    for (const rec of out.split('\0').filter(Boolean)) {
      const tab = rec.indexOf('\t');
      const size = Number(rec.slice(0, tab).trim().split(/\s+/)[3]);
      sizes.set(rec.slice(tab + 1), Number.isFinite(size) ? size : 0);
    }
  }
  return changes.map((c) => ({ ...c, bytes: c.status === 'deleted' ? 0 : (sizes.get(c.path) ?? 0) }));
}
