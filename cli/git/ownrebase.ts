// aos's own rebases, known as its own: each is recorded in .aos/ before it starts and the record
// goes when it ends. A tick killed mid-rebase leaves git's rebase state and this record; the next
// tick (or aos sync) then aborts that rebase itself, keeping every file the owner edited or created
// meanwhile, instead of taking it for the owner's rebase and committing onto it (issue 14).
import { existsSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Identity } from '../core/docs/commit.js';
import { UserError, isErrno } from '../errors.js';
import type { Vars } from '../env.js';
import { gitRead, openRepo, type Repo } from './run.js';

export const OWN_REBASE_FILE = '.aos/rebase.json';
/** Copies of the owner's files, taken before the abort resets the work tree; gone once put back. */
const RESCUE_DIR = '.aos/rebase-rescue';
export const OWN_REBASE_HELP = 'see docs/recovery.md#aos-rebase';

interface OwnRebase {
  /** HEAD when the rebase started: what git calls orig-head, and what an abort goes back to. */
  orig: string;
  onto: string;
  /** The remote branch, for messages. */
  target: string;
}

/** Records the rebase aos is about to start (before git writes anything). */
export async function markOwnRebase(root: string, git: Repo, ontoRef: string, target: string): Promise<void> {
  const [orig, onto] = (await git.raw(['rev-parse', 'HEAD', ontoRef])).trim().split('\n');
  const rec: OwnRebase = { orig: orig!, onto: onto!, target };
  const file = join(root, OWN_REBASE_FILE);
  await fs.mkdir(dirname(file), { recursive: true });
  const tmp = join(root, `.aos/.rebase.json.${process.pid}.tmp`);
  await fs.writeFile(tmp, JSON.stringify(rec) + '\n');
  await fs.rename(tmp, file);
}

export async function clearOwnRebase(root: string): Promise<void> {
  await fs.rm(join(root, OWN_REBASE_FILE), { force: true });
}

async function readOwnRebase(root: string): Promise<OwnRebase | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await fs.readFile(join(root, OWN_REBASE_FILE), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    const r = JSON.parse(text) as Partial<OwnRebase>;
    return typeof r.orig === 'string' && typeof r.onto === 'string' ? { orig: r.orig, onto: r.onto, target: String(r.target ?? 'the remote') } : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** git's own state of a rebase in progress, if any: its folder and the HEAD it started from. */
async function rebaseInProgress(root: string): Promise<{ dir: string; orig: string } | undefined> {
  for (const dir of ['.git/rebase-merge', '.git/rebase-apply']) {
    if (!existsSync(join(root, dir))) continue;
    const orig = await fs.readFile(join(root, dir, 'orig-head'), 'utf8').catch(() => '');
    return { dir, orig: orig.trim() };
  }
  return undefined;
}

export type OwnRebaseState =
  | { kind: 'none' }
  /** A rebase aos started and a killed process left half-done. */
  | { kind: 'half-done'; target: string; dir: string }
  /** The abort is done but the owner's files are still in .aos/rebase-rescue/ (killed in between). */
  | { kind: 'rescue-pending' };

/** Read only (doctor, the tick's first look): is a rebase of aos's own left over? */
export async function inspectOwnRebase(root: string): Promise<OwnRebaseState> {
  if (!existsSync(join(root, OWN_REBASE_FILE))) return { kind: 'none' };
  const rec = await readOwnRebase(root);
  const git = await rebaseInProgress(root);
  // The record names the HEAD the rebase started from; a rebase from elsewhere is the owner's.
  if (git && rec && rec !== 'unreadable' && git.orig === rec.orig) return { kind: 'half-done', target: rec.target, dir: git.dir };
  if (!git && existsSync(join(root, RESCUE_DIR))) return { kind: 'rescue-pending' };
  return { kind: 'none' };
}

/**
 * Finishes what a killed aos left mid-rebase: copies the owner's files aside (every file edited
 * after the rebase's last step, and every new one), aborts the rebase (back to the commits and
 * files as they were before it, the autostash included), and puts the copies back, so the tick
 * commits them as the owner's hand edits and syncs afresh. A rebase the owner started is left alone.
 * Each step can be cut and redone: the copies are taken while the rebase is still there, and put
 * back (then removed) after it is gone. Returns what it did, for the tick's report.
 */
export async function finishOwnRebase(root: string, vars: Vars, committer: Identity): Promise<string[]> {
  if (!existsSync(join(root, OWN_REBASE_FILE))) return [];
  const state = await inspectOwnRebase(root);
  if (state.kind === 'none') {
    // It ended (or never began) before the record went; a rebase in progress now is the owner's.
    await clearOwnRebase(root);
    return [];
  }
  const rescue = join(root, RESCUE_DIR);
  if (state.kind === 'half-done') {
    await fs.rm(rescue, { recursive: true, force: true });
    for (const f of await ownerFiles(root, vars)) {
      const text = await readOrUndefined(join(root, f));
      if (text === undefined) continue;
      await writeDeep(join(rescue, 'work', f), text);
      // What the file held when the owner took it up: their edit is the change from it to the work tree.
      const base = await gitRead(root, vars, ['show', `:${f}`]).catch(() => undefined);
      if (base !== undefined) await writeDeep(join(rescue, 'base', f), base);
    }
    const git = await openRepo(root, vars, { committer, keepMessages: true });
    try {
      await git.raw(['rebase', '--abort']);
    } catch (err) {
      throw new UserError(`a rebase aos started (onto ${state.target}) was cut off, and git rebase --abort failed: ${(err as Error).message.split('\n')[0]}; your edited files are copied in ${RESCUE_DIR}/work/; ${OWN_REBASE_HELP}`);
    }
  }
  const { kept, marked } = await putBack(root, vars, rescue);
  await fs.rm(rescue, { recursive: true, force: true });
  await clearOwnRebase(root);
  const list = (files: string[]) => `${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`;
  return [
    `a sync's rebase${state.kind === 'half-done' ? ` onto ${state.target}` : ''} was cut off (a killed tick): aborted it, back to the commits from before it${kept.length ? `, and kept the ${kept.length} file${kept.length === 1 ? '' : 's'} edited meanwhile (${list(kept)})` : ''}${marked.length ? `; ${list(marked)} also changed in those commits: both versions are kept between conflict markers for you to resolve (see docs/recovery.md#conflict-markers)` : ''}`,
  ];
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  return fs.readFile(path).catch((err: unknown) => (isErrno(err, 'ENOENT') || isErrno(err, 'EISDIR') ? undefined : Promise.reject(err)));
}

async function writeDeep(path: string, data: string | Buffer): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, data);
}

