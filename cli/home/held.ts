// Answers aos could not write (issue 14 item 8): a run's result that could not reach its item (the
// item made unwritable, edited into invalid YAML mid-run, inbox/done a link, a full or read-only
// disk). The answer itself is in the run's record (committed); here, in .aos/held/<item>.json, is
// exactly the change to make, so the next tick writes it once the cause is fixed, without asking
// the model again. Local state: the device that ran the item is the one that finishes it.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ItemChange } from '../core/runs/outcome.js';
import type { Outcome } from '../core/runs/runrecord.js';
import { UserError, ValidationError, describeFsFailure, isErrno, type Problem } from '../errors.js';
import { listNames, readIfExists, writeAtomic } from './files.js';

export const HELD_FOLDER = '.aos/held';

export interface HeldAnswer {
  run: string;
  agent: string;
  kind: 'tick' | 'run';
  /** The item's file when the run ended (it stays there until the answer is written). */
  item: string;
  itemId: string;
  record: string;
  outcome: Outcome;
  change: ItemChange;
  /** Why it could not be written, as the owner was told. */
  reason: string;
}

/** An item the tick skips, with the problem that says why (serve reports it and goes on). */
export class ItemNotRunnable extends UserError {
  override name = 'ItemNotRunnable';
  constructor(readonly problem: Problem) {
    super(`${problem.file}: expected ${problem.expected}, found ${problem.found}${problem.hint ? ` (${problem.hint})` : ''}`);
  }
}

/**
 * Why writing a run's result failed, when the owner can fix it: a file that does not parse (edited
 * mid-run), a refused path (a link), a failed system call with a path (EACCES, EPERM, ENOSPC, EROFS,
 * ENAMETOOLONG, ENOTDIR). Undefined for anything else: a bug, thrown with its stack.
 */
export function fixableWriteFailure(err: unknown): string | undefined {
  if (err instanceof ValidationError) return `it does not parse: ${err.message}`;
  if (err instanceof UserError) return err.message;
  return describeFsFailure(err);
}

const heldPath = (root: string, itemId: string) => join(root, HELD_FOLDER, `${itemId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);

export async function holdAnswer(root: string, held: HeldAnswer): Promise<void> {
  await writeAtomic(heldPath(root, held.itemId), JSON.stringify(held, null, 2) + '\n');
}

export async function heldAnswer(root: string, itemId: string): Promise<HeldAnswer | undefined> {
  const text = await readIfExists(heldPath(root, itemId));
  return text === undefined ? undefined : (JSON.parse(text) as HeldAnswer);
}

export async function releaseHeld(root: string, itemId: string): Promise<void> {
  await fs.rm(heldPath(root, itemId), { force: true });
}

/** Every held answer, oldest item first; a file that does not parse is named as a problem. */
export async function listHeld(root: string): Promise<{ held: HeldAnswer[]; problems: Problem[] }> {
  const out: { held: HeldAnswer[]; problems: Problem[] } = { held: [], problems: [] };
  for (const e of await listNames(join(root, HELD_FOLDER))) {
    if (!e.isFile || !e.name.endsWith('.json')) continue;
    const file = `${HELD_FOLDER}/${e.name}`;
    try {
      const h = JSON.parse(await fs.readFile(join(root, file), 'utf8')) as HeldAnswer;
      if (typeof h.item !== 'string' || typeof h.run !== 'string' || !h.change) throw new Error('fields missing');
      out.held.push(h);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      out.problems.push({ file, expected: "a held answer aos wrote (JSON with run, item and change)", found: (err as Error).message, hint: `its answer is still in the run's record; delete the file to drop it` });
    }
  }
  return out;
}

/** How a held answer is told to the owner (tick and doctor). */
export function heldProblem(h: HeldAnswer): Problem {
  return {
    file: h.item,
    expected: `a file aos can write the answer of run ${h.run} to`,
    found: h.reason,
    hint: `the answer is kept in ${h.record}; the next tick writes it once this is fixed, without asking the model again; see docs/recovery.md#held-answers`,
  };
}
