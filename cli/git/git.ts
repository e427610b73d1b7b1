// Every git call goes through here. Identity is always explicit, so commits work under cron's bare
// environment and on a machine with no git config.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { commitMessage, type Identity } from '../core/commit.js';

type Vars = Readonly<Record<string, string | undefined>>;

function childEnv(vars: Vars, who?: Identity): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND']) {
    const v = vars[k];
    if (v !== undefined) env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  if (who) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = who.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = who.email;
  }
  return env;
}

const ALLOWED_GIT_VARS = ['GIT_TERMINAL_PROMPT', 'GIT_SSH_COMMAND', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'];

export function repo(root: string, vars: Vars, who?: Identity): SimpleGit {
  // Signing would need a key agent that cron does not have; aos commits are identified by trailers.
  // simple-git drops every other GIT_* variable, so a GIT_DIR inherited from a hook cannot misdirect us.
  return simpleGit({ baseDir: root, config: ['commit.gpgsign=false', 'core.quotepath=off'], allowEnvironment: ALLOWED_GIT_VARS }).env(
    childEnv(vars, who),
  );
}

export async function initRepo(root: string, vars: Vars): Promise<void> {
  await repo(root, vars).raw(['init', '-q', '-b', 'main']);
}

export interface CommitSpec {
  who: Identity;
  subject: string;
  body?: string;
  trailers: Record<string, string | undefined>;
  /** Only these paths (relative to the home); all changes when absent. */
  paths?: string[];
}

/** Commits and returns the new commit's hash, or undefined when there was nothing to commit. */
export async function commit(root: string, vars: Vars, spec: CommitSpec): Promise<string | undefined> {
  const git = repo(root, vars, spec.who);
  const paths = spec.paths ?? [];
  await git.raw(['add', '-A', '--', ...(paths.length ? paths : ['.'])]);
  const staged = await git.raw(['diff', '--cached', '--name-only', '--', ...(paths.length ? paths : ['.'])]);
  if (!staged.trim()) return undefined;
  await git.raw(['commit', '-q', '--no-edit', '-m', commitMessage(spec.subject, spec.trailers, spec.body), '--', ...paths]);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}

/** Paths with uncommitted changes (tracked or new), relative to the home. */
export async function pendingChanges(root: string, vars: Vars): Promise<string[]> {
  const out = await repo(root, vars).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const paths: string[] = [];
  const fields = out.split('\0').filter(Boolean);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    paths.push(f.slice(3));
    if (f[0] === 'R' || f[0] === 'C') i++; // a rename carries its old path as the next field
  }
  return paths;
}

/**
 * The owner's edits since the last commit become the owner's own commit, before any agent commit,
 * so `git log` keeps human and agent changes apart.
 */
export async function commitOwnerEdits(root: string, vars: Vars, owner: Identity, device: string): Promise<{ sha: string; files: string[] } | undefined> {
  const files = await pendingChanges(root, vars);
  if (!files.length) return undefined;
  const listed = files.slice(0, 30).map((f) => `- ${f}`).join('\n') + (files.length > 30 ? `\n- … and ${files.length - 30} more` : '');
  const sha = await commit(root, vars, {
    who: owner,
    subject: `owner: hand edits (${files.length} file${files.length === 1 ? '' : 's'})`,
    body: listed,
    trailers: { 'Aos-Kind': 'owner-edit', 'Aos-Device': device },
  });
  return sha ? { sha, files } : undefined;
}

/** When each kind of aos commit (tick, dream, ...) last happened, from recent history. */
export async function lastCommitByKind(root: string, vars: Vars, scan = 500): Promise<Record<string, string>> {
  const git = repo(root, vars);
  if (!(await git.raw(['rev-list', '-n1', '--all'])).trim()) return {};
  const out = await git.raw(['log', `-n${scan}`, '--format=%cI%x1f%(trailers:key=Aos-Kind,valueonly,separator=%x2c)%x1e']);
  const last: Record<string, string> = {};
  for (const rec of out.split('\x1e')) {
    const [when, kinds] = rec.trim().split('\x1f');
    for (const kind of (kinds ?? '').split(',').map((k) => k.trim()).filter(Boolean)) last[kind] ??= when!;
  }
  return last;
}

/** Per-commit added/removed line counts under a folder, oldest last, as `commit <sha>` blocks. */
export async function numstat(root: string, vars: Vars, folder: string): Promise<string> {
  const git = repo(root, vars);
  if (!(await git.raw(['rev-list', '-n1', '--all'])).trim()) return '';
  return git.raw(['log', '--format=commit %H', '--numstat', '--no-renames', '--', folder]);
}

export function isRepo(root: string): boolean {
  return existsSync(join(root, '.git'));
}
