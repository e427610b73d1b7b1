// `aos memory lint`, pure: the index and the topic files in, every problem out. The caps and the
// links come from checks.ts (doctor runs the same ones); the rest is about how the index and the
// topics agree with each other, and how supersede links hold together.
import type { Problem } from '../../errors.js';
import type { MemoryFront } from '../docs/schemas.js';
import { checkMemoryIndex, INDEX_FILE } from '../docs/textchecks.js';
import { findConflictMarker } from '../docs/frontmatter.js';
import { parseIndex, type IndexLine } from './memindex.js';
import { SLUG } from '../docs/ids.js';

/** The shape of a topic file name (schemas.ts uses the same for supersedes and superseded_by). */
export const TOPIC_SLUG = SLUG;

export function topicFile(slug: string): string {
  return `memory/${slug}.md`;
}

/** A topic file that passed its schema. */
export interface LintTopic {
  slug: string;
  front: MemoryFront;
}

export interface MemoryState {
  /** memory/MEMORY.md's text; undefined when there is no such file. */
  index: string | undefined;
  /** The topic files that passed their schema. */
  topics: readonly LintTopic[];
  /** Every topic file name in memory/ (without .md), valid or not: an index link to any of them resolves. */
  files: ReadonlySet<string>;
  /** What loading the topic files found (schema failures, stray files): reported as they are. */
  invalid?: readonly Problem[];
}

/** Index entries that link a topic an earlier entry already links (the first one is not a duplicate). */
export function duplicateEntries(lines: readonly IndexLine[]): { line: IndexLine; first: IndexLine }[] {
  const seen = new Map<string, IndexLine>();
  const dups: { line: IndexLine; first: IndexLine }[] = [];
  for (const l of lines) {
    if (!l.slug) continue;
    const first = seen.get(l.slug);
    if (first) dups.push({ line: l, first });
    else seen.set(l.slug, l);
  }
  return dups;
}

