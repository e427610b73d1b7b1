// Syncing the home through a git remote (DESIGN.md section 6): fetch, rebase onto the remote,
// push, retried when another device pushed first. A conflict (other than the union-merged logs)
// is never committed: the rebase is aborted, so local commits and files are exactly as before, and
// the owner is told which files to resolve and how.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Identity } from '../core/docs/commit.js';
import { isRejectedPush, settleClash } from '../core/runs/sync.js';
import { GitError, UserError } from '../errors.js';
import type { Vars } from '../env.js';
import { gitRead, openRepo, type Repo } from './run.js';
import { refuseConflictMarkers } from './git.js';
import { clearOwnRebase, markOwnRebase } from './ownrebase.js';

export interface SyncTarget {
  remote: string;
  branch: string;
  /** The remote-tracking ref fetch updates: refs/remotes/<remote>/<branch>. */
  ref: string;
}

/** A rebase stopped on these files; it was aborted and nothing changed. */
export class SyncConflict extends UserError {
  override name = 'SyncConflict';
  constructor(
    readonly files: string[],
    readonly target: SyncTarget,
  ) {
    super(conflictMessage(files, target));
  }
}

export function conflictMessage(files: string[], t: SyncTarget): string {
  return [
    `sync stopped: ${files.join(', ')} changed here and on ${t.remote}/${t.branch} in ways git cannot combine.`,
    'Nothing was lost and nothing was pushed: your commits and files are exactly as before the sync.',
    'To resolve, in the home:',
    `  git pull --rebase ${t.remote} ${t.branch}     # stops at the conflict`,
    `  # edit ${files.join(', ')}: keep what you want, delete the <<<<<<< ======= >>>>>>> lines`,
    `  git add ${files.join(' ')} && git -c core.editor=true rebase --continue`,
    '  aos sync',
    `(or git rebase --abort to give up, and keep working locally; the next aos sync tries again)`,
  ].join('\n');
}

/** The remote and branch to sync with: aos.yaml's sync.remote/branch, else git's upstream, else origin and the current branch. None when there is no such remote. */
export async function syncTarget(root: string, vars: Vars, cfg: { remote?: string; branch?: string }): Promise<SyncTarget | undefined> {
  const branch = cfg.branch ?? ((await gitRead(root, vars, ['symbolic-ref', '-q', '--short', 'HEAD'], { exit1Empty: true })).trim() || 'main');
  let remote = cfg.remote;
  if (!remote) remote = (await gitRead(root, vars, ['config', '--get', `branch.${branch}.remote`], { exit1Empty: true })).trim() || 'origin';
  const remotes = (await gitRead(root, vars, ['remote'])).split('\n').map((r) => r.trim());
  if (!remotes.includes(remote)) return undefined;
  return { remote, branch, ref: `refs/remotes/${remote}/${branch}` };
}

/**
 * A rebase or merge the owner started by hand is theirs to finish: aos neither continues it nor
 * aborts it (an abort would throw away a half-done resolution).
 */
