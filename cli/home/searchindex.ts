// The search index over memory topics, daily log entries, done items and goals.
//
// minisearch analyses the documents: when files change, it turns their fields (title, description,
// body, tags) into postings with the tokenizer and term processing of core/searchdocs.ts. The ranking
// is minisearch's too (BM25+, field boosts, prefix and fuzzy matches weighted down, a document boost
// that puts superseded and stale memories below active ones), computed here straight over the stored
// postings, because minisearch itself does not load fast enough for a command cron and agents run
// all the time: a year of log entries is ~40,000 documents, which MiniSearch.loadJSON takes about a
// second to load, and its search spends ~10 µs per posting of a common word, when a warm
// `aos memory search` has a few tens of milliseconds. Tests check the two rankings agree.
//
// The cache is one file, .aos/search/index, written atomically and only when something changed:
//   line 1     "aos-search <header bytes> <header checksum>"
//   header     JSON: version, counts, the manifest (each folder's names as listed and each file's
//              signature, two hashes of size, mtime, ctime and inode), files that failed to parse,
//              and where each section of the body is, with its checksum
//   body       the document table (file, type, date, status, field lengths; then line and content
//              hash), the titles of non-log documents, and the postings sharded by the first two
//              characters of their term (a query reads only the shards of its own terms)
// Opening lists the folders, lstat's every source file and re-reads only those whose signature
// changed. A document whose content did not change keeps its postings (appending a log entry adds one
// document, not a day's); removed documents leave dead rows whose postings go when their shard is next
// written, and past a quarter of dead rows the index is rebuilt. A missing, truncated, corrupt or
// foreign cache is rebuilt from the files: never trusted, never fatal. Sections are checked when
// they are read, so damage found in the middle of a query rebuilds the index and answers anyway.
import { readFileSync, readdirSync, lstatSync, openSync, readSync, closeSync, fstatSync, promises as fs, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import * as zlib from 'node:zlib';
import type { Options, SearchOptions } from 'minisearch';
import type { Problem } from '../errors.js';
import { writeAtomic, isErrno } from './files.js';
import {
  BOOST,
  DOC_TYPES,
  MEMORY_STATUSES,
  STATUS_BOOST,
  bm25,
  docsFromFile,
  fuzzyDistance,
  logTitle,
  makeSnippet,
  matchWeight,
  needsFrontMatter,
  processTerm,
  queryTerms,
  shardKey,
  sourceType,
  tokenize,
  usesPrefix,
  type DocType,
  type FrontParser,
  type MemoryStatus,
  type SearchDoc,
} from '../core/searchdocs.js';
import { parseLog } from '../core/logfmt.js';

declare const AOS_VERSION: string | undefined;
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
/** A cache from another version (format, tokenizer, release, checksum) is rebuilt, never trusted. */
export const VERSION = `search-3:${typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev'}:${crc32 ? 'crc32' : 'fnv'}`;
export const CACHE_FILE = '.aos/search/index';
const MAGIC = 'aos-search';

export interface Hit {
  file: string;
  /** The matched line (memory, done, goal), or the heading line of a log entry. */
  line: number;
  type: DocType;
  date: string;
  title: string;
  snippet: string;
  score: number;
  status?: MemoryStatus;
}

export interface SearchOpts {
  types?: readonly string[];
  /** Only documents dated on or after this day (YYYY-MM-DD); undated documents are left out. */
  since?: string;
  /** At most this many hits (default 10). */
  limit?: number;
}

export interface SearchIndex {
  readonly documentCount: number;
  /** Source files skipped (unreadable or unparsable), and a cache that could not be saved. */
  readonly problems: Problem[];
  /** Files read and analysed when this index was opened (0 with a warm cache). */
  readonly reindexed: number;
  /** Whether the index was built from scratch (no usable cache, or rebuild asked for). */
  readonly rebuilt: boolean;
  /** Whether the cache file was written. */
  readonly saved: boolean;
  search(query: string, opts?: SearchOpts): Promise<Hit[]>;
  /** Releases the cache file (searches read it lazily); the index cannot search afterwards. */
  close(): void;
}

// ---------------------------------------------------------------- minisearch

const FIELDS = ['title', 'description', 'body', 'tags'] as const;
const FIELD_BOOST = FIELDS.map((f) => BOOST[f]);

/** How minisearch analyses documents for this index. */
export const MINISEARCH_OPTIONS: Options = {
  fields: [...FIELDS],
  tokenize: (text) => tokenize(text),
  processTerm: (term) => processTerm(term),
  autoVacuum: false,
};

/**
 * The minisearch search options whose ranking this index computes, for an index that stores each
 * document's type, date and status. Only the tests use them, to check the two agree. (One deliberate
 * difference: a word repeated in a query counts once here, where minisearch would count it twice.)
 */
export function minisearchSearchOptions(opts: SearchOpts = {}): SearchOptions {
  const types = opts.types?.length ? new Set(opts.types) : undefined;
  return {
    boost: { ...BOOST },
    prefix: (term) => usesPrefix(term),
    fuzzy: (term) => fuzzyDistance(term) || false,
    combineWith: 'OR',
    boostDocument: (_id, _term, stored) => STATUS_BOOST[(stored?.status as MemoryStatus | undefined) ?? 'active'],
    filter: (r) => (!types || types.has(r.type as string)) && (!opts.since || ((r.date as string) !== '' && (r.date as string) >= opts.since)),
  };
}

// ---------------------------------------------------------------- the stored form
//
// Numbers are stored 7 bits a byte, so every byte they take is below 0x80: the cache stays text
// (written whole by writeAtomic), and a query reads the numbers it needs where they lie, without
// decoding or copying a whole table. The document table is fixed words of 5 bytes; a posting list
// is variable-length numbers (6 bits a byte, the seventh says another byte follows): each id as its
// gap from the one before, then the term's frequency.

// The document table, one row of words per document id, in two parts. What every query needs:
const FILE = 0; // file number in the manifest; -1 for a dead row
const META = 1; // index into DOC_TYPES | (status << 3): 0 none, else 1 + index into MEMORY_STATUSES
const DATE = 2; // yyyymmdd, or 0
const LENS = 3; // field lengths (minisearch's: distinct words), two 16-bit lengths a word
const COLS = LENS + FIELDS.length / 2;
// What only a refresh or a hit needs:
const LINE = 0;
const HASH = 1; // of the document's content, so unchanged documents of a changed file stay
const COLD = 2;
const MAX_LEN = 0xffff;

const WORD = 5;

function getWord(b: Uint8Array, i: number): number {
  const o = i * WORD;
  return b[o]! | (b[o + 1]! << 7) | (b[o + 2]! << 14) | (b[o + 3]! << 21) | (b[o + 4]! << 28);
}

function packWords(words: Int32Array, n: number): Buffer {
  const b = Buffer.alloc(n * WORD);
  for (let i = 0; i < n; i++) {
    const v = words[i]! >>> 0;
    const o = i * WORD;
    b[o] = v & 127;
    b[o + 1] = (v >>> 7) & 127;
    b[o + 2] = (v >>> 14) & 127;
    b[o + 3] = (v >>> 21) & 127;
    b[o + 4] = v >>> 28;
  }
  return b;
}

function unpackWords(b: Uint8Array | undefined, n: number, capacity: number): Int32Array {
  const words = new Int32Array(capacity);
  for (let i = 0; i < n; i++) words[i] = getWord(b!, i);
  return words;
}

function putNumber(out: number[], v: number): void {
  for (; v >= 64; v = Math.floor(v / 64)) out.push((v % 64) | 64);
  out.push(v);
}

/** `n` postings from `at`: [id, freq, id, freq, ...]. */
function readPostings(b: Uint8Array, at: number, n: number): number[] {
  const out = new Array<number>(n * 2);
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
    out[k] = k & 1 ? v : (id += v);
  }
  return out;
}

