// The dream's decisions, pure: which log entries are new, how they are cut into chunks, whether
// each operation the model proposes is allowed, and what pruning the index needs.
import { MEMORY_TYPES } from '../docs/schemas.js';
import type { LogEntry } from '../docs/logfmt.js';
import { INDEX_MAX_LINE, INDEX_MAX_LINES, INDEX_MAX_BYTES, indexedSlugs, indexLine, parseIndex } from './memindex.js';
import { SLUG } from '../docs/ids.js';

export interface Topic {
  slug: string;
  title: string;
  type: string;
  description: string;
  status: 'active' | 'superseded' | 'stale';
  supersedes: string[];
  superseded_by?: string;
  created: string;
  updated?: string;
}

type Fields = { slug: string; title: string; type: string; description: string; body: string; index?: string };
export type Op =
  | ({ op: 'add'; sources: string[] } & Fields)
  | { op: 'update'; slug: string; title?: string; description?: string; body?: string; index?: string; sources: string[] }
  | ({ op: 'supersede'; old: string; sources: string[] } & Fields)
  | { op: 'merge'; from: string; into: string; description?: string; body?: string; index?: string; sources: string[] };

export interface Refusal {
  op: unknown;
  reason: string;
}

/**
 * How an operation cites a log entry, as the dreamer's instructions (agents/dreamer.md), the tool's
 * description and the validator all say it: the log file and the line of the entry's heading.
 */
export const CITATION_FORMAT = 'logs/YYYY/MM/YYYY-MM-DD.md#L<line>';

/** The citation of a log entry: the file and the line of its heading (CITATION_FORMAT). */
export function citation(e: Pick<LogEntry, 'file' | 'line'>): string {
  return `${e.file}#L${e.line}`;
}

/** The entries of `now` that were not in `before` (the same file at the last dream): union merges may interleave, so by content. */
export function newEntries(before: readonly LogEntry[], now: readonly LogEntry[]): LogEntry[] {
  const seen = new Set(before.map((e) => `${e.date} ${e.time}|${e.kind}|${e.agent}|${e.ref ?? ''}|${e.body}`));
  return now.filter((e) => !seen.has(`${e.date} ${e.time}|${e.kind}|${e.agent}|${e.ref ?? ''}|${e.body}`));
}

export function renderEntry(e: LogEntry): string {
  return `[${citation(e)}] ${e.date} ${e.time} · ${e.kind} · ${e.agent}${e.ref ? ` · ${e.ref}` : ''}\n${e.body.trim()}`;
}

