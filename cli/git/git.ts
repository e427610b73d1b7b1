// Every git change goes through here (quick reads are in read.ts; both run git through run.ts).
// Identity is always explicit, so commits work under cron's bare environment and on a machine with
// no git config.
import { constants, existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { commitMessage, type CommitSpec, type Identity } from '../core/docs/commit.js';
import type { Redact } from '../core/docs/redact.js';
import type { Vars } from '../env.js';
import { changedPaths } from './read.js';
import { isTempFile } from '../core/docs/tempfiles.js';
import { BAD_CONFIG_HINT, CONFIG_FILE } from '../core/docs/configfile.js';
import { gitRead, openRepo, type Repo } from './run.js';
import { inCommitQueue } from './queue.js';
import { markerChecked, MARKER_GREP } from '../core/runs/sync.js';
import { UserError, type Problem } from '../errors.js';
import { findConflictMarker } from '../core/docs/markers.js';
import { secretProblem, secretsInDiff } from '../core/docs/secretscan.js';

export async function initRepo(root: string, vars: Vars): Promise<void> {
  await (await openRepo(root, vars)).raw(['init', '-q', '-b', 'main']);
}

export type { CommitSpec };

/**
 * Commits and returns the new commit's hash, or undefined when there was nothing to commit. The
 * message goes through the home's redactor (the caller passes it: git reads nothing of the home).
 */
export function commit(root: string, vars: Vars, spec: CommitSpec, redact: Redact): Promise<string | undefined> {
  return inCommitQueue(root, () => commitNow(root, vars, spec, redact));
}

async function commitNow(root: string, vars: Vars, spec: CommitSpec, redact: Redact): Promise<string | undefined> {
  const git = await openRepo(root, vars, { who: spec.who });
  const paths = spec.paths ? await presentOrTracked(git, root, spec.paths) : [];
  if (spec.paths && !paths.length) return undefined;
  const pathspec = paths.length ? paths : ['.'];
  await git.raw(['add', '-A', '--', ...pathspec]);
  const staged = await git.raw(['diff', '--cached', '--name-only', '--', ...pathspec]);
  if (!staged.trim()) return undefined;
  await refuseConflictMarkers(root, vars, staged.split('\n').filter(markerChecked), 'staged');
  await refuseSecrets(git, pathspec);
  // With paths, only they are committed, whatever else the owner has staged.
  await git.raw(['commit', '-q', '--no-edit', '-m', redact(commitMessage(spec.subject, spec.trailers, spec.body)), '--', ...paths]);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}

/**
 * A merge that stopped half-way leaves <<<<<<< lines; aos never commits (or pushes) a state file
 * holding them, so a conflict cannot travel to other devices disguised as content.
 */
export async function refuseConflictMarkers(root: string, vars: Vars, paths: string[], where: 'staged' | string): Promise<void> {
  if (!paths.length) return;
  const [cached, rev] = where === 'staged' ? [['--cached'], []] : [[], [where]];
  const out = await gitRead(root, vars, ['grep', '-n', '-I', ...cached, '-E', MARKER_GREP, ...rev, '--', ...paths], { exit1Empty: true });
  const hits = out.split('\n').filter(Boolean).map((l) => (where === 'staged' ? l : l.slice(where.length + 1)).split(':').slice(0, 2).join(':'));
  if (!hits.length) return;
  throw new UserError(
    `${hits.slice(0, 10).join(', ')}${hits.length > 10 ? ' …' : ''}: merge conflict markers (<<<<<<< / >>>>>>>); aos commits and pushes no state file holding them. ` +
      'Resolve the conflict in the file (keep the lines you want, delete the marker lines), then run aos sync or let the next tick commit it; see docs/recovery.md#conflict-markers.',
  );
}

/**
 * The last guard: nothing aos commits adds a secret-looking line (core/docs/secretscan.ts). The
 * callers redact or hold such files first; reaching this is refused with the files named, and the
 * files stay on disk as they are (staged, uncommitted).
 */
async function refuseSecrets(git: Repo, pathspec: string[]): Promise<void> {
  const diff = await git.raw(['diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--', ...pathspec]);
  const found = secretsInDiff(diff);
  if (!found.length) return;
  throw new UserError(
    `${found.slice(0, 5).join('; ')}${found.length > 5 ? ' …' : ''}: secret-looking values; aos commits no file holding one. ` +
      'Move the value out of the home (aos.yaml secrets: names it from the environment or a file outside the home), or replace it, then commit again; see docs/recovery.md#secret-in-a-file.',
  );
}

/** git add fails on a path that neither exists nor is tracked (a file a run created and then moved). */
async function presentOrTracked(git: Repo, root: string, paths: string[]): Promise<string[]> {
  const unique = [...new Set(paths)].filter(Boolean);
  const missing = unique.filter((p) => !existsSync(join(root, p)));
  if (!missing.length) return unique;
  const tracked = new Set((await git.raw(['ls-files', '-z', '--', ...missing])).split('\0').filter(Boolean));
  return unique.filter((p) => !missing.includes(p) || tracked.has(p));
}

/**
 * The owner's edits since the last commit become the owner's own commit, before any agent commit,
 * so `git log` keeps human and agent changes apart. A file holding conflict markers (a merge the
 * owner left half-done) is held back, uncommitted and reported, so the rest of the work goes on.
 */
/** The owner's uncommitted edits: the files a tick would commit, and those held for their conflict markers. */
export async function pendingOwnerEdits(root: string, vars: Vars, opts: { readOnly?: boolean; changed?: string[] } = {}): Promise<{ files: string[]; held: Problem[]; skippedTemp: boolean } | undefined> {
  const changed = opts.changed ?? (await changedPaths(root, vars, opts));
  // A write killed half-way leaves aos's temp file; it is never the owner's edit.
  const pending = changed.filter((p) => !isTempFile(p));
  if (!pending.length) return undefined;
  // A file aos may not read (the owner's chmod 000, another user's file) would fail git add and with
  // it every tick: held back and named, like a file with conflict markers.
  const held: Problem[] = (await Promise.all(pending.map((f) => unreadableEdit(root, f)))).filter((p): p is Problem => Boolean(p));
  for (const f of pending.filter((p) => !held.some((h) => h.file === p))) {
    const text = await readPendingText(join(root, f));
    if (text === undefined) continue;
    const marker = markerChecked(f) ? findConflictMarker(f, text) : undefined;
    if (marker) held.push({ ...marker, hint: `${marker.hint}; aos commits the file once it is resolved; see docs/recovery.md#conflict-markers` });
    else {
      // Held, never rewritten: the owner's file keeps every byte until they move the value out.
      const secret = secretProblem(f, text);
      if (secret) held.push(secret);
    }
  }
  if (pending.includes(CONFIG_FILE) && !held.some((h) => h.file === CONFIG_FILE)) held.push(...(await configProblems(root)));
  return { files: pending.filter((f) => !held.some((h) => h.file === f)), held, skippedTemp: pending.length < changed.length };
}

async function unreadableEdit(root: string, file: string): Promise<Problem | undefined> {
  try {
    await fs.access(join(root, file), constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return undefined;
    return { file, expected: 'a file aos can read', found: `permission denied (${code})`, hint: 'give the user running aos read access (ls -l shows the owner; chown or chmod); aos commits it once it can read it; see docs/recovery.md#bad-files' };
  }
}

/** Larger files are data (images, exports), not hand edits to scan. */
const SCAN_MAX_BYTES = 2 * 1024 * 1024;

/** A pending file's text, or undefined when it is gone, a folder, too large or binary. */
async function readPendingText(path: string): Promise<string | undefined> {
  let buf: Buffer;
  try {
    const st = await fs.stat(path);
    if (!st.isFile() || st.size > SCAN_MAX_BYTES) return undefined;
    buf = await fs.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  if (buf.subarray(0, 8000).includes(0)) return undefined;
  return buf.toString('utf8');
}

/** An aos.yaml that does not validate (time zone included) is never committed as a hand edit. */
async function configProblems(root: string): Promise<Problem[]> {
  const text = await fs.readFile(join(root, CONFIG_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'EISDIR') return undefined;
    throw err;
  });
  if (text === undefined) return [];
  const { parseDoc } = await import('../core/docs/parsedoc.js');
  return parseDoc('config', CONFIG_FILE, text).problems.map((p) => ({ ...p, hint: `${p.hint ? `${p.hint}; ` : ''}${BAD_CONFIG_HINT}` }));
}

/** `changed`: what git status reports now, when the caller already asked (else git is asked here). */
export async function commitOwnerEdits(root: string, vars: Vars, owner: Identity, device: string, redact: Redact, changed?: string[]): Promise<{ sha?: string; files: string[]; held: Problem[] } | undefined> {
  const pending = await pendingOwnerEdits(root, vars, changed ? { changed } : {});
  if (!pending) return undefined;
  const { files, held } = pending;
  if (!files.length) return { files, held };
  const listed = files.slice(0, 30).map((f) => `- ${f}`).join('\n') + (files.length > 30 ? `\n- … and ${files.length - 30} more` : '');
  const sha = await commit(root, vars, {
    who: owner,
    subject: `owner: hand edits (${files.length} file${files.length === 1 ? '' : 's'})`,
    body: listed,
    trailers: { 'Aos-Kind': 'owner-edit', 'Aos-Device': device },
    ...(held.length || pending.skippedTemp ? { paths: files } : {}),
  }, redact);
  return { sha, files: sha ? files : [], held };
}

/** A scratch checkout of one commit, sharing this repository's objects (for replays). */
export async function addWorktree(root: string, vars: Vars, dir: string, commitish: string): Promise<void> {
  await (await openRepo(root, vars)).raw(['worktree', 'add', '--detach', '--quiet', dir, commitish]);
}

export async function removeWorktree(root: string, vars: Vars, dir: string): Promise<void> {
  await (await openRepo(root, vars)).raw(['worktree', 'remove', '--force', dir]);
}