/** Postings of one term in one field: [id, freq, id, freq, ...], ids ascending; 0 for none. */
type Postings = number[] | 0;
/** [term, postings in title, description, body, tags] */
type Entry = [string, Postings, Postings, Postings, Postings];
/** A stored shard: its directory (term → [offset, count] per field) and its posting lists. */
interface StoredShard {
  dir: Map<string, number[]>;
  lists: Buffer;
}
/** Two hashes of a file's size, mtime, ctime and inode: when they differ, the file is read again. */
type Sig = [number, number];
/** [byte offset in the body, byte length, checksum] */
type Section = [number, number, number];

/** A shard as stored: a JSON directory line, then the posting lists it points into. */
function encodeShard(entries: Iterable<Entry>, live: (id: number) => boolean): Buffer | undefined {
  const dir: (string | number)[][] = [];
  const bytes: number[] = [];
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
  return dir.length ? Buffer.concat([Buffer.from(JSON.stringify(dir) + '\n', 'utf8'), Buffer.from(bytes)]) : undefined;
}

function decodeShard(buf: Buffer, key: string): StoredShard {
  const nl = buf.indexOf(10);
  const dir = nl < 0 ? undefined : (parseJson(buf.subarray(0, nl), `shard ${key}`) as (string | number)[][]);
  if (!Array.isArray(dir)) throw new CorruptCache(`shard ${key}`);
  return { dir: new Map(dir.map((row) => [row[0] as string, row.slice(1) as number[]])), lists: buf.subarray(nl + 1) };
}