/**
 * The files the owner touched while the rebase stood: changed in the work tree against the index,
 * or new. What the rebase itself wrote is in the index (a step it was taking) or in a conflict
 * (unmerged, left as git has it); both are aos's and the abort undoes them.
 */
async function ownerFiles(root: string, vars: Vars): Promise<string[]> {
  const out = await gitRead(root, vars, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const files: string[] = [];
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    const [x, y] = [entry[0]!, entry[1]!];
    const path = entry.slice(3);
    const unmerged = x === 'U' || y === 'U' || (x === 'A' && y === 'A') || (x === 'D' && y === 'D');
    if (unmerged) continue;
    if ((x === '?' && y === '?') || y === 'M' || y === 'T') files.push(path);
  }
  return files;
}

/**
 * Puts the owner's files back after the abort. Where the abort left the file as the owner found it
 * (or left none), their copy goes back as it is; where the commits from before the rebase hold
 * another version, the owner's change is merged into it (git merge-file), and what does not
 * combine stays between conflict markers: the tick holds such a file back and names it.
 */
async function putBack(root: string, vars: Vars, rescue: string): Promise<{ kept: string[]; marked: string[] }> {
  const kept: string[] = [];
  const marked: string[] = [];
  const work = join(rescue, 'work');
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(join(work, rel), { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!e.isFile()) continue;
      kept.push(path);
      const mine = await fs.readFile(join(work, path));
      const now = await readOrUndefined(join(root, path));
      const base = (await readOrUndefined(join(rescue, 'base', path))) ?? Buffer.alloc(0);
      if (now === undefined || now.equals(base) || now.equals(mine)) {
        await writeDeep(join(root, path), mine);
        continue;
      }
      if (!(await readOrUndefined(join(rescue, 'base', path)))) await writeDeep(join(rescue, 'base', path), base);
      const conflicts = await gitRead(root, vars, ['merge-file', '-L', 'before the rebase', '-L', 'what you saw', '-L', 'your edit', join(root, path), join(rescue, 'base', path), join(work, path)]).then(
        () => 0,
        async (err: unknown) => {
          const code = ((err as { cause?: { code?: unknown } }).cause?.code as number | undefined) ?? -1;
          if (code > 0 && code < 128) return code;
          // Not mergeable (a binary file): the owner's copy is the newer; the other stays in history.
          await writeDeep(join(root, path), mine);
          return 0;
        },
      );
      if (conflicts) marked.push(path);
    }
  };
  await walk('');
  return { kept: kept.sort(), marked: marked.sort() };
}
