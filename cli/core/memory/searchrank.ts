// Memory search's query-time ranking. Pure: an index's documents (behind a small interface) and a
// query in, the best hits out. No fs, no clock: the store in home/searchdata.ts reads what this asks for.
//
// Holds: the minisearch options the ranking mirrors (analysis and search), the date codes the index
// stores, the scoring of postings (BM25+ per field with the field, match and status weights of
// core/memory/searchdocs.ts), the choice of the top hits (higher score, then newer, then the earlier id),
// and how a chosen document is shown (title, snippet, rounded score). Recency only breaks ties:
// nothing here decays with age, so no `now` is needed.
import type { Options, SearchOptions } from 'minisearch';
import { parseLog, isLogHeading } from '../docs/logfmt.js';
import { dateWeight, queryDates, type DayRange } from './querydates.js';
import {
  BOOST,
  MEMORY_STATUSES,
  STATUS_BOOST,
  bm25,
  fuzzyDistance,
  logTitle,
  makeSnippet,
  matchWeight,
  processTerm,
  queryTerms,
  shardKey,
  tokenize,
  usesPrefix,
  type DocType,
  type MemoryStatus,
} from './searchdocs.js';

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
  /** A log entry shown with its neighbours: the first and last line of the entries it spans. */
  span?: [number, number];
}

export interface SearchOpts {
  types?: readonly string[];
  /** Only documents dated on or after this day (YYYY-MM-DD); undated documents are left out. */
  since?: string;
  /** At most this many hits (default 10). */
  limit?: number;
  /**
   * The day the question is asked (YYYY-MM-DD): dates it names ("last May", "3 weeks ago") are
   * taken as days, and documents of those days rank higher. Without it a query is only words.
   */
  asOf?: string;
  /**
   * Log entries are ranked with this many neighbours of the same day on each side (a turn and the
   * turns around it), and returned as one hit spanning them. 0 (the default): each entry alone.
   */
  neighbours?: number;
  /**
   * Memory topics lend their score to the log entries they cite (their `sources`, as the dream
   * writes them): each cited entry gains CITE_WEIGHT of the topic's score and counts the query
   * terms the topic matched. Off by default: without it the ranking is exactly minisearch's.
   */
  cites?: boolean;
}

// ---------------------------------------------------------------- minisearch

/** The fields, in the order the index numbers them (f: 0 title ... 3 tags). */
export const FIELDS = ['title', 'description', 'body', 'tags'] as const;
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

// ---------------------------------------------------------------- dates

/** A day as the index stores it: yyyymmdd, or 0 for no (or no valid) date. */
export const dateCode = (date: string) => (/^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.replace(/-/g, '')) : 0);
export const dateText = (code: number) => (code > 0 ? `${String(code).slice(0, 4)}-${String(code).slice(4, 6)}-${String(code).slice(6, 8)}` : '');

// ---------------------------------------------------------------- scoring

/** Postings of one term in one field: [id, freq, id, freq, ...], ids ascending; 0 for none. */
export type Postings = number[] | 0;

/**
 * What the ranking reads of an index. Ids run 0 .. rows-1; dead ids (documents removed since the
 * index was built) may still appear in postings and count for nothing.
 */
export interface RankedDocs {
  /** Live documents. */
  readonly count: number;
  /** Ids in use, live or dead. */
  readonly rows: number;
  /** Sum of each field's length over the live documents. */
  readonly totals: readonly number[];
  /** The terms stored under a shard key (see shardKey). */
  terms(key: string): Iterable<string>;
  /** The postings of one term in one field. */
  postings(key: string, term: string, f: number): Postings;
  dead(id: number): boolean;
  type(id: number): DocType;
  status(id: number): MemoryStatus | undefined;
  /** yyyymmdd, or 0. */
  date(id: number): number;
  fieldLength(id: number, f: number): number;
  /**
   * What scoring one posting needs, in one call (a search scores thousands, most of them while V8
   * still interprets the code, where each call counts): -1 for a dead row, else the length of field
   * f times 4 plus the status (0 none, else 1 + its index in MEMORY_STATUSES). Optional: dead,
   * fieldLength and status say the same.
   */
  scoreInfo?(id: number, f: number): number;
  /** The file a document is in (a number), and a log entry's place among its day's entries: for neighbour windows. */
  fileOf?(id: number): number;
  ordinal?(id: number): number;
  /** The live log entries a memory topic cites (its `sources`): for SearchOpts.cites. */
  cited?(id: number): readonly number[];
}

/** Past this many terms a query's words are ignored (a pasted paragraph should not scan every shard). */
export const MAX_QUERY_TERMS = 30;

