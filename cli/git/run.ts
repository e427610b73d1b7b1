// The one way aos runs git. Reads spawn git directly (status runs every few minutes and simple-git's
// ~27 ms of loading would be most of its budget); changes and sync go through simple-git. Both get
// the same allow-listed environment, and every failure of either is one GitError.
import type { SimpleGit } from 'simple-git';
import type { Identity } from '../core/docs/commit.js';
import { GitError } from '../errors.js';
import type { Vars } from '../env.js';

// node:child_process is loaded on the first git call: with the net, dgram and stream modules it
// pulls in it costs ~2 ms of CPU, and an idle tick or a status in an unchanged home spawns nothing.
// process.getBuiltinModule, not createRequire: node:module loads node's ES module loader (~1 ms).
const childProcess = () => process.getBuiltinModule('node:child_process');

/** What git may inherit from aos's environment: no GIT_DIR or other GIT_* surprises from a hook. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND'];
/** What aos itself sets for git: no prompts, explicit identities, and an editor that keeps a message. */
const SET_BY_AOS = ['GIT_TERMINAL_PROMPT', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_EDITOR'];
/** The one environment allow-list: every variable any git that aos starts can see. */
export const GIT_ENV_ALLOWED: readonly string[] = [...INHERITED, ...SET_BY_AOS];

export interface GitIdentities {
  /** Author and committer of new commits (identity is always explicit: cron has no git config). */
  who?: Identity;
  /** Only the committer: a rebase rewrites commits, so it needs one; authors stay as they were. */
  committer?: Identity;
  /** `rebase --continue` opens an editor on the message it already has; `true` keeps it as it is. */
  keepMessages?: boolean;
}

/** The environment of every git aos runs, built from the allow-list only. */
export function gitEnv(vars: Vars, ids: GitIdentities = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = vars[k];
    if (v !== undefined) env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  if (ids.who) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = ids.who.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = ids.who.email;
  }
  if (ids.committer) {
    env.GIT_COMMITTER_NAME = ids.committer.name;
    env.GIT_COMMITTER_EMAIL = ids.committer.email;
  }
  if (ids.keepMessages) env.GIT_EDITOR = 'true';
  return env;
}

/** With exit1Empty, an exit code of 1 (git grep: no match; rev-parse -q --verify: no such object) answers ''. */
export function gitRead(root: string, vars: Vars, args: string[], opts: { exit1Empty?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, env: gitEnv(vars), maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && opts.exit1Empty && err.code === 1 && !String(stderr).trim()) resolve('');
      else if (err) reject(new GitError(root, args, String(stderr), err));
      else resolve(stdout);
    });
  });
}

/** A repository handle for changes: simple-git underneath, GitError on failure. */
export interface Repo {
  raw(args: string[]): Promise<string>;
}

/** simple-git costs ~27 ms to load, so it loads only when something is committed (a no-op tick commits nothing). */
export async function openRepo(root: string, vars: Vars, ids: GitIdentities = {}): Promise<Repo> {
  const { simpleGit } = await import('simple-git');
  // Signing would need a key agent that cron does not have; aos commits are identified by trailers.
  const git: SimpleGit = simpleGit({
    baseDir: root,
    config: ['commit.gpgsign=false', 'core.quotepath=off'],
    // simple-git drops every other GIT_* variable, so a GIT_DIR inherited from a hook cannot misdirect us.
    allowEnvironment: [...GIT_ENV_ALLOWED],
    ...(ids.keepMessages ? { unsafe: { allowUnsafeEditor: true } } : {}),
  }).env(gitEnv(vars, ids));
  return {
    async raw(args) {
      try {
        return await git.raw(args);
      } catch (err) {
        // simple-git's message is what git printed on failure (its stdout, then its stderr).
        throw new GitError(root, args, (err as Error).message ?? String(err), err);
      }
    },
  };
}
