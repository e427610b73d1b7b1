// The search index over memory topics, daily log entries, done items and goals.
//
// minisearch does the text work: it turns documents into postings when files change, and it ranks
// a query (BM25+, field boosts, prefix and fuzzy matching, the document boost that puts superseded
// and stale memories below active ones). What it does not do is load fast: a year of log entries
// is ~40,000 documents, and MiniSearch.loadJSON of the whole index takes about a second, too long
// for a command cron and agents call all the time. So the cache in .aos/search/ keeps minisearch's
// own serialized form cut into pieces, and a query loads only what it needs:
//
//   - the postings, in minisearch's serialized shape ([term, {fieldId: {docId: freq}}]), sharded by
//     the terms' first two characters: a query reads the shards of its own terms, and hands
//     MiniSearch.loadJS (loadJSON's parsed form) an index holding just the terms it can match,
//     together with the global document count and average field lengths, so scores are the same
//     as from the whole index;
//   - a document table (file, line, type, date, status, content hash, field lengths per document);
//   - the titles of non-log documents (log titles come from the heading line);
//   - a manifest of source files and their signatures (size:mtime:ctime:inode).
//
// Opening stats every source file and re-reads only those whose signature changed: a document
// whose content hash is unchanged keeps its postings, removed documents become dead rows (their
// postings are dropped when their shard is next rewritten, and the whole index is rebuilt when dead
// rows pile up), new documents are analysed by minisearch and merged into their shards. The cache is
// written atomically, and only when something changed. A missing, truncated, corrupt or foreign
// cache (every section carries a checksum, checked when it is read) is rebuilt from the files.
import { readFileSync, readdirSync, lstatSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { AsPlainObject, Options, SearchOptions } from 'minisearch';
import type { Problem } from '../errors.js';
import { writeAtomic, isErrno } from './files.js';
import {
  DOC_TYPES,
  MEMORY_STATUSES,
  docsFromFile,
  sourceType,
  needsFrontMatter,
  tokenize,
  processTerm,
  queryTerms,
  shardKey,
  termMatches,
  usesPrefix,
  fuzzyDistance,
  makeSnippet,
  logTitle,
  type DocType,
  type MemoryStatus,
  type SearchDoc,
  type FrontParser,
} from '../core/searchdocs.js';
import { parseLog } from '../core/logfmt.js';

declare const AOS_VERSION: string | undefined;
/** A cache from another version (format, tokenizer or release) is rebuilt, never trusted. */
export const VERSION = `search-1:${typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev'}`;
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
  limit?: number;
}

export interface SearchIndex {
  readonly documentCount: number;
  /** Source files that could not be read or parsed (skipped), and a cache that could not be saved. */
  readonly problems: Problem[];
  /** Files read and analysed when this index was opened. */
  readonly reindexed: number;
  /** Whether the index was built from scratch (no usable cache, or --rebuild). */
  readonly rebuilt: boolean;
  /** Whether the cache file was written. */
  readonly saved: boolean;
  search(query: string, opts?: SearchOpts): Promise<Hit[]>;
}

// ---------------------------------------------------------------- minisearch settings

const FIELDS = ['title', 'description', 'body', 'tags'] as const;
const FIELD_IDS: Record<string, number> = { title: 0, description: 1, body: 2, tags: 3 };
export const BOOST = { title: 3, description: 2, body: 1, tags: 2 };
/** Superseded and stale memories stay findable, below the memories that replaced them. */
export const STATUS_BOOST: Record<MemoryStatus, number> = { active: 1, superseded: 0.3, stale: 0.5 };

interface Stored {
  type: DocType;
  date: string;
  status?: MemoryStatus;
}

const MS_OPTIONS: Options = {
  fields: [...FIELDS],
  storeFields: ['type', 'date', 'status'],
  tokenize: (text) => tokenize(text),
  processTerm: (term) => processTerm(term),
  autoVacuum: false,
};