interface Scores {
  docs: RankedDocs;
  avg: number[];
  /** Scratch for one posting list: each posting's scoreInfo. */
  info: Int32Array;
  score: Float64Array;
  /** Per id, a bit per query term it matched. */
  matched: Uint32Array;
  /** Ids with a score, in the order they were first scored. */
  touched: number[];
}

/** STATUS_BOOST by status code (0 none, else 1 + index in MEMORY_STATUSES). */
const BOOST_OF_CODE = [1, ...MEMORY_STATUSES.map((s) => STATUS_BOOST[s])];
// scoreInfo keeps the status code in two bits: a fourth status would spill into the field length.
if (BOOST_OF_CODE.length > 4) throw new Error('searchrank: scoreInfo holds at most three memory statuses');

/** scoreInfo from the separate accessors, for an index without it. */
function scoreInfoOf(docs: RankedDocs, id: number, f: number): number {
  if (docs.dead(id)) return -1;
  const status = docs.status(id);
  return docs.fieldLength(id, f) * 4 + (status ? 1 + MEMORY_STATUSES.indexOf(status) : 0);
}

/** Adds one term's postings in one field to the scores (BM25+ as minisearch computes it). */
function scorePostings(list: number[], f: number, weight: number, bit: number, acc: Scores): void {
  const { docs, score, matched, touched } = acc;
  const n = list.length >> 1;
  if (acc.info.length < n) acc.info = new Int32Array(n * 2);
  const info = acc.info;
  // Postings of dead rows do not count, as in an index that never held them.
  let matching = 0;
  for (let k = 0; k < n; k++) {
    const v = docs.scoreInfo ? docs.scoreInfo(list[2 * k]!, f) : scoreInfoOf(docs, list[2 * k]!, f);
    info[k] = v;
    if (v >= 0) matching++;
  }
  const avg = acc.avg[f]!;
  for (let k = 0; k < n; k++) {
    const v = info[k]!;
    if (v < 0) continue;
    const id = list[2 * k]!;
    const boost = BOOST_OF_CODE[v & 3]!;
    if (!matched[id]) touched.push(id);
    score[id] = score[id]! + weight * boost * bm25(list[2 * k + 1]!, matching, docs.count, v >> 2, avg);
    matched[id] = matched[id]! | bit;
  }
}

export function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x &= x - 1) c++;
  return c;
}

export interface Ranked {
  id: number;
  score: number;
  /** yyyymmdd, or 0. */
  date: number;
  /** For a log entry ranked with its neighbours: how many entries on each side its hit spans. */
  around?: number;
}

/** How much of a memory topic's score each log entry it cites gains (SearchOpts.cites). */
export const CITE_WEIGHT = 0.5;

/**
 * Topics the dream extracted rank the entries they came from: each log entry a scored memory
 * topic cites gains CITE_WEIGHT of the topic's summed score and the query terms the topic matched
 * (so it is found by the topic's words, in the ranks log entries hold). The topic keeps its own.
 */
function lendToCited(acc: Scores, cited: (id: number) => readonly number[]): void {
  const { docs, score, matched, touched } = acc;
  const scored = touched.length;
  for (let k = 0; k < scored; k++) {
    const id = touched[k]!;
    if (docs.type(id) !== 'memory') continue;
    for (const entry of cited(id)) {
      if (docs.dead(entry)) continue;
      if (!matched[entry]) touched.push(entry);
      score[entry] = score[entry]! + CITE_WEIGHT * score[id]!;
      matched[entry] = matched[entry]! | matched[id]!;
    }
  }
}

/** How much a neighbour's own score adds to an entry's window. */
export const NEIGHBOUR_WEIGHT = 0.3;

/** Whether `a` ranks above `b`: higher score, then newer, then the earlier id. */
export function ranksBefore(a: Ranked, b: Ranked): boolean {
  return a.score > b.score || (a.score === b.score && (a.date > b.date || (a.date === b.date && a.id < b.id)));
}

/**
 * The best `limit` documents for a query, best first, and the index terms the query matched (for
 * the snippets). Unscored: no terms, a limit under 1, an empty index.
 */
