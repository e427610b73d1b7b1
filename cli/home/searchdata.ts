// The search index's state over its cache file: the document table, titles, citations and posting shards,
// read lazily and checked section by section, changed in memory by a refresh (new documents
// analysed by minisearch, removed ones left as dead rows) and serialized back whole.
// Also what ranking reads of it (core/memory/searchrank.ts's RankedDocs).
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from './files.js';
import { CITATION, DOC_TYPES, MEMORY_STATUSES, shardKey, type DocType, type MemoryStatus, type SearchDoc } from '../core/memory/searchdocs.js';
import { FIELDS, dateCode, type Postings, type RankedDocs } from '../core/memory/searchrank.js';
import type { postingsOf } from '../core/memory/searchpostings.js';
import type { Listing } from './searchsources.js';
import {
  CACHE_FILE,
  COLD,
  COLS,
  CorruptCache,
  DATE,
  FILE,
  HASH,
  LENS,
  LINE,
  MAGIC,
  MAX_LEN,
  META,
  ORD,
  VERSION,
  checksum,
  appendToShard,
  decodeShard,
  docHash,
  encodeShard,
  getWord,
  isSection,
  growWords,
  parseJson,
  readPostings,
  setWord,
  validHeader,
  wordBytes,
  type Entry,
  type Header,
  type Section,
  type Sig,
  type StoredShard,
} from './searchformat.js';

/** The index's state: the stored form, read lazily, plus what this process changed. */
export class Data implements RankedDocs {
  /** By file number: the path ('' once the file is gone; split when first needed), two numbers of signature each. */
  private pathList?: string[];
  private pathText = '';
  private fileNumbers?: Map<string, number>;
  sigs: number[] = [];
  dirs: Header['dirs'] = {};
  racy: string[] = [];
  failed: Header['failed'] = {};
  count = 0;
  rows = 0;
  /** Bytes of the stored body. */
  private size = 0;
  totals: number[] = FIELDS.map(() => 0);
  /**
   * The document table as stored, 7 bits a byte, read and changed in place (a refresh writes the
   * words it changes and grows it for new rows, so it is written back as it is: no unpacking).
   */
  private packed?: Buffer;
  private coldPacked?: Buffer;
  /** Rows the packed tables have room for (at least `rows`). */
  private capacity = 0;
  private source?: { fd: number; base: number };
  private coldSection?: Section;
  private titleSection?: Section;
  private titleMap?: Record<string, string>;
  private citesSection?: Section;
  private citesMap?: Record<string, string[]>;
  /** Live log entries by file number and heading line, built when a query first follows a citation. */
  private entryAt?: Map<number, Map<number, number>>;
  private shardSections = new Map<string, Section>();
  private stored = new Map<string, StoredShard>();
  /** Postings of documents added by this process, by shard and term (the stored ones stay where they are). */
  private added = new Map<string, Map<string, Entry>>();

  /** The index as stored: the header and the table now, the rest when needed. */
  static fromStored(header: Header, fd: number, base: number): Data {
    const d = new Data();
    d.source = { fd, base };
    d.size = header.size;
    d.pathText = header.paths;
    d.sigs = header.sigs;
    d.dirs = header.dirs;
    d.racy = header.racy;
    d.failed = header.failed;
    d.count = header.count;
    d.rows = header.rows;
    d.totals = header.totals;
    // Checksummed like every section: its numbers are the ones that were written.
    d.packed = d.read(header.table, 'document table');
    d.capacity = header.rows;
    d.coldSection = header.cold;
    d.titleSection = header.titles;
    d.citesSection = header.cites;
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
    return getWord(this.packed!, i);
  }

  private coldTable(): Buffer {
    return (this.coldPacked ??= this.coldSection ? this.read(this.coldSection, 'line table') : Buffer.alloc(0));
  }

  private coldWord(i: number): number {
    return getWord(this.coldTable(), i);
  }