/** Index problems beyond the caps and links: duplicates, active topics left out, retired ones left in. */
export function indexProblems(text: string, topics: ReadonlyMap<string, MemoryFront>): Problem[] {
  const file = INDEX_FILE;
  const problems: Problem[] = [];
  const lines = parseIndex(text);
  for (const { line, first } of duplicateEntries(lines)) {
    problems.push({ file, line: line.line, expected: 'one line per topic', found: `a second line for ${line.slug}.md (the first is line ${first.line})`, hint: 'remove one of them' });
  }
  const listed = new Set<string>();
  for (const l of lines) {
    if (!l.slug || listed.has(l.slug)) continue;
    listed.add(l.slug);
    const front = topics.get(l.slug);
    if (front && front.status !== 'active') {
      const by = front.superseded_by ? ` by ${front.superseded_by}` : '';
      problems.push({
        file,
        line: l.line,
        expected: 'only active topics in the index',
        found: `${l.slug}, which is ${front.status}${by}`,
        hint: 'remove the line; the topic file stays (aos dream does this too)',
      });
    }
  }
  for (const [slug, front] of [...topics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (front.status === 'active' && !listed.has(slug)) {
      problems.push({
        file: topicFile(slug),
        expected: `a line in ${file} linking it (every active topic is listed)`,
        found: 'none',
        hint: `add "- [${front.title}](${slug}.md) — …", or set status: stale`,
      });
    }
  }
  return problems;
}

/** Two active topics with the same title (case-insensitive). Superseded and stale ones may share a title with their successor. */
export function duplicateTitles(topics: ReadonlyMap<string, MemoryFront>): Problem[] {
  const byTitle = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [slug, front] of [...topics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (front.status !== 'active') continue;
    const key = front.title.trim().replace(/\s+/g, ' ').toLowerCase();
    const first = byTitle.get(key);
    if (first) {
      problems.push({
        file: topicFile(slug),
        field: 'title',
        expected: 'a title no other active topic has',
        found: `"${front.title}", the title of ${topicFile(first)} too`,
        hint: 'merge the two, or supersede one with the other',
      });
    } else byTitle.set(key, slug);
  }
  return problems;
}

/**
 * Supersede links point both ways: A supersedes B exactly when B is `status: superseded` with
 * `superseded_by: A`. A chain of superseded_by ends at a topic that is not superseded, never in a loop.
 */
export function supersedeProblems(topics: ReadonlyMap<string, MemoryFront>): Problem[] {
  const problems: Problem[] = [];
  const sorted = [...topics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [a, front] of sorted) {
    for (const b of front.supersedes) {
      if (b === a) {
        problems.push({ file: topicFile(a), field: 'supersedes', expected: 'other topics', found: `${a} itself` });
        continue;
      }
      const old = topics.get(b);
      if (!old) {
        problems.push({ file: topicFile(a), field: 'supersedes', expected: 'topics in memory/', found: `"${b}", which does not exist (or fails its schema)` });
        continue;
      }
      if (old.superseded_by !== a) {
        problems.push({
          file: topicFile(b),
          field: 'superseded_by',
          expected: `${a} (${a} supersedes it)`,
          found: old.superseded_by ? `"${old.superseded_by}"` : 'nothing',
          hint: `set status: superseded and superseded_by: ${a}, or take ${b} out of ${a}'s supersedes`,
        });
      } else if (old.status !== 'superseded') {
        problems.push({ file: topicFile(b), field: 'status', expected: `superseded (${a} supersedes it)`, found: old.status });
      }
    }
  }
  for (const [b, front] of sorted) {
    const a = front.superseded_by;
    if (a === undefined) {
      // When some topic lists it in supersedes, the loop above has already said what to set.
      const listedBy = sorted.some(([, other]) => other.supersedes.includes(b));
      if (front.status === 'superseded' && !listedBy) {
        problems.push({ file: topicFile(b), field: 'superseded_by', expected: 'the topic that supersedes it (status is superseded)', found: 'nothing', hint: 'or set status: stale if nothing replaced it' });
      }
      continue;
    }
    if (a === b) {
      problems.push({ file: topicFile(b), field: 'superseded_by', expected: 'another topic', found: `${b} itself` });
      continue;
    }
    const successor = topics.get(a);
    if (!successor) {
      problems.push({ file: topicFile(b), field: 'superseded_by', expected: 'a topic in memory/', found: `"${a}", which does not exist (or fails its schema)` });
      continue;
    }
    if (!successor.supersedes.includes(b)) {
      problems.push({
        file: topicFile(a),
        field: 'supersedes',
        expected: `a list naming ${b} (${b} says superseded_by: ${a})`,
        found: successor.supersedes.length ? `[${successor.supersedes.join(', ')}]` : 'none',
      });
      // When the successor does list it, the loop above has already checked its status.
      if (front.status !== 'superseded') {
        problems.push({ file: topicFile(b), field: 'status', expected: `superseded (it says superseded_by: ${a})`, found: front.status });
      }
    }
  }
  // Loops: following superseded_by must reach a topic that is not superseded.
  const reported = new Set<string>();
  for (const [start] of sorted) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && topics.has(at) && !path.includes(at)) {
      path.push(at);
      at = topics.get(at)!.superseded_by;
    }
    if (at !== undefined && path.includes(at)) {
      const loop = path.slice(path.indexOf(at));
      const key = [...loop].sort().join(' ');
      if (reported.has(key)) continue;
      reported.add(key);
      if (loop.length > 1) {
        const first = [...loop].sort()[0]!;
        problems.push({ file: topicFile(first), field: 'superseded_by', expected: 'a chain that ends at a current topic', found: `a loop: ${[...loop, at].join(' → ')}` });
      }
    }
  }
  return problems;
}

function order(a: Problem, b: Problem): number {
  const rank = (p: Problem) => (p.file === INDEX_FILE ? '' : p.file);
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) return ra < rb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0);
}

/** Every problem with memory: the index, then each topic file, in file order. */
export function lintMemory(state: MemoryState): Problem[] {
  const topics = new Map(state.topics.map((t) => [t.slug, t.front]));
  const problems: Problem[] = [...(state.invalid ?? [])];
  if (state.index === undefined) {
    problems.push({ file: INDEX_FILE, expected: 'the memory index', found: 'no file', hint: 'create it with a line "# Memory"; aos memory add adds entries' });
  } else {
    problems.push(...checkMemoryIndex(state.index, state.files));
    // With conflict markers in it, the index's entries say nothing reliable: fix the merge first.
    if (!findConflictMarker(INDEX_FILE, state.index)) problems.push(...indexProblems(state.index, topics));
  }
  problems.push(...duplicateTitles(topics), ...supersedeProblems(topics));
  return problems.sort(order);
}