function searchOptions(opts: SearchOpts): SearchOptions {
  const types = opts.types?.length ? new Set(opts.types) : undefined;
  const since = opts.since;
  return {
    boost: BOOST,
    prefix: (term) => usesPrefix(term),
    fuzzy: (term) => fuzzyDistance(term) || false,
    combineWith: 'OR',
    boostDocument: (_id, _term, stored) => STATUS_BOOST[(stored as unknown as Stored | undefined)?.status ?? 'active'] ?? 1,
    filter: (r) => (!types || types.has(r.type as string)) && (!since || ((r.date as string) !== '' && (r.date as string) >= since)),
  };
}

// ---------------------------------------------------------------- the stored form

// One row of the document table per document id: these columns, as 32-bit integers.
const FILE = 0; // index into the manifest's files; -1 for a dead row
const LINE = 1;
const TYPE = 2; // index into DOC_TYPES
const DATE = 3; // yyyymmdd, or 0
const STATUS = 4; // 0 none, else 1 + index into MEMORY_STATUSES
const HASH = 5; // of the document's content, to keep unchanged documents of a changed file
const LEN = 6; // field lengths, FIELDS.length columns
const COLS = LEN + FIELDS.length;

/** [byte offset in the body, byte length, checksum] */
type Section = [number, number, number];
type TermData = Record<string, Record<string, number>>;
type Entry = [string, TermData];

interface Header {
  version: string;
  /** By file number: [path, signature], null once the file is gone. */
  files: ([string, string] | null)[];
  /** Files that failed to parse, with their signature, so they are not retried until they change. */
  failed: Record<string, { sig: string; problems: Problem[] }>;
  count: number;
  rows: number;
  totals: number[];
  table: Section;
  titles: Section;
  shards: Record<string, Section>;
  size: number;
}

class CorruptCache extends Error {}

function hashBytes(b: Uint8Array): number {
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
  if (x.version !== VERSION || !Number.isSafeInteger(x.size) || !Number.isSafeInteger(x.rows) || !Number.isSafeInteger(x.count)) return false;
  if (!Array.isArray(x.files) || !x.files.every((f) => f === null || (Array.isArray(f) && f.length === 2 && f.every((s) => typeof s === 'string')))) return false;
  if (!x.failed || typeof x.failed !== 'object' || !Array.isArray(x.totals) || x.totals.length !== FIELDS.length) return false;
  if (!isSection(x.table, x.size) || !isSection(x.titles, x.size) || !x.shards || typeof x.shards !== 'object') return false;
  return Object.values(x.shards).every((s) => isSection(s, x.size)) && x.table[1] === Math.ceil((x.rows * COLS * 4) / 3) * 4;
}

const dateCode = (date: string) => (date ? Number(date.replace(/-/g, '')) : 0);
const dateText = (code: number) => (code > 0 ? `${String(code).slice(0, 4)}-${String(code).slice(4, 6)}-${String(code).slice(6, 8)}` : '');

/** The index's state: the stored form, read lazily, plus whatever this process changed. */
class Data {
  files: ([string, string] | null)[] = [];
  fileNo = new Map<string, number>();
  failed: Header['failed'] = {};
  count = 0;
  rows = 0;
  totals: number[] = FIELDS.map(() => 0);
  table = new Int32Array(0);
  private titlesRaw?: Buffer;
  private titleSection?: Section;
  private titleMap?: Record<string, string>;
  /** Shards as stored (bytes, checksum), and shards parsed or changed in this process. */
  private shardRaw = new Map<string, { bytes: Buffer; sum: number }>();
  private shardParsed = new Map<string, Map<string, TermData>>();
  private dirty = new Set<string>();

  static empty(): Data {
    return new Data();
  }

  static fromStored(header: Header, body: Buffer): Data {
    const d = new Data();
    d.files = header.files;
    header.files.forEach((f, i) => f && d.fileNo.set(f[0], i));
    d.failed = header.failed;
    d.count = header.count;
    d.rows = header.rows;
    d.totals = header.totals;
    const [off, len, sum] = header.table;
    const b64 = body.subarray(off, off + len);
    if (hashBytes(b64) !== sum) throw new CorruptCache('document table');
    const bytes = Buffer.from(b64.toString('latin1'), 'base64');
    if (bytes.length !== header.rows * COLS * 4) throw new CorruptCache('document table size');
    d.table = new Int32Array(header.rows * COLS);
    new Uint8Array(d.table.buffer).set(bytes);
    d.titleSection = header.titles;
    d.titlesRaw = body.subarray(header.titles[0], header.titles[0] + header.titles[1]);
    for (const [key, [o, l, s]] of Object.entries(header.shards)) d.shardRaw.set(key, { bytes: body.subarray(o, o + l), sum: s });
    return d;
  }

