// The weekly self-review: the week's facts (spend, failures, slow agents, routing misses), counted
// from run records, items and approvals; a model's short reading of them; at most three proposals
// for the owner, who decides. Pure: the flow reads the files and makes the one model call.
import { addDays } from '../docs/time.js';
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';
import { MISSES, summarizeRoutes, type RouteRow, type RouteSummary } from './routeverdict.js';
import type { Usage } from './transcript.js';

export const MAX_PROPOSALS = 3;

/** The ISO week of a date (YYYY-MM-DD): its name (2026-W49) and its Monday and Sunday. */
export function isoWeek(date: string): { week: string; from: string; to: string } {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const from = addDays(date, -weekday);
  const thursday = new Date(`${addDays(from, 3)}T00:00:00Z`);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1Monday = Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * 86400_000;
  const n = Math.floor((Date.parse(`${from}T00:00:00Z`) - week1Monday) / (7 * 86400_000)) + 1;
  return { week: `${year}-W${String(n).padStart(2, '0')}`, from, to: addDays(from, 6) };
}

/** "2026-W49" → its Monday and Sunday, or undefined when it is not a week name. */
export function parseWeek(name: string): { week: string; from: string; to: string } | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(name);
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * 86400_000 + (n - 1) * 7 * 86400_000);
  const from = monday.toISOString().slice(0, 10);
  const w = isoWeek(from);
  return w.week === name ? w : undefined;
}

export interface WeekRun {
  run: string;
  agent: string;
  item?: string;
  outcome: string;
  /** Local date the run started (YYYY-MM-DD). */
  date: string;
  seconds: number | null;
  usage: Usage;
  cost_usd?: number;
  error?: string;
}

export interface AgentWeek {
  agent: string;
  runs: number;
  failed: number;
  tokens: number;
  usd: number;
  median_seconds: number | null;
}

