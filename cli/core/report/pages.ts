// The report's pages: plain HTML built from the home's data, the same for `aos report` (files) and
// `aos serve` (live, with approve/deny buttons). Pure: a ReportData in, file name → text out.
// Markdown from the home goes through renderMarkdown (sanitized); every other value is escaped.
import type { AgentFront, GoalFront, MemoryFront } from '../docs/schemas.js';
import type { RecordEntry, RunFront, CapUse } from '../runs/runrecord.js';
import { parseCapability } from '../agents/capabilities.js';
import type { PolicyRule } from '../agents/policy.js';
import { summarize, paceText, bar, type HistoryEntry } from '../goals/goals.js';
import type { IndexLine } from '../memory/memindex.js';
import { RUN_HEADER, runCells, runLine, tokensOf, usdText, usageCells, usageHeader, budgetText } from './format.js';
import { sumUsage, spendOn, type Spend } from './usage.js';
import { daysFrom, goalChart, spendChart, timelineChart, type ChartSpec } from './charts.js';
import { supersedeSvg } from './graph.js';
import { canvas, escapeHtml, frame, htmlTable } from './html.js';
import { renderMarkdown } from './markdown.js';
import { usd as ledgerUsd, type LedgerRow } from '../economy/ledger.js';
import { STAGES, type MissionFront } from '../missions/mission.js';

export interface ReportRun {
  file: string;
  front: RunFront;
  entries: RecordEntry[];
  final?: string;
}

/** The fields of `aos status --json` the overview shows (the rest of that view is kept as it is). */
export interface StatusView {
  owner: string;
  model: string;
  inbox: { pending: number; new: number; waiting: number; running: number; held: number; failed: number; done: number };
  approvals: number;
  last_tick: string | null;
  last_tick_outcome: string | null;
  heartbeat_warning: string | null;
  last_dream: string | null;
  invalid_files: string[];
  flagged: { item: string; when: string; what: string }[];
  [k: string]: unknown;
}

export interface ReportData {
  /** When it was built, as the owner's local ISO time. */
  generated: string;
  today: string;
  home: string;
  status: StatusView;
  agents: { id: string; front: AgentFront }[];
  policy: PolicyRule[];
  approvals: { id: string; agent: string; action: string; argument: string; file: string }[];
  runs: ReportRun[];
  spends: Spend[];
  goals: { name: string; front: GoalFront; history: HistoryEntry[]; start?: string }[];
  memories: { slug: string; front: MemoryFront; body: string }[];
  index: IndexLine[];
  /** Missions (missions/<id>/): each one's front matter and the contract files the page shows. */
  missions?: { front: MissionFront; progress: string; verification: string; arena?: string }[];
  /** The ledger's sums (aos ledger), when it holds any job. */
  ledger?: { rows: LedgerRow[]; months: Omit<LedgerRow, 'skill'>[] };
  problems: string[];
  /** Set by aos serve: buttons and live refresh. */
  live?: { token: string };
}

const MAX_RECORDS_SHOWN = 200;