/** Entries in chunks of at most `maxChars` of rendered text each (an over-long entry is cut, never dropped). */
export function chunkEntries(entries: readonly LogEntry[], maxChars: number): LogEntry[][] {
  const chunks: LogEntry[][] = [];
  let cur: LogEntry[] = [];
  let size = 0;
  for (const e of entries) {
    const text = renderEntry(e);
    const entry = text.length > maxChars ? { ...e, body: e.body.slice(0, maxChars - 200) + ' …(cut)' } : e;
    const len = Math.min(text.length, maxChars);
    if (cur.length && size + len > maxChars) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(entry);
    size += len;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}


function str(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/**
 * Checks the model's operations one by one against the memory as it will be after the earlier
 * ones. A bad operation is refused with its reason; the others still apply.
 */
export function validateOps(raw: unknown, topics: ReadonlyMap<string, Topic>, citations: ReadonlySet<string>, today: string): { valid: Op[]; refused: Refusal[]; after: Map<string, Topic> } {
  const after = new Map(topics);
  const valid: Op[] = [];
  const refused: Refusal[] = [];
  if (!Array.isArray(raw)) return { valid, refused: [{ op: raw, reason: 'expected a list of operations (JSON), found ' + (typeof raw === 'string' ? 'text' : typeof raw) }], after };
  for (const op of raw) {
    const why = check(op, after, citations);
    if (why) {
      refused.push({ op, reason: why });
      continue;
    }
    const o = op as Op;
    valid.push(o);
    const topic = (slug: string, f: { title: string; type: string; description: string }, supersedes: string[] = []): Topic => ({
      slug,
      title: f.title,
      type: f.type,
      description: f.description,
      status: 'active',
      supersedes,
      created: today,
      updated: today,
    });
    if (o.op === 'add') after.set(o.slug, topic(o.slug, o));
    else if (o.op === 'update') {
      const t = after.get(o.slug)!;
      after.set(o.slug, { ...t, title: o.title ?? t.title, description: o.description ?? t.description, updated: today });
    } else if (o.op === 'supersede') {
      after.set(o.old, { ...after.get(o.old)!, status: 'superseded', superseded_by: o.slug });
      after.set(o.slug, topic(o.slug, o, [o.old]));
    } else {
      const into = after.get(o.into)!;
      after.set(o.from, { ...after.get(o.from)!, status: 'superseded', superseded_by: o.into });
      after.set(o.into, { ...into, description: o.description ?? into.description, supersedes: [...into.supersedes, o.from], updated: today });
    }
  }
  return { valid, refused, after };
}

function check(op: unknown, topics: ReadonlyMap<string, Topic>, citations: ReadonlySet<string>): string | undefined {
  if (!op || typeof op !== 'object' || Array.isArray(op)) return 'expected an operation object';
  const o = op as Record<string, unknown>;
  const kind = o.op;
  if (kind === 'delete' || kind === 'remove') return 'memories are never deleted: supersede it with the memory that replaces it, or leave it';
  if (kind !== 'add' && kind !== 'update' && kind !== 'supersede' && kind !== 'merge') return `unknown operation ${JSON.stringify(kind)} (expected add, update, supersede or merge)`;
  for (const key of ['slug', 'old', 'from', 'into', 'path', 'file']) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !SLUG.test(v)) return `${key} ${JSON.stringify(v)} is outside memory/ or not a slug (lowercase letters, digits, dashes)`;
  }
  const sources = o.sources;
  if (!Array.isArray(sources) || !sources.length || !sources.every(str)) return 'every new or changed memory must cite the log entries it came from (sources)';
  const unknown = (sources as string[]).filter((s) => !citations.has(s));
  if (unknown.length) return `sources must be log entries given to this dream; unknown: ${unknown.slice(0, 3).join(', ')}`;
  for (const key of ['title', 'description', 'body', 'index', 'type']) {
    if (o[key] !== undefined && typeof o[key] !== 'string') return `${key} must be text`;
  }
  if (typeof o.description === 'string' && [...o.description].length > 150) return `the description is ${[...o.description].length} characters (at most 150)`;
  if (typeof o.index === 'string' && [...o.index].length > INDEX_MAX_LINE) return `the index line is ${[...o.index].length} characters (at most ${INDEX_MAX_LINE})`;
  if (typeof o.index === 'string' && !new RegExp(`\\]\\(${String(o.slug ?? o.into)}\\.md\\)`).test(o.index)) return 'the index line must link its own topic';
  const active = (slug: unknown, role: string) => {
    const t = topics.get(String(slug));
    if (!t) return `${role} ${JSON.stringify(slug)} does not exist in memory/`;
    if (t.status !== 'active') return `${role} ${JSON.stringify(slug)} is ${t.status}, not active`;
    return undefined;
  };
  const fresh = (slug: unknown) => (topics.has(String(slug)) ? `memory/${String(slug)}.md already exists: update or supersede it instead` : undefined);
  const full = () =>
    !str(o.title) ? 'a title is required' : !str(o.description) ? 'a description is required' : !MEMORY_TYPES.includes(o.type as never) ? `type must be one of ${MEMORY_TYPES.join(', ')}` : !str(o.body) ? 'a body is required' : undefined;
  switch (kind) {
    case 'add':
      return fresh(o.slug) ?? full();
    case 'update':
      return active(o.slug, 'slug') ?? (o.title === undefined && o.description === undefined && o.body === undefined ? 'an update changes the title, description or body' : undefined);
    case 'supersede':
      return active(o.old, 'old') ?? fresh(o.slug) ?? full();
    default:
      if (o.from === o.into) return 'a memory cannot be merged into itself';
      return active(o.from, 'from') ?? active(o.into, 'into');
  }
}

