// After a crash: a stale git index lock, a run that died before its commit, a commit that died
// half-way. The tick calls this with the writer lock held, before anything else touches git.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import { localTime } from '../core/docs/time.js';
import { parseRunRecord, renderRunRecord } from '../core/runs/runrecord.js';
import { repeatableCall, unrecordedCalls } from '../core/runs/unrecorded.js';
import type { Env } from '../env.js';
import { UserError } from '../errors.js';
import type { Home } from '../home/home.js';
import { appendDeferred, appendLog } from '../home/log.js';
import { updateItem } from '../home/items.js';
import { isErrno, writeAtomic, exists } from '../home/files.js';
import { lockHolders } from '../home/procs.js';
import { gitRead } from '../git/run.js';
import { clearJournal, readJournals } from '../home/journal.js';
import { commitRun } from './execute.js';
import { loadInbox } from '../home/store.js';
import { listHeld } from '../home/held.js';

export interface Recovery {
  /** What was found and done, one line each, for the tick's report and log. */
  notes: string[];
  /** Items marked failed for good. */
  failed: string[];
}

const INDEX_LOCK_STALE_MS = 60_000;
/** Without /proc (not Linux) a lock counts as abandoned only if it stays unchanged this long as well. */
const INDEX_LOCK_RECHECK_MS = 2_000;

export const STUCK_LOCK_HELP = 'see docs/recovery.md#stuck-lock';

/**
 * git's own index lock, left by a git killed mid-command. Ours to remove only when it is old (or its
 * tick died) and no process holds it: the owner's `git commit` with its editor open, or a git that
 * outlived its aos, is working, and removing its lock would let two writers corrupt the index.
 */
async function clearIndexLock(root: string, env: Env, tookOver: boolean, notes: string[]): Promise<void> {
  const path = join(root, '.git/index.lock');
  const st = await statIfExists(path);
  if (!st) return;
  const holders = await lockHolders(path, root);
  if (holders?.length) {
    const who = holders.map((h) => `pid ${h.pid} (${h.command}${h.how === 'open' ? ', has it open' : ', a git working in this home'})`).join(', ');
    throw new UserError(
      `.git/index.lock is held by ${who}: aos leaves the lock alone and does nothing this tick. ` +
        `Let that git finish (or close its editor); if it hangs, stop it with kill ${holders[0]!.pid}. The next tick carries on; ${STUCK_LOCK_HELP}`,
    );
  }
  if (!tookOver && env.now().getTime() - st.mtimeMs <= INDEX_LOCK_STALE_MS) return;
  if (!holders) {
    // No way to list holders here: a lock untouched for a while longer is taken as abandoned.
    await new Promise((r) => setTimeout(r, INDEX_LOCK_RECHECK_MS));
    const again = await statIfExists(path);
    if (!again) return;
    if (again.ino !== st.ino || again.mtimeMs !== st.mtimeMs || again.size !== st.size) {
      throw new UserError(`.git/index.lock changed while aos waited: a git is working in this home; aos leaves it and does nothing this tick (${STUCK_LOCK_HELP})`);
    }
  }
  await fs.rm(path, { force: true });
  notes.push(`removed a stale .git/index.lock (no process holds it${holders ? '' : ' and it stayed unchanged'}) left by a git command that was killed`);
}