  live(row: number): boolean {
    return row >= 0 && row < this.rows && this.table[row * COLS + FILE]! >= 0;
  }

  titles(): Record<string, string> {
    if (!this.titleMap) {
      const raw = this.titlesRaw;
      if (!raw) this.titleMap = {};
      else {
        if (hashBytes(raw) !== this.titleSection![2]) throw new CorruptCache('titles');
        this.titleMap = parseJson(raw, 'titles') as Record<string, string>;
      }
    }
    return this.titleMap;
  }

  /** A shard's entries as stored (for queries); changed shards come from memory. */
  entries(key: string): Iterable<Entry> {
    const parsed = this.shardParsed.get(key);
    if (parsed) return parsed.entries();
    const raw = this.shardRaw.get(key);
    if (!raw) return [];
    if (hashBytes(raw.bytes) !== raw.sum) throw new CorruptCache(`shard ${key}`);
    const list = parseJson(raw.bytes, `shard ${key}`) as Entry[];
    if (!Array.isArray(list)) throw new CorruptCache(`shard ${key}`);
    this.shardParsed.set(key, new Map(list));
    return list;
  }

  private shardForUpdate(key: string): Map<string, TermData> {
    if (!this.shardParsed.has(key)) this.entries(key);
    let shard = this.shardParsed.get(key);
    if (!shard) this.shardParsed.set(key, (shard = new Map()));
    this.dirty.add(key);
    return shard;
  }

  private grow(rows: number): void {
    if (this.table.length >= rows * COLS) return;
    const next = new Int32Array(Math.max(rows, Math.ceil(this.rows * 1.5) + 64) * COLS);
    next.set(this.table);
    this.table = next;
  }