export interface WeekFacts {
  week: string;
  from: string;
  to: string;
  totals: { runs: number; failed: number; tokens: number; usd: number };
  agents: AgentWeek[];
  failures: { run: string; agent: string; item: string | null; error: string }[];
  /** The agents whose runs took longest (median), at least two runs each, slowest first. */
  slow: { agent: string; median_seconds: number; runs: number }[];
  routes: RouteSummary[];
  misses: RouteRow[];
  approvals: { asked: number; denied: number };
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const tokens = (u: Usage) => u.input + u.output + u.cache_read + u.cache_write;

/** The week's facts from its runs, the routing verdicts of items finished in it, and its approvals. */
export function weekFacts(week: { week: string; from: string; to: string }, runs: readonly WeekRun[], routes: readonly RouteRow[], approvals: { asked: number; denied: number }): WeekFacts {
  const inWeek = runs.filter((r) => r.date >= week.from && r.date <= week.to);
  const agents = new Map<string, { runs: WeekRun[] }>();
  for (const r of inWeek) (agents.get(r.agent) ?? agents.set(r.agent, { runs: [] }).get(r.agent)!).runs.push(r);
  const perAgent: AgentWeek[] = [...agents.entries()]
    .map(([agent, { runs: rs }]) => ({
      agent,
      runs: rs.length,
      failed: rs.filter((r) => r.outcome === 'failed').length,
      tokens: rs.reduce((s, r) => s + tokens(r.usage), 0),
      usd: rs.reduce((s, r) => s + (r.cost_usd ?? 0), 0),
      median_seconds: median(rs.flatMap((r) => (r.seconds === null ? [] : [r.seconds]))),
    }))
    .sort((a, b) => b.usd - a.usd || b.tokens - a.tokens || a.agent.localeCompare(b.agent));
  return {
    ...week,
    totals: {
      runs: inWeek.length,
      failed: inWeek.filter((r) => r.outcome === 'failed').length,
      tokens: perAgent.reduce((s, a) => s + a.tokens, 0),
      usd: perAgent.reduce((s, a) => s + a.usd, 0),
    },
    agents: perAgent,
    failures: inWeek.filter((r) => r.outcome === 'failed').slice(0, 10).map((r) => ({ run: r.run, agent: r.agent, item: r.item ?? null, error: (r.error ?? '').split('\n')[0]!.slice(0, 200) })),
    slow: perAgent
      .filter((a) => a.runs >= 2 && a.median_seconds !== null)
      .map((a) => ({ agent: a.agent, median_seconds: a.median_seconds!, runs: a.runs }))
      .sort((a, b) => b.median_seconds - a.median_seconds || a.agent.localeCompare(b.agent))
      .slice(0, 3),
    routes: summarizeRoutes(routes),
    misses: routes.filter((r) => MISSES.includes(r.verdict)).slice(0, 10),
    approvals,
  };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The facts as markdown: what the review file holds whatever the model says, and what the model reads. */
export function factsMarkdown(f: WeekFacts): string {
  const out: string[] = [];
  out.push(`${f.totals.runs} runs, ${f.totals.failed} failed, ${f.totals.tokens.toLocaleString('en-US')} tokens, ${usd(f.totals.usd)}; approvals asked ${f.approvals.asked}, denied ${f.approvals.denied}.`);
  if (f.agents.length) {
    out.push('', '| agent | runs | failed | tokens | USD | median run |', '|---|---|---|---|---|---|');
    for (const a of f.agents) out.push(`| ${a.agent} | ${a.runs} | ${a.failed} | ${a.tokens.toLocaleString('en-US')} | ${usd(a.usd)} | ${a.median_seconds === null ? '-' : `${Math.round(a.median_seconds)} s`} |`);
  }
  if (f.failures.length) {
    out.push('', 'Failures:');
    for (const x of f.failures) out.push(`- ${x.run} (${x.agent}${x.item ? `, item ${x.item}` : ''}): ${x.error || 'no reason recorded'}`);
  }
  if (f.slow.length) out.push('', `Slowest agents (median run): ${f.slow.map((s) => `${s.agent} ${Math.round(s.median_seconds)} s over ${s.runs} runs`).join('; ')}.`);
  if (f.routes.length) {
    out.push('', '| agent | items | ok | handed on | failed | denied | re-addressed | miss rate |', '|---|---|---|---|---|---|---|---|');
    for (const r of f.routes) out.push(`| ${r.agent} | ${r.items} | ${r.ok} | ${r.handed_on} | ${r.failed} | ${r.denied} | ${r.readdressed} | ${Math.round(r.miss_rate * 100)}% |`);
  }
  if (f.misses.length) {
    out.push('', 'Routing misses:');
    for (const m of f.misses) out.push(`- ${m.item} (${m.agent}): ${m.verdict}, ${m.why}`);
  }
  return out.join('\n');
}

export function reviewPrompt(f: WeekFacts): string {
  return [
    `The facts of the owner's aos home for the week ${f.week} (${f.from} to ${f.to}), counted from its files:`,
    '',
    factsMarkdown(f),
    '',
    'Write a short review of this week for the owner, at most 200 words: what cost the most, what failed and why, which agents were slow, where work reached the wrong agent. Say only what the facts support.',
    `Then give at most ${MAX_PROPOSALS} proposals the owner could apply (an instruction to change, a budget, a routing hint), each on its own line starting with "PROPOSAL: ". Nothing is applied unless the owner chooses to.`,
  ].join('\n');
}

/** The model's answer split into the review text and at most three proposals. */
export function splitProposals(text: string): { review: string; proposals: string[] } {
  const proposals: string[] = [];
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:[-*]\s*|\d+[.)]\s*)?\**PROPOSAL:?\**:?\s*(.+)$/i.exec(line);
    if (m) {
      if (proposals.length < MAX_PROPOSALS && m[1]!.trim()) proposals.push(m[1]!.trim().slice(0, 300));
    } else kept.push(line);
  }
  return { review: kept.join('\n').trim(), proposals };
}

/** memory/reviews/<week>.md: the facts, the review, the proposals filed as items. */
export function reviewDocument(f: WeekFacts, r: { writer?: string; review?: string; proposals: { id: string; text: string }[]; fallback?: string }): string {
  const front = frontMatterText({
    week: f.week,
    from: f.from,
    to: f.to,
    written_by: r.writer ?? 'aos',
    proposals: r.proposals.length ? r.proposals.map((p) => p.id) : undefined,
  });
  const body = [
    `# The week ${f.week} (${f.from} to ${f.to})`,
    '',
    '## Facts',
    '',
    factsMarkdown(f),
    '',
    '## Review',
    '',
    r.review?.trim() || `(No model wrote a review${r.fallback ? `: ${r.fallback}` : ''}; the facts above are the whole of it.)`,
  ];
  if (r.proposals.length) {
    body.push('', '## Proposals', '', 'Filed as inbox items with `status: proposed`: nothing runs them until you set `status: new` (or delete the file).', '');
    for (const p of r.proposals) body.push(`- ${p.id}: ${p.text}`);
  }
  return renderDocument(front, `${body.join('\n')}\n`);
}
