// What memory search indexes, and how text becomes terms. Pure: file texts in, search documents out.
//
// Four kinds of source, each file's documents built here:
//   memory/<slug>.md               one document (title, description, tags, body; status kept)
//   logs/YYYY/MM/YYYY-MM-DD.md     one document per entry, id "file#line" (line of its heading)
//   inbox/done/YYYY/MM/<id>.md     one document (subject, body with its result)
//   goals/<slug>.md                one document (title, skill names, body and drills)
// Search is lenient about schemas (doctor and lint judge those): a field of the wrong type is
// ignored, but a file whose front matter cannot be read at all is skipped with a problem.
//
// Terms: words of letters and digits, lowercased, accents folded, English stop words removed,
// one-letter words, words over 40 characters and id-like words (6 or more digits: timestamps, run
// ids) dropped, then a light suffix stemmer (below) so "trains", "training" and "trained" meet.
// Front matter is parsed by a parser the caller passes in, so this module never loads yaml itself.
import type { Problem } from '../../errors.js';
import type { ParsedDoc } from '../docs/frontmatter.js';
import { parseLog, isLogHeading, SEP } from '../docs/logfmt.js';
import { subjectOf } from '../docs/subject.js';

export const DOC_TYPES = ['memory', 'log', 'done', 'goal'] as const;
export type DocType = (typeof DOC_TYPES)[number];
export const MEMORY_STATUSES = ['active', 'superseded', 'stale'] as const;
export type MemoryStatus = (typeof MEMORY_STATUSES)[number];

export interface SearchDoc {
  /** The file for one-document files; "file#line" for log entries. */
  id: string;
  file: string;
  /** Heading line of a log entry; 1 for the other kinds. */
  line: number;
  /** A log entry's place among its file's entries (0, 1, ...); 0 for the other kinds. */
  ordinal?: number;
  type: DocType;
  /** YYYY-MM-DD, or '' when the file gives no date. */
  date: string;
  title: string;
  description: string;
  body: string;
  /** Tags (and similar keywords) joined by spaces. */
  tags: string;
  status?: MemoryStatus;
  /** A memory topic's citations of the log entries it came from (`logs/YYYY/MM/YYYY-MM-DD.md#L<line>`). */
  sources?: string[];
}

/** A citation of a log entry, as the dream writes it in a topic's `sources` (core/memory/dream.ts). */
export const CITATION = /^(logs\/\d{4}\/\d{2}\/\d{4}-\d{2}-\d{2}\.md)#L(\d+)$/;

export type FrontParser = (file: string, raw: string) => ParsedDoc;

// ---------------------------------------------------------------- sources

const LOG_FILE = /^logs\/(\d{4})\/(\d{2})\/(\d{4}-\d{2}-\d{2})\.md$/;
const DONE_FILE = /^inbox\/done\/\d{4}\/\d{2}\/[^/]+\.md$/;
const TOPIC_FILE = /^(memory|goals)\/[^/]+\.md$/;

/** Which kind of document a home-relative path holds, if search indexes it at all. */
export function sourceType(file: string): DocType | undefined {
  const log = LOG_FILE.exec(file);
  if (log) return log[3]!.startsWith(`${log[1]}-${log[2]}-`) ? 'log' : undefined;
  if (DONE_FILE.test(file)) return 'done';
  const topic = TOPIC_FILE.exec(file);
  if (!topic || file.split('/').pop()!.startsWith('.')) return undefined;
  if (topic[1] === 'goals') return 'goal';
  return file === 'memory/MEMORY.md' ? undefined : 'memory';
}

/** Only the kind of source needs front matter parsed; log files never do. */
export function needsFrontMatter(file: string): boolean {
  const t = sourceType(file);
  return t !== undefined && t !== 'log';
}

// ---------------------------------------------------------------- documents

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str).filter(Boolean) : [];
}

function day(v: unknown): string {
  const s = str(v);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : '';
}

