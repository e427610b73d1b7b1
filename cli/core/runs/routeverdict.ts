// Was an item sent to the right agent? A verdict per handled item from evidence already in the home,
// never from a model's opinion: it failed, the owner denied what its run asked, the owner filed the
// same thing again for another agent (re-addressed), or its handler handed the work on. Pure.

export type RouteVerdict = 'ok' | 'handed-on' | 'failed' | 'denied' | 'readdressed';

/** The verdicts that say the routing (or the agent it chose) missed. Handing work on is a router's job. */
export const MISSES: readonly RouteVerdict[] = ['failed', 'denied', 'readdressed'];

/** How long after an item the owner's new item for the same subject counts as re-addressing it. */
export const READDRESS_DAYS = 7;

export interface RouteItem {
  id: string;
  subject: string;
  from: string;
  to?: string;
  handled_by?: string;
  status: string;
  created?: string;
  finished?: string;
  children: string[];
}

export interface RouteRow {
  item: string;
  agent: string;
  verdict: RouteVerdict;
  why: string;
}

function sameSubject(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return norm(a) === norm(b) && norm(a).length > 0;
}

/**
 * One verdict per handled item (done or failed, with a handler), the strongest evidence first:
 * failed, then denied, then re-addressed, then handed on.
 */
export function routeVerdicts(items: readonly RouteItem[], deniedItems: ReadonlySet<string>): RouteRow[] {
  const ownerItems = items.filter((i) => i.from === 'owner' && i.created);
  const rows: RouteRow[] = [];
  for (const i of items) {
    if (!i.handled_by || (i.status !== 'done' && i.status !== 'failed')) continue;
    const agent = i.handled_by;
    if (i.status === 'failed') {
      rows.push({ item: i.id, agent, verdict: 'failed', why: 'the item failed' });
      continue;
    }
    if (deniedItems.has(i.id)) {
      rows.push({ item: i.id, agent, verdict: 'denied', why: "the owner denied an action its run asked for" });
      continue;
    }
    const created = i.created ? Date.parse(i.created) : NaN;
    const again = i.from === 'owner' && Number.isFinite(created)
      ? ownerItems.find((o) => {
          if (o.id === i.id || !o.to || o.to === agent || !sameSubject(o.subject, i.subject)) return false;
          const at = Date.parse(o.created!);
          // Filed after it (ids are time-ordered, so they break a tie of the same second).
          const later = at > created || (at === created && o.id > i.id);
          return later && at - created <= READDRESS_DAYS * 86400_000;
        })
      : undefined;
    if (again) {
      rows.push({ item: i.id, agent, verdict: 'readdressed', why: `the owner filed it again for ${again.to} (${again.id})` });
      continue;
    }
    if (i.children.length) {
      rows.push({ item: i.id, agent, verdict: 'handed-on', why: `delegated ${i.children.length} item${i.children.length === 1 ? '' : 's'}` });
      continue;
    }
    rows.push({ item: i.id, agent, verdict: 'ok', why: 'done by the agent it reached' });
  }
  return rows;
}

export interface RouteSummary {
  agent: string;
  items: number;
  ok: number;
  handed_on: number;
  failed: number;
  denied: number;
  readdressed: number;
  /** Share of items whose verdict is a miss, 0..1. */
  miss_rate: number;
}

export function summarizeRoutes(rows: readonly RouteRow[]): RouteSummary[] {
  const by = new Map<string, RouteSummary>();
  for (const r of rows) {
    const s = by.get(r.agent) ?? { agent: r.agent, items: 0, ok: 0, handed_on: 0, failed: 0, denied: 0, readdressed: 0, miss_rate: 0 };
    s.items++;
    if (r.verdict === 'handed-on') s.handed_on++;
    else s[r.verdict]++;
    by.set(r.agent, s);
  }
  return [...by.values()]
    .map((s) => ({ ...s, miss_rate: s.items ? (s.failed + s.denied + s.readdressed) / s.items : 0 }))
    .sort((a, b) => a.agent.localeCompare(b.agent));
}