interface Header {
  version: string;
  /** By file number, one a line: the path, or an empty line once the file is gone. */
  paths: string;
  /** By file number, two numbers each: the signature. */
  sigs: number[];
  /**
   * Each folder's names as listed (one a line, in the order the folder gave them) and their file
   * numbers (-1 for a file that failed or is not a regular file): an unchanged listing is compared
   * name by name with no lookups at all.
   */
  dirs: Record<string, { names: string; nos: number[] }>;
  /** Files that failed to parse, with their signature: not retried until they change. */
  failed: Record<string, { sig: Sig; problems: Problem[] }>;
  count: number;
  rows: number;
  /** Sum of each field's length over the live documents. */
  totals: number[];
  table: Section;
  cold: Section;
  titles: Section;
  shards: Record<string, Section>;
  size: number;
}

class CorruptCache extends Error {}

function checksum(b: Uint8Array): number {
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

function docHash(d: SearchDoc): number {
  return hashText([d.type, d.date, d.status ?? '', d.title, d.description, d.tags, d.body].join('\u0000'));
}

const isSection = (s: unknown, size: number): s is Section =>
  Array.isArray(s) && s.length === 3 && s.every((n) => Number.isSafeInteger(n) && n >= 0) && (s[0] as number) + (s[1] as number) <= size;

function validHeader(h: unknown): h is Header {
  if (!h || typeof h !== 'object') return false;
  const x = h as Header;
  if (x.version !== VERSION || ![x.size, x.rows, x.count].every((n) => Number.isSafeInteger(n) && n >= 0)) return false;
  if (typeof x.paths !== 'string' || !Array.isArray(x.sigs) || !x.dirs || typeof x.dirs !== 'object') return false;
  if (!x.failed || typeof x.failed !== 'object' || !Array.isArray(x.totals) || x.totals.length !== FIELDS.length) return false;
  if (!isSection(x.table, x.size) || !isSection(x.cold, x.size) || !isSection(x.titles, x.size) || !x.shards || typeof x.shards !== 'object') return false;
  // Shard sections are checked when a query reads one.
  return x.table[1] === x.rows * COLS * WORD && x.cold[1] === x.rows * COLD * WORD;
}

const dateCode = (date: string) => (/^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.replace(/-/g, '')) : 0);
const dateText = (code: number) => (code > 0 ? `${String(code).slice(0, 4)}-${String(code).slice(4, 6)}-${String(code).slice(6, 8)}` : '');

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptCache(what);
  }
}

/** The index's state: the stored form, read lazily, plus what this process changed. */
class Data {
  /** By file number: the path ('' once the file is gone; split when first needed), two numbers of signature each. */
  private pathList?: string[];
  private pathText = '';
  private fileNumbers?: Map<string, number>;
  sigs: number[] = [];
  dirs: Header['dirs'] = {};
  failed: Header['failed'] = {};
  count = 0;
  rows = 0;
  /** Bytes of the stored body. */
  private size = 0;
  totals: number[] = FIELDS.map(() => 0);
  /** The document table as stored (read in place), until a refresh unpacks it into `table`. */
  packed?: Buffer;
  table?: Int32Array;
  private coldPacked?: Buffer;
  private coldTable?: Int32Array;
  private source?: { fd: number; base: number };
  private coldSection?: Section;
  private titleSection?: Section;
  private titleMap?: Record<string, string>;
  private shardSections = new Map<string, Section>();
  private stored = new Map<string, StoredShard>();
  private updated = new Map<string, Map<string, Entry>>();

  /** The index as stored: the header and the table now, the rest when needed. */
  static fromStored(header: Header, fd: number, base: number): Data {
    const d = new Data();
    d.source = { fd, base };
    d.size = header.size;
    d.pathText = header.paths;
    d.sigs = header.sigs;
    d.dirs = header.dirs;
    d.failed = header.failed;
    d.count = header.count;
    d.rows = header.rows;
    d.totals = header.totals;
    // Checksummed like every section: its numbers are the ones that were written.
    d.packed = d.read(header.table, 'document table');
    d.coldSection = header.cold;
    d.titleSection = header.titles;
    for (const [key, section] of Object.entries(header.shards)) d.shardSections.set(key, section);
    return d;
  }