function slugTitle(file: string): string {
  return file.split('/').pop()!.replace(/\.md$/, '').replace(/[-_]+/g, ' ');
}

function firstHeading(body: string): string {
  const m = /^#{1,6}\s+(.+)$/m.exec(body);
  return m ? m[1]!.trim() : '';
}

/** The date an inbox id starts with: 20261121T103205-k3f9 → 2026-11-21. */
function dateOfId(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
}

function logDocs(file: string, text: string): SearchDoc[] {
  const date = LOG_FILE.exec(file)![3]!;
  return parseLog(file, date, text).map((e, ordinal) => ({
    id: `${file}#${e.line}`,
    file,
    line: e.line,
    ordinal,
    type: 'log' as const,
    date,
    title: logTitle(e),
    description: '',
    body: e.body,
    tags: '',
  }));
}

export function logTitle(e: { kind: string; agent: string; ref?: string }): string {
  return [e.kind, e.agent, e.ref].filter(Boolean).join(SEP);
}

function frontDocs(file: string, type: Exclude<DocType, 'log'>, text: string, parseFront: FrontParser): { docs: SearchDoc[]; problems: Problem[] } {
  const parsed = parseFront(file, text);
  if (parsed.problems.length) return { docs: [], problems: parsed.problems };
  const f = parsed.data ?? {};
  const body = parsed.body.trim();
  const base = { id: file, file, line: 1, type, description: '', tags: strings(f.tags).join(' ') };
  if (type === 'memory') {
    const status = MEMORY_STATUSES.find((s) => s === f.status) ?? 'active';
    const title = str(f.title) || firstHeading(body) || slugTitle(file);
    const sources = strings(f.sources).filter((s) => CITATION.test(s));
    const doc: SearchDoc = { ...base, title, description: str(f.description), body, date: day(f.updated) || day(f.created), status };
    if (sources.length) doc.sources = sources;
    return { docs: [doc], problems: [] };
  }
  if (type === 'done') {
    const subject = subjectOf({ subject: str(f.subject) || undefined }, body);
    const date = day(f.finished) || day(f.created) || dateOfId(str(f.id)) || dateOfId(file.split('/').pop()!);
    return { docs: [{ ...base, title: subject, body, date }], problems: [] };
  }
  // A goal: skill names count like a description; drills are part of the text.
  const skills = Array.isArray(f.skills) ? (f.skills as unknown[]).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object') : [];
  const metric = f.metric && typeof f.metric === 'object' ? str((f.metric as Record<string, unknown>).name) : '';
  const description = [metric, ...skills.map((s) => str(s.name))].filter(Boolean).join('; ');
  const drills = skills.map((s) => str(s.drill)).filter(Boolean);
  const dates = [...skills.map((s) => day(s.last_practiced)), ...[...body.matchAll(/^\s*[-*]\s+(\d{4}-\d{2}-\d{2})\b/gm)].map((m) => m[1]!)].filter(Boolean);
  const title = str(f.title) || firstHeading(body) || slugTitle(file);
  return { docs: [{ ...base, title, description, body: [body, ...drills].join('\n\n'), date: dates.sort().pop() ?? '' }], problems: [] };
}

/** The search documents of one file; a file that cannot be read gives problems and no documents. */
export function docsFromFile(file: string, text: string, parseFront: FrontParser): { docs: SearchDoc[]; problems: Problem[] } {
  const type = sourceType(file);
  if (!type) return { docs: [], problems: [{ file, expected: 'a memory topic, daily log, done item or goal', found: 'another file' }] };
  if (type === 'log') return { docs: logDocs(file, text), problems: [] };
  return frontDocs(file, type, text, parseFront);
}

// ---------------------------------------------------------------- terms

