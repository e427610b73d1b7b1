// The run journals, one per run in .aos/runs/<run>.json: written before a run changes anything and
// removed after its commit. If a process dies mid-run, the next tick finds them and knows, for each
// run, which item, which files, and whether it had reached its commit. One file per run, so runs in
// progress at once (the arena's candidates, arena.parallel) never overwrite each other's journal.
// .aos/run.json is the journal of the releases before: still read (and cleared) by recovery, doctor
// and the MCP server, never written.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readIfExists, removeFile, writeAtomic } from './files.js';
import type { CommitSpec } from '../core/docs/commit.js';

export const JOURNAL_DIR = '.aos/runs';
/** The single journal of older releases; a home updated mid-run may still have one. */
export const LEGACY_JOURNAL_FILE = '.aos/run.json';

export const journalFile = (run: string) => `${JOURNAL_DIR}/${run}.json`;

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
  /**
   * Day-log entries the run wrote while other runs were in progress in this process (arena.parallel):
   * kept here, not in the log, until the run's own commit appends them (flows/logqueue.ts).
   */
  deferredLog?: { file: string; text: string }[];
}

export async function writeJournal(root: string, j: Journal): Promise<void> {
  mkdirSync(join(root, JOURNAL_DIR), { recursive: true });
  await writeAtomic(join(root, journalFile(j.run)), JSON.stringify(j, null, 2) + '\n');
}

/** What a journal cut short by a crash mid-write still says (writeAtomic makes this unlikely). */
const unreadable = (run: string): Journal => ({ run, agent: 'unknown', item: '', itemId: '', record: '', pid: 0, host: '', started: '', phase: 'running', touched: [] });

function parseJournal(text: string, run: string): Journal {
  try {
    const j = JSON.parse(text) as Journal;
    if (typeof j.run === 'string' && typeof j.item === 'string' && Array.isArray(j.touched)) return j;
  } catch {
    // fall through
  }
  return unreadable(run);
}

/** Every run journal in the home: the legacy one first, then one per run (by file name). */
export async function readJournals(root: string): Promise<Journal[]> {
  const out: Journal[] = [];
  const legacy = await readIfExists(join(root, LEGACY_JOURNAL_FILE));
  if (legacy !== undefined) out.push(parseJournal(legacy, 'unknown'));
  let names: string[] = [];
  try {
    names = (readdirSync(join(root, JOURNAL_DIR))).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of names) {
    const text = await readIfExists(join(root, JOURNAL_DIR, name));
    if (text !== undefined) out.push(parseJournal(text, name.slice(0, -'.json'.length)));
  }
  return out;
}

/** The journal of one run, if it is in progress. */
export async function readJournal(root: string, run: string): Promise<Journal | undefined> {
  return (await readJournals(root)).find((j) => j.run === run);
}

/** Removes the run's journal (and the legacy journal when it is that run's, or unreadable). */
export async function clearJournal(root: string, run: string): Promise<void> {
  removeFile(join(root, journalFile(run)));
  const legacy = await readIfExists(join(root, LEGACY_JOURNAL_FILE));
  if (legacy !== undefined && parseJournal(legacy, 'unknown').run === run) removeFile(join(root, LEGACY_JOURNAL_FILE));
}
