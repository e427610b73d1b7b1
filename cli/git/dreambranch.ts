// A dream's commit on its own branch, made without ever checking the branch out: a private index
// file, blobs written with hash-object, commit-tree, update-ref. The home's work tree, index and
// HEAD are never touched here, so a kill at any moment leaves the home on its main branch with
// nothing changed (at worst an unreferenced object or a stale private index, both harmless).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from '../core/docs/commit.js';
import type { Vars } from '../env.js';
import { gitEnv, gitRead } from './run.js';

function git(root: string, env: Record<string, string>, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args[0]} failed in ${root}: ${String(stderr).trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export const DREAM_REF = 'refs/heads/dream/';

/** A branch name not taken yet: dream/<date>, else dream/<date>-2, -3 … */
export async function freeDreamName(root: string, vars: Vars, date: string): Promise<string> {
  const taken = new Set((await gitRead(root, vars, ['for-each-ref', '--format=%(refname)', DREAM_REF])).split('\n').filter(Boolean).map((r) => r.slice(DREAM_REF.length)));
  if (!taken.has(date)) return date;
  for (let n = 2; ; n++) if (!taken.has(`${date}-${n}`)) return `${date}-${n}`;
}

/** Commits `files` (path → text; null deletes) on top of `parent` to refs/heads/dream/<name>; returns the commit. */
export async function commitToBranch(root: string, vars: Vars, o: { name: string; parent: string; files: ReadonlyMap<string, string | null>; who: Identity; message: string }): Promise<string> {
  const gitDir = (await gitRead(root, vars, ['rev-parse', '--absolute-git-dir'])).trim();
  // The caller holds the writer lock: a private index left by a dream that was killed is stale.
  for (const name of await fs.readdir(gitDir)) if (name.startsWith('aos-dream-index-')) await fs.rm(join(gitDir, name), { force: true });
  const indexFile = join(gitDir, `aos-dream-index-${process.pid}`);
  const env = { ...gitEnv(vars, { who: o.who }), GIT_INDEX_FILE: indexFile };
  try {
    await git(root, env, ['read-tree', o.parent]);
    for (const [path, text] of o.files) {
      if (text === null) {
        await git(root, env, ['update-index', '--force-remove', '--', path]);
        continue;
      }
      const blob = (await git(root, env, ['hash-object', '-w', '--stdin'], text)).trim();
      await git(root, env, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
    }
    const tree = (await git(root, env, ['write-tree'])).trim();
    const sha = (await git(root, env, ['-c', 'commit.gpgsign=false', 'commit-tree', tree, '-p', o.parent, '-F', '-'], o.message)).trim();
    await git(root, env, ['update-ref', `${DREAM_REF}${o.name}`, sha, '']);
    return sha;
  } finally {
    await fs.rm(indexFile, { force: true });
  }
}

export async function dreamCommit(root: string, vars: Vars, name: string): Promise<string | undefined> {
  const out = await gitRead(root, vars, ['rev-parse', '-q', '--verify', `${DREAM_REF}${name}^{commit}`], { exit1Empty: true });
  return out.trim() || undefined;
}

export async function dropDreamBranch(root: string, vars: Vars, name: string, sha: string): Promise<void> {
  await git(root, gitEnv(vars), ['update-ref', '-d', `${DREAM_REF}${name}`, sha]);
}

/** The paths a commit changed from its first parent, with A/M/D. */
export async function changedFiles(root: string, vars: Vars, sha: string): Promise<{ status: string; path: string }[]> {
  const out = await gitRead(root, vars, ['diff-tree', '--no-commit-id', '-r', '--name-status', `${sha}^`, sha]);
  return out.split('\n').filter(Boolean).map((l) => {
    const [status, ...rest] = l.split('\t');
    return { status: status!.slice(0, 1), path: rest.join('\t') };
  });
}

/** A file's text at a commit, or undefined when the commit does not have it. */
export async function textAt(root: string, vars: Vars, sha: string, path: string): Promise<string | undefined> {
  const exists = await gitRead(root, vars, ['ls-tree', '--name-only', sha, '--', path]);
  if (!exists.trim()) return undefined;
  return gitRead(root, vars, ['show', `${sha}:${path}`]);
}