// A common English list (NLTK's, plus contractions' leftovers): words that say nothing about a topic.
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are aren as at be because been before being below between both but by ' +
    'can could couldn did didn do does doesn doing don down during each few for from further had hadn has hasn have haven having he ' +
    'her here hers herself him himself his how i if in into is isn it its itself just ll me more most mustn my myself no nor not now ' +
    'of off on once only or other our ours ourselves out over own re same shan she should shouldn so some such than that the their ' +
    'theirs them themselves then there these they this those through to too under until up us ve very was wasn we were weren what ' +
    'when where which while who whom why will with won would wouldn you your yours yourself yourselves'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The raw words of a text, in order (before stop words and stemming). */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

const VOWEL = /[aeiouy]/;

function undouble(w: string): string {
  return /([^aeiouslz])\1$/.test(w) ? w.slice(0, -1) : w;
}

/**
 * A light English stemmer: plurals, -ing, -ed, a final -e and -y, so inflections of one word share
 * a term. It is not Porter's: it only needs to agree with itself, since the index and the query
 * both go through it (and prefix matching covers most of what it leaves apart).
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length >= 6 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && !w.endsWith('eed') && w.length >= 5 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (w.length >= 4 && w.endsWith('e')) w = w.slice(0, -1);
  else if (w.length >= 4 && /[^aeiouy]y$/.test(w)) w = w.slice(0, -1) + 'i';
  return w;
}

/** One raw word as an index term, or null when it is not worth indexing. */
export function processTerm(word: string): string | null {
  let t = word.toLowerCase();
  if (/[^\x00-\x7f]/.test(t)) t = t.normalize('NFKD').replace(/\p{M}+/gu, '');
  if (t.length < 2 || t.length > 40 || STOP_WORDS.has(t)) return null;
  const digits = t.replace(/\D+/g, '').length;
  if (digits >= 6) return null;
  return digits ? t : stem(t);
}