function section(title: string, body: string, id?: string): string {
  return `<section${id ? ` id="${escapeHtml(id)}"` : ''}><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

function pre(text: string, cls = ''): string {
  return `<pre${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</pre>`;
}

// ---------------------------------------------------------------------------------------------

function overview(d: ReportData): { main: string; charts: ChartSpec[] } {
  const s = d.status;
  const spent = spendOn(d.spends, d.today);
  const agents = htmlTable(
    ['AGENT', 'STATUS', 'ROLE', 'TOKENS TODAY', 'USD TODAY'],
    d.agents.map((a) => {
      const t = spent.get(a.id) ?? { tokens: 0, usd: 0 };
      return [a.id, a.front.status, a.front.role, budgetText(t.tokens, a.front.budget.tokens_per_day, 'tokens'), budgetText(t.usd, a.front.budget.usd_per_day, 'usd')];
    }),
    { id: 'agents' },
  );
  const i = s.inbox;
  const inbox = `<p id="inbox-counts">${i.pending} pending (${i.new} new, ${i.waiting} waiting, ${i.running} running, ${i.failed} failed${i.held ? `, ${i.held} answered but not yet written` : ''}), ${i.done} done</p>`;
  const approvals = d.approvals.length
    ? `<ul id="approvals">${d.approvals
        .map(
          (a) =>
            `<li data-approval="${escapeHtml(a.id)}"><code>${escapeHtml(a.id)}</code> ${escapeHtml(a.agent)} asks to <strong>${escapeHtml(a.action)}</strong> <code>${escapeHtml(a.argument)}</code> ` +
            (d.live
              ? `<button type="button" class="answer" data-answer="approve" data-id="${escapeHtml(a.id)}">Approve</button> <button type="button" class="answer" data-answer="deny" data-id="${escapeHtml(a.id)}">Deny</button> <span class="answer-result"></span>`
              : `<span class="hint">aos approve ${escapeHtml(a.id)} · aos deny ${escapeHtml(a.id)}</span>`) +
            `</li>`,
        )
        .join('\n')}</ul>`
    : '<p id="approvals">No approvals waiting.</p>';
  const problems = [
    ...(s.heartbeat_warning ? [s.heartbeat_warning] : []),
    ...s.invalid_files.map((f) => `${f} is invalid (aos doctor says why)`),
    ...s.flagged.map((f) => `flagged ${f.item} (${f.when}): ${f.what}`),
    ...d.problems,
  ];
  const goals = d.goals.map((g) => summarize(g.name, g.front, g.start, d.today));
  const main = [
    `<p>Home <code>${escapeHtml(d.home)}</code> — owner ${escapeHtml(s.owner)}, model ${escapeHtml(s.model)}</p>`,
    section('Agents', agents),
    section('Inbox', inbox),
    section(`Approvals waiting (${d.approvals.length})`, approvals),
    section('Heartbeat', `<p>Last tick: ${escapeHtml(s.last_tick ?? 'never')}${s.last_tick_outcome ? ` (${escapeHtml(s.last_tick_outcome)})` : ''} · last dream: ${escapeHtml(s.last_dream ?? 'never')}</p>`),
    goals.length ? section('Goals', htmlTable(['GOAL', 'PROGRESS', 'DEADLINE', 'STATUS', 'PACE'], goals.map((g) => [g.goal, g.progress === null ? '-' : `${bar(g.progress)} gap ${Math.round(g.gap! * 100)}%`, g.deadline ?? '', g.status, paceText(g.pace)]))) : '',
    section(`Problems (${problems.length})`, problems.length ? `<ul id="problems">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : '<p id="problems">None.</p>'),
  ].join('\n');
  return { main, charts: [] };
}

// ---------------------------------------------------------------------------------------------

function rowOf(r: ReportRun) {
  return { run: r.front.run, agent: r.front.agent, outcome: r.front.outcome, turns: r.entries.filter((e) => e.type === 'model').length, usage: r.front.usage, cost_usd: r.front.cost_usd ?? null, item: r.front.item ?? null };
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return String(value);
  }
}

