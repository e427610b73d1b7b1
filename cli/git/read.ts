// Read-only git queries, run directly: status runs every few minutes and simple-git's 27 ms of
// startup would be most of its budget. Changes go through simple-git in git.ts.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Identity } from '../core/commit.js';

export type Vars = Readonly<Record<string, string | undefined>>;

/** Only what git needs from the environment: no inherited GIT_DIR or GIT_* surprises. */
export function childEnv(vars: Vars, who?: Identity): Record<string, string> {
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

/** With exit1Empty, an exit code of 1 (git grep: no match; rev-parse -q --verify: no such object) answers ''. */
export function gitRead(root: string, vars: Vars, args: string[], opts: { exit1Empty?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, env: childEnv(vars), maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && opts.exit1Empty && err.code === 1 && !String(stderr).trim()) resolve('');
      else if (err) reject(new UserError(`git ${args[0]} failed in ${root}: ${String(stderr).trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export function isRepo(root: string): boolean {
  return existsSync(join(root, '.git'));
}

/** Paths with uncommitted changes (tracked or new), relative to the home. */
export async function pendingChanges(root: string, vars: Vars, opts: { readOnly?: boolean } = {}): Promise<string[]> {
  // git status refreshes the index when it can; a dry run must not even do that.
  const out = await gitRead(root, vars, [...(opts.readOnly ? ['--no-optional-locks'] : []), 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const paths: string[] = [];
  const fields = out.split('\0').filter(Boolean);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    paths.push(f.slice(3));
    if (f[0] === 'R' || f[0] === 'C') i++; // a rename carries its old path as the next field
  }
  return paths;
}

/** When each kind of aos commit (tick, dream, ...) last happened, from recent history. */
export async function lastCommitByKind(root: string, vars: Vars, scan = 500): Promise<Record<string, string>> {
  // --all also makes a repository without commits an empty answer rather than an error.
  const out = await gitRead(root, vars, ['log', '--all', `-n${scan}`, '--format=%cI%x1f%(trailers:key=Aos-Kind,valueonly,separator=%x2c)%x1e']);
  const last: Record<string, string> = {};
  for (const rec of out.split('\x1e')) {
    const [when, kinds] = rec.trim().split('\x1f');
    for (const kind of (kinds ?? '').split(',').map((k) => k.trim()).filter(Boolean)) last[kind] ??= when!;
  }
  return last;
}

/** Per-commit added/removed line counts under a folder, oldest last, as `commit <sha>` blocks. */
export async function numstat(root: string, vars: Vars, folder: string): Promise<string> {
  return gitRead(root, vars, ['log', '--all', '--format=commit %H', '--numstat', '--no-renames', '--', folder]);
}