export function rankDocs(docs: RankedDocs, query: string, opts: SearchOpts = {}): { top: Ranked[]; terms: Set<string> } {
  const dates = opts.asOf !== undefined ? queryDates(query, opts.asOf) : { ranges: [], rest: query };
  const terms = queryTerms(dates.rest).slice(0, MAX_QUERY_TERMS);
  const limit = opts.limit ?? 10;
  const derived = new Set<string>();
  if (!terms.length || limit < 1 || !docs.count) return { top: [], terms: derived };
  const avg = docs.totals.map((t) => t / docs.count);
  const acc: Scores = { docs, avg, info: new Int32Array(256), score: new Float64Array(docs.rows), matched: new Uint32Array(docs.rows), touched: [] };
  const { score, matched, touched } = acc;
  terms.forEach((q, qi) => {
    const key = shardKey(q);
    for (const term of docs.terms(key)) {
      const weight = matchWeight(term, q);
      if (!weight) continue;
      derived.add(term);
      for (let f = 0; f < FIELDS.length; f++) {
        const list = docs.postings(key, term, f);
        if (list) scorePostings(list, f, weight * FIELD_BOOST[f]!, 1 << qi, acc);
      }
    }
  });
  if (opts.cites && docs.cited) lendToCited(acc, (id) => docs.cited!(id));
  const types = opts.types?.length ? new Set(opts.types) : undefined;
  const since = opts.since ? dateCode(opts.since) : 0;
  const around = Math.max(0, Math.floor(opts.neighbours ?? 0));
  if (dates.ranges.length || (around && docs.fileOf && docs.ordinal)) {
    const keep = (id: number) => (!types || types.has(docs.type(id))) && (!opts.since || (docs.date(id) > 0 && docs.date(id) >= since));
    return { top: rankWindows(acc, dates.ranges, docs.fileOf && docs.ordinal ? around : 0, keep, limit), terms: derived };
  }
  const top: Ranked[] = [];
  let floor = -1;
  for (const id of touched) {
    // As minisearch: the sum over query terms, times how many of them matched.
    const s = score[id]! * popcount(matched[id]!);
    if (s < floor) continue;
    if (types && !types.has(docs.type(id))) continue;
    const date = docs.date(id);
    if (opts.since && (!date || date < since)) continue;
    const hit = { id, score: s, date };
    if (top.length >= limit && !ranksBefore(hit, top[top.length - 1]!)) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranksBefore(top[mid]!, hit)) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, hit);
    if (top.length > limit) top.pop();
    if (top.length === limit) floor = top[limit - 1]!.score;
  }
  return { top, terms: derived };
}

/**
 * The conversational ranking: each log entry is scored with its neighbours of the same day (their
 * scores added at NEIGHBOUR_WEIGHT; query terms only they matched count at that weight in BM25+'s
 * multiplier) and shown on the window's best-matching entry, in the ranks log entries hold without
 * windows; documents of the days the question names are weighted up (querydates.ts); an entry
 * already inside a chosen hit's span is not returned again.
 */
function rankWindows(acc: Scores, ranges: readonly DayRange[], around: number, keep: (id: number) => boolean, limit: number): Ranked[] {
  const { docs, score, matched, touched } = acc;
  // Touched log entries by file and place (file * 2^11 + place: a small integer, which a Map hashes
  // far faster than a larger number; file * 2^20 + place when some day holds 2,048 entries or
  // more), for their neighbours. Each touched id's place is kept (-1 for other documents).
  const at = new Map<number, number>();
  // A plain array (of small integers, mostly): a Float64Array hands each element back boxed.
  const places: number[] = new Array<number>(touched.length).fill(-1);
  const files = new Int32Array(touched.length);
  let wide = false;
  if (around)
    touched.forEach((id, k) => {
      if (docs.type(id) !== 'log') return;
      files[k] = docs.fileOf!(id);
      places[k] = docs.ordinal!(id);
      wide ||= places[k]! >= 2048 || files[k]! >= 262144;
    });
  const scale = wide ? 1048576 : 2048;
  for (let k = 0; k < touched.length; k++) {
    if (places[k]! < 0) continue;
    places[k] = files[k]! * scale + places[k]!;
    at.set(places[k]!, touched[k]!);
  }
  const place = (id: number) => docs.fileOf!(id) * scale + docs.ordinal!(id);
  // Two orders: every document by its own score (as without windows, times the date's weight),
  // which decides which ranks go to log entries at all; and the log entries by their windows,
  // which decides which entries fill those ranks. So windows reorder the log among itself and
  // never push a memory, a done item or a goal down.
  const select = (cap: number): { own: Ranked[]; windows: Ranked[] } => {
    const own: Ranked[] = [];
    const windows: Ranked[] = [];
    for (let k = 0; k < touched.length; k++) {
      const id = touched[k]!;
      if (!keep(id)) continue;
      const date = docs.date(id);
      const weight = ranges.length ? dateWeight(date, ranges) : 1;
      offer(own, id, score[id]! * popcount(matched[id]!) * weight, date, undefined, cap);
      const p = places[k]!;
      if (p < 0) continue;
      let sum = score[id]!;
      let theirs = 0;
      let best = id;
      for (let j = -around; j <= around; j++) {
        const n = j ? at.get(p + j) : undefined;
        if (n === undefined) continue;
        if (score[n]! > score[best]!) best = n;
        sum += NEIGHBOUR_WEIGHT * score[n]!;
        theirs |= matched[n]!;
      }
      // Query terms only the neighbours matched count at NEIGHBOUR_WEIGHT in BM25+'s multiplier.
      const terms = popcount(matched[id]!) + NEIGHBOUR_WEIGHT * popcount(theirs & ~matched[id]!);
      // A window's hit is anchored on its best entry (its line is the turn that matched most).
      offer(windows, best, sum * terms * weight, date, around, cap);
    }
    if (cap === Infinity) {
      own.sort(order);
      windows.sort(order);
    }
    return { own, windows };
  };
  const cap = limit * (2 * around + 2);
  let lists = select(cap);
  for (let full = false; ; full = true) {
    const top: Ranked[] = [];
    const shown = new Set<number>();
    let w = 0;
    let short = false;
    for (const hit of lists.own) {
      if (top.length >= limit) break;
      if (!around || docs.type(hit.id) !== 'log') {
        top.push(hit);
        continue;
      }
      // This rank is a log entry's: the best window not yet shown takes it.
      while (w < lists.windows.length && shown.has(place(lists.windows[w]!.id))) w++;
      const next = lists.windows[w++];
      if (!next) {
        short = true;
        continue;
      }
      for (let k = -around; k <= around; k++) shown.add(place(next.id) + k);
      top.push(next);
    }
    if (full || (top.length >= limit && !short) || (lists.own.length < cap && lists.windows.length < cap)) return top;
    lists = select(Infinity);
  }
}