  /** The packed tables, with room for `rows` rows, to change in place. */
  private mutable(rows: number): { table: Buffer; cold: Buffer } {
    if (!this.packed || this.capacity < rows) {
      const capacity = Math.max(rows, this.rows) + 256;
      this.packed = growWords(this.packed, this.rows * COLS, capacity * COLS);
      this.coldPacked = growWords(this.coldTable(), this.rows * COLD, capacity * COLD);
      this.capacity = capacity;
    }
    return { table: this.packed, cold: this.coldTable() };
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

  ordinal(id: number): number {
    return this.coldWord(id * COLD + ORD);
  }

  /** A removed document's row, kept until the index is rebuilt; its postings count for nothing. */
  dead(id: number): boolean {
    return this.word(id * COLS + FILE) < 0;
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

  /** The citations of memory topics that cite log entries, by document id. */
  cites(): Record<string, string[]> {
    if (!this.citesMap) {
      const parsed = this.citesSection ? parseJson(this.read(this.citesSection, 'citations'), 'citations') : {};
      if (!parsed || typeof parsed !== 'object') throw new CorruptCache('citations');
      this.citesMap = parsed as Record<string, string[]>;
    }
    return this.citesMap;
  }

  /** Whether no document cites a log entry. */
  citesNothing(): boolean {
    for (const _ in this.cites()) return false;
    return true;
  }

  /** The live log entries a memory topic cites (those still in the index at the cited line). */
  cited(id: number): number[] {
    const cites = this.cites()[id];
    if (!cites?.length) return [];
    if (!this.entryAt) {
      this.entryAt = new Map();
      for (let r = 0; r < this.rows; r++) {
        const f = this.fileOf(r);
        if (f < 0 || this.type(r) !== 'log') continue;
        let lines = this.entryAt.get(f);
        if (!lines) this.entryAt.set(f, (lines = new Map()));
        lines.set(this.line(r), r);
      }
    }
    const out: number[] = [];
    for (const c of cites) {
      const m = CITATION.exec(c);
      const file = m ? this.fileNo.get(m[1]!) : undefined;
      const row = file === undefined ? undefined : this.entryAt.get(file)?.get(Number(m![2]));
      if (row !== undefined && row !== id && !out.includes(row)) out.push(row);
    }
    return out;
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
    const stored = this.storedShard(key)?.dir;
    const added = this.added.get(key);
    if (!added) return stored?.keys() ?? [];
    if (!stored) return added.keys();
    return [...stored.keys(), ...[...added.keys()].filter((t) => !stored.has(t))];
  }

  /** The postings of one term in one field (f: 0 title ... 3 tags): the stored ones, then any added. */
  postings(key: string, term: string, f: number): Postings {
    const shard = this.storedShard(key);
    const at = shard?.dir.get(term);
    const stored = shard && at && at[2 * f + 1] ? readPostings(shard.lists, at[2 * f]!, at[2 * f + 1]!) : 0;
    const more = (this.added.get(key)?.get(term)?.[1 + f] as Postings | undefined) ?? 0;
    return !more ? stored : !stored ? more : stored.concat(more);
  }

  /** The postings added to a shard by this process. */
  private shard(key: string): Map<string, Entry> {
    let entries = this.added.get(key);
    if (!entries) this.added.set(key, (entries = new Map()));
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
    setWord(this.mutable(this.rows).table, row * COLS + FILE, -1);
    this.count--;
    delete this.titles()[row];
    delete this.cites()[row];
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

  /** New documents: their postings (core/memory/searchpostings.ts) join the shards under new ids. */
  add(docs: { doc: SearchDoc; file: number }[], analyse: typeof postingsOf): void {
    if (!docs.length) return;
    const first = this.rows;
    const { table, cold } = this.mutable(first + docs.length);
    const { lengths, terms } = analyse(
      docs.map(({ doc }) => doc),
      first,
    );
    const titles = this.titles();
    const cites = this.cites();
    docs.forEach(({ doc, file }, i) => {
      const at = (first + i) * COLS;
      setWord(table, at + FILE, file);
      setWord(table, at + META, DOC_TYPES.indexOf(doc.type) | ((doc.status ? 1 + MEMORY_STATUSES.indexOf(doc.status) : 0) << 3));
      setWord(table, at + DATE, dateCode(doc.date));
      setWord(cold, (first + i) * COLD + LINE, doc.line);
      setWord(cold, (first + i) * COLD + HASH, docHash(doc));
      setWord(cold, (first + i) * COLD + ORD, doc.ordinal ?? 0);
      if (doc.type !== 'log') titles[first + i] = doc.title;
      if (doc.sources?.length) cites[first + i] = doc.sources;
      const n = lengths[i]!.map((len) => Math.min(len, MAX_LEN));
      for (let f = 0; f < FIELDS.length; f += 2) setWord(table, at + LENS + f / 2, n[f]! | (n[f + 1]! << 16));
      n.forEach((len, f) => (this.totals[f]! += len));
    });
    this.rows = first + docs.length;
    this.count += docs.length;
    // New ids are above every stored id, so appending keeps each posting list ascending.
    for (const [term, fields] of terms) {
      const shard = this.shard(shardKey(term));
      let entry = shard.get(term);
      if (!entry) shard.set(term, (entry = [term, 0, 0, 0, 0]));
      for (let f = 0; f < FIELDS.length; f++) {
        const list = fields[f];
        if (!list) continue;
        const before = entry[1 + f] as Postings;
        if (before) for (let k = 0; k < list.length; k++) before.push(list[k]!);
        else entry[1 + f] = list;
      }
    }
  }

  /** What the folders held when this index was brought up to date. */
  list(listings: readonly Listing[]): void {
    this.dirs = {};
    for (const { folder, names } of listings) this.dirs[folder] = { names: names.join('\n'), nos: names.map((n) => this.fileNo.get(`${folder}/${n}`) ?? -1) };
  }

  /** The stored form: JSON, and numbers 7 bits a byte (all of it valid UTF-8, so it is also text). */
  serialize(): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    const put = (buf: Buffer): Section => {
      parts.push(buf);
      size += buf.length;
      return [size - buf.length, buf.length, checksum(buf)];
    };
    const { table: words, cold: coldWords } = this.mutable(this.rows);
    const table = put(wordBytes(words, this.rows * COLS));
    const cold = put(wordBytes(coldWords, this.rows * COLD));
    const titles = put(Buffer.from(JSON.stringify(this.titles()), 'utf8'));
    const cites = put(Buffer.from(JSON.stringify(this.cites()), 'utf8'));
    const shards: Record<string, Section> = {};
    for (const key of [...new Set([...this.shardSections.keys(), ...this.added.keys()])].sort()) {
      const section = this.shardSections.get(key);
      const entries = this.added.get(key);
      if (section && !isSection(section, this.size)) throw new CorruptCache(`shard ${key}`);
      // A stored shard is copied as it is, or with the new postings appended; a new shard is encoded.
      const buf = !entries ? this.read(section!, `shard ${key}`) : section ? appendToShard(this.storedShard(key)!, entries, key) : encodeShard(entries.values(), (id) => this.live(id));
      if (buf) shards[key] = put(buf);
    }
    const header: Header = { version: VERSION, paths: this.paths.join('\n'), sigs: this.sigs, dirs: this.dirs, racy: this.racy, failed: this.failed, count: this.count, rows: this.rows, totals: this.totals, table, cold, titles, cites, shards, size };
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    // Written as bytes: the offsets count bytes, and nothing is decoded and encoded again.
    return Buffer.concat([Buffer.from(`${MAGIC} ${head.length} ${checksum(head)}\n`, 'latin1'), head, ...parts]);
  }
}

/**
 * The stored cache, or undefined when it is missing, truncated, corrupt or from another version.
 * It stays open: queries read the shards they need from it, each checked against its checksum.
 */
export function readCache(root: string): Data | undefined {
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

