// The run journal, .aos/run.json: written before a run changes anything and removed after its
// commit. If a process dies mid-run, the next tick finds it and knows which run, which item, which
// files, and whether the run had reached its commit.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readIfExists, writeAtomic } from './files.js';
import type { CommitSpec } from '../core/docs/commit.js';

export const JOURNAL_FILE = '.aos/run.json';

export interface Journal {
  run: string;
  agent: string;
  /** The item's file when the run started (it moves to done when it finishes). */
  item: string;
  itemId: string;
  record: string;
  pid: number;
  host: string;
  started: string;
  phase: 'running' | 'committing';
  touched: string[];
  /** Set in the committing phase: exactly the commit to make. */
  commit?: CommitSpec;
}

export async function writeJournal(root: string, j: Journal): Promise<void> {
  await fs.mkdir(join(root, '.aos'), { recursive: true });
  await writeAtomic(join(root, JOURNAL_FILE), JSON.stringify(j, null, 2) + '\n');
}

export async function readJournal(root: string): Promise<Journal | undefined> {
  const text = await readIfExists(join(root, JOURNAL_FILE));
  if (text === undefined) return undefined;
  try {
    const j = JSON.parse(text) as Journal;
    if (typeof j.run === 'string' && typeof j.item === 'string' && Array.isArray(j.touched)) return j;
  } catch {
    // fall through: a journal cut short by a crash mid-write (writeAtomic makes this unlikely)
  }
  return { run: 'unknown', agent: 'unknown', item: '', itemId: '', record: '', pid: 0, host: '', started: '', phase: 'running', touched: [] };
}

export async function clearJournal(root: string): Promise<void> {
  await fs.rm(join(root, JOURNAL_FILE), { force: true });
}