const order = (a: Ranked, b: Ranked) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0);

/** insert, without making the hit when it would not get into a full list. */
function offer(list: Ranked[], id: number, score: number, date: number, around: number | undefined, cap: number): void {
  if (list.length >= cap && cap !== Infinity) {
    const last = list[list.length - 1]!;
    if (!(score > last.score || (score === last.score && (date > last.date || (date === last.date && id < last.id))))) return;
  }
  insert(list, around === undefined ? { id, score, date } : { id, score, date, around }, cap);
}

/** Inserts a hit into a list kept best first and at most `cap` long (unbounded lists are sorted once, later). */
function insert(list: Ranked[], hit: Ranked, cap: number): void {
  if (cap === Infinity) {
    list.push(hit);
    return;
  }
  if (list.length >= cap && !ranksBefore(hit, list[list.length - 1]!)) return;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranksBefore(list[mid]!, hit)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, hit);
  if (list.length > cap) list.pop();
}

// ---------------------------------------------------------------- showing a hit

/** What is known of a ranked document and its file, to show it. */
export interface HitSource {
  file: string;
  type: DocType;
  /** The document's line (a log entry's heading). */
  line: number;
  /** yyyymmdd, or 0. */
  date: number;
  score: number;
  status?: MemoryStatus;
  /** The stored title (not kept for log entries, whose heading gives theirs). */
  title?: string;
  /** A log entry shown with this many neighbours on each side. */
  around?: number;
}

/**
 * A hit as shown: the snippet from the file's lines as they are now (none for a file gone since
 * it was indexed), a log entry titled by its heading, the score to three decimals.
 */
export function showHit(doc: HitSource, lines: readonly string[], terms: ReadonlySet<string>): Hit {
  const snippet = makeSnippet(lines, doc.type, doc.line, terms);
  const title = doc.type === 'log' ? logHeadingTitle(doc.file, lines[doc.line - 1] ?? '') : doc.title ?? doc.file;
  const hit: Hit = { file: doc.file, line: snippet.line, type: doc.type, date: dateText(doc.date), title, snippet: snippet.text, score: Math.round(doc.score * 1000) / 1000 };
  if (doc.status) hit.status = doc.status;
  if (doc.type === 'log' && doc.around) hit.span = logSpan(lines, doc.line, doc.around);
  return hit;
}

/**
 * The lines of a log entry and `around` entries of its day on each side: from the first one's
 * heading to the last one's last non-blank line (1-based, both included).
 */
export function logSpan(lines: readonly string[], line: number, around: number): [number, number] {
  let start = line - 1;
  for (let k = 0, i = start - 1; k < around && i >= 0; i--) {
    if (isLogHeading(lines[i]!)) {
      start = i;
      k++;
    }
  }
  let end = line; // exclusive index of the window's end
  for (let k = -1; end < lines.length; end++) {
    if (isLogHeading(lines[end]!) && ++k >= around) break;
  }
  while (end > line && !lines[end - 1]!.trim()) end--;
  return [start + 1, end];
}

function logHeadingTitle(file: string, heading: string): string {
  const [entry] = parseLog(file, '', heading);
  return entry ? logTitle(entry) : file;
}