  rowsByFile(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let r = 0; r < this.rows; r++) {
      const f = this.table[r * COLS + FILE]!;
      if (f < 0) continue;
      let list = out.get(f);
      if (!list) out.set(f, (list = []));
      list.push(r);
    }
    return out;
  }

  kill(row: number): void {
    const at = row * COLS;
    if (this.table[at + FILE]! < 0) return;
    this.table[at + FILE] = -1;
    this.count--;
    FIELDS.forEach((_, i) => (this.totals[i]! -= this.table[at + LEN + i]!));
    if (this.table[at + TYPE] !== DOC_TYPES.indexOf('log')) delete this.titles()[row];
  }

  fileNumber(file: string, sig: string): number {
    let no = this.fileNo.get(file);
    if (no === undefined) {
      no = this.files.length;
      this.files.push([file, sig]);
      this.fileNo.set(file, no);
    } else this.files[no] = [file, sig];
    return no;
  }

  dropFile(file: string): void {
    const no = this.fileNo.get(file);
    if (no === undefined) return;
    this.files[no] = null;
    this.fileNo.delete(file);
  }

  /** Adds documents: minisearch analyses them; their postings join the shards under new ids. */
  add(MiniSearch: typeof import('minisearch').default, docs: { doc: SearchDoc; file: number }[]): void {
    if (!docs.length) return;
    const first = this.rows;
    this.grow(first + docs.length);
    const ms = new MiniSearch(MS_OPTIONS);
    ms.addAll(docs.map(({ doc }, i) => ({ id: first + i, title: doc.title, description: doc.description, body: doc.body, tags: doc.tags })));
    const js = ms.toJSON();
    for (const [field, id] of Object.entries(js.fieldIds)) if (FIELD_IDS[field] !== id) throw new Error(`minisearch numbered the field ${field} ${id}, expected ${FIELD_IDS[field]}`);
    const row = (short: string) => js.documentIds[short] as number;
    docs.forEach(({ doc, file }, i) => {
      const at = (first + i) * COLS;
      this.table[at + FILE] = file;
      this.table[at + LINE] = doc.line;
      this.table[at + TYPE] = DOC_TYPES.indexOf(doc.type);
      this.table[at + DATE] = dateCode(doc.date);
      this.table[at + STATUS] = doc.status ? 1 + MEMORY_STATUSES.indexOf(doc.status) : 0;
      this.table[at + HASH] = docHash(doc);
      if (doc.type !== 'log') this.titles()[first + i] = doc.title;
    });
    for (const [short, lengths] of Object.entries(js.fieldLength)) {
      const at = row(short) * COLS;
      FIELDS.forEach((_, f) => {
        const n = lengths[f] ?? 0;
        this.table[at + LEN + f] = n;
        this.totals[f]! += n;
      });
    }
    this.rows = first + docs.length;
    this.count += docs.length;
    for (const [term, data] of js.index) {
      const shard = this.shardForUpdate(shardKey(term));
      let target = shard.get(term);
      if (!target) shard.set(term, (target = {}));
      for (const [field, postings] of Object.entries(data)) {
        const into = (target[field] ??= {});
        for (const [short, freq] of Object.entries(postings)) into[row(short)] = freq;
      }
    }
  }

  /** The stored form: header and body, as text (every section is UTF-8 JSON or base64). */
  serialize(): string {
    const parts: string[] = [];
    let size = 0;
    const put = (text: string, bytes?: Buffer, sum?: number): Section => {
      const buf = bytes ?? Buffer.from(text, 'utf8');
      const section: Section = [size, buf.length, sum ?? hashBytes(buf)];
      parts.push(bytes ? bytes.toString('utf8') : text);
      size += buf.length;
      return section;
    };
    const table = put(Buffer.from(this.table.buffer, this.table.byteOffset, this.rows * COLS * 4).toString('base64'));
    const titles = put(JSON.stringify(this.titles()));
    const shards: Record<string, Section> = {};
    const keys = new Set([...this.shardRaw.keys(), ...this.shardParsed.keys()]);
    for (const key of [...keys].sort()) {
      const raw = this.shardRaw.get(key);
      if (raw && !this.dirty.has(key)) {
        if (hashBytes(raw.bytes) !== raw.sum) throw new CorruptCache(`shard ${key}`);
        shards[key] = put('', raw.bytes, raw.sum);
        continue;
      }
      // A rewritten shard leaves out the postings of dead rows.
      const kept: Entry[] = [];
      for (const [term, data] of this.shardParsed.get(key) ?? []) {
        const clean: TermData = {};
        for (const [field, postings] of Object.entries(data)) {
          const live = Object.entries(postings).filter(([id]) => this.live(Number(id)));
          if (live.length) clean[field] = Object.fromEntries(live);
        }
        if (Object.keys(clean).length) kept.push([term, clean]);
      }
      if (kept.length) shards[key] = put(JSON.stringify(kept));
    }
    const header: Header = { version: VERSION, files: this.files, failed: this.failed, count: this.count, rows: this.rows, totals: this.totals, table, titles, shards, size };
    const head = JSON.stringify(header);
    return `${MAGIC} ${Buffer.byteLength(head)}\n${head}${parts.join('')}`;
  }
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptCache(what);
  }
}

/** The cache as stored, or undefined when it is missing, truncated, corrupt or from another version. */
function readCache(root: string): Data | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(join(root, CACHE_FILE));
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'EISDIR')) return undefined;
    throw err;
  }
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 40) return undefined;
  const [magic, length] = buf.subarray(0, nl).toString('latin1').split(' ');
  const headBytes = Number(length);
  if (magic !== MAGIC || !Number.isSafeInteger(headBytes) || nl + 1 + headBytes > buf.length) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(nl + 1, nl + 1 + headBytes).toString('utf8'));
  } catch {
    return undefined;
  }
  const body = buf.subarray(nl + 1 + headBytes);
  if (!validHeader(header) || body.length !== header.size) return undefined;
  try {
    return Data.fromStored(header, body);
  } catch (err) {
    if (err instanceof CorruptCache) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- the source files

interface Source {
  file: string;
  sig: string;
}

function names(dir: string): { name: string; isDir: boolean; isFile: boolean; isLink: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile(), isLink: e.isSymbolicLink() }));
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

