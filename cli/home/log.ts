// The daily log: append-only markdown, one file per day in the owner's time zone.
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

/** Appends one entry; never rewrites what is there. Returns the file written, relative to the home. */
export async function appendLog(home: HomeWriter, timeZone: string, at: Date, entry: NewEntry): Promise<string> {
  const { date, time } = localTime(at, timeZone);
  const rel = logPath(date);
  const path = join(home.root, rel);
  await ensureFolder(dirname(path));
  try {
    await fs.writeFile(path, logHeader(date), { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw withPath(err, path);
  }
  // O_APPEND: concurrent writers on one machine each land whole at the end.
  await fs.appendFile(path, home.redact(formatEntry({ time, ...entry }))).catch((err: unknown) => Promise.reject(withPath(err, path)));
  return rel;
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