  /** One stored section, checked against its checksum. */
  private read([offset, length, sum]: Section, what: string): Buffer {
    if (!this.source) throw new Error(`search index: no cache file to read the ${what} from`);
    const buf = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const n = readSync(this.source.fd, buf, done, length - done, this.source.base + offset + done);
      if (n <= 0) throw new CorruptCache(what);
      done += n;
    }
    if (checksum(buf) !== sum) throw new CorruptCache(what);
    return buf;
  }

  close(): void {
    if (this.source) closeSync(this.source.fd);
    this.source = undefined;
  }

  /** One word of the document table. */
  word(i: number): number {
    return this.table ? this.table[i]! : getWord(this.packed!, i);
  }

  private coldWord(i: number): number {
    if (this.coldTable) return this.coldTable[i]!;
    this.coldPacked ??= this.coldSection ? this.read(this.coldSection, 'line table') : Buffer.alloc(0);
    return getWord(this.coldPacked, i);
  }

  /** The tables as numbers that can change, with room for `rows` rows. */
  private mutable(rows: number): { table: Int32Array; cold: Int32Array } {
    if (!this.table || this.table.length < rows * COLS) {
      const capacity = Math.max(rows, this.rows) + 256;
      const table = this.table ? new Int32Array(capacity * COLS) : unpackWords(this.packed, this.rows * COLS, capacity * COLS);
      if (this.table) table.set(this.table.subarray(0, this.rows * COLS));
      const cold = new Int32Array(capacity * COLD);
      for (let i = 0; i < this.rows * COLD; i++) cold[i] = this.coldWord(i);
      this.table = table;
      this.coldTable = cold;
      this.packed = this.coldPacked = undefined;
    }
    return { table: this.table, cold: this.coldTable! };
  }

  /** Paths by file number ('' once a file is gone). */
  get paths(): string[] {
    if (!this.pathList) {
      this.pathList = this.sigs.length ? this.pathText.split('\n') : [];
      if (this.sigs.length !== this.pathList.length * 2) throw new CorruptCache('manifest');
    }
    return this.pathList;
  }

  get fileNo(): Map<string, number> {
    if (!this.fileNumbers) {
      this.fileNumbers = new Map();
      this.paths.forEach((p, i) => p && this.fileNumbers!.set(p, i));
    }
    return this.fileNumbers;
  }

  sameSig(no: number, sig: Sig): boolean {
    return this.sigs[no * 2] === sig[0] && this.sigs[no * 2 + 1] === sig[1];
  }

  fileOf(id: number): number {
    return this.word(id * COLS + FILE);
  }

  type(id: number): DocType {
    return DOC_TYPES[this.word(id * COLS + META) & 7] ?? 'memory';
  }

  status(id: number): MemoryStatus | undefined {
    const s = this.word(id * COLS + META) >> 3;
    return s ? MEMORY_STATUSES[s - 1] : undefined;
  }

  date(id: number): number {
    return this.word(id * COLS + DATE);
  }

  fieldLength(id: number, f: number): number {
    const v = this.word(id * COLS + LENS + (f >> 1));
    return f & 1 ? v >>> 16 : v & MAX_LEN;
  }

  line(id: number): number {
    return this.coldWord(id * COLD + LINE);
  }

  hash(id: number): number {
    return this.coldWord(id * COLD + HASH);
  }

  live(id: number): boolean {
    return id >= 0 && id < this.rows && this.fileOf(id) >= 0;
  }

  titles(): Record<string, string> {
    if (!this.titleMap) {
      const parsed = this.titleSection ? parseJson(this.read(this.titleSection, 'titles'), 'titles') : {};
      if (!parsed || typeof parsed !== 'object') throw new CorruptCache('titles');
      this.titleMap = parsed as Record<string, string>;
    }
    return this.titleMap;
  }

  private storedShard(key: string): StoredShard | undefined {
    let shard = this.stored.get(key);
    const section = this.shardSections.get(key);
    if (!shard && section) {
      if (!isSection(section, this.size)) throw new CorruptCache(`shard ${key}`);
      this.stored.set(key, (shard = decodeShard(this.read(section, `shard ${key}`), key)));
    }
    return shard;
  }

  /** The terms of the shard holding terms that start like `key`. */
  terms(key: string): Iterable<string> {
    return this.updated.get(key)?.keys() ?? this.storedShard(key)?.dir.keys() ?? [];
  }

  /** The postings of one term in one field (f: 0 title ... 3 tags). */
  postings(key: string, term: string, f: number): Postings {
    const updated = this.updated.get(key);
    if (updated) return (updated.get(term)?.[1 + f] as Postings | undefined) ?? 0;
    const shard = this.storedShard(key);
    const at = shard?.dir.get(term);
    if (!shard || !at || !at[2 * f + 1]) return 0;
    return readPostings(shard.lists, at[2 * f]!, at[2 * f + 1]!);
  }

  /** A shard as entries that can change. */
  private shard(key: string): Map<string, Entry> {
    let entries = this.updated.get(key);
    if (!entries) {
      entries = new Map();
      for (const term of this.terms(key)) entries.set(term, [term, ...([0, 1, 2, 3].map((f) => this.postings(key, term, f)) as [Postings, Postings, Postings, Postings])]);
      this.updated.set(key, entries);
    }
    return entries;
  }

  rowsByFile(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let r = 0; r < this.rows; r++) {
      const f = this.fileOf(r);
      if (f < 0) continue;
      let list = out.get(f);
      if (!list) out.set(f, (list = []));
      list.push(r);
    }
    return out;
  }

  kill(row: number): void {
    if (this.fileOf(row) < 0) return;
    FIELDS.forEach((_, f) => (this.totals[f]! -= this.fieldLength(row, f)));
    this.mutable(this.rows).table[row * COLS + FILE] = -1;
    this.count--;
    delete this.titles()[row];
  }

  fileNumber(file: string, sig: Sig): number {
    let no = this.fileNo.get(file);
    if (no === undefined) {
      no = this.paths.length;
      this.fileNo.set(file, no);
    }
    this.paths[no] = file;
    this.sigs[no * 2] = sig[0];
    this.sigs[no * 2 + 1] = sig[1];
    return no;
  }

  dropFile(file: string): void {
    const no = this.fileNo.get(file);
    if (no === undefined) return;
    this.paths[no] = '';
    this.fileNo.delete(file);
  }

  /** New documents: minisearch analyses them, their postings join the shards under new ids. */
  add(MiniSearch: typeof import('minisearch').default, docs: { doc: SearchDoc; file: number }[]): void {
    if (!docs.length) return;
    const first = this.rows;
    const { table, cold } = this.mutable(first + docs.length);
    const ms = new MiniSearch(MINISEARCH_OPTIONS);
    ms.addAll(docs.map(({ doc }, i) => ({ id: first + i, title: doc.title, description: doc.description, body: doc.body, tags: doc.tags })));
    const js = ms.toJSON();
    FIELDS.forEach((f, i) => {
      if (js.fieldIds[f] !== i) throw new Error(`minisearch numbered the field ${f} ${js.fieldIds[f]}, expected ${i}`);
    });
    const titles = this.titles();
    docs.forEach(({ doc, file }, i) => {
      const at = (first + i) * COLS;
      table[at + FILE] = file;
      table[at + META] = DOC_TYPES.indexOf(doc.type) | ((doc.status ? 1 + MEMORY_STATUSES.indexOf(doc.status) : 0) << 3);
      table[at + DATE] = dateCode(doc.date);
      cold[(first + i) * COLD + LINE] = doc.line;
      cold[(first + i) * COLD + HASH] = docHash(doc);
      if (doc.type !== 'log') titles[first + i] = doc.title;
    });
    const idOf = (short: string) => js.documentIds[short] as number;
    for (const [short, lengths] of Object.entries(js.fieldLength)) {
      const at = idOf(short) * COLS;
      const n = FIELDS.map((_, f) => Math.min(lengths[f] ?? 0, MAX_LEN));
      for (let f = 0; f < FIELDS.length; f += 2) table[at + LENS + f / 2] = n[f]! | (n[f + 1]! << 16);
      n.forEach((len, f) => (this.totals[f]! += len));
    }
    this.rows = first + docs.length;
    this.count += docs.length;
    // New ids are above every stored id, so appending keeps each posting list ascending.
    for (const [term, fields] of js.index) {
      const shard = this.shard(shardKey(term));
      let entry = shard.get(term);
      if (!entry) shard.set(term, (entry = [term, 0, 0, 0, 0]));
      for (const [field, postings] of Object.entries(fields)) {
        const f = 1 + Number(field);
        const list = (entry[f] || (entry[f] = [])) as number[];
        for (const [short, freq] of Object.entries(postings)) list.push(idOf(short), freq);
      }
    }
  }

  /** What the folders held when this index was brought up to date. */
  list(listings: readonly Listing[]): void {
    this.dirs = {};
    for (const { folder, names } of listings) this.dirs[folder] = { names: names.join('\n'), nos: names.map((n) => this.fileNo.get(`${folder}/${n}`) ?? -1) };
  }

  /** The stored form as text: JSON, and numbers 7 bits a byte. */
  serialize(): string {
    const parts: Buffer[] = [];
    let size = 0;
    const put = (buf: Buffer): Section => {
      parts.push(buf);
      size += buf.length;
      return [size - buf.length, buf.length, checksum(buf)];
    };
    const { table: words, cold: coldWords } = this.mutable(this.rows);
    const table = put(packWords(words, this.rows * COLS));
    const cold = put(packWords(coldWords, this.rows * COLD));
    const titles = put(Buffer.from(JSON.stringify(this.titles()), 'utf8'));
    const shards: Record<string, Section> = {};
    for (const key of [...new Set([...this.shardSections.keys(), ...this.updated.keys()])].sort()) {
      const section = this.shardSections.get(key);
      const entries = this.updated.get(key);
      if (!entries && !isSection(section, this.size)) throw new CorruptCache(`shard ${key}`);
      const buf = entries ? encodeShard(entries.values(), (id) => this.live(id)) : this.read(section!, `shard ${key}`);
      if (buf) shards[key] = put(buf);
    }
    const header: Header = { version: VERSION, paths: this.paths.join('\n'), sigs: this.sigs, dirs: this.dirs, failed: this.failed, count: this.count, rows: this.rows, totals: this.totals, table, cold, titles, shards, size };
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    // Every part is valid UTF-8, so the text is written back as the very bytes the offsets count.
    return `${MAGIC} ${head.length} ${checksum(head)}\n${head.toString('utf8')}${Buffer.concat(parts).toString('utf8')}`;
  }
}

