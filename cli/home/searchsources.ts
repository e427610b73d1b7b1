// The source files of the search index: which folders it reads, each file's signature, and the
// scan that compares them with what the index holds (new, changed, gone, still failing).
import { constants, readdirSync, readFileSync, promises as fs } from 'node:fs';
import { join, sep } from 'node:path';
import type { Problem } from '../errors.js';
import { isErrno } from './files.js';
import { fastStat, type FileStat } from './faststat.js';
import type { Data } from './searchdata.js';
import type { Sig } from './searchformat.js';

export interface Source {
  file: string;
  sig: Sig;
}

/** A stored listing's file number for a name that is not a source (-1: a source the index holds nothing of). */
export const NOT_SOURCE = -2;
const { S_IFMT, S_IFREG, S_IFLNK } = constants;

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

export interface Listing {
  folder: string;
  /** Every name the folder holds, in the order it gives them (sources or not: see isSource). */
  names: string[];
  /** Which of them could be sources, by the folder's own rule (past the rules every folder has). */
  accept: (name: string) => boolean;
  /** Set by the scan: whether the folder lists as the index last stored it. */
  same?: boolean;
}

/** Whether a name in a listed folder could be a source: a visible .md file the folder's rule accepts. */
export function isSource(listing: Listing, name: string): boolean {
  // (A name with a line break could not be stored: the manifest's paths are one a line.)
  return !name.startsWith('.') && name.endsWith('.md') && !name.includes('\n') && listing.accept(name);
}

/**
 * A folder's names as stored, to compare with a new listing: joined by '/', which no name holds,
 * so two listings are the same exactly when their joined names are.
 */
export const joinNames = (names: readonly string[]) => names.join('/');

/**
 * The folders search reads, each with all its names in the order the folder gives them (the scan
 * picks the sources: memory/ but MEMORY.md, goals/, logs/YYYY/MM/ days of that month,
 * inbox/done/YYYY/MM/). Names are not filtered here: a folder listed as before is compared whole,
 * with nothing done per name.
 */
function listFolders(root: string): Listing[] {
  const out: Listing[] = [];
  const collect = (folder: string, accept: (name: string) => boolean) => {
    out.push({ folder, names: entries(join(root, folder)), accept });
  };
  const dated = (folder: string, accept: (name: string, month: string) => boolean) => {
    for (const y of entries(join(root, folder)).filter((n) => /^\d{4}$/.test(n))) {
      for (const m of entries(join(root, folder, y)).filter((n) => /^\d{2}$/.test(n))) collect(`${folder}/${y}/${m}`, (name) => accept(name, `${y}-${m}-`));
    }
  };
  collect('memory', (name) => name !== 'MEMORY.md');
  collect('goals', () => true);
  dated('logs', (name, month) => name.startsWith(month) && /^\d{4}-\d{2}-\d{2}\.md$/.test(name));
  dated('inbox/done', () => true);
  return out;
}

const sigNumbers = new Float64Array(4);
const sigWords = new Int32Array(sigNumbers.buffer);

// A file's signature (Sig): two independent hashes of its size, mtime, ctime and inode, made by
// hashStat. The last one's two numbers: a file found unchanged (nearly all of them) makes no array.
let hashA = 0;
let hashB = 0;

/** Hashes a file's size, mtime, ctime and inode into hashA and hashB. */
function hashStat(st: FileStat): void {
  sigNumbers[0] = st.size;
  sigNumbers[1] = st.mtimeMs;
  sigNumbers[2] = st.ctimeMs;
  sigNumbers[3] = st.ino;
  let a = 0x811c9dc5 | 0;
  let b = 0x2545f491 | 0;
  for (let i = 0; i < 8; i++) {
    a = Math.imul(a ^ sigWords[i]!, 0x01000193);
    b = Math.imul(b ^ sigWords[i]!, 0x5bd1e995);
    b ^= b >>> 13;
  }
  hashA = a;
  hashB = b;
}

/**
 * A file changed this recently (by mtime or ctime, before the scan) may change again within the
 * same tick of the file system's clock without its size, mtime or ctime moving — the same second
 * on file systems that keep seconds only — so its signature is not trusted on the next open.
 * Where the file's times carry fractions of a second, the clock's tick is the kernel's (a few
 * milliseconds), and FINE_RACY_MS is window enough.
 */
export const RACY_MS = 2000;
export const FINE_RACY_MS = 100;

export interface Scan {
  listings: Listing[];
  /** Files changed within RACY_MS before the scan: read again on the next open. */
  racy: string[];
  /** New and changed files. */
  changed: Source[];
  /** Indexed files that are no longer there (or no longer regular files). */
  gone: string[];
  /** Files that failed before and still fail the same way, and what is wrong with them. */
  problems: Problem[];
  /** Files that failed before and are gone now. */
  goneFailed: string[];
  /** Whether some folder lists differently from the last time (worth saving even with nothing new). */
  relisted: boolean;
}

