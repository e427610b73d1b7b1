// The search cache's stored form: how .aos/search/index is laid out, encoded and checked. No IO
// (home/searchdata.ts reads and writes it); it lives in home/ because it is the cache's own format.
//
// The cache is two files, each replaced whole (a temp file renamed over it) and only when something changed:
// the base (.aos/search/index) and a delta beside it (.aos/search/index.delta) holding what changed
// since that base, so a refresh after one changed file writes a few kilobytes, not the whole
// index. Past a fraction of the base's size the two are merged into a new base and the delta goes.
//   line 1     "aos-search <header bytes> <header checksum>" ("aos-search-delta ..." for the delta)
//   header     JSON: version, counts, the manifest (each folder's names as listed and each file's
//              signature, two hashes of size, mtime, ctime and inode), files that failed to parse,
//              and where each section of the body is, with its checksum. The base has a random
//              stamp; a delta names the stamp of the base it changes, and is not used with another.
//   body       the document table (file, type, date, status, field lengths; then line, content
//              hash and place in its day's log), the titles of non-log documents, the log entries each
//              memory topic cites (its `sources`), and the postings sharded by the first two
//              characters of their term (a query reads only the shards of its own terms). A delta's
//              body has the rows added since its base (new ids are above the base's), their titles
//              and citations, and the postings added since the base, sharded the same way.
import * as zlib from 'node:zlib';
import type { Problem } from '../errors.js';
import type { SearchDoc } from '../core/memory/searchdocs.js';
import { FIELDS, type Postings } from '../core/memory/searchrank.js';

declare const AOS_VERSION: string | undefined;
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
/** A cache from another version (format, tokenizer, release, checksum, byte order) is rebuilt, never trusted. */
const ORDER = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 'le' : 'be';
export const VERSION = `search-7:${typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev'}:${crc32 ? 'crc32' : 'fnv'}:${ORDER}`;
export const CACHE_FILE = '.aos/search/index';
export const DELTA_FILE = '.aos/search/index.delta';
export const MAGIC = 'aos-search';
export const DELTA_MAGIC = 'aos-search-delta';

// ---------------------------------------------------------------- the stored form
//
// The document table and the line table are 32-bit words in the machine's byte order (the version
// names it, so a cache moved to a machine of the other order is rebuilt), read into an Int32Array
// and used as they lie: a query reads each number it needs with one load, no decoding. A posting
// list is variable-length numbers (6 bits a byte, the seventh says another byte follows): each id
// as its gap from the one before, then the term's frequency.

// The document table, one row of words per document id, in two parts. What every query needs:
export const FILE = 0; // file number in the manifest; -1 for a dead row
// index into DOC_TYPES | status << 3 (0 none, else 1 + index into MEMORY_STATUSES) | place << 5: a log
// entry's place among its day's entries (0 for other documents), for its neighbours, which a query reads
export const META = 1;
/** Places past this one are stored as this one (a day of 67 million entries). */
export const MAX_PLACE = (1 << 26) - 1;
export const DATE = 2; // yyyymmdd, or 0
export const LENS = 3; // field lengths (minisearch's: distinct words), two 16-bit lengths a word
export const COLS = LENS + FIELDS.length / 2;
// What only a refresh or a hit needs:
export const LINE = 0;
export const HASH = 1; // of the document's content, so unchanged documents of a changed file stay
export const COLD = 2;
export const MAX_LEN = 0xffff;

/** Bytes a word takes. */
export const WORD = 4;

/** A table's words from its stored bytes (copied when they do not start on a word's boundary). */
export function wordsOf(bytes: Uint8Array): Int32Array {
  if (bytes.byteOffset % WORD === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / WORD);
  const words = new Int32Array(bytes.length / WORD);
  new Uint8Array(words.buffer).set(bytes);
  return words;
}

/** The stored bytes of a table's first `n` words. */
export const bytesOf = (words: Int32Array, n: number): Buffer => Buffer.from(words.buffer, words.byteOffset, n * WORD);

/**
 * Titles by document id, stored so one is read without the others: the count, the ids (ascending)
 * and where each title ends, as words, then the titles' UTF-8 bytes one after another. A search
 * shows a few titles of thousands; parsing them all as JSON cost more than the ranking's scoring.
 */
