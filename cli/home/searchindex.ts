// The search index over memory topics, daily log entries, done items and goals: opening it
// (bringing its cache up to date with the files) and answering queries. The public API is here.
//
// The analysis is minisearch's: when files change, their fields (title, description, body, tags)
// become postings as minisearch's add makes them, with the tokenizer and term processing of
// core/memory/searchdocs.ts (core/memory/searchpostings.ts, no radix tree built). The ranking
// is minisearch's too (BM25+, field boosts, prefix and fuzzy matches weighted down, a document boost
// that puts superseded and stale memories below active ones), computed by core/memory/searchrank.ts straight
// over the stored postings, because minisearch itself does not load fast enough for a command cron and
// agents run all the time: a year of log entries is ~40,000 documents, which MiniSearch.loadJSON takes
// about a second to load, and its search spends ~10 µs per posting of a common word, when a warm
// `aos memory search` has a few tens of milliseconds. Tests check the two rankings agree.
//
// The parts: home/searchformat.ts the cache file's layout (.aos/search/index), home/searchdata.ts
// the index's state over it, home/searchsources.ts the source files and their signatures,
// core/memory/searchrank.ts the ranking. The YAML parser loads only for front matter a line scan
// cannot read (core/memory/frontscan.ts).
//
// Opening lists the folders, lstat's every source file and re-reads only those whose signature
// changed, or that had changed just before the last scan (within 2 s where the file system keeps
// whole seconds, 100 ms where it keeps finer times): a same-size edit in the same tick of its
// clock leaves the signature as it was. A document whose content did not change keeps its
// postings (appending a log entry adds one document, not a day's); removed documents leave dead
// rows whose postings stay (queries skip them; a refresh appends to a shard, never re-encodes it)
// until, past a quarter of dead rows, the index is rebuilt. A missing, truncated, corrupt or
// foreign cache is rebuilt from the files: never trusted, never fatal. Sections are checked when
// they are read, so damage found in the middle of a query rebuilds the index and answers anyway.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import { writeAtomic, isErrno, removeFile } from './files.js';
import { docsFromFile, needsFrontMatter, type FrontParser, type SearchDoc } from '../core/memory/searchdocs.js';
import type { ParsedDoc } from '../core/docs/frontmatter.js';
import { rankDocs, showHit, type Hit, type SearchOpts } from '../core/memory/searchrank.js';
import { CACHE_FILE, CorruptCache, DELTA_FILE, MAX_PLACE, docHash } from './searchformat.js';
import { Data, readCache } from './searchdata.js';
import { readTexts, scan, type Scan, type Source } from './searchsources.js';

export { CACHE_FILE, DELTA_FILE, VERSION } from './searchformat.js';
export { MINISEARCH_OPTIONS, minisearchSearchOptions, type Hit, type SearchOpts } from '../core/memory/searchrank.js';

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

// ---------------------------------------------------------------- open and refresh

interface Opened {
  data: Data;
  problems: Problem[];
  reindexed: number;
  rebuilt: boolean;
  saved: boolean;
}

async function load(root: string, rebuild: boolean, racyMs?: number): Promise<Opened> {
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
    found = scan(root, d, racyMs);
  } catch (err) {
    d.close();
    if (err instanceof CorruptCache && !rebuilt) return load(root, true, racyMs);
    throw err;
  }
  const { listings, changed, gone, goneFailed, problems, relisted, racy } = found;
  const racyChanged = racy.join('\n') !== data.racy.join('\n');
  const unsaved = data.deltaRejected;
  if (!rebuilt && !changed.length && !gone.length && !goneFailed.length && !relisted && !racyChanged && !unsaved) return { data, problems, reindexed: 0, rebuilt, saved: false };

  let text: Buffer;
  let whole: boolean;
  try {
    const mutated = await update(root, data, changed, gone, goneFailed, problems);
    // Racy files read again and found unchanged, the same ones as last time: nothing to save.
    if (!rebuilt && !mutated && !relisted && !racyChanged && !unsaved) return { data, problems, reindexed: changed.length, rebuilt, saved: false };
    data.list(listings);
    data.racy = racy;
    // What changed since the base goes to the delta, until the delta outgrows its share of the base.
    const delta = data.hasBase ? data.serializeDelta() : undefined;
    whole = !delta || delta.length > Math.max(DELTA_MIN_BYTES, data.baseBytes * DELTA_SHARE);
    text = whole ? data.serialize() : delta!;
  } catch (err) {
    data.close();
    // A stored shard this update had to read or copy was damaged: build it all again from the files.
    if (err instanceof CorruptCache && !rebuilt) return load(root, true, racyMs);
    throw err;
  }
  let saved = true;
  const file = whole ? CACHE_FILE : DELTA_FILE;
  try {
    // Not fsynced: after a power cut an empty or torn file fails its checks and is rebuilt (or, a
    // delta, not used), and nothing but the cache is lost.
    await writeAtomic(join(root, file), text, { durable: false });
    // The delta changed the base just replaced: it goes (one left by a kill here names the old base, so it is not used).
    if (whole) removeFile(join(root, DELTA_FILE));
  } catch (err) {
    // Search works without its cache; the owner is told why every search re-reads the files.
    saved = false;
    problems.push({ file, expected: 'a writable search cache', found: (err as Error).message });
  }
  return { data, problems, reindexed: changed.length, rebuilt, saved };
}