/** A run record, readable: the task, each model turn's text (markdown), tool calls and results folded. */
export function recordHtml(r: ReportRun): string {
  const f = r.front;
  const facts = [
    ['agent', f.agent],
    ['item', f.item ?? '-'],
    ['trigger', f.trigger],
    ['model', `${f.provider} ${f.model}`],
    ['started', f.started],
    ['ended', f.ended ?? '-'],
    ['outcome', f.outcome],
    ['tokens', `${tokensOf(f.usage)} (in ${f.usage.input}, out ${f.usage.output}, cache read ${f.usage.cache_read}, cache write ${f.usage.cache_write})`],
    ['USD', usdText(f.cost_usd)],
    ...(f.error ? [['error', f.error]] : []),
    ['file', r.file],
  ];
  const parts: string[] = [`<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k!)}</dt><dd>${escapeHtml(v!)}</dd>`).join('')}</dl>`];
  for (const e of r.entries) {
    if (e.type === 'model') {
      parts.push(`<h4>${e.turn} · model <span class="hint">stop ${escapeHtml(e.stop)} · in ${e.usage.input} · out ${e.usage.output}</span></h4>`);
      for (const b of e.content) {
        if (b.type === 'text') parts.push(`<div class="md">${renderMarkdown(b.text)}</div>`);
        else parts.push(`<details class="call"><summary>call <code>${escapeHtml(b.name)}</code></summary>${pre(json(b.input))}</details>`);
      }
    } else if (typeof e.content === 'string') {
      parts.push(`<h4>${e.turn} · ${e.turn === 1 ? 'task' : 'user'}</h4>${pre(e.content)}`);
    } else {
      parts.push(`<h4>${e.turn} · results</h4>`);
      for (const b of e.content) {
        if (b.type === 'text') parts.push(pre(b.text));
        else parts.push(`<details class="result${b.is_error ? ' error' : ''}"><summary>result <code>${escapeHtml(e.toolNames?.[b.tool_use_id] ?? b.tool_use_id)}</code>${b.is_error ? ' · error' : ''}</summary>${pre(b.content)}</details>`);
      }
    }
  }
  if (r.final !== undefined) parts.push(`<h4>outcome</h4><div class="md">${renderMarkdown(r.final)}</div>`);
  return parts.join('\n');
}

function runsPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  const rows = d.runs.map(rowOf);
  const timeline = timelineChart(d.runs.map((r) => ({ agent: r.front.agent, started: r.front.started, outcome: r.front.outcome })));
  if (!rows.length) return { main: '<p>No runs yet.</p>', charts: [] };
  const shown = d.runs.slice(0, MAX_RECORDS_SHOWN);
  const table = htmlTable([...RUN_HEADER], rows.map(runCells), {
    id: 'runs-table',
    rowClass: (i) => `outcome-${rows[i]!.outcome}`,
    cellHtml: (i, j, text) => (j === 0 && i < shown.length ? `<a href="#run-${escapeHtml(text)}">${escapeHtml(text)}</a>` : undefined),
  });
  const records = shown.map((r) => `<details class="record" id="run-${escapeHtml(r.front.run)}"><summary><code>${escapeHtml(runLine(rowOf(r)))}</code></summary>\n${recordHtml(r)}\n</details>`).join('\n');
  const more = d.runs.length > shown.length ? `<p class="hint">The newest ${shown.length} of ${d.runs.length} records are shown; aos replay and the files in logs/runs/ hold the rest.</p>` : '';
  return { main: [canvas(timeline.id, timeline.title), section('Table', table), section('Records', records + more)].join('\n'), charts: [timeline] };
}

// ---------------------------------------------------------------------------------------------

function spendPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  if (!d.spends.length) return { main: '<p>No model spend yet.</p>', charts: [] };
  const firstDay = d.spends.map((s) => s.day).sort()[0]!;
  const days = daysFrom(firstDay < d.today ? firstDay : d.today, d.today);
  const usdBudgets = new Map(d.agents.filter((a) => a.front.budget.usd_per_day !== undefined).map((a) => [a.id, a.front.budget.usd_per_day!]));
  const tokenBudgets = new Map(d.agents.filter((a) => a.front.budget.tokens_per_day !== undefined).map((a) => [a.id, a.front.budget.tokens_per_day!]));
  const charts = [
    spendChart('spend-usd-agent', d.spends, days, 'agent', 'usd', usdBudgets),
    spendChart('spend-tokens-agent', d.spends, days, 'agent', 'tokens', tokenBudgets),
    spendChart('spend-usd-model', d.spends, days, 'model', 'usd'),
    spendChart('spend-tokens-model', d.spends, days, 'model', 'tokens'),
  ];
  const tables = (['agent', 'model', 'day'] as const).map((by) => {
    const { rows, total } = sumUsage(d.spends, by);
    return section(`By ${by}`, htmlTable(usageHeader(by), [...rows.map(usageCells), usageCells(total)], { id: `usage-${by}` }));
  });
  return { main: [`<div class="charts">${charts.map((c) => canvas(c.id, c.title)).join('\n')}</div>`, ...tables].join('\n'), charts };
}

// ---------------------------------------------------------------------------------------------

/** Missions: a table of all, then each one's stage ladder, progress, arena (when it had candidates) and verification. */
function missionsPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  if (!d.missions?.length) return { main: '<p>No missions yet (aos mission new "<goal>" --repo <path> --check "<command>").</p>', charts: [] };
  const all = htmlTable(
    ['MISSION', 'GOAL', 'STAGE', 'STATUS', 'ROUND', 'REPO', 'UPDATED'],
    d.missions.map(({ front: f }) => [f.id, f.goal, f.stage, f.status, `${f.round}/${f.repair_rounds}`, f.repo, f.updated ?? f.created ?? '']),
    { id: 'missions', rowClass: (i) => `mission-${d.missions![i]!.front.status}` },
  );
  const each = d.missions.map(({ front: f, progress, verification, arena }) => {
    const at = f.stage === 'done' ? STAGES.length : STAGES.indexOf(f.stage as (typeof STAGES)[number]);
    const ladder = `<ol class="ladder">${STAGES.map((s, i) => `<li class="${i < at ? 'done' : i === at ? `current ${escapeHtml(f.status)}` : 'todo'}">${escapeHtml(s)}</li>`).join('')}</ol>`;
    const parts = [ladder, `<div class="md">${renderMarkdown(progress)}</div>`];
    if (arena) parts.push(`<h3>Arena</h3><div class="md arena">${renderMarkdown(arena)}</div>`);
    if (verification.trim()) parts.push(`<details><summary>Verification</summary><div class="md">${renderMarkdown(verification)}</div></details>`);
    return section(`${f.id}: ${f.goal}`, parts.join('\n'), `mission-${f.id}`);
  });
  return { main: [section('All missions', all), ...each].join('\n'), charts: [] };
}

// ---------------------------------------------------------------------------------------------

/** What selling and buying over A2A earned and cost (aos ledger), per month, with a chart of both and the net. */
function ledgerPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  if (!d.ledger?.rows.length) return { main: '<p>No jobs in the ledger (ledger/YYYY/MM/): nothing sold or bought over A2A yet.</p>', charts: [] };
  const months = [...d.ledger.months].sort((a, b) => a.month.localeCompare(b.month));
  const dollars = (micros: number) => Math.round(micros) / 1e6;
  const chart: ChartSpec = {
    id: 'ledger-months',
    title: 'Earned, costs and net per month (USD)',
    type: 'bar',
    labels: months.map((m) => m.month),
    datasets: [
      { label: 'earned', data: months.map((m) => dollars(m.earned_micros)), stack: 'earned', color: 0 },
      { label: 'costs', data: months.map((m) => dollars(m.cost_micros)), stack: 'costs', color: 1 },
      { label: 'net', type: 'line', data: months.map((m) => dollars(m.net_micros)), color: 2 },
    ],
  };
  const table = htmlTable(
    ['MONTH', 'SKILL', 'JOBS', 'EARNED', 'COSTS', 'NET'],
    d.ledger.rows.map((r) => [r.month, r.skill, String(r.jobs), ledgerUsd(r.earned_micros), ledgerUsd(r.cost_micros), ledgerUsd(r.net_micros)]),
    { id: 'ledger' },
  );
  return { main: [`<div class="charts">${canvas(chart.id, chart.title)}</div>`, section('Per month and skill', table)].join('\n'), charts: [chart] };
}

// ---------------------------------------------------------------------------------------------

function goalsPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  if (!d.goals.length) return { main: '<p>No goals yet (aos goal new).</p>', charts: [] };
  const charts: ChartSpec[] = [];
  const parts: string[] = [];
  for (const g of d.goals) {
    const chart = goalChart(`goal-${g.name}`, g.front, g.history, g.start);
    charts.push(chart);
    const sum = summarize(g.name, g.front, g.start, d.today);
    const skills = htmlTable(
      ['SKILL', 'BASELINE', 'CURRENT', 'TARGET', 'CADENCE', 'LAST PRACTICED'],
      [...g.front.skills.map((s) => [s.id, String(s.baseline), String(s.current), String(s.target), s.cadence, s.last_practiced ?? '-']), ...(g.front.metric ? [['metric', String(g.front.metric.baseline), String(g.front.metric.current), String(g.front.metric.target), '', '']] : [])],
    );
    parts.push(
      section(
        `${g.front.title} (${g.name})`,
        `<p>${escapeHtml(`${g.front.status} · owner ${g.front.owner} · deadline ${g.front.deadline ?? 'none'} · ${sum.progress === null ? 'no measure yet' : `gap ${Math.round(sum.gap! * 100)}%`}${sum.pace ? ` · ${paceText(sum.pace)}` : ''}`)}</p>\n${canvas(chart.id, 'skills over time, target (dashed) and pace')}\n${skills}\n<p class="hint">${g.history.length} History line(s).</p>`,
        `goal-${g.name}`,
      ),
    );
  }
  return { main: parts.join('\n'), charts };
}

// ---------------------------------------------------------------------------------------------

function memoryPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  const slugs = new Set(d.memories.map((m) => m.slug));
  const index = d.index.filter((l) => l.slug);
  const indexHtml = index.length
    ? `<ul id="memory-index">${index.map((l) => `<li><a href="#m-${escapeHtml(l.slug!)}">${escapeHtml(l.title ?? l.slug!)}</a>${l.hook ? ` — ${escapeHtml(l.hook)}` : ''}${slugs.has(l.slug!) ? '' : ' <span class="warn">(no such file)</span>'}</li>`).join('\n')}</ul>`
    : '<p>The index (memory/MEMORY.md) lists no topic.</p>';
  const graph = supersedeSvg(d.memories.map((m) => ({ slug: m.slug, title: m.front.title, status: m.front.status, supersedes: m.front.supersedes, ...(m.front.superseded_by ? { superseded_by: m.front.superseded_by } : {}) })));
  const topics = d.memories
    .map((m) => {
      const f = m.front;
      const meta = [f.type, f.status, `created ${f.created}`, ...(f.updated ? [`updated ${f.updated}`] : []), ...(f.superseded_by ? [`superseded by ${f.superseded_by}`] : []), ...(f.supersedes.length ? [`supersedes ${f.supersedes.join(', ')}`] : []), ...(f.tags.length ? [`tags ${f.tags.join(', ')}`] : [])];
      return `<article class="topic${f.status === 'superseded' ? ' superseded' : ''}" id="m-${escapeHtml(m.slug)}" data-slug="${escapeHtml(m.slug)}"><h3>${escapeHtml(f.title)} <code class="hint">${escapeHtml(m.slug)}</code></h3><p class="hint">${escapeHtml(meta.join(' · '))}</p><p class="description">${escapeHtml(f.description)}</p><div class="md">${renderMarkdown(m.body)}</div></article>`;
    })
    .join('\n');
  const search = `<p><label>Search memory <input type="search" id="memory-search" placeholder="a word in a title or a memory" autocomplete="off"></label> <span id="memory-search-count"></span></p>`;
  const main = [search, section('Index', indexHtml), section('Supersede chains', graph ?? '<p>No memory supersedes another yet.</p>', 'supersede'), section(`Topics (${d.memories.length})`, `<div id="topics">${topics}</div>`)].join('\n');
  return { main, charts: [] };
}

// ---------------------------------------------------------------------------------------------

/** The static part of a glob or command pattern: what comes before its first wildcard. */
function stem(pattern: string): string {
  const i = pattern.search(/[*?[{]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}

/**
 * The policy rules that may apply to a grant: same kind, a shared verb, and resources whose
 * static parts overlap. An approximation for the page (the gate decides per action, `aos can`
 * answers exactly): it marks where asking or refusing can happen, never hides one.
 */
export function policyFor(grant: string, rules: readonly PolicyRule[]): PolicyRule[] {
  const parsed = parseCapability(grant);
  if (!('cap' in parsed)) return [];
  const cap = parsed.cap;
  return rules.filter((r) => {
    if (r.class === 'safe' || r.kind !== cap.kind) return false;
    if (r.verbs.length && !r.verbs.some((v) => cap.actions.includes(v) || cap.actions.includes('*'))) return false;
    return cap.resources.some((res) => {
      const a = stem(res);
      const b = stem(r.pattern);
      return a.startsWith(b) || b.startsWith(a);
    });
  });
}

function capabilitiesPage(d: ReportData): { main: string; charts: ChartSpec[] } {
  const grants = [...new Set(d.agents.flatMap((a) => a.front.capabilities))].sort();
  const header = ['GRANT', ...d.agents.map((a) => a.id), 'POLICY'];
  const rows = grants.map((g) => {
    const rules = policyFor(g, d.policy);
    const mark = rules.some((r) => r.class === 'never') ? 'never' : rules.length ? 'ask' : '';
    return { cells: [g, ...d.agents.map((a) => (a.front.capabilities.includes(g) ? (mark ? `✓ ${mark}` : '✓') : '')), rules.map((r) => `${r.class}: ${r.text}`).join('; ')], mark };
  });
  const matrix = htmlTable(
    header,
    rows.map((r) => r.cells),
    { id: 'cap-matrix', rowClass: (i) => (rows[i]!.mark ? `policy-${rows[i]!.mark}` : undefined) },
  );
  const policy = d.policy.length
    ? htmlTable(['CLASS', 'RULE'], d.policy.map((r) => [r.class, r.text]), { id: 'policy', rowClass: (i) => `policy-${d.policy[i]!.class}` })
    : '<p>No policy rules: granted actions run without asking.</p>';
  // aos audit's data: the capability uses each run record keeps.
  const uses: (CapUse & { run: string; agent: string })[] = d.runs.flatMap((r) => (r.front.uses ?? []).map((u) => ({ ...u, run: r.front.run, agent: r.front.agent })));
  const audit = uses.length
    ? htmlTable(['TIME', 'AGENT', 'RUN', 'TOOL', 'ARGUMENT', 'VERDICT', 'RULE'], uses.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 500).map((u) => [u.at.slice(0, 19).replace('T', ' '), u.agent, u.run, u.tool, u.argument, u.verdict, u.rule]), { id: 'audit', rowClass: (i) => `verdict-${uses[i]!.verdict}` })
    : '<p>No capability uses recorded yet (aos audit reads the same records).</p>';
  return { main: [section('Agents × grants', matrix), section('Policy', policy), section('Audit (capability uses, newest first)', audit)].join('\n'), charts: [] };
}

// ---------------------------------------------------------------------------------------------

const RENDERERS: Record<string, (d: ReportData) => { main: string; charts: ChartSpec[] }> = {
  'index.html': overview,
  'runs.html': runsPage,
  'spend.html': spendPage,
  'goals.html': goalsPage,
  'memory.html': memoryPage,
  'capabilities.html': capabilitiesPage,
  'ledger.html': ledgerPage,
  'missions.html': missionsPage,
};

const TITLES: Record<string, string> = { 'index.html': 'Overview', 'runs.html': 'Runs', 'spend.html': 'Spend', 'goals.html': 'Goals', 'memory.html': 'Memory', 'capabilities.html': 'Capabilities', 'ledger.html': 'Ledger', 'missions.html': 'Missions' };

export function renderPage(d: ReportData, page: string): string | undefined {
  const render = RENDERERS[page];
  if (!render) return undefined;
  const { main, charts } = render(d);
  return frame({ page, title: TITLES[page]!, main, data: { charts }, generated: d.generated, ...(d.live ? { live: d.live } : {}) });
}

export function renderSite(d: ReportData): Map<string, string> {
  return new Map(Object.keys(RENDERERS).map((p) => [p, renderPage(d, p)!]));
}
