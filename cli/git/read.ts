// Read-only git queries, run by run.ts's plain runner (no simple-git: status must start fast).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Vars } from '../env.js';
import { gitRead } from './run.js';
import { isTempFile } from '../core/docs/tempfiles.js';

export function isRepo(root: string): boolean {
  return existsSync(join(root, '.git'));
}

/** Paths with uncommitted changes (tracked or new), relative to the home; aos's own temp files are never among them. */
export async function pendingChanges(root: string, vars: Vars, opts: { readOnly?: boolean } = {}): Promise<string[]> {
  return (await changedPaths(root, vars, opts)).filter((p) => !isTempFile(p));
}

/** Every path git status reports, aos's temp files included (a home whose .gitignore predates their line). */
export async function changedPaths(root: string, vars: Vars, opts: { readOnly?: boolean } = {}): Promise<string[]> {
  // git status refreshes the index when it can; a dry run must not even do that.
  const out = await gitRead(root, vars, [...(opts.readOnly ? ['--no-optional-locks'] : []), 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
  return parseStatus(out).changed;
}

/**
 * One walk of the work tree for the tick (issue 24): what changedPaths reports and what tempFiles
 * finds, from a single `git status --ignored=matching` instead of a status and an `ls-files
 * --others` (a second walk of every folder, 5-8 ms in a year-scale home). Untracked files are `??`,
 * ignored files `!!`, so a temp file beside the home's files is listed by name. An ignored folder
 * is listed as the folder (`!! .aos/`), not file by file: plain --ignored printed every file of an
 * owner's big ignored folder (30,000 files cost the tick 11 ms of CPU). aos's own folder is read
 * here (a few files); any other ignored folder is asked of git for temp files only.
 */
export async function treeStatus(root: string, vars: Vars): Promise<{ changed: string[]; temps: string[] }> {
  const { changed, temps, ignoredFolders } = parseStatus(await gitRead(root, vars, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching']));
  for (const folder of ignoredFolders) temps.push(...(folder === '.aos/' ? tempFilesIn(root, '.aos') : await tempFiles(root, vars, folder)));
  return { changed, temps };
}

function parseStatus(out: string): { changed: string[]; temps: string[]; ignoredFolders: string[] } {
  const changed: string[] = [];
  const temps: string[] = [];
  const ignoredFolders: string[] = [];
  const fields = out.split('\0').filter(Boolean);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const path = f.slice(3);
    const ignored = f.startsWith('!!');
    if (ignored && path.endsWith('/')) ignoredFolders.push(path);
    else if ((ignored || f.startsWith('??')) && isTempFile(path)) temps.push(path);
    if (!ignored) changed.push(path);
    if (f[0] === 'R' || f[0] === 'C') i++; // a rename carries its old path as the next field
  }
  return { changed, temps, ignoredFolders };
}

/**
 * The temp files below a folder of the home (relative paths), never following a link and, as git,
 * never entering another repository (a mission's worktree in .aos/missions/ has a .git of its own).
 */
function tempFilesIn(root: string, folder: string): string[] {
  const found: string[] = [];
  let entries;
  try {
    entries = readdirSync(join(root, folder), { withFileTypes: true });
  } catch {
    return found; // gone meanwhile, or not a folder
  }
  if (entries.some((e) => e.name === '.git')) return found;
  for (const e of entries) {
    const path = `${folder}/${e.name}`;
    if (e.isDirectory()) found.push(...tempFilesIn(root, path));
    else if (e.isFile() && isTempFile(path)) found.push(path);
  }
  return found;
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

/** aos's atomic-write temp files anywhere in the home (.aos/ too), ignored or not; or below one folder (`dir/`). */
export async function tempFiles(root: string, vars: Vars, below = ''): Promise<string[]> {
  // A glob pathspec: the characters glob reads in the folder's own name are escaped.
  const out = await gitRead(root, vars, ['ls-files', '-z', '--others', '--', `:(glob)${below.replace(/[*?[\\]/g, '\\$&')}**/.*.tmp`]);
  return out.split('\0').filter((p) => p && isTempFile(p));
}

/** `git config user.name` as seen from `cwd` (global or the repository's), or undefined when unset. */
export async function configuredUserName(cwd: string, vars: Vars): Promise<string | undefined> {
  const name = (await gitRead(cwd, vars, ['config', '--get', 'user.name'], { exit1Empty: true })).trim();
  return name || undefined;
}

/**
 * The trailers of the commit that last added `file` (undefined when no commit did: it is not
 * committed yet): who wrote an item, whatever its front matter says. `agent` is set only for a
 * write made inside an agent's run or by an agent through aos mcp (a run id or a client trailer);
 * the tick's own schedule and drill commits name their target agent but are aos's own writes.
 */
export async function addedBy(root: string, vars: Vars, file: string): Promise<{ agent?: string } | undefined> {
  const out = await gitRead(root, vars, ['log', '-n1', '--diff-filter=A', '--format=%x1e%(trailers:key=Aos-Agent,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Run,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Client,valueonly,separator=%x2c)', '--', file]);
  const rec = out.split('\x1e')[1];
  if (rec === undefined) return undefined;
  const [agent, run, client] = rec.split('\x1f').map((s) => s.trim());
  return agent && (run || client) ? { agent } : {};
}

/**
 * For each file under `folder`, who made its newest commit: `agent` is set when that commit was an
 * agent's run (or an agent through aos mcp), as in addedBy. One git call for the whole folder.
 */
export async function lastWriters(root: string, vars: Vars, folder: string): Promise<Map<string, { agent?: string }>> {
  const out = await gitRead(root, vars, ['log', '--no-renames', '--format=%x1e%(trailers:key=Aos-Agent,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Run,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Client,valueonly,separator=%x2c)%x1d', '--name-only', '--', folder]);
  const writers = new Map<string, { agent?: string }>();
  for (const rec of out.split('\x1e').slice(1)) {
    const [head, files = ''] = rec.split('\x1d');
    const [agent, run, client] = head!.split('\x1f').map((s) => s.trim());
    const who = agent && (run || client) ? { agent } : {};
    for (const f of files.split('\n').map((l) => l.trim()).filter(Boolean)) if (!writers.has(f)) writers.set(f, who);
  }
  return writers;
}

/** Each run id's place in the history, oldest commit first: the order runs really happened in. */
export async function runCommitOrder(root: string, vars: Vars): Promise<Map<string, number>> {
  const out = await gitRead(root, vars, ['log', '--reverse', '--format=%(trailers:key=Aos-Run,valueonly,separator=%x2c)']);
  const order = new Map<string, number>();
  out.split('\n').forEach((line, i) => {
    for (const run of line.split(',').map((s) => s.trim()).filter(Boolean)) if (!order.has(run)) order.set(run, i);
  });
  return order;
}
