// Supersede chains drawn as a plain SVG graph: each memory that supersedes or is superseded is a box,
// an arrow runs from the old memory to the one that replaced it. Chains are laid out one per row,
// older to the left (its depth in the chain). Pure: topics in, SVG text out (every label escaped).
import { escapeHtml } from './html.js';

export interface GraphTopic {
  slug: string;
  title: string;
  status: string;
  supersedes: readonly string[];
  superseded_by?: string;
}

export interface Edge {
  from: string;
  to: string;
}

/** Old → new edges, from both sides of the link (either file may hold it), each once. */
export function supersedeEdges(topics: readonly GraphTopic[]): Edge[] {
  const seen = new Set<string>();
  const edges: Edge[] = [];
  const addEdge = (from: string, to: string) => {
    const key = `${from}\u0000${to}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to });
  };
  for (const t of topics) {
    for (const old of t.supersedes) addEdge(old, t.slug);
    if (t.superseded_by) addEdge(t.slug, t.superseded_by);
  }
  return edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

const BOX_W = 200;
const BOX_H = 34;
const GAP_X = 60;
const GAP_Y = 24;

export function supersedeSvg(topics: readonly GraphTopic[]): string | undefined {
  const edges = supersedeEdges(topics);
  if (!edges.length) return undefined;
  const bySlug = new Map(topics.map((t) => [t.slug, t]));
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  // Components (chains), each on its own rows; depth = the longest path of supersedes leading in.
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (n: string): string => (parent.get(n) === n ? n : find(parent.get(n)!));
  for (const e of edges) parent.set(find(e.from), find(e.to));
  const depth = new Map<string, number>(nodes.map((n) => [n, 0]));
  // Bellman-style relaxation, bounded by the node count so a cycle (a hand-edit mistake) cannot loop.
  for (let i = 0; i < nodes.length; i++) for (const e of edges) if (depth.get(e.to)! < depth.get(e.from)! + 1 && depth.get(e.from)! < nodes.length) depth.set(e.to, depth.get(e.from)! + 1);
  const components = [...new Set(nodes.map(find))].sort();
  const pos = new Map<string, { x: number; y: number }>();
  let row = 0;
  for (const c of components) {
    const members = nodes.filter((n) => find(n) === c);
    const perDepth = new Map<number, number>();
    let rows = 1;
    for (const n of members) {
      const d = depth.get(n)!;
      const k = perDepth.get(d) ?? 0;
      perDepth.set(d, k + 1);
      rows = Math.max(rows, k + 1);
      pos.set(n, { x: 10 + d * (BOX_W + GAP_X), y: 10 + (row + k) * (BOX_H + GAP_Y) });
    }
    row += rows;
  }
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + BOX_W + 10;
  const height = row * (BOX_H + GAP_Y) + 10;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="supersede-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Supersede chains">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>');
  for (const e of edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    parts.push(`<line class="edge" data-from="${escapeHtml(e.from)}" data-to="${escapeHtml(e.to)}" x1="${a.x + BOX_W}" y1="${a.y + BOX_H / 2}" x2="${b.x}" y2="${b.y + BOX_H / 2}" stroke="#555" marker-end="url(#arrow)"/>`);
  }
  for (const n of nodes) {
    const p = pos.get(n)!;
    const t = bySlug.get(n);
    const label = t?.title ?? n;
    const cls = t ? (t.status === 'superseded' ? 'node superseded' : 'node') : 'node missing';
    const shown = [...label].length > 28 ? [...label].slice(0, 27).join('') + '…' : label;
    parts.push(`<a href="#m-${escapeHtml(n)}"><g class="${cls}" data-slug="${escapeHtml(n)}"><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6"/><text x="${p.x + 8}" y="${p.y + 21}">${escapeHtml(shown)}</text><title>${escapeHtml(n)}${t ? '' : ' (no such file)'}</title></g></a>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