export function encodeTitles(titles: Record<string, string>): Buffer {
  const ids = Object.keys(titles)
    .map(Number)
    .sort((a, b) => a - b);
  const texts = ids.map((id) => Buffer.from(titles[id]!, 'utf8'));
  const words = new Int32Array(1 + 2 * ids.length);
  words[0] = ids.length;
  let end = 0;
  ids.forEach((id, i) => {
    words[1 + i] = id;
    words[1 + ids.length + i] = end += texts[i]!.length;
  });
  return Buffer.concat([bytesOf(words, words.length), ...texts]);
}

/** A titles section as encodeTitles wrote it: one title by id, or all of them. */
export class Titles {
  private readonly ids: Int32Array;
  private readonly ends: Int32Array;
  private readonly text: number;
  constructor(private readonly bytes: Buffer) {
    const n = bytes.length >= WORD ? wordsOf(bytes.subarray(0, WORD))[0]! : -1;
    if (n < 0 || bytes.length < WORD * (1 + 2 * n)) throw new CorruptCache('titles');
    const words = wordsOf(bytes.subarray(0, WORD * (1 + 2 * n)));
    this.ids = words.subarray(1, 1 + n);
    this.ends = words.subarray(1 + n);
    this.text = WORD * (1 + 2 * n);
    if (n && this.text + this.ends[n - 1]! !== bytes.length) throw new CorruptCache('titles');
  }

  get(id: number): string | undefined {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    if (this.ids[lo] !== id) return undefined;
    return this.bytes.toString('utf8', this.text + (lo ? this.ends[lo - 1]! : 0), this.text + this.ends[lo]!);
  }

  /** Every title, by id. */
  all(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.ids.length; i++) out[this.ids[i]!] = this.get(this.ids[i]!)!;
    return out;
  }
}

