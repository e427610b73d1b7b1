// Which agent handles an item, and in what order the tick takes work. Pure.
import type { InboxFront, PRIORITIES } from '../docs/schemas.js';

export interface RosterEntry {
  id: string;
  handles: readonly string[];
  status: 'active' | 'paused' | 'retired';
  /** Why the agent cannot run (a bad capability), if it cannot. */
  disabled?: string;
}

export type Route = { agent: string; via: 'to' | 'handles' | 'default'; hint?: string } | { wait: string };

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** A letter or a digit in any script: what a whole word may not touch on either side. */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** Glob hints compiled once per process: a tick routes every waiting item through every hint. */
const globs = new Map<string, RegExp>();

/** The code point that ends just before index i of s (a surrogate pair is one), or '' at the start. */
function codePointBefore(s: string, i: number): string {
  if (i <= 0) return '';
  const lo = s.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = s.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1]!;
}

/**
 * A routing hint matches a subject: "find *" matches a subject starting with "find ", a bare word
 * matches a whole word. The whole-word test looks at the code points around each occurrence instead
 * of building a \p{L}/\p{N} regular expression per hint: V8 compiles each such expression afresh
 * (their Unicode tables), which cost ~2 ms a hint and made routing most of a waiting tick (issue 24).
 */
export function hintMatches(hint: string, subject: string): boolean {
  const h = hint.trim().toLowerCase();
  const s = subject.trim().toLowerCase();
  if (!h) return false;
  if (h.includes('*')) {
    let re = globs.get(h);
    if (!re) globs.set(h, (re = new RegExp('^' + h.split('*').map(escape).join('.*') + '$', 's')));
    return re.test(s);
  }
  for (let at = s.indexOf(h); at >= 0; at = s.indexOf(h, at + 1)) {
    const end = at + h.length;
    const after = end < s.length ? String.fromCodePoint(s.codePointAt(end)!) : '';
    if (!WORD_CHAR.test(codePointBefore(s, at)) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}

function usable(a: RosterEntry | undefined): string | undefined {
  if (!a) return 'does not exist';
  if (a.disabled) return `is disabled: ${a.disabled}`;
  if (a.status !== 'active') return `is ${a.status}`;
  return undefined;
}

/** The item's `to:`, else the most specific routing hint (the longest), else the default agent. */
export function route(item: { to?: string; subject: string }, roster: readonly RosterEntry[], defaultAgent: string): Route {
  const byId = new Map(roster.map((a) => [a.id, a]));
  if (item.to) {
    const why = usable(byId.get(item.to));
    return why ? { wait: `it is addressed to ${item.to}, which ${why}` } : { agent: item.to, via: 'to' };
  }
  let best: { agent: string; hint: string } | undefined;
  for (const a of roster) {
    if (usable(a)) continue;
    for (const hint of a.handles) {
      if (hintMatches(hint, item.subject) && (!best || hint.length > best.hint.length)) best = { agent: a.id, hint };
    }
  }
  if (best) return { agent: best.agent, via: 'handles', hint: best.hint };
  const why = usable(byId.get(defaultAgent));
  return why ? { wait: `no routing hint matches and the default agent ${defaultAgent} ${why}` } : { agent: defaultAgent, via: 'default' };
}

const PRIORITY_RANK: Record<(typeof PRIORITIES)[number], number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The tick's order: the owner's items, then work between agents, then schedules; by priority, then age. */
export function workGroup(front: Pick<InboxFront, 'from' | 'kind'>, resuming: boolean): number {
  if (resuming) return 1;
  if (front.kind === 'schedule') return 2;
  if (front.kind === 'drill') return 3;
  return !front.from || front.from === 'owner' ? 0 : 1;
}

/** An item's due time as epoch ms; none (or unreadable) sorts after every due one. */
function dueMs(front: { due?: string }): number {
  const t = front.due ? Date.parse(front.due) : NaN;
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

export function workOrder<T extends { id: string; front: Pick<InboxFront, 'from' | 'kind' | 'priority' | 'created'> & { due?: string }; resuming: boolean }>(items: readonly T[]): T[] {
  const key = (i: T) => [workGroup(i.front, i.resuming), PRIORITY_RANK[i.front.priority ?? 'normal']] as const;
  return [...items].sort((a, b) => {
    const [ga, pa] = key(a);
    const [gb, pb] = key(b);
    if (ga !== gb) return ga - gb;
    if (pa !== pb) return pa - pb;
    // Issue 20: within one priority, the work due soonest first (then the oldest, by id).
    const da = dueMs(a.front);
    const db = dueMs(b.front);
    if (da !== db) return da < db ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