/** Every file search indexes, with its signature; symbolic links are reported, not followed. */
export function listSources(root: string): { sources: Source[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  const collect = (folder: string) => {
    for (const e of names(join(root, folder))) {
      const file = `${folder}/${e.name}`;
      if (!sourceType(file)) continue;
      if (e.isLink) problems.push({ file, expected: 'a regular file', found: 'a symbolic link (not followed: it could pull in text from outside the home)' });
      else if (e.isFile) files.push(file);
    }
  };
  const dated = (folder: string) => {
    for (const y of names(join(root, folder)).filter((e) => e.isDir && /^\d{4}$/.test(e.name))) {
      for (const m of names(join(root, folder, y.name)).filter((e) => e.isDir && /^\d{2}$/.test(e.name))) collect(`${folder}/${y.name}/${m.name}`);
    }
  };
  collect('memory');
  collect('goals');
  dated('logs');
  dated('inbox/done');
  const sources: Source[] = [];
  for (const file of files) {
    try {
      const st = lstatSync(join(root, file));
      if (st.isFile()) sources.push({ file, sig: `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}` });
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return { sources, problems };
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
  const { sources, problems } = listSources(root);
  let data = rebuild ? undefined : readCache(root);
  // Dead rows pile up as files change; past a quarter of the table, start over.
  if (data && data.rows - data.count > Math.max(2000, data.count / 4)) data = undefined;
  const rebuilt = !data;
  data ??= Data.empty();

  const present = new Set(sources.map((s) => s.file));
  const changed: Source[] = [];
  for (const s of sources) {
    const failed = data.failed[s.file];
    if (failed?.sig === s.sig) {
      problems.push(...failed.problems);
      continue;
    }
    const no = data.fileNo.get(s.file);
    if (no === undefined || data.files[no]![1] !== s.sig) changed.push(s);
  }
  const gone = [...data.fileNo.keys()].filter((f) => !present.has(f));
  const goneFailed = Object.keys(data.failed).filter((f) => !present.has(f));
  if (!changed.length && !gone.length && !goneFailed.length && !rebuilt) return { data, problems, reindexed: 0, rebuilt, saved: false };

  try {
    await update(root, data, changed, gone, goneFailed, problems);
  } catch (err) {
    if (!(err instanceof CorruptCache) || rebuilt) throw err;
    // A shard this update needed was damaged: build everything again from the files.
    return load(root, true);
  }
  let text: string;
  try {
    text = data.serialize();
  } catch (err) {
    if (!(err instanceof CorruptCache) || rebuilt) throw err;
    return load(root, true);
  }
  let saved = true;
  try {
    await writeAtomic(join(root, CACHE_FILE), text);
  } catch (err) {
    // The index works without its cache; the owner hears why every search is slow.
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
        throw new Error('front matter parser not loaded');
      };
  const added: { doc: SearchDoc; file: number }[] = [];
  changed.forEach((source, i) => {
    const text = texts[i];
    const old = data.fileNo.has(source.file) ? byFile.get(data.fileNo.get(source.file)!) ?? [] : [];
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
    const no = data.fileNumber(source.file, source.sig);
    // Unchanged documents of a changed file (old log entries of today's log) keep their postings.
    const keep = new Map<string, number>();
    for (const row of old) keep.set(`${data.table[row * COLS + LINE]}:${data.table[row * COLS + HASH]}`, row);
    for (const doc of result.docs) {
      const key = `${doc.line}:${docHash(doc)}`;
      if (keep.has(key)) keep.delete(key);
      else added.push({ doc, file: no });
    }
    for (const row of keep.values()) data.kill(row);
  });
  if (added.length) data.add((await import('minisearch')).default, added);
}

// ---------------------------------------------------------------- queries

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
      return await this.run(query, opts);
    } catch (err) {
      if (!(err instanceof CorruptCache)) throw err;
      // Damage found only now (a shard read for this query): rebuild, then answer.
      this.opened = await load(this.root, true);
      return this.run(query, opts);
    }
  }

  private async run(query: string, opts: SearchOpts): Promise<Hit[]> {
    const terms = queryTerms(query);
    const limit = opts.limit ?? 10;
    if (!terms.length || limit < 1) return [];
    const { data } = this.opened;
    // Only the terms this query can match, and only the documents they point to.
    const index: Entry[] = [];
    const documentIds: Record<string, number> = {};
    const fieldLength: Record<string, number[]> = {};
    const storedFields: Record<string, Stored> = {};
    for (const key of new Set(terms.map(shardKey))) {
      for (const [term, data_] of data.entries(key)) {
        if (!termMatches(term, terms)) continue;
        const clean: TermData = {};
        for (const [field, postings] of Object.entries(data_)) {
          const live: Record<string, number> = {};
          let any = false;
          for (const [id, freq] of Object.entries(postings)) {
            const row = Number(id);
            if (!data.live(row)) continue;
            live[id] = freq;
            any = true;
            if (documentIds[id] !== undefined) continue;
            const at = row * COLS;
            const status = data.table[at + STATUS]!;
            documentIds[id] = row;
            fieldLength[id] = FIELDS.map((_, f) => data.table[at + LEN + f]!);
            const type = DOC_TYPES[data.table[at + TYPE]!];
            if (!type) throw new CorruptCache('document table');
            storedFields[id] = { type, date: dateText(data.table[at + DATE]!), ...(status ? { status: MEMORY_STATUSES[status - 1] } : {}) };
          }
          if (any) clean[field] = live;
        }
        if (Object.keys(clean).length) index.push([term, clean]);
      }
    }
    if (!index.length || !data.count) return [];
    const { default: MiniSearch } = await import('minisearch');
    const js: AsPlainObject = {
      documentCount: data.count,
      nextId: data.rows,
      documentIds,
      fieldIds: FIELD_IDS,
      fieldLength,
      averageFieldLength: data.totals.map((t) => t / data.count),
      storedFields,
      dirtCount: 0,
      index,
      serializationVersion: 2,
    };
    const ms = MiniSearch.loadJS(js, MS_OPTIONS);
    const results = ms.search(query, searchOptions(opts));
    results.sort((a, b) => b.score - a.score || (b.date as string).localeCompare(a.date as string) || a.id - b.id);
    const texts = new Map<string, string | undefined>();
    return results.slice(0, limit).map((r) => {
      const row = r.id as number;
      const at = row * COLS;
      const entry = data.files[data.table[at + FILE]!];
      if (!entry) throw new CorruptCache('document table');
      const file = entry[0];
      const type = r.type as DocType;
      const line = data.table[at + LINE]!;
      if (!texts.has(file)) texts.set(file, readText(join(this.root, file)));
      const text = texts.get(file) ?? '';
      const snip = makeSnippet(text, type, line, new Set(r.terms));
      const title = type === 'log' ? logHeadingTitle(file, text, line) : data.titles()[row] ?? file;
      const hit: Hit = { file, line: snip.line, type, date: r.date as string, title, snippet: snip.text, score: Math.round(r.score * 1000) / 1000 };
      if (r.status) hit.status = r.status as MemoryStatus;
      return hit;
    });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

function logHeadingTitle(file: string, text: string, line: number): string {
  const heading = text.replace(/\r\n/g, '\n').split('\n')[line - 1] ?? '';
  const [entry] = parseLog(file, '', heading);
  return entry ? logTitle(entry) : file;
}

/** Opens the index of a home (or any folder), bringing its cache up to date with the files. */
export async function openSearch(root: string, opts: { rebuild?: boolean } = {}): Promise<SearchIndex> {
  return new Index(root, await load(root, Boolean(opts.rebuild)));
}

/** One search, for context assembly and the agents' search tool. */
export async function searchMemory(root: string, query: string, opts: SearchOpts = {}): Promise<Hit[]> {
  return (await openSearch(root)).search(query, opts);
}