/** Bytes written one at a time into a buffer that grows (a shard's posting lists). */
class ByteWriter {
  buf = Buffer.allocUnsafe(4096);
  length = 0;
  push(byte: number): void {
    if (this.length === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.buf[this.length++] = byte;
  }
  /** Bytes from..to of `from` as they are. */
  copy(source: Uint8Array, from: number, to: number): void {
    const need = this.length + (to - from);
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.buf.set(source.subarray(from, to), this.length);
    this.length = need;
  }
}

function putNumber(out: ByteWriter, v: number): void {
  for (; v >= 64; v = Math.floor(v / 64)) out.push((v % 64) | 64);
  out.push(v);
}

/** `n` postings from `at`: [id, freq, id, freq, ...]. */
export function readPostings(b: Uint8Array, at: number, n: number): number[] {
  const out = new Array<number>(n * 2);
  walkPostings(b, at, n, out);
  return out;
}

/**
 * Walks `n` postings from `at` (each id as its gap from the one before, then the frequency): where
 * they end and the last id; with `out`, also each id and frequency into it.
 */
function walkPostings(b: Uint8Array, at: number, n: number, out?: number[]): { end: number; last: number } {
  let id = 0;
  for (let k = 0; k < n * 2; k++) {
    let v = 0;
    let scale = 1;
    let c: number;
    do {
      c = b[at++]!;
      if (c === undefined) throw new CorruptCache('posting list');
      v += (c & 63) * scale;
      scale *= 64;
    } while (c & 64);
    if (!(k & 1)) v = id += v;
    if (out) out[k] = v;
  }
  return { end: at, last: id };
}

/** [term, postings in title, description, body, tags] */
export type Entry = [string, Postings, Postings, Postings, Postings];
/**
 * A stored shard: its directory (term → its row as stored: [term, offset, count] and an offset and
 * count for each further field; see offsetOf and countOf) and its posting lists.
 */
export interface StoredShard {
  dir: Map<string, DirRow>;
  lists: Buffer;
}
export type DirRow = [string, ...number[]];
/** Where a term's postings in field f start in the shard's lists, and how many there are. */
export const offsetOf = (row: DirRow, f: number) => row[1 + 2 * f] as number;
export const countOf = (row: DirRow, f: number) => row[2 + 2 * f] as number;
/** Two hashes of a file's size, mtime, ctime and inode: when they differ, the file is read again. */
export type Sig = [number, number];
/** [byte offset in the body, byte length, checksum] */
export type Section = [number, number, number];

/** A shard as stored: a JSON directory line, then the posting lists it points into. */
export function encodeShard(entries: Iterable<Entry>, live: (id: number) => boolean): Buffer | undefined {
  const dir: (string | number)[][] = [];
  const bytes = new ByteWriter();
  for (const entry of entries) {
    const row: (string | number)[] = [entry[0]];
    let any = false;
    for (let f = 1; f <= FIELDS.length; f++) {
      const list = entry[f] as Postings;
      const start = bytes.length;
      let n = 0;
      let prev = 0;
      for (let i = 0; list && i < list.length; i += 2) {
        if (!live(list[i]!)) continue; // postings of dead rows are dropped here
        putNumber(bytes, list[i]! - prev);
        putNumber(bytes, list[i + 1]!);
        prev = list[i]!;
        n++;
      }
      row.push(n ? start : 0, n);
      any ||= n > 0;
    }
    if (any) dir.push(row);
  }
  return dir.length ? Buffer.concat([Buffer.from(JSON.stringify(dir) + '\n', 'utf8'), bytes.buf.subarray(0, bytes.length)]) : undefined;
}

/**
 * A stored shard with postings of new documents appended (their ids are above every stored id):
 * each stored list is copied as it is, with the new postings after it, and new terms follow the
 * stored ones. Postings of dead rows stay until the index is rebuilt (queries skip them), so a
 * refresh costs the bytes it adds, not the shard's.
 */
export function appendToShard(stored: StoredShard, added: ReadonlyMap<string, Entry>, key: string): Buffer {
  const dir: (string | number)[][] = [];
  const bytes = new ByteWriter();
  const put = (list: Postings, prev: number): number => {
    let n = 0;
    for (let i = 0; list && i < list.length; i += 2) {
      putNumber(bytes, list[i]! - prev);
      putNumber(bytes, list[i + 1]!);
      prev = list[i]!;
      n++;
    }
    return n;
  };
  for (const [term, at] of stored.dir) {
    const more = added.get(term);
    const row: (string | number)[] = [term];
    for (let f = 0; f < FIELDS.length; f++) {
      const offset = offsetOf(at, f);
      const count = countOf(at, f);
      const start = bytes.length;
      let last = 0;
      if (count) {
        const walked = walkPostings(stored.lists, offset, count);
        bytes.copy(stored.lists, offset, walked.end);
        last = walked.last;
      }
      const list = more ? (more[1 + f] as Postings) : 0;
      if (list && count && list[0]! <= last) throw new Error(`search index: postings of shard ${key} out of order`);
      const n = count + put(list, last);
      row.push(n ? start : 0, n);
    }
    dir.push(row);
  }
  for (const [term, entry] of added) {
    if (stored.dir.has(term)) continue;
    const row: (string | number)[] = [term];
    for (let f = 0; f < FIELDS.length; f++) {
      const start = bytes.length;
      const n = put(entry[1 + f] as Postings, 0);
      row.push(n ? start : 0, n);
    }
    dir.push(row);
  }
  return Buffer.concat([Buffer.from(JSON.stringify(dir) + '\n', 'utf8'), bytes.buf.subarray(0, bytes.length)]);
}

export function decodeShard(buf: Buffer, key: string): StoredShard {
  const nl = buf.indexOf(10);
  const dir = nl < 0 ? undefined : (parseJson(buf.subarray(0, nl), `shard ${key}`) as (string | number)[][]);
  if (!Array.isArray(dir)) throw new CorruptCache(`shard ${key}`);
  // The rows are kept as parsed (no copy per term: a shard holds hundreds).
  const map = new Map<string, DirRow>();
  for (const row of dir as DirRow[]) map.set(row[0], row);
  return { dir: map, lists: buf.subarray(nl + 1) };
}

/** What one folder listed: all its names, joined by '/', and their file numbers (see Header.dirs). */
export interface DirEntry {
  names: string;
  nos: number[];
}

/** What the base's header and the delta's both hold: the state after the last save, and where each section lies in the body. */
interface Saved {
  version: string;
  /**
   * Files changed too recently for their signature to be trusted (within RACY_MS of the scan): a
   * file edited again in the same clock tick (a second, on some file systems) keeps its size,
   * mtime and ctime, so the next open reads these again and lets their content decide.
   */
  racy: string[];
  /** Files that failed to parse, with their signature: not retried until they change. */
  failed: Record<string, { sig: Sig; problems: Problem[] }>;
  count: number;
  rows: number;
  /** Sum of each field's length over the live documents. */
  totals: number[];
  table: Section;
  cold: Section;
  /** Titles by document id (the delta's: of the rows added since the base). */
  titles: Section;
  /** By document id, the citations (`logs/…md#L<line>`) of memory topics that cite log entries. */
  cites: Section;
  shards: Record<string, Section>;
  size: number;
}

export interface Header extends Saved {
  /** Random, new with every base written: the delta that changes this base names it. */
  stamp: string;
  /** By file number, one a line: the path, or an empty line once the file is gone. */
  paths: string;
  /** By file number, two numbers each: the signature. */
  sigs: number[];
  /**
   * Each folder's names as listed (all of them, joined by '/', in the order the folder gave them)
   * and their file numbers (-1 for a source that failed or is not a regular file, -2 for a name
   * that is not a source): an unchanged listing is compared whole, with no lookups at all.
   */
  dirs: Record<string, DirEntry>;
}

/** The delta: what changed since the base it names. Its own sections are offsets in its own body. */
export interface DeltaHeader extends Saved {
  /** The stamp of the base this delta changes. */
  base: string;
  /** Rows of that base: the delta's table holds the rows from here on. */
  baseRows: number;
  /** Manifest entries changed or added since the base: [file number, path ('' once gone), signature]. */
  files: [number, string, number, number][];
  /** Folders listed differently since the base; null for one no longer listed. */
  dirs: Record<string, DirEntry | null>;
  /** Base rows removed since the base (their postings stay, queries skip them). */
  killed: number[];
}

/** Damage found in the cache: the index is rebuilt from the files, never trusted. */
export class CorruptCache extends Error {}

export function checksum(b: Uint8Array): number {
  if (crc32) return crc32(b);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

export function docHash(d: SearchDoc): number {
  return hashText([d.type, d.date, d.status ?? '', d.title, d.description, d.tags, d.body, ...(d.sources ?? [])].join('\u0000'));
}

export const isSection = (s: unknown, size: number): s is Section =>
  Array.isArray(s) && s.length === 3 && s.every((n) => Number.isSafeInteger(n) && n >= 0) && (s[0] as number) + (s[1] as number) <= size;

export function validHeader(h: unknown): h is Header {
  if (!h || typeof h !== 'object') return false;
  const x = h as Header;
  if (x.version !== VERSION || ![x.size, x.rows, x.count].every((n) => Number.isSafeInteger(n) && n >= 0)) return false;
  if (typeof x.stamp !== 'string' || typeof x.paths !== 'string' || !Array.isArray(x.sigs) || !x.dirs || typeof x.dirs !== 'object') return false;
  if (!Array.isArray(x.racy) || !x.failed || typeof x.failed !== 'object' || !Array.isArray(x.totals) || x.totals.length !== FIELDS.length) return false;
  if (!isSection(x.table, x.size) || !isSection(x.cold, x.size) || !isSection(x.titles, x.size) || !isSection(x.cites, x.size) || !x.shards || typeof x.shards !== 'object') return false;
  // Shard sections are checked when a query reads one.
  return x.table[1] === x.rows * COLS * WORD && x.cold[1] === x.rows * COLD * WORD;
}

/** A delta fit for the base it names (its stamp and rows), every section inside its body. */
export function validDelta(h: unknown, base: { stamp: string; rows: number; files: number }): h is DeltaHeader {
  if (!h || typeof h !== 'object') return false;
  const x = h as DeltaHeader;
  if (x.version !== VERSION || x.base !== base.stamp || x.baseRows !== base.rows) return false;
  if (![x.size, x.rows, x.count].every((n) => Number.isSafeInteger(n) && n >= 0) || x.rows < x.baseRows) return false;
  if (!Array.isArray(x.racy) || !x.failed || typeof x.failed !== 'object' || !Array.isArray(x.totals) || x.totals.length !== FIELDS.length) return false;
  if (!x.dirs || typeof x.dirs !== 'object' || !x.shards || typeof x.shards !== 'object') return false;
  if (!Array.isArray(x.killed) || !x.killed.every((r) => Number.isSafeInteger(r) && r >= 0 && r < x.baseRows)) return false;
  // File numbers past the base's are new files, numbered in order.
  let next = base.files;
  if (!Array.isArray(x.files)) return false;
  for (const f of [...x.files].sort((a, b) => a[0] - b[0])) {
    if (!Array.isArray(f) || f.length !== 4 || !Number.isSafeInteger(f[0]) || f[0] < 0 || f[0] > next || typeof f[1] !== 'string' || typeof f[2] !== 'number' || typeof f[3] !== 'number') return false;
    if (f[0] === next) next++;
  }
  if (![x.table, x.cold, x.titles, x.cites, ...Object.values(x.shards)].every((s) => isSection(s, x.size))) return false;
  const added = x.rows - x.baseRows;
  return x.table[1] === added * COLS * WORD && x.cold[1] === added * COLD * WORD;
}

export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptCache(what);
  }
}