/**
 * The stored cache, or undefined when it is missing, truncated, corrupt or from another version.
 * It stays open: queries read the shards they need from it, each checked against its checksum.
 */
function readCache(root: string): Data | undefined {
  let fd: number;
  try {
    fd = openSync(join(root, CACHE_FILE), 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const first = Buffer.allocUnsafe(Math.min(size, 64 * 1024));
    const got = readSync(fd, first, 0, first.length, 0);
    const nl = first.subarray(0, got).indexOf(10);
    const [magic, length, sum] = nl > 0 && nl <= 60 ? first.subarray(0, nl).toString('latin1').split(' ') : [];
    const headBytes = Number(length);
    if (magic !== MAGIC || !Number.isSafeInteger(headBytes) || nl + 1 + headBytes > size) return void closeSync(fd);
    let headBuf = first.subarray(nl + 1, Math.min(got, nl + 1 + headBytes));
    if (headBuf.length < headBytes) {
      headBuf = Buffer.allocUnsafe(headBytes);
      if (readSync(fd, headBuf, 0, headBytes, nl + 1) !== headBytes) return void closeSync(fd);
    }
    if (String(checksum(headBuf)) !== sum) return void closeSync(fd);
    let header: unknown;
    try {
      header = JSON.parse(headBuf.toString('utf8'));
    } catch {
      return void closeSync(fd);
    }
    const base = nl + 1 + headBytes;
    if (!validHeader(header) || size - base !== header.size) return void closeSync(fd);
    return Data.fromStored(header, fd, base);
  } catch (err) {
    closeSync(fd);
    if (err instanceof CorruptCache) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- the source files

interface Source {
  file: string;
  sig: Sig;
}


const LSTAT = { throwIfNoEntry: false } as const;

function names(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

interface Listing {
  folder: string;
  names: string[];
}

/**
 * The folders search reads, each with the names that could be sources, in the order the folder
 * gives them: memory/ (but MEMORY.md), goals/, logs/YYYY/MM/ (days of that month), inbox/done/YYYY/MM/.
 */
function listFolders(root: string): Listing[] {
  const out: Listing[] = [];
  const collect = (folder: string, accept: (name: string) => boolean) => {
    out.push({ folder, names: names(join(root, folder)).filter((n) => n.endsWith('.md') && !n.includes('\n') && accept(n)) });
  };
  const dated = (folder: string, accept: (name: string, month: string) => boolean) => {
    for (const y of names(join(root, folder)).filter((n) => /^\d{4}$/.test(n))) {
      for (const m of names(join(root, folder, y)).filter((n) => /^\d{2}$/.test(n))) collect(`${folder}/${y}/${m}`, (name) => accept(name, `${y}-${m}-`));
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

/** A file's signature: two independent hashes of its size, mtime, ctime and inode. */
function signature(st: Stats): Sig {
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
  return [a, b];
}

interface Scan {
  listings: Listing[];
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
function scan(root: string, d: Data): Scan {
  const listings = listFolders(root);
  const seen = new Uint8Array(d.sigs.length / 2);
  const seenFailed = new Set<string>();
  const out: Scan = { listings, changed: [], gone: [], problems: [], goneFailed: [], relisted: false };
  const folders = new Set<string>();
  for (const { folder, names } of listings) {
    folders.add(folder);
    const dir = join(root, folder) + sep;
    const stored = d.dirs[folder];
    const same = (stored?.names ?? '') === names.join('\n');
    out.relisted ||= !same;
    const nos = same ? stored?.nos : undefined;
    for (let i = 0; i < names.length; i++) {
      const st = lstatSync(dir + names[i], LSTAT);
      if (!st) continue;
      const regular = st.isFile();
      const sig = regular ? signature(st) : undefined;
      const no = nos ? nos[i]! : d.fileNo.get(`${folder}/${names[i]}`) ?? -1;
      if (no >= 0 && sig) {
        seen[no] = 1;
        if (d.sameSig(no, sig)) continue;
      }
      const file = `${folder}/${names[i]}`;
      if (st.isSymbolicLink()) {
        out.problems.push({ file, expected: 'a regular file', found: 'a symbolic link (not followed: it could pull in text from outside the home)' });
        continue;
      }
      if (!sig) continue;
      const failed = d.failed[file];
      if (failed) {
        seenFailed.add(file);
        if (failed.sig[0] === sig[0] && failed.sig[1] === sig[1]) {
          out.problems.push(...failed.problems);
          continue;
        }
      }
      out.changed.push({ file, sig });
    }
  }
  if (seen.length) out.gone = d.paths.filter((p, no) => p && !seen[no]);
  out.relisted ||= Object.entries(d.dirs).some(([folder, { names }]) => names && !folders.has(folder));
  out.goneFailed = Object.keys(d.failed).filter((f) => !seenFailed.has(f));
  return out;
}

async function readTexts(root: string, files: readonly Source[]): Promise<(string | Error | undefined)[]> {
  const out: (string | Error | undefined)[] = [];
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

// ---------------------------------------------------------------- open and refresh

interface Opened {
  data: Data;
  problems: Problem[];
  reindexed: number;
  rebuilt: boolean;
  saved: boolean;
}

async function load(root: string, rebuild: boolean): Promise<Opened> {
  let data = rebuild ? undefined : readCache(root);
  // Dead rows pile up as files change; past a quarter of the table, start over.
  if (data && data.rows - data.count > Math.max(2000, data.count / 4)) {
    data.close();
    data = undefined;
  }
  const rebuilt = !data;
  const d = (data ??= new Data());

  let found: Scan;
  try {
    found = scan(root, d);
  } catch (err) {
    d.close();
    if (err instanceof CorruptCache && !rebuilt) return load(root, true);
    throw err;
  }
  const { listings, changed, gone, goneFailed, problems, relisted } = found;
  if (!rebuilt && !changed.length && !gone.length && !goneFailed.length && !relisted) return { data, problems, reindexed: 0, rebuilt, saved: false };

  let text: string;
  try {
    await update(root, data, changed, gone, goneFailed, problems);
    data.list(listings);
    text = data.serialize();
  } catch (err) {
    data.close();
    // A stored shard this update had to read or copy was damaged: build it all again from the files.
    if (err instanceof CorruptCache && !rebuilt) return load(root, true);
    throw err;
  }
  let saved = true;
  try {
    await writeAtomic(join(root, CACHE_FILE), text);
  } catch (err) {
    // Search works without its cache; the owner is told why every search re-reads the files.
    saved = false;
    problems.push({ file: CACHE_FILE, expected: 'a writable search cache', found: (err as Error).message });
  }
  return { data, problems, reindexed: changed.length, rebuilt, saved };
}

async function update(root: string, data: Data, changed: Source[], gone: string[], goneFailed: string[], problems: Problem[]): Promise<void> {
  const byFile = data.rowsByFile();
  for (const file of gone) {
    for (const row of byFile.get(data.fileNo.get(file)!) ?? []) data.kill(row);
    data.dropFile(file);
  }
  for (const file of goneFailed) delete data.failed[file];

  const texts = await readTexts(root, changed);
  const parseFront: FrontParser = changed.some((s) => needsFrontMatter(s.file))
    ? (await import('../core/frontmatter.js')).parseFrontMatter
    : () => {
        throw new Error('no front matter parser loaded');
      };
  const added: { doc: SearchDoc; file: number }[] = [];
  changed.forEach((source, i) => {
    const text = texts[i];
    const no = data.fileNo.get(source.file);
    const old = no === undefined ? [] : byFile.get(no) ?? [];
    const result =
      text === undefined
        ? { docs: [], problems: [] }
        : text instanceof Error
          ? { docs: [], problems: [{ file: source.file, expected: 'a readable file', found: text.message }] }
          : docsFromFile(source.file, text, parseFront);
    if (text === undefined || result.problems.length) {
      for (const row of old) data.kill(row);
      data.dropFile(source.file);
      if (result.problems.length) {
        data.failed[source.file] = { sig: source.sig, problems: result.problems };
        problems.push(...result.problems);
      }
      return;
    }
    delete data.failed[source.file];
    const file = data.fileNumber(source.file, source.sig);
    // Documents of a changed file that did not change themselves (the earlier entries of today's
    // log) keep their rows and postings.
    const keep = new Map<string, number>();
    for (const row of old) keep.set(`${data.line(row)}:${data.hash(row)}`, row);
    for (const doc of result.docs) {
      const key = `${doc.line}:${docHash(doc)}`;
      if (keep.has(key)) keep.delete(key);
      else added.push({ doc, file });
    }
    for (const row of keep.values()) data.kill(row);
  });
  if (added.length) data.add((await import('minisearch')).default, added);
}

// ---------------------------------------------------------------- queries

const MAX_QUERY_TERMS = 30;

class Index implements SearchIndex {
  constructor(
    private readonly root: string,
    private opened: Opened,
  ) {}

  get documentCount() {
    return this.opened.data.count;
  }
  get problems() {
    return this.opened.problems;
  }
  get reindexed() {
    return this.opened.reindexed;
  }
  get rebuilt() {
    return this.opened.rebuilt;
  }
  get saved() {
    return this.opened.saved;
  }

  async search(query: string, opts: SearchOpts = {}): Promise<Hit[]> {
    try {
      return this.run(query, opts);
    } catch (err) {
      if (!(err instanceof CorruptCache)) throw err;
      // Damage found only now, in a shard this query read: rebuild from the files, then answer.
      this.opened.data.close();
      this.opened = await load(this.root, true);
      return this.run(query, opts);
    }
  }

  close(): void {
    this.opened.data.close();
  }

  private run(query: string, opts: SearchOpts): Hit[] {
    const { data } = this.opened;
    const terms = queryTerms(query).slice(0, MAX_QUERY_TERMS);
    const limit = opts.limit ?? 10;
    if (!terms.length || limit < 1 || !data.count) return [];
    const avg = data.totals.map((t) => t / data.count);
    const acc: Scores = { data, count: data.count, avg, score: new Float64Array(data.rows), matched: new Uint32Array(data.rows), touched: [] };
    const { score, matched, touched } = acc;
    const derived = new Set<string>();
    terms.forEach((q, qi) => {
      const key = shardKey(q);
      for (const term of data.terms(key)) {
        const weight = matchWeight(term, q);
        if (!weight) continue;
        derived.add(term);
        for (let f = 0; f < FIELDS.length; f++) {
          const list = data.postings(key, term, f);
          if (list) scorePostings(list, f, weight * FIELD_BOOST[f]!, 1 << qi, acc);
        }
      }
    });
    const types = opts.types?.length ? new Set(opts.types) : undefined;
    const since = opts.since ? dateCode(opts.since) : 0;
    // The best `limit` hits, best first: higher score, then newer, then the earlier id.
    const top: { id: number; score: number; date: number }[] = [];
    const before = (a: { score: number; date: number; id: number }, b: { score: number; date: number; id: number }) =>
      a.score > b.score || (a.score === b.score && (a.date > b.date || (a.date === b.date && a.id < b.id)));
    let floor = -1;
    for (const id of touched) {
      // As minisearch: the sum over query terms, times how many of them matched.
      const s = score[id]! * popcount(matched[id]!);
      if (s < floor) continue;
      if (types && !types.has(data.type(id))) continue;
      const date = data.date(id);
      if (opts.since && (!date || date < since)) continue;
      const hit = { id, score: s, date };
      if (top.length >= limit && !before(hit, top[top.length - 1]!)) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(top[mid]!, hit)) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, hit);
      if (top.length > limit) top.pop();
      if (top.length === limit) floor = top[limit - 1]!.score;
    }
    const files = new Map<string, string[]>();
    return top.map(({ id, score: s }) => this.hit(id, s, derived, files));
  }

  private hit(id: number, score: number, terms: ReadonlySet<string>, files: Map<string, string[]>): Hit {
    const { data } = this.opened;
    const file = data.paths[data.fileOf(id)]!;
    const type = data.type(id);
    const line = data.line(id);
    let lines = files.get(file);
    if (!lines) files.set(file, (lines = readText(join(this.root, file)).replace(/\r\n/g, '\n').split('\n')));
    const snippet = makeSnippet(lines, type, line, terms);
    const title = type === 'log' ? logHeadingTitle(file, lines[line - 1] ?? '') : data.titles()[id] ?? file;
    const hit: Hit = { file, line: snippet.line, type, date: dateText(data.date(id)), title, snippet: snippet.text, score: Math.round(score * 1000) / 1000 };
    const status = data.status(id);
    if (status) hit.status = status;
    return hit;
  }
}

interface Scores {
  data: Data;
  count: number;
  avg: number[];
  score: Float64Array;
  matched: Uint32Array;
  touched: number[];
}

/** Adds one term's postings in one field to the scores (BM25+ as minisearch computes it). */
function scorePostings(list: number[], f: number, weight: number, bit: number, acc: Scores): void {
  const { data, score, matched, touched } = acc;
  // Postings of dead rows do not count, as in an index that never held them.
  let matching = 0;
  for (let i = 0; i < list.length; i += 2) if (data.word(list[i]! * COLS + FILE) >= 0) matching++;
  const avg = acc.avg[f]!;
  for (let i = 0; i < list.length; i += 2) {
    const id = list[i]!;
    const at = id * COLS;
    if (data.word(at + FILE) < 0) continue;
    const status = data.word(at + META) >> 3;
    const boost = status ? STATUS_BOOST[MEMORY_STATUSES[status - 1]!] : 1;
    const lens = data.word(at + LENS + (f >> 1));
    const length = f & 1 ? lens >>> 16 : lens & MAX_LEN;
    if (!matched[id]) touched.push(id);
    score[id] = score[id]! + weight * boost * bm25(list[i + 1]!, matching, acc.count, length, avg);
    matched[id] = matched[id]! | bit;
  }
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x &= x - 1) c++;
  return c;
}

/** A hit's file as it is now; one deleted since the index was opened gives an empty snippet. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return '';
    throw err;
  }
}

function logHeadingTitle(file: string, heading: string): string {
  const [entry] = parseLog(file, '', heading);
  return entry ? logTitle(entry) : file;
}

/** Opens the search index of a home (or any folder), bringing its cache up to date with the files. */
export async function openSearch(root: string, opts: { rebuild?: boolean } = {}): Promise<SearchIndex> {
  return new Index(root, await load(root, Boolean(opts.rebuild)));
}

/** One search: for context assembly and the agents' search tool. */
export async function searchMemory(root: string, query: string, opts: SearchOpts = {}): Promise<Hit[]> {
  const index = await openSearch(root);
  try {
    return await index.search(query, opts);
  } finally {
    index.close();
  }
}