export function refuseGitInProgress(root: string): void {
  const found = ['rebase-merge', 'rebase-apply', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'].find((f) => existsSync(join(root, '.git', f)));
  if (!found) return;
  const what = found.startsWith('rebase') ? 'rebase' : found === 'MERGE_HEAD' ? 'merge' : found === 'CHERRY_PICK_HEAD' ? 'cherry-pick' : 'revert';
  throw new UserError(`a git ${what} is in progress in ${root}; finish it (git ${what} --continue after resolving) or give it up (git ${what} --abort), then sync again. aos changed nothing.`);
}

/** The remote branch's commit after a fetch, or undefined when the remote has no such branch yet. */
export async function fetchRemote(git: Repo, t: SyncTarget): Promise<string | undefined> {
  try {
    await git.raw(['fetch', '-q', '--no-tags', t.remote, `+refs/heads/${t.branch}:${t.ref}`]);
  } catch (err) {
    if (/couldn't find remote ref/i.test(gitSaid(err))) return undefined;
    throw new UserError(`sync: cannot fetch from ${t.remote}: ${firstLine(err)}`);
  }
  return (await git.raw(['rev-parse', t.ref])).trim();
}

/** What git printed; the sync messages quote it rather than GitError's own message. */
function gitSaid(err: unknown): string {
  return err instanceof GitError ? err.stderr : String((err as Error).message ?? err);
}

function firstLine(err: unknown): string {
  return gitSaid(err).trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'unknown error';
}

/** Replays local commits onto the fetched remote. Throws SyncConflict after aborting when git stops on a conflict. */
export async function rebaseOnto(root: string, git: Repo, t: SyncTarget): Promise<void> {
  // Known as aos's own from before git's first step, so a cut rebase is never taken for the owner's.
  await markOwnRebase(root, git, t.ref, `${t.remote}/${t.branch}`);
  await rebaseAndSettle(root, git, t);
  await clearOwnRebase(root);
}

async function rebaseAndSettle(root: string, git: Repo, t: SyncTarget): Promise<void> {
  let resolved = false;
  for (;;) {
    try {
      await git.raw(resolved ? ['rebase', '--continue'] : ['rebase', '-q', '--autostash', '--no-verify', t.ref]);
      return;
    } catch (err) {
      const stopped = existsSync(join(root, '.git/rebase-merge')) || existsSync(join(root, '.git/rebase-apply'));
      if (!stopped) {
        await clearOwnRebase(root);
        throw new UserError(`sync: cannot rebase onto ${t.remote}/${t.branch}: ${firstLine(err)}`);
      }
      const files = (await git.raw(['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
      const settled = files.length ? await settleAll(root, git, files) : undefined;
      if (settled) {
        // During a rebase, stage 2 is the remote's side: its copy stays at the path, and a file it deleted goes.
        const kept = files.filter((f) => !settled.gone.includes(f));
        if (kept.length) await git.raw(['checkout', '--ours', '--', ...kept]);
        if (settled.gone.length) await git.raw(['rm', '-q', '--', ...settled.gone]);
        for (const extra of settled.extra) await writeFile(join(root, extra.path), extra.text, { flag: 'wx' });
        if (kept.length || settled.extra.length) await git.raw(['add', '--', ...kept, ...settled.extra.map((e) => e.path)]);
        resolved = true;
        continue;
      }
      await git.raw(['rebase', '--abort']);
      await clearOwnRebase(root);
      throw new SyncConflict(files.length ? files : ['(files git did not name)'], t);
    }
  }
}

/**
 * How every conflicted file is settled: the extra files to write and the files the remote deleted,
 * or undefined when any one is the owner's to resolve.
 */
async function settleAll(root: string, git: Repo, files: string[]): Promise<{ extra: { path: string; text: string }[]; gone: string[] } | undefined> {
  const extra: { path: string; text: string }[] = [];
  const gone: string[] = [];
  for (const f of files) {
    // A side with no stage is a deletion there (modify/delete): settled only where the rule allows an empty side.
    const side = (n: number) => git.raw(['show', `:${n}:${f}`]).catch(() => undefined);
    const remote = await side(2);
    const how = settleClash(f, remote ?? '', (await side(3)) ?? '');
    if (!how) return undefined;
    if (remote === undefined) gone.push(f);
    if (how.alsoWrite) {
      if (existsSync(join(root, how.alsoWrite.path))) return undefined;
      extra.push(how.alsoWrite);
    }
  }
  return { extra, gone };
}

/** Pushes HEAD to the remote branch; false when the remote moved on first (another device pushed). */
export async function pushHead(git: Repo, t: SyncTarget): Promise<boolean> {
  try {
    await git.raw(['push', '-q', '--no-verify', t.remote, `HEAD:refs/heads/${t.branch}`]);
    return true;
  } catch (err) {
    if (isRejectedPush(gitSaid(err))) return false;
    throw new UserError(`sync: cannot push to ${t.remote}: ${firstLine(err)}`);
  }
}

/** The git handle sync uses: rebase rewrites commits, so it needs a committer; authors stay as they were. */
export async function syncGit(root: string, vars: Vars, committer: Identity): Promise<Repo> {
  return openRepo(root, vars, { committer, keepMessages: true });
}

/**
 * Drops the last commit (not yet pushed) and puts the files it touched back as they were before
 * it, leaving every other change in the working tree alone.
 */
export async function dropLastCommit(root: string, git: Repo): Promise<void> {
  const changed = (await git.raw(['diff', '--name-only', 'HEAD~1', 'HEAD'])).split('\n').filter(Boolean);
  await git.raw(['reset', '-q', '--soft', 'HEAD~1']);
  if (!changed.length) return;
  await git.raw(['reset', '-q', '--', ...changed]);
  const tracked = new Set((await git.raw(['ls-tree', '-r', '--name-only', '-z', 'HEAD', '--', ...changed])).split('\0').filter(Boolean));
  if (tracked.size) await git.raw(['checkout', '-q', 'HEAD', '--', ...tracked]);
  for (const p of changed.filter((f) => !tracked.has(f))) await rm(join(root, p), { force: true });
}

export async function countRange(root: string, vars: Vars, range: string): Promise<number> {
  return Number((await gitRead(root, vars, ['rev-list', '--count', range])).trim()) || 0;
}

export interface SyncResult {
  remote: string;
  branch: string;
  /** Commits that came from the remote. */
  pulled: number;
  /** Commits sent to the remote. */
  pushed: number;
  /** Pushes the remote refused because another device pushed first. */
  retries: number;
}

/** Fetch, rebase, push; a refused push starts over from the fetch, at most `retries` more times. */
export async function syncRepo(root: string, vars: Vars, committer: Identity, t: SyncTarget, retries: number): Promise<SyncResult> {
  const git = await syncGit(root, vars, committer);
  let pulled = 0;
  for (let attempt = 0; ; attempt++) {
    const tip = await fetchRemote(git, t);
    if (tip) {
      pulled += await countRange(root, vars, `HEAD..${tip}`);
      await rebaseOnto(root, git, t);
    }
    const pushed = tip ? await countRange(root, vars, `${tip}..HEAD`) : await countRange(root, vars, 'HEAD');
    if (!pushed) return { remote: t.remote, branch: t.branch, pulled, pushed, retries: attempt };
    await refuseMarkersInHead(root, vars);
    if (await pushHead(git, t)) return { remote: t.remote, branch: t.branch, pulled, pushed, retries: attempt };
    if (attempt >= retries) throw new UserError(`sync: ${t.remote} kept moving (${attempt + 1} pushes refused because another device pushed first); nothing is lost, try again`);
  }
}

/** The last line of defence: whatever made them (plain git included), markers never leave this device. */
export async function refuseMarkersInHead(root: string, vars: Vars): Promise<void> {
  await refuseConflictMarkers(root, vars, [':(exclude)logs', ':(exclude)inbox/done', '*.md', '*.yaml', '*.yml'], 'HEAD');
}

/**
 * Does the remote (as last fetched) hold this file exactly as it is here? A claim counts only then:
 * one committed (or only written) here and never pushed is seen by no other device.
 */
export async function reachedRemote(root: string, vars: Vars, t: SyncTarget, path: string): Promise<boolean> {
  const there = (await gitRead(root, vars, ['rev-parse', '-q', '--verify', `${t.ref}:${path}`], { exit1Empty: true })).trim();
  if (!there) return false;
  return (await gitRead(root, vars, ['hash-object', '--', path])).trim() === there;
}

/** Only fetch and rebase (a tick's pull before it collects work). */
export async function pullRepo(root: string, vars: Vars, committer: Identity, t: SyncTarget): Promise<number> {
  const git = await syncGit(root, vars, committer);
  const tip = await fetchRemote(git, t);
  if (!tip) return 0;
  const n = await countRange(root, vars, `HEAD..${tip}`);
  if (n) await rebaseOnto(root, git, t);
  return n;
}
