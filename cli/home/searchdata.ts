// The search index's state over its cache files: the document table, titles, citations and posting
// shards, read lazily and checked section by section, in three layers: the base file, the delta
// beside it (what changed since the base), and what this process changed (new documents analysed,
// removed ones left as dead rows). Saved as a new delta (the first two layers' changes to the
// base), or, when the delta grows past a fraction of the base, as a new base.
// Also what ranking reads of it (core/memory/searchrank.ts's RankedDocs).
import { openSync, readSync, closeSync, fstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from './files.js';
import { CITATION, DOC_TYPES, MEMORY_STATUSES, shardKey, type DocType, type MemoryStatus, type SearchDoc } from '../core/memory/searchdocs.js';
import { FIELDS, dateCode, type Postings, type RankedDocs } from '../core/memory/searchrank.js';
import type { postingsOf } from '../core/memory/searchpostings.js';
import { NOT_SOURCE, isSource, joinNames, type Listing } from './searchsources.js';
import {
  CACHE_FILE,
  COLD,
  DELTA_FILE,
  DELTA_MAGIC,
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
  MAX_PLACE,
  VERSION,
  checksum,
  encodeTitles,
  Titles,
  countOf,
  offsetOf,
  appendToShard,
  decodeShard,
  docHash,
  encodeShard,
  isSection,
  parseJson,
  readPostings,
  validDelta,
  validHeader,
  bytesOf,
  wordsOf,
  type DeltaHeader,
  type Entry,
  type Header,
  type Section,
  type Sig,
  type StoredShard,
} from './searchformat.js';

/** The index's state: the base as stored, the delta over it, and what this process changed. */
export class Data implements RankedDocs {
  /** By file number: the path ('' once the file is gone; split when first needed), two numbers of signature each. */
  private pathList?: string[];
  private pathText = '';
  /** File numbers in the base's manifest, and the paths the delta changed or added since (applied when split). */
  private baseFiles = 0;
  private deltaPaths: [number, string][] = [];
  private fileNumbers?: Map<string, number>;
  sigs: number[] = [];
  dirs: Header['dirs'] = {};
  racy: string[] = [];
  failed: Header['failed'] = {};
  count = 0;
  rows = 0;
  totals: number[] = FIELDS.map(() => 0);

  // The base: its stamp ('' when there is none yet), its rows (ids below baseRows are its rows), the
  // bytes of its file and of its body, its open file.
  private stamp = '';
  private baseRows = 0;
  private baseWords = 0;
  private baseColdWords = 0;
  /** Bytes of the base file (header and body): the delta is merged into it past a share of this. */
  baseBytes = 0;
  private size = 0;
  private source?: { fd: number; base: number };
  /** The base's document table (rows removed since are marked in it in place), and its line table. */
  private baseTable?: Int32Array;
  private baseCold?: Int32Array;
  private coldSection?: Section;
  private titleSection?: Section;
  private titleTable?: Titles;
  private citesSection?: Section;
  private citesMap?: Record<string, string[]>;
  private shardSections = new Map<string, Section>();
  private stored = new Map<string, StoredShard>();

  // Since the base: the delta as read, and this process's changes on top.
  private delta?: { header: DeltaHeader; body: Buffer };
  private deltaShardSections = new Map<string, Section>();
  private deltaStored = new Map<string, StoredShard>();
  /** Rows from baseRows on: their document table and line table, with room for `tailCapacity` rows. */
  private tailTable: Int32Array = new Int32Array(0);
  private tailCold: Int32Array = new Int32Array(0);
  private tailCapacity = 0;
  /** Titles and citations of the rows from baseRows on. */
  private newTitleMap?: Record<string, string>;
  private newCitesMap?: Record<string, string[]>;
  private killedBase = new Set<number>();
  /** File numbers and folders whose manifest entries changed since the base. */
  private changedFiles = new Set<number>();
  private changedDirs = new Set<string>();
  /** Folders in which this process numbered or dropped a file: their listing is stored again. */
  private touchedFolders = new Set<string>();
  /** Postings of documents added by this process, by shard and term (the stored ones stay where they are). */
  private added = new Map<string, Map<string, Entry>>();
  /** A delta was there but is not this base's, or is damaged: it is replaced at the next save. */
  deltaRejected = false;
  /** Live log entries by file number and heading line, built when a query first follows a citation. */
  private entryAt?: Map<number, Map<number, number>>;

  /** The index as stored: the header and the table now, the rest when needed. */
  static fromStored(header: Header, fd: number, base: number, bytes: number): Data {
    const d = new Data();
    d.source = { fd, base };
    d.baseBytes = bytes;
    d.size = header.size;
    d.stamp = header.stamp;
    d.pathText = header.paths;
    d.baseFiles = header.sigs.length / 2;
    d.sigs = header.sigs;
    d.dirs = header.dirs;
    d.racy = header.racy;
    d.failed = header.failed;
    d.count = header.count;
    d.rows = d.baseRows = header.rows;
    d.baseWords = header.rows * COLS;
    d.baseColdWords = header.rows * COLD;
    d.totals = header.totals;
    // Checksummed like every section: its numbers are the ones that were written.
    d.baseTable = wordsOf(d.read(header.table, 'document table'));
    d.coldSection = header.cold;
    d.titleSection = header.titles;
    d.citesSection = header.cites;
    for (const [key, section] of Object.entries(header.shards)) d.shardSections.set(key, section);
    return d;
  }

  /** Takes the delta over the base: its rows, removals, manifest changes and postings. */
  useDelta(delta: { header: DeltaHeader; body: Buffer }): void {
    const h = delta.header;
    this.delta = delta;
    // Its tables are checked before anything is taken from it: a damaged delta leaves the base as it was.
    let table: Int32Array, cold: Int32Array;
    try {
      table = wordsOf(this.readDelta(h.table, 'delta document table'));
      cold = wordsOf(this.readDelta(h.cold, 'delta line table'));
    } catch (err) {
      this.delta = undefined;
      throw err;
    }
    this.rows = h.rows;
    this.count = h.count;
    this.totals = h.totals;
    this.racy = h.racy;
    this.failed = h.failed;
    for (const [no, path, a, b] of h.files) {
      this.sigs[no * 2] = a;
      this.sigs[no * 2 + 1] = b;
      this.deltaPaths.push([no, path]);
      this.changedFiles.add(no);
    }
    for (const [folder, entry] of Object.entries(h.dirs)) {
      if (entry) this.dirs[folder] = entry;
      else delete this.dirs[folder];
      this.changedDirs.add(folder);
    }
    for (const row of h.killed) {
      this.baseTable![row * COLS + FILE] = -1;
      this.killedBase.add(row);
    }
    // The delta's body is this process's own copy: its rows are changed in place like the base's.
    this.tailTable = table;
    this.tailCold = cold;
    this.tailCapacity = h.rows - h.baseRows;
    for (const [key, section] of Object.entries(h.shards)) this.deltaShardSections.set(key, section);
  }

  /** One stored section of the base, checked against its checksum. */
  private read([offset, length, sum]: Section, what: string): Buffer {
    if (!this.source) throw new Error(`search index: no cache file to read the ${what} from`);
    // Its own memory, starting on a word's boundary (a table is used as an Int32Array where it lies).
    const buf = Buffer.from(new ArrayBuffer(length));
    for (let done = 0; done < length; ) {
      const n = readSync(this.source.fd, buf, done, length - done, this.source.base + offset + done);
      if (n <= 0) throw new CorruptCache(what);
      done += n;
    }
    if (checksum(buf) !== sum) throw new CorruptCache(what);
    return buf;
  }

  /** One section of the delta (read whole at open), checked against its checksum. */
  private readDelta([offset, length, sum]: Section, what: string): Buffer {
    const body = this.delta?.body;
    if (!body || offset + length > body.length) throw new CorruptCache(what);
    const buf = body.subarray(offset, offset + length);
    if (checksum(buf) !== sum) throw new CorruptCache(what);
    return buf;
  }

  close(): void {
    if (this.source) closeSync(this.source.fd);
    this.source = undefined;
  }

  /** One word of the document table. */
  word(i: number): number {
    return i < this.baseWords ? this.baseTable![i]! : this.tailTable[i - this.baseWords]!;
  }

  private setRowWord(row: number, col: number, value: number): void {
    if (row < this.baseRows) this.baseTable![row * COLS + col] = value;
    else this.tailTable[(row - this.baseRows) * COLS + col] = value;
  }

  private baseColdTable(): Int32Array {
    return (this.baseCold ??= this.coldSection ? wordsOf(this.read(this.coldSection, 'line table')) : new Int32Array(0));
  }

  private coldWord(i: number): number {
    return i < this.baseColdWords ? this.baseColdTable()[i]! : this.tailCold[i - this.baseColdWords]!;
  }

  /** Room in the tables for `rows` rows. */
  private growTail(rows: number): void {
    const need = rows - this.baseRows;
    if (need <= this.tailCapacity) return;
    const capacity = need + 256;
    const used = this.rows - this.baseRows;
    const table = new Int32Array(capacity * COLS);
    table.set(this.tailTable.subarray(0, used * COLS));
    const cold = new Int32Array(capacity * COLD);
    cold.set(this.tailCold.subarray(0, used * COLD));
    this.tailTable = table;
    this.tailCold = cold;
    this.tailCapacity = capacity;
  }

  /** Paths by file number ('' once a file is gone). */
  get paths(): string[] {
    if (!this.pathList) {
      const list = this.baseFiles ? this.pathText.split('\n') : [];
      if (list.length !== this.baseFiles) throw new CorruptCache('manifest');
      for (const [no, path] of this.deltaPaths) list[no] = path;
      if (this.sigs.length !== list.length * 2) throw new CorruptCache('manifest');
      this.pathList = list;
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
    const s = (this.word(id * COLS + META) >> 3) & 3;
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
    return this.word(id * COLS + META) >>> 5;
  }

  /** RankedDocs.scoreInfo: -1 for a dead row, else field f's length * 4 + the status code, in one look at the row. */
  scoreInfo(id: number, f: number): number {
    let at = id * COLS;
    let table = this.baseTable!;
    if (at >= this.baseWords) {
      at -= this.baseWords;
      table = this.tailTable;
    }
    if (table[at + FILE]! < 0) return -1;
    const lens = table[at + LENS + (f >> 1)]!;
    return ((f & 1 ? lens >>> 16 : lens & MAX_LEN) << 2) | ((table[at + META]! >> 3) & 3);
  }

  /** A removed document's row, kept until the index is rebuilt; its postings count for nothing. */
  dead(id: number): boolean {
    return this.word(id * COLS + FILE) < 0;
  }

  live(id: number): boolean {
    return id >= 0 && id < this.rows && this.fileOf(id) >= 0;
  }

  private baseTitles(): Titles | undefined {
    if (!this.titleTable && this.titleSection) this.titleTable = new Titles(this.read(this.titleSection, 'titles'));
    return this.titleTable;
  }

  private newTitles(): Record<string, string> {
    if (!this.newTitleMap) this.newTitleMap = this.delta ? new Titles(this.readDelta(this.delta.header.titles, 'delta titles')).all() : {};
    return this.newTitleMap;
  }

  /** A document's title (non-log documents; a log entry's is its heading). */
  title(id: number): string | undefined {
    return id < this.baseRows ? this.baseTitles()?.get(id) : this.newTitles()[id];
  }

  private baseCites(): Record<string, string[]> {
    if (!this.citesMap) this.citesMap = this.citesSection ? objectOf(this.read(this.citesSection, 'citations'), 'citations') : {};
    return this.citesMap;
  }

  private newCites(): Record<string, string[]> {
    if (!this.newCitesMap) this.newCitesMap = this.delta ? objectOf(this.readDelta(this.delta.header.cites, 'delta citations'), 'delta citations') : {};
    return this.newCitesMap;
  }

  /** The citations (`logs/…md#L<line>`) of a memory topic that cites log entries. */
  private citesOf(id: number): string[] | undefined {
    return id < this.baseRows ? this.baseCites()[id] : this.newCites()[id];
  }

  /** Whether no live document cites a log entry. */
  citesNothing(): boolean {
    for (const id in this.baseCites()) if (!this.dead(Number(id))) return false;
    for (const id in this.newCites()) if (!this.dead(Number(id))) return false;
    return true;
  }

  /** The live log entries a memory topic cites (those still in the index at the cited line). */
  cited(id: number): number[] {
    const cites = this.citesOf(id);
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

  private deltaShard(key: string): StoredShard | undefined {
    let shard = this.deltaStored.get(key);
    const section = this.deltaShardSections.get(key);
    if (!shard && section) this.deltaStored.set(key, (shard = decodeShard(this.readDelta(section, `delta shard ${key}`), key)));
    return shard;
  }

  /** The terms of the shard holding terms that start like `key`: the base's, then those added since. */
  terms(key: string): Iterable<string> {
    const parts = [this.storedShard(key)?.dir, this.deltaShard(key)?.dir, this.added.get(key)].filter((m) => m !== undefined);
    if (parts.length < 2) return parts[0]?.keys() ?? [];
    const out = new Set<string>();
    for (const part of parts) for (const term of part.keys()) out.add(term);
    return out;
  }

  /** The postings of one term in one field (f: 0 title ... 3 tags): the base's, then the delta's, then any added. */
  postings(key: string, term: string, f: number): Postings {
    let out: Postings = 0;
    for (const shard of [this.storedShard(key), this.deltaShard(key)]) {
      const at = shard?.dir.get(term);
      if (!shard || !at || !countOf(at, f)) continue;
      const list = readPostings(shard.lists, offsetOf(at, f), countOf(at, f));
      out = out ? out.concat(list) : list;
    }
    const more = (this.added.get(key)?.get(term)?.[1 + f] as Postings | undefined) ?? 0;
    return !more ? out : !out ? more : out.concat(more);
  }

  /** The postings added to a shard by this process. */
  private shard(key: string): Map<string, Entry> {
    let entries = this.added.get(key);
    if (!entries) this.added.set(key, (entries = new Map()));
    return entries;
  }

  /** The live rows of the given files, by file number. */
  rowsOf(files: ReadonlySet<number>): Map<number, number[]> {
    const out = new Map<number, number[]>();
    if (!files.size) return out;
    // One file (a refresh after one changed file) is compared as a number: this walks every row.
    const only = files.size === 1 ? files.values().next().value! : -2;
    for (let r = 0; r < this.rows; r++) {
      const f = this.fileOf(r);
      if (f < 0 || (f !== only && (only !== -2 || !files.has(f)))) continue;
      let list = out.get(f);
      if (!list) out.set(f, (list = []));
      list.push(r);
    }
    return out;
  }

  kill(row: number): void {
    if (this.fileOf(row) < 0) return;
    FIELDS.forEach((_, f) => (this.totals[f]! -= this.fieldLength(row, f)));
    this.setRowWord(row, FILE, -1);
    this.count--;
    // A base row's title and citations stay in the base until it is written again (dead rows are never shown).
    if (row < this.baseRows) this.killedBase.add(row);
    else {
      delete this.newTitles()[row];
      delete this.newCites()[row];
    }
  }

  fileNumber(file: string, sig: Sig): number {
    let no = this.fileNo.get(file);
    if (no === undefined) {
      no = this.paths.length;
      this.fileNo.set(file, no);
      this.touchedFolders.add(folderOf(file));
    }
    if (this.paths[no] !== file || !this.sameSig(no, sig)) this.changedFiles.add(no);
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
    this.changedFiles.add(no);
    this.touchedFolders.add(folderOf(file));
  }

  /** New documents: their postings (core/memory/searchpostings.ts) join the shards under new ids. */
  add(docs: { doc: SearchDoc; file: number }[], analyse: typeof postingsOf): void {
    if (!docs.length) return;
    const first = this.rows;
    this.growTail(first + docs.length);
    const { lengths, terms } = analyse(
      docs.map(({ doc }) => doc),
      first,
    );
    docs.forEach(({ doc, file }, i) => {
      const row = first + i;
      const at = (row - this.baseRows) * COLS;
      const table = this.tailTable;
      table[at + FILE] = file;
      const place = Math.min(doc.ordinal ?? 0, MAX_PLACE);
      table[at + META] = DOC_TYPES.indexOf(doc.type) | ((doc.status ? 1 + MEMORY_STATUSES.indexOf(doc.status) : 0) << 3) | (place << 5);
      table[at + DATE] = dateCode(doc.date);
      const cold = (row - this.baseRows) * COLD;
      this.tailCold[cold + LINE] = doc.line;
      this.tailCold[cold + HASH] = docHash(doc);
      if (doc.type !== 'log') this.newTitles()[row] = doc.title;
      if (doc.sources?.length) this.newCites()[row] = doc.sources;
      const n = lengths[i]!.map((len) => Math.min(len, MAX_LEN));
      for (let f = 0; f < FIELDS.length; f += 2) table[at + LENS + f / 2] = n[f]! | (n[f + 1]! << 16);
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

  /** What the folders held when this index was brought up to date (folders listed as before keep their entry). */
  list(listings: readonly Listing[]): void {
    const listed = new Set<string>();
    for (const listing of listings) {
      const { folder, names, same } = listing;
      listed.add(folder);
      if (same && this.dirs[folder] && !this.touchedFolders.has(folder)) continue;
      this.dirs[folder] = { names: joinNames(names), nos: names.map((n) => (isSource(listing, n) ? this.fileNo.get(`${folder}/${n}`) ?? -1 : NOT_SOURCE)) };
      this.changedDirs.add(folder);
    }
    for (const folder of Object.keys(this.dirs)) {
      if (listed.has(folder)) continue;
      delete this.dirs[folder];
      this.changedDirs.add(folder);
    }
  }

  /** Whether there is a base to write a delta against. */
  get hasBase(): boolean {
    return this.stamp !== '';
  }

  /** What changed since the base, as the delta file (small: the rows, postings and manifest entries added or changed). */
  serializeDelta(): Buffer {
    const body = new Body();
    const added = this.rows - this.baseRows;
    const table = body.put(bytesOf(this.tailTable, added * COLS));
    const cold = body.put(bytesOf(this.tailCold, added * COLD));
    const titles = body.put(encodeTitles(this.newTitles()));
    const cites = body.put(Buffer.from(JSON.stringify(this.newCites()), 'utf8'));
    const shards: Record<string, Section> = {};
    for (const key of [...new Set([...this.deltaShardSections.keys(), ...this.added.keys()])].sort()) {
      const section = this.deltaShardSections.get(key);
      const entries = this.added.get(key);
      const buf = !entries ? this.readDelta(section!, `delta shard ${key}`) : section ? appendToShard(this.deltaShard(key)!, entries, key) : encodeShard(entries.values(), (id) => this.live(id));
      if (buf) shards[key] = body.put(buf);
    }
    const paths = this.paths;
    const header: DeltaHeader = {
      version: VERSION,
      base: this.stamp,
      baseRows: this.baseRows,
      files: [...this.changedFiles].sort((a, b) => a - b).map((no) => [no, paths[no]!, this.sigs[no * 2]!, this.sigs[no * 2 + 1]!]),
      dirs: Object.fromEntries([...this.changedDirs].sort().map((folder) => [folder, this.dirs[folder] ?? null])),
      racy: this.racy,
      failed: this.failed,
      count: this.count,
      rows: this.rows,
      totals: this.totals,
      killed: [...this.killedBase].sort((a, b) => a - b),
      table,
      cold,
      titles,
      cites,
      shards,
      size: body.size,
    };
    return body.file(DELTA_MAGIC, header);
  }

  /** The postings added since the base to one shard: the delta's, then this process's. */
  private addedSinceBase(key: string): Map<string, Entry> | undefined {
    const delta = this.deltaShard(key);
    const added = this.added.get(key);
    if (!delta) return added;
    const out = new Map<string, Entry>();
    for (const [term, at] of delta.dir) {
      const entry: Entry = [term, 0, 0, 0, 0];
      for (let f = 0; f < FIELDS.length; f++) if (countOf(at, f)) entry[1 + f] = readPostings(delta.lists, offsetOf(at, f), countOf(at, f));
      out.set(term, entry);
    }
    for (const [term, entry] of added ?? []) {
      const into = out.get(term);
      if (!into) {
        out.set(term, entry);
        continue;
      }
      for (let f = 0; f < FIELDS.length; f++) {
        const more = entry[1 + f] as Postings;
        const before = into[1 + f] as Postings;
        if (more) into[1 + f] = before ? before.concat(more) : more;
      }
    }
    return out;
  }

  /** The whole index as a new base (a new stamp): JSON, and numbers 7 bits a byte (all of it valid UTF-8, so it is also text). */
  serialize(): Buffer {
    const body = new Body();
    const baseTable = this.baseTable ? bytesOf(this.baseTable, this.baseWords) : Buffer.alloc(0);
    const added = this.rows - this.baseRows;
    const table = body.put(Buffer.concat([baseTable, bytesOf(this.tailTable, added * COLS)]));
    const cold = body.put(Buffer.concat([bytesOf(this.baseColdTable(), this.baseColdWords), bytesOf(this.tailCold, added * COLD)]));
    // Titles and citations of removed rows are dropped here.
    const liveOf = <T>(maps: Record<string, T>[]) => {
      const out: Record<string, T> = {};
      for (const map of maps) for (const id in map) if (!this.dead(Number(id))) out[id] = map[id]!;
      return out;
    };
    const titles = body.put(encodeTitles(liveOf([this.baseTitles()?.all() ?? {}, this.newTitles()])));
    const cites = body.put(Buffer.from(JSON.stringify(liveOf([this.baseCites(), this.newCites()])), 'utf8'));
    const shards: Record<string, Section> = {};
    for (const key of [...new Set([...this.shardSections.keys(), ...this.deltaShardSections.keys(), ...this.added.keys()])].sort()) {
      const section = this.shardSections.get(key);
      const entries = this.addedSinceBase(key);
      if (section && !isSection(section, this.size)) throw new CorruptCache(`shard ${key}`);
      // A stored shard is copied as it is, or with the new postings appended; a new shard is encoded.
      const buf = !entries ? this.read(section!, `shard ${key}`) : section ? appendToShard(this.storedShard(key)!, entries, key) : encodeShard(entries.values(), (id) => this.live(id));
      if (buf) shards[key] = body.put(buf);
    }
    const stamp = `${Date.now().toString(36)}-${Math.floor(Math.random() * 0x100000000).toString(36)}`;
    const header: Header = { version: VERSION, stamp, paths: this.paths.join('\n'), sigs: this.sigs, dirs: this.dirs, racy: this.racy, failed: this.failed, count: this.count, rows: this.rows, totals: this.totals, table, cold, titles, cites, shards, size: body.size };
    return body.file(MAGIC, header);
  }
}

/** A cache file's body, section by section, each with its place and checksum. */
class Body {
  private parts: Buffer[] = [];
  size = 0;
  put(buf: Buffer): Section {
    this.parts.push(buf);
    this.size += buf.length;
    return [this.size - buf.length, buf.length, checksum(buf)];
  }
  /** The file: its first line, the header, the body. Written as bytes: the offsets count bytes. */
  file(magic: string, header: object): Buffer {
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    return Buffer.concat([Buffer.from(`${magic} ${head.length} ${checksum(head)}\n`, 'latin1'), head, ...this.parts]);
  }
}

const folderOf = (file: string) => file.slice(0, file.lastIndexOf('/'));

function objectOf<T>(bytes: Buffer, what: string): Record<string, T> {
  const parsed = parseJson(bytes, what);
  if (!parsed || typeof parsed !== 'object') throw new CorruptCache(what);
  return parsed as Record<string, T>;
}

/**
 * The delta over this base; 'rejected' when there is one but it does not fit this base (a base
 * written since, or a write cut short) or is damaged: not used, and replaced at the next save.
 */
function readDelta(root: string, base: Header): { header: DeltaHeader; body: Buffer } | 'rejected' | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(join(root, DELTA_FILE));
  } catch (err) {
    return isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') ? undefined : 'rejected';
  }
  const nl = buf.indexOf(10);
  const [magic, length, sum] = nl > 0 && nl <= 60 ? buf.subarray(0, nl).toString('latin1').split(' ') : [];
  const headBytes = Number(length);
  if (magic !== DELTA_MAGIC || !Number.isSafeInteger(headBytes) || nl + 1 + headBytes > buf.length) return 'rejected';
  const headBuf = buf.subarray(nl + 1, nl + 1 + headBytes);
  if (String(checksum(headBuf)) !== sum) return 'rejected';
  let header: unknown;
  try {
    header = JSON.parse(headBuf.toString('utf8'));
  } catch {
    return 'rejected';
  }
  const body = buf.subarray(nl + 1 + headBytes);
  if (!validDelta(header, { stamp: base.stamp, rows: base.rows, files: base.sigs.length / 2 }) || body.length !== header.size) return 'rejected';
  return { header, body };
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
    const data = Data.fromStored(header, fd, base, size);
    const delta = readDelta(root, header);
    if (delta === 'rejected') data.deltaRejected = true;
    else if (delta) {
      try {
        data.useDelta(delta);
      } catch (err) {
        if (!(err instanceof CorruptCache)) throw err;
        data.deltaRejected = true;
      }
    }
    return data;
  } catch (err) {
    closeSync(fd);
    if (err instanceof CorruptCache) return undefined;
    throw err;
  }
}