/**
 * The delta is merged into a new base once it is larger than this share of the base (and than
 * DELTA_MIN_BYTES): a refresh rewrites the delta whole, so its cost grows with it, and the merge
 * costs what writing the base always cost before there was a delta.
 */
export const DELTA_SHARE = 1 / 16;
export const DELTA_MIN_BYTES = 64 * 1024;

/** Brings the index up to date with the changed and gone files; whether anything in it changed. */
async function update(root: string, data: Data, changed: Source[], gone: string[], goneFailed: string[], problems: Problem[]): Promise<boolean> {
  // The rows of the files gone or changed (a pass over the table for those files only).
  const numbers = new Set<number>();
  for (const file of [...gone, ...changed.map((s) => s.file)]) {
    const no = data.fileNo.get(file);
    if (no !== undefined) numbers.add(no);
  }
  const byFile = data.rowsOf(numbers);
  // A file read again only because it changed recently (racy) and found as it was changes nothing.
  let mutated = gone.length > 0 || goneFailed.length > 0;
  for (const file of gone) {
    for (const row of byFile.get(data.fileNo.get(file)!) ?? []) data.kill(row);
    data.dropFile(file);
  }
  for (const file of goneFailed) delete data.failed[file];

  const texts = await readTexts(root, changed);
  // Front matter is read with a line scan where it is simple (core/memory/frontscan.ts); the YAML
  // parser loads only when some file needs it, and reads that file.
  const scanned = new Map<string, ParsedDoc>();
  let unusual = false;
  const { scanFrontMatter } = changed.some((s) => needsFrontMatter(s.file)) ? await import('../core/memory/frontscan.js') : { scanFrontMatter: undefined };
  changed.forEach((source, i) => {
    const text = texts[i];
    if (typeof text !== 'string' || !needsFrontMatter(source.file)) return;
    const doc = scanFrontMatter!(source.file, text);
    if (doc) scanned.set(source.file, doc);
    else unusual = true;
  });
  const full = unusual ? (await import('../core/docs/frontmatter.js')).parseFrontMatter : undefined;
  const parseFront: FrontParser = (file, text) => {
    const doc = scanned.get(file) ?? full?.(file, text);
    if (!doc) throw new Error(`no front matter read for ${file}`);
    return doc;
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
      mutated = true;
      for (const row of old) data.kill(row);
      data.dropFile(source.file);
      if (result.problems.length) {
        data.failed[source.file] = { sig: source.sig, problems: result.problems };
        problems.push(...result.problems);
      }
      return;
    }
    if (no === undefined || !data.sameSig(no, source.sig) || data.failed[source.file]) mutated = true;
    delete data.failed[source.file];
    const file = data.fileNumber(source.file, source.sig);
    // Documents of a changed file that did not change themselves (the earlier entries of today's
    // log) keep their rows and postings.
    const keep = new Map<string, number>();
    for (const row of old) keep.set(`${data.line(row)}:${data.ordinal(row)}:${data.hash(row)}`, row);
    for (const doc of result.docs) {
      const key = `${doc.line}:${Math.min(doc.ordinal ?? 0, MAX_PLACE)}:${docHash(doc)}`;
      if (keep.has(key)) keep.delete(key);
      else added.push({ doc, file });
    }
    for (const row of keep.values()) data.kill(row);
    mutated ||= keep.size > 0;
  });
  mutated ||= added.length > 0;
  // Analysis code loads only when there is something to analyse (a warm search loads none of it).
  if (added.length) data.add(added, (await import('../core/memory/searchpostings.js')).postingsOf);
  return mutated;
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
    // Citations are followed only in an index that holds some (most homes before their first dream hold none).
    const { top, terms } = rankDocs(data, query, opts.cites && !data.citesNothing() ? opts : { ...opts, cites: false });
    // Several hits in one file (entries of one day's log) read it once.
    const files = new Map<string, string[]>();
    return top.map(({ id, score, date, around }) => {
      const file = data.paths[data.fileOf(id)]!;
      let lines = files.get(file);
      if (!lines) files.set(file, (lines = readText(join(this.root, file)).replace(/\r\n/g, '\n').split('\n')));
      const type = data.type(id);
      // Titles are a section of their own, read only for a hit that needs one.
      const title = type === 'log' ? undefined : data.title(id);
      return showHit({ file, type, line: data.line(id), date, score, status: data.status(id), title, around }, lines, terms);
    });
  }
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

/**
 * Opens the search index of a home (or any folder), bringing its cache up to date with the files.
 * racyMs: how recent a change must be for the file to be read again next time, for every file
 * (tests set 0 to count the files a refresh reads); by default RACY_MS or FINE_RACY_MS.
 */
export async function openSearch(root: string, opts: { rebuild?: boolean; racyMs?: number } = {}): Promise<SearchIndex> {
  return new Index(root, await load(root, Boolean(opts.rebuild), opts.racyMs));
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