async function statIfExists(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.stat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

async function alreadyCommitted(home: Home, env: Env, run: string): Promise<boolean> {
  const out = await gitRead(home.root, env.vars, ['log', '-n1', '--format=%H', '--fixed-strings', `--grep=Aos-Run: ${run}`]);
  return out.trim() !== '';
}

export async function recover(home: Home, env: Env, opts: { tookOver: boolean }): Promise<Recovery> {
  const notes: string[] = [];
  const failed: string[] = [];
  await clearIndexLock(home.root, env, opts.tookOver, notes);
  // One journal per run (several when arena.parallel ran candidates at once), each recovered alone.
  for (const journal of await readJournals(home.root)) {
    if (journal.phase === 'committing' && journal.commit) {
      if (await alreadyCommitted(home, env, journal.run)) {
        notes.push(`run ${journal.run} had committed before its process died; nothing to redo`);
        await clearJournal(home.root, journal.run);
      } else {
        await commitRun(home, env, journal, journal.commit);
        notes.push(`finished the commit of run ${journal.run}, cut short when its process died`);
      }
    } else {
      await recoverInterrupted(home, env, journal, notes, failed);
    }
  }
  // An item marked running with no journal behind it: its run died before it could record anything.
  const { items } = await loadInbox(home.root, home.docs);
  // An item whose answer is held (home/held.ts) stays running until the tick writes that answer.
  const held = new Set((await listHeld(home.root)).held.map((h) => h.item));
  for (const item of items.filter((i) => i.front.status === 'running' && !held.has(i.file))) {
    const attempts = (item.front.attempts ?? 0) + 1;
    const final = attempts >= home.config.tick.max_attempts;
    await updateItem(home, item.file, { status: final ? 'failed' : 'new', attempts, error: 'its run was interrupted before it could be recorded' });
    notes.push(`${item.id} was left running by a process that died; ${final ? 'marked failed' : 'it will run again'}`);
    if (final) failed.push(item.id);
  }
  return { notes, failed };
}

async function recoverInterrupted(home: Home, env: Env, journal: import('../home/journal.js').Journal, notes: string[], failed: string[]): Promise<void> {
  const tz = home.config.owner.timezone;
  const reason = `interrupted: the process running it (pid ${journal.pid} on ${journal.host}) died during the run`;
  const touched = new Set(journal.touched);
  // What the run logged while others ran beside it (held in its journal) goes into the log first.
  for (const f of await appendDeferred(home.root, journal.deferredLog ?? [])) touched.add(f);
  // Died after the item reached done (and maybe before its inbox copy was removed): the work is
  // done, so keep it done and only finish the bookkeeping.
  const doneCopy = journal.touched.find((p) => p.startsWith('inbox/done/'));
  if (doneCopy && (await exists(join(home.root, doneCopy)))) {
    await fs.rm(join(home.root, journal.item), { force: true });
    await closeRecord(home, env, journal.record, 'done', undefined, notes);
    const note = `Run ${journal.run} of ${journal.itemId} had finished its item when its process (pid ${journal.pid} on ${journal.host}) died; committed it.`;
    touched.add(await appendLog(home, tz, env.now(), { kind: 'recover', agent: journal.agent, ref: journal.run, body: note }));
    await commitRun(home, env, { ...journal, touched: [...touched] }, {
      who: agentIdentity(journal.agent),
      subject: `${journal.agent}: answered ${journal.itemId} (recovered after a crash)`,
      trailers: { 'Aos-Run': journal.run, 'Aos-Agent': journal.agent, 'Aos-Kind': 'recover', 'Aos-Item': journal.itemId, 'Aos-Outcome': 'done', 'Aos-Device': home.device },
      paths: [...touched],
    });
    notes.push(note);
    return;
  }
  // Turns already paid for are not paid again: the item resumes from the record (as after a checkpoint).
  const resumable = await recordedTurns(home, journal.record);
  await closeRecord(home, env, journal.record, resumable ? 'checkpoint' : 'failed', reason, notes);
  let final = false;
  if (journal.item && (await exists(join(home.root, journal.item)))) {
    const { items } = await loadInbox(home.root, home.docs);
    const item = items.find((i) => i.file === journal.item);
    const attempts = (item?.front.attempts ?? 0) + 1;
    final = attempts >= home.config.tick.max_attempts;
    await updateItem(home, journal.item, { status: final ? 'failed' : 'new', attempts, error: reason, ...(resumable && !final ? { checkpoint: journal.run } : {}) });
    if (final) failed.push(journal.itemId);
  }
  const next = final ? 'The item is marked failed.' : resumable ? `The item resumes from its ${resumable.turns} recorded turn${resumable.turns === 1 ? '' : 's'}${resumable.cutOff.length ? `; the call${resumable.cutOff.length === 1 ? '' : 's'} cut off (${resumable.cutOff.join(', ')}) ${resumable.cutOff.length === 1 ? 'is' : 'are'} not repeated: the model is told to check first` : ''}.` : 'The item will run again.';
  const note = `Run ${journal.run} of ${journal.itemId} was ${reason}. ${next}`;
  touched.add(await appendLog(home, tz, env.now(), { kind: 'recover', agent: journal.agent, ref: journal.run, body: note }));
  const existing = [...touched].filter(Boolean);
  await commitRun(home, env, { ...journal, touched: existing }, {
    who: agentIdentity(journal.agent === 'unknown' ? 'aos' : journal.agent),
    subject: `${journal.agent}: interrupted run of ${journal.itemId || 'an item'} recovered`,
    trailers: { 'Aos-Run': journal.run, 'Aos-Agent': journal.agent, 'Aos-Kind': 'recover', 'Aos-Item': journal.itemId, 'Aos-Outcome': resumable ? 'checkpoint' : 'failed', 'Aos-Device': home.device },
    paths: existing,
  });
  notes.push(note);
}

/**
 * The model turns a crashed run recorded, if any (a record that cannot be read gives none: the item
 * starts afresh), and the side-effecting calls of its last turn whose results were never recorded.
 */
async function recordedTurns(home: Home, file: string): Promise<{ turns: number; cutOff: string[] } | undefined> {
  if (!file || !(await exists(join(home.root, file)))) return undefined;
  try {
    const { entries } = parseRunRecord(file, await fs.readFile(join(home.root, file), 'utf8'));
    const turns = entries.filter((e) => e.type === 'model').length;
    if (!turns) return undefined;
    return { turns, cutOff: unrecordedCalls(entries).filter((c) => !repeatableCall(c.name, c.input)).map((c) => c.name) };
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

/** Closes a run record left open by a crash, with the outcome recovery decided. */
async function closeRecord(home: Home, env: Env, file: string, outcome: 'done' | 'failed' | 'checkpoint', reason: string | undefined, notes: string[]): Promise<void> {
  if (!file || !(await exists(join(home.root, file)))) return;
  try {
    const rec = parseRunRecord(file, await fs.readFile(join(home.root, file), 'utf8'));
    rec.front.outcome = outcome;
    if (reason) rec.front.error = reason;
    rec.front.ended ??= localTime(env.now(), home.config.owner.timezone).iso;
    await writeAtomic(join(home.root, file), renderRunRecord(rec.front, rec.entries, reason ?? rec.final));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`the record ${file} could not be read back (${err.message}); kept as it was`);
  }
}