/** The index line an operation writes for its topic. */
export function lineFor(op: Op, topic: Topic): string {
  return op.index ?? indexLine(topic.slug, topic.title, topic.description);
}

export interface Prune {
  /** Entries to take out of the index (their files stay). */
  remove: Set<string>;
  /** Active topics dropped for the caps: marked stale so the index and the files agree. */
  stale: Set<string>;
  reasons: string[];
}

/** Superseded and stale topics leave the index; over the caps, the least recently updated go. */
export function planPrune(indexText: string, topics: ReadonlyMap<string, Topic>): Prune {
  const remove = new Set<string>();
  const stale = new Set<string>();
  const reasons: string[] = [];
  for (const slug of indexedSlugs(indexText)) {
    const t = topics.get(slug);
    if (t && t.status !== 'active') {
      remove.add(slug);
      reasons.push(`${slug} is ${t.status}: out of the index (its file stays)`);
    }
  }
  const lines = parseIndex(indexText).filter((l) => !(l.slug && remove.has(l.slug)));
  let count = lines.length;
  let bytes = Buffer.byteLength(lines.map((l) => l.text).join('\n') + '\n');
  const candidates = lines
    .filter((l) => l.slug && topics.get(l.slug))
    .map((l) => topics.get(l.slug!)!)
    .sort((a, b) => ((a.updated ?? a.created) < (b.updated ?? b.created) ? -1 : (a.updated ?? a.created) > (b.updated ?? b.created) ? 1 : a.slug < b.slug ? -1 : 1));
  for (const t of candidates) {
    if (count <= INDEX_MAX_LINES && bytes <= INDEX_MAX_BYTES) break;
    const line = lines.find((l) => l.slug === t.slug)!;
    remove.add(t.slug);
    stale.add(t.slug);
    count--;
    bytes -= Buffer.byteLength(line.text + '\n');
    reasons.push(`${t.slug} is the least recently updated: out of the index to keep it within ${INDEX_MAX_LINES} lines and ${INDEX_MAX_BYTES / 1024} KB (marked stale, file kept)`);
  }
  return { remove, stale, reasons };
}

/** A dream may not shrink the index by more than a quarter of its entries in one go (a supersede replaces, it does not shrink). */
export function dropsTooMuch(before: string, after: string): string | undefined {
  const was = indexedSlugs(before);
  const now = indexedSlugs(after);
  const dropped = was.filter((s) => !now.includes(s));
  const net = was.length - now.length;
  if (was.length && net > was.length / 4) {
    return `it would take ${net} of ${was.length} entries out of memory/MEMORY.md (more than a quarter): ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ' …' : ''}`;
  }
  return undefined;
}

/** The tool the model answers through: its input is validated again by validateOps, whatever the schema says. */
export const PROPOSE_TOOL = {
  name: 'propose_operations',
  description:
    `Propose memory operations for the log entries given (an empty list when they hold nothing worth remembering). Each operation cites the entries it comes from in sources, as ${CITATION_FORMAT}: the strings in [brackets] before each entry, exactly as given. Never delete: supersede.`,
  input_schema: {
    type: 'object',
    properties: {
      operations: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            op: { type: 'string', enum: ['add', 'update', 'supersede', 'merge'] },
            slug: { type: 'string', description: 'the topic file name without .md (add, update, supersede: the new one)' },
            old: { type: 'string', description: 'supersede: the topic being replaced' },
            from: { type: 'string', description: 'merge: the topic folded into another' },
            into: { type: 'string', description: 'merge: the topic that stays' },
            title: { type: 'string' },
            type: { type: 'string', enum: [...MEMORY_TYPES] },
            description: { type: 'string', description: 'at most 150 characters' },
            body: { type: 'string', description: 'the memory itself, markdown' },
            index: { type: 'string', description: 'optional: the MEMORY.md line, "- [Title](slug.md) — hook", at most 150 characters' },
            sources: { type: 'array', items: { type: 'string' } },
          },
          required: ['op', 'sources'],
        },
      },
    },
    required: ['operations'],
  },
};