/**
 * Every source file against what the index holds. Each candidate is lstat'ed once (at a year of
 * files that is the open's main cost); a folder listed as before is compared name by name, with no
 * lookups and nothing kept for a file that did not change. Symbolic links are reported, not followed.
 */
export function scan(root: string, d: Data, racyMs?: number): Scan {
  const listings = listFolders(root);
  const seen = new Uint8Array(d.sigs.length / 2);
  const seenFailed = new Set<string>();
  const out: Scan = { listings, racy: [], changed: [], gone: [], problems: [], goneFailed: [], relisted: false };
  // The cache is a guess about the files; the clock only decides which guesses to check again.
  const now = Date.now();
  const racyFrom = racyMs === undefined ? now - RACY_MS : racyMs > 0 ? now - racyMs : Infinity;
  const fineFrom = racyMs === undefined ? now - FINE_RACY_MS : racyFrom;
  const wasRacy = new Set(d.racy);
  const folders = new Set<string>();
  // Whether every file the index holds was found where it was (then none is gone, without a look at the manifest's paths).
  let complete = true;
  for (const listing of listings) {
    const { folder, names } = listing;
    folders.add(folder);
    const dir = join(root, folder) + sep;
    const stored = d.dirs[folder];
    const same = (listing.same = stored ? stored.names === joinNames(names) && stored.nos.length === names.length : !names.length);
    out.relisted ||= !same;
    const nos = same ? stored?.nos : undefined;
    for (let i = 0; i < names.length; i++) {
      // A name that is not a source (NOT_SOURCE where the folder lists as before) is not even looked at.
      if (nos ? nos[i] === NOT_SOURCE : !isSource(listing, names[i]!)) continue;
      const st = fastStat(dir + names[i]);
      const no = nos ? nos[i]! : d.fileNo.get(`${folder}/${names[i]}`) ?? -1;
      if (!st) {
        complete &&= no < 0;
        continue;
      }
      const type = st.mode & S_IFMT;
      const regular = type === S_IFREG;
      if (regular) hashStat(st);
      complete &&= no < 0 || regular;
      const whole = st.mtimeMs % 1000 === 0 && st.ctimeMs % 1000 === 0;
      const from = whole ? racyFrom : fineFrom;
      const recent = regular && (st.mtimeMs >= from || st.ctimeMs >= from);
      if (recent) out.racy.push(`${folder}/${names[i]}`);
      if (no >= 0 && regular) {
        seen[no] = 1;
        if (d.sigs[no * 2] === hashA && d.sigs[no * 2 + 1] === hashB && !(wasRacy.size && wasRacy.has(`${folder}/${names[i]}`))) continue;
      }
      const file = `${folder}/${names[i]}`;
      if (type === S_IFLNK) {
        out.problems.push({ file, expected: 'a regular file', found: 'a symbolic link (not followed: it could pull in text from outside the home)' });
        continue;
      }
      if (!regular) continue;
      const sig: Sig = [hashA, hashB];
      const failed = d.failed[file];
      if (failed) {
        seenFailed.add(file);
        if (failed.sig[0] === sig[0] && failed.sig[1] === sig[1] && !wasRacy.has(file)) {
          out.problems.push(...failed.problems);
          continue;
        }
      }
      out.changed.push({ file, sig });
    }
  }
  out.relisted ||= Object.entries(d.dirs).some(([folder, { names }]) => names && !folders.has(folder));
  if (seen.length && (out.relisted || !complete)) out.gone = d.paths.filter((p, no) => p && !seen[no]);
  out.goneFailed = Object.keys(d.failed).filter((f) => !seenFailed.has(f));
  return out;
}

export async function readTexts(root: string, files: readonly Source[]): Promise<(string | Error | undefined)[]> {
  const out: (string | Error | undefined)[] = [];
  // A refresh reads a file or a few: read where they are, without the thread pool's round trips.
  if (files.length <= 8) {
    for (const { file } of files) {
      try {
        out.push(readFileSync(join(root, file), 'utf8'));
      } catch (err) {
        out.push(isErrno(err, 'ENOENT') ? undefined : (err as Error));
      }
    }
    return out;
  }
  for (let i = 0; i < files.length; i += 64) {
    const batch = await Promise.all(
      files.slice(i, i + 64).map(async ({ file }) => {
        try {
          return await fs.readFile(join(root, file), 'utf8');
        } catch (err) {
          if (isErrno(err, 'ENOENT')) return undefined; // gone since it was listed
          return err as Error;
        }
      }),
    );
    out.push(...batch);
  }
  return out;
}

