// The daily log: append-only markdown, one file per day in the owner's time zone.
import { AsyncLocalStorage } from 'node:async_hooks';
import { promises as fs, constants } from 'node:fs';
import { join, dirname } from 'node:path';
import { formatEntry, logHeader, logPath, parseLog, type LogEntry } from '../core/docs/logfmt.js';
import { localTime, datesBetween } from '../core/docs/time.js';
import { ensureFolder, isErrno, readIfExists, withPath } from './files.js';
import type { HomeWriter } from './home.js';

export interface NewEntry {
  kind: string;
  agent: string;
  ref?: string;
  body: string;
}

/** A day-log entry held back, exactly as it will be appended. */
export interface DeferredEntry {
  file: string;
  text: string;
}

/**
 * A run's held-back log entries. While runs are in progress at once (arena.parallel), an entry
 * appended to the shared day log before its run commits would be committed by whichever run commits
 * first; so each such run keeps its entries here (and in its journal, through saved()) and appends
 * them right before its own commit, in the commit queue (flows/execute.ts commitRun).
 */
export interface DeferredLog {
  entries: DeferredEntry[];
  saved(): Promise<void>;
}

const deferring = new AsyncLocalStorage<DeferredLog | undefined>();

/** Runs fn with its day-log entries held in log (undefined: written at once, as usual). */
export function deferLogIn<T>(log: DeferredLog | undefined, fn: () => Promise<T>): Promise<T> {
  return deferring.run(log, fn);
}

/** Appends one entry; never rewrites what is there. Returns the file written, relative to the home. */
export async function appendLog(home: HomeWriter, timeZone: string, at: Date, entry: NewEntry): Promise<string> {
  const { date, time } = localTime(at, timeZone);
  const rel = logPath(date);
  const text = home.redact(formatEntry({ time, ...entry }));
  const held = deferring.getStore();
  if (held) {
    held.entries.push({ file: rel, text });
    await held.saved();
    return rel;
  }
  await appendText(home.root, rel, date, text);
  return rel;
}

async function appendText(root: string, rel: string, date: string, text: string): Promise<void> {
  const path = join(root, rel);
  await ensureFolder(dirname(path));
  try {
    await fs.writeFile(path, logHeader(date), { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw withPath(err, path);
  }
  // O_APPEND: concurrent writers on one machine each land whole at the end.
  await fs.appendFile(path, text).catch((err: unknown) => Promise.reject(withPath(err, path)));
}

/**
 * Appends held-back entries that are not in their file yet (a recovery after a kill between this and
 * the journal's update appends nothing twice). Returns the files written.
 */
export async function appendDeferred(root: string, entries: readonly DeferredEntry[]): Promise<string[]> {
  const files = new Set<string>();
  for (const e of entries) {
    const now = (await readIfExists(join(root, e.file))) ?? '';
    if (!now.includes(e.text)) await appendText(root, e.file, /(\d{4}-\d{2}-\d{2})/.exec(e.file)?.[1] ?? '', e.text);
    files.add(e.file);
  }
  return [...files];
}

/** Entries of the days from..to (inclusive, YYYY-MM-DD), oldest first. Missing days are skipped. */
export async function readLog(root: string, from: string, to: string): Promise<LogEntry[]> {
  const days = datesBetween(from, to);
  const texts = await Promise.all(
    days.map(async (date) => {
      const rel = logPath(date);
      const text = await readIfExists(join(root, rel));
      return text === undefined ? [] : parseLog(rel, date, text);
    }),
  );
  return texts.flat();
}
