// A piece of work's whole story: the item the owner (or a schedule) filed, every item runs created
// from it (delegations, messages, spawned work), and every run of each, with agent, brain, outcome,
// tokens and time. Pure: the caller reads items and run records and passes them in.
import type { Usage } from './transcript.js';

/** The item that began an item's work: its `trace:`, else its delegation root, else itself. */
export function traceOf(item: { id: string; front: { trace?: string; root?: string } }): string {
  return item.front.trace ?? item.front.root ?? item.id;
}

export interface TraceItem {
  id: string;
  file: string;
  parent?: string;
  trace?: string;
  root?: string;
  kind: string;
  from: string;
  to?: string;
  handled_by?: string;
  status: string;
  subject: string;
  created?: string;
  finished?: string;
}

export interface TraceRun {
  run: string;
  item: string;
  agent: string;
  provider: string;
  model: string;
  outcome: string;
  started: string;
  ended?: string;
  usage: Usage;
  cost_usd?: number;
}

export interface TraceNode {
  item: TraceItem;
  runs: (TraceRun & { seconds: number | null; tokens: number })[];
  children: TraceNode[];
}

export interface Trace {
  root: TraceNode;
  items: number;
  runs: number;
  tokens: number;
  cost_usd: number;
  /** Wall time of all runs added up (not the elapsed time of the work). */
  run_seconds: number;
  /** Items that name a parent the trace does not hold (a deleted file): shown under the root. */
  orphans: string[];
}

export function tokensOf(u: Usage): number {
  return u.input + u.output + u.cache_read + u.cache_write;
}

function seconds(r: TraceRun): number | null {
  if (!r.ended) return null;
  const s = (Date.parse(r.ended) - Date.parse(r.started)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : null;
}

/** The id whose trace to show for `wanted`: the trace the wanted item belongs to. */
export function traceRootFor(wanted: TraceItem): string {
  return wanted.trace ?? wanted.root ?? wanted.id;
}

/**
 * The tree of a trace: every item whose trace (or delegation root) is `rootId`, or whose parent chain
 * leads to it, linked by `parent`; runs attached to their item, oldest first. Undefined when the
 * root item itself is unknown.
 */
export function buildTrace(rootId: string, items: readonly TraceItem[], runs: readonly TraceRun[], commitOrder?: ReadonlyMap<string, number>): Trace | undefined {
  const byId = new Map(items.map((i) => [i.id, i]));
  const rootItem = byId.get(rootId);
  if (!rootItem) return undefined;
  // Members: tagged with the trace, or descended from a member by parent links (items older than
  // the trace field carry only `parent`).
  const members = new Set<string>([rootId]);
  for (const i of items) if (i.trace === rootId || i.root === rootId) members.add(i.id);
  for (let grew = true; grew; ) {
    grew = false;
    for (const i of items) {
      if (!members.has(i.id) && i.parent && members.has(i.parent)) {
        members.add(i.id);
        grew = true;
      }
    }
  }
  const runsOf = new Map<string, TraceNode['runs']>();
  // Start times have whole seconds; within one, the order the runs' commits were made in decides.
  const seq = (r: TraceRun) => commitOrder?.get(r.run) ?? Number.MAX_SAFE_INTEGER;
  for (const r of [...runs].sort((a, b) => a.started.localeCompare(b.started) || seq(a) - seq(b) || a.run.localeCompare(b.run))) {
    if (!members.has(r.item)) continue;
    const list = runsOf.get(r.item) ?? [];
    list.push({ ...r, seconds: seconds(r), tokens: tokensOf(r.usage) });
    runsOf.set(r.item, list);
  }
  const nodes = new Map<string, TraceNode>();
  for (const id of members) nodes.set(id, { item: byId.get(id)!, runs: runsOf.get(id) ?? [], children: [] });
  const orphans: string[] = [];
  const order = [...members].sort((a, b) => (byId.get(a)!.created ?? a).localeCompare(byId.get(b)!.created ?? b) || a.localeCompare(b));
  for (const id of order) {
    if (id === rootId) continue;
    const parent = byId.get(id)!.parent;
    const host = parent && nodes.has(parent) && parent !== id ? nodes.get(parent)! : undefined;
    if (!host) orphans.push(id);
    (host ?? nodes.get(rootId)!).children.push(nodes.get(id)!);
  }
  const allRuns = [...nodes.values()].flatMap((n) => n.runs);
  return {
    root: nodes.get(rootId)!,
    items: nodes.size,
    runs: allRuns.length,
    tokens: allRuns.reduce((s, r) => s + r.tokens, 0),
    cost_usd: allRuns.reduce((s, r) => s + (r.cost_usd ?? 0), 0),
    run_seconds: allRuns.reduce((s, r) => s + (r.seconds ?? 0), 0),
    orphans,
  };
}

function duration(s: number | null): string {
  if (s === null) return 'running';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatTokens(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatUsd(n: number | undefined): string {
  return n === undefined ? '$?' : `$${n.toFixed(4)}`;
}

/** One line per item and run, drawn as a tree. */
export function formatTrace(t: Trace): string[] {
  const lines: string[] = [];
  const itemLine = (i: TraceItem) =>
    `${i.id}  ${i.kind}  ${i.from} → ${i.handled_by ?? i.to ?? '(default)'}  ${i.status}  "${i.subject.length > 60 ? `${i.subject.slice(0, 59)}…` : i.subject}"`;
  const runLine = (r: TraceNode['runs'][number]) =>
    `run ${r.run}  ${r.agent} · ${r.provider} ${r.model} · ${r.outcome} · ${formatTokens(r.tokens)} tokens · ${formatUsd(r.cost_usd)} · ${duration(r.seconds)}`;
  const walk = (n: TraceNode, prefix: string, last: boolean, top: boolean) => {
    lines.push(top ? itemLine(n.item) : `${prefix}${last ? '└─ ' : '├─ '}${itemLine(n.item)}`);
    const inner = top ? '' : `${prefix}${last ? '   ' : '│  '}`;
    const parts: ({ run: TraceNode['runs'][number] } | { node: TraceNode })[] = [...n.runs.map((run) => ({ run })), ...n.children.map((node) => ({ node }))];
    parts.forEach((p, k) => {
      const end = k === parts.length - 1;
      if ('run' in p) lines.push(`${inner}${end ? '└─ ' : '├─ '}${runLine(p.run)}`);
      else walk(p.node, inner, end, false);
    });
  };
  walk(t.root, '', true, true);
  lines.push(
    `${t.items} item${t.items === 1 ? '' : 's'}, ${t.runs} run${t.runs === 1 ? '' : 's'}, ${formatTokens(t.tokens)} tokens, ${formatUsd(t.cost_usd)}, ${duration(t.run_seconds)} of runs`,
  );
  return lines;
}