/** The terms a query searches for, in order, without repeats. */
export function queryTerms(query: string): string[] {
  const out: string[] = [];
  for (const w of tokenize(query)) {
    const t = processTerm(w);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Terms are stored in shards by their first two characters; a query reads only its terms' shards. */
export function shardKey(term: string): string {
  return term.slice(0, 2);
}

// ---------------------------------------------------------------- matching and ranking
// The ranking is minisearch's (v7): BM25+ per field (k 1.2, b 0.7, d 0.5), field boosts, prefix
// and fuzzy matches weighted down, a document boost, and the sum over query terms multiplied by the
// number of query terms matched. The index computes it directly over its stored postings (see
// home/searchindex.ts for why); tests check it against minisearch's own search.

export const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
/** Field boosts: a title hit counts three times a body hit. */
export const BOOST = { title: 3, description: 2, body: 1, tags: 2 } as const;
/** minisearch's weights of prefix and fuzzy matches (its defaults). */
export const WEIGHTS = { prefix: 0.375, fuzzy: 0.45 };
/** Superseded and stale memories stay findable, below the memories that replaced them. */
export const STATUS_BOOST: Record<MemoryStatus, number> = { active: 1, superseded: 0.3, stale: 0.5 };

/** Query terms of at least this length also match longer terms they start (prefer → preference). */
export const PREFIX_MIN = 4;

export function usesPrefix(term: string): boolean {
  return term.length >= PREFIX_MIN;
}

/** Edit distance a query term may be fuzzy-matched within: none under 6 letters, 2 from 10. */
export function fuzzyDistance(term: string): number {
  return /\d/.test(term) ? 0 : term.length >= 10 ? 2 : term.length >= 6 ? 1 : 0;
}

/** Levenshtein distance of two terms, or max + 1 as soon as it must exceed max. */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Two rows reused across calls: a query term is compared with every term of its shard.
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    const done = prev;
    prev = cur;
    cur = done;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * How an index term counts for a query term, as minisearch weighs it: 1 for the term itself, less
 * for a longer term it starts, less again for a term within its fuzzy distance; 0 for no match.
 */
export function matchWeight(term: string, query: string): number {
  if (term === query) return 1;
  if (usesPrefix(query) && term.startsWith(query)) {
    const distance = term.length - query.length;
    return (WEIGHTS.prefix * term.length) / (term.length + 0.3 * distance);
  }
  const max = fuzzyDistance(query);
  if (!max) return 0;
  const distance = editDistance(term, query, max);
  return distance <= max ? (WEIGHTS.fuzzy * term.length) / (term.length + distance) : 0;
}

/** BM25+ of one term in one field of one document. */
export function bm25(termFreq: number, matching: number, total: number, fieldLength: number, avgFieldLength: number): number {
  const { k, b, d } = BM25;
  const idf = Math.log(1 + (total - matching + 0.5) / (matching + 0.5));
  return idf * (d + (termFreq * (k + 1)) / (termFreq + k * (1 - b + (b * fieldLength) / avgFieldLength)));
}

// ---------------------------------------------------------------- snippets

export const SNIPPET_CHARS = 160;

export interface Snippet {
  /** File line of the match (the heading line for a log entry). */
  line: number;
  text: string;
}

function hasTerm(line: string, terms: ReadonlySet<string>): number {
  for (const m of line.matchAll(WORD)) {
    const t = processTerm(m[0]);
    if (t && terms.has(t)) return m.index!;
  }
  return -1;
}

function clean(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/** ~SNIPPET_CHARS of text around position `at`, cut at word boundaries, with … where cut. */
function windowAround(text: string, at: number): string {
  if (text.length <= SNIPPET_CHARS) return text;
  let start = Math.max(0, Math.min(at - 40, text.length - SNIPPET_CHARS));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : start;
  }
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > at) end = space;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

/**
 * Where a document matched and the text around it: the first line (body before front matter) with
 * one of the matched terms; in the body, followed by the rest of its paragraph up to the snippet's length.
 * `line` is the document's line (a log entry's heading); the text may come split into lines.
 */
export function makeSnippet(text: string | readonly string[], type: DocType, line: number, terms: ReadonlySet<string>): Snippet {
  const lines = typeof text === 'string' ? text.replace(/\r\n/g, '\n').split('\n') : text;
  // Parts to search, in order of preference: [first index, end index (exclusive), prose?].
  const parts: [number, number, boolean][] = [];
  if (type === 'log') {
    const head = line - 1;
    let end = head + 1;
    while (end < lines.length && !isLogHeading(lines[end]!)) end++;
    parts.push([head + 1, end, true], [head, head + 1, false]);
  } else {
    const close = /^---[ \t]*$/.test(lines[0] ?? '') ? lines.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l)) : -1;
    parts.push([close + 1, lines.length, true]);
    // Then the front matter: the description first (the title is shown anyway), then the rest.
    const description = close > 0 ? lines.findIndex((l, i) => i < close && /^description:/.test(l)) : -1;
    if (description > 0) parts.push([description, description + 1, false]);
    if (close > 0) parts.push([1, close, false]);
  }
  for (const [from, to, prose] of parts) {
    for (let i = from; i < to; i++) {
      if (hasTerm(lines[i]!, terms) < 0) continue;
      let joined = clean(lines[i]!);
      const pos = Math.max(0, hasTerm(joined, terms));
      for (let j = i + 1; prose && j < to && joined.length < pos + SNIPPET_CHARS && lines[j]!.trim() && !/^#{1,6}\s/.test(lines[j]!); j++) joined += ' ' + clean(lines[j]!);
      return { line: type === 'log' ? line : i + 1, text: windowAround(joined, pos) };
    }
  }
  // No term found (a file changed under us): the start of the text.
  const [from, to] = parts[0]!;
  for (let i = from; i < to; i++) if (lines[i]!.trim()) return { line: type === 'log' ? line : i + 1, text: windowAround(clean(lines.slice(i, Math.min(to, i + 4)).join(' ')), 0) };
  return { line, text: '' };
}
