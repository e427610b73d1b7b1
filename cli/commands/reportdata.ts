// The data behind the report pages, read from the home's plain files (and git history for spend
// outside runs), shared by `aos report` and `aos serve`. The overview reuses `aos status --json`
// itself, so the page and the command cannot disagree.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env, Output } from '../env.js';
import { formatProblem, type Problem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { parseSince } from '../core/docs/listopts.js';
import { parsePolicy } from '../core/agents/policy.js';
import { goalStart, parseHistory } from '../core/goals/goals.js';
import { parseIndex } from '../core/memory/memindex.js';
import type { ReportData, StatusView } from '../core/report/pages.js';
import type { Home } from '../home/home.js';
import { loadAgents, loadApprovals, loadGoals, loadMemories } from '../home/store.js';
import { collectSpends } from './usage.js';
import { readLedger } from '../home/ledger.js';
import { sumLedger } from '../core/economy/ledger.js';
import { status } from './status.js';

/** How far back the report reads run records (the charts' span). */
export const REPORT_DAYS = '90d';

/** Runs a command with --json into a value instead of stdout: the exact shape the command prints. */
export async function commandJson<T>(run: (args: Record<string, unknown>, env: Env) => Promise<unknown>, args: Record<string, unknown>, env: Env): Promise<T> {
  let value: unknown;
  const out: Output = { json: true, line: () => {}, write: () => {}, warn: () => {}, data: (v) => (value = v) };
  await run({ ...args, json: true }, { ...env, out });
  return value as T;
}

export async function gatherReport(home: Home, env: Env): Promise<ReportData> {
  const { root, config } = home;
  const now = localTime(env.now(), config.owner.timezone);
  const since = parseSince(REPORT_DAYS, now.date);
  const [view, agents, approvals, goals, memories, spent, indexText] = await Promise.all([
    commandJson<StatusView>(status, { home: root }, { ...env, homeFlag: root }),
    loadAgents(root, home.docs),
    loadApprovals(root, home.docs),
    loadGoals(root, home.docs),
    loadMemories(root, home.docs),
    collectSpends(home, env, since),
    fs.readFile(join(root, 'memory/MEMORY.md'), 'utf8').catch(() => ''),
  ]);
  const ledger = await readLedger(root);
  const ledgerSums = ledger.records.length ? sumLedger(ledger.records) : undefined;
  const missions = await readMissionsForReport(root);
  await home.docs.save();
  const problems = [...spent.problems, ...[...memories.problems, ...goals.problems, ...ledger.problems].map(formatProblem)];
  return {
    generated: now.iso,
    today: now.date,
    home: root,
    status: view,
    agents: agents.agents.map((a) => ({ id: a.id, front: a.front })),
    policy: parsePolicy(config.policy).policy.rules,
    approvals: approvals.docs.filter((d) => d.front.status === 'pending').map((d) => ({ id: d.front.id, agent: d.front.agent, action: d.front.action, argument: d.front.argument, file: d.file })),
    runs: spent.runs,
    spends: spent.spends,
    goals: goals.docs.map((g) => {
      const start = goalStart(g.front.created, g.body);
      return { name: g.name, front: g.front, history: parseHistory(g.body), ...(start ? { start } : {}) };
    }),
    memories: memories.docs.map((m) => ({ slug: m.name, front: m.front, body: m.body })).sort((a, b) => a.slug.localeCompare(b.slug)),
    index: parseIndex(indexText),
    ...(ledgerSums ? { ledger: ledgerSums } : {}),
    ...(missions.missions.length ? { missions: missions.missions } : {}),
    problems: [...problems, ...missions.problems.map(formatProblem)],
  };
}

/** Missions with the contract files the page shows; nothing is read when there is no missions/ folder. */
async function readMissionsForReport(root: string): Promise<{ missions: NonNullable<ReportData['missions']>; problems: Problem[] }> {
  const { loadMissions, readContract } = await import('../home/missions.js');
  const { missions, problems } = await loadMissions(root);
  const out = await Promise.all(
    missions.map(async (m) => {
      const [progress, verification, arena] = await Promise.all([readContract(root, m.front.id, 'progress.md'), readContract(root, m.front.id, 'verification.md'), readContract(root, m.front.id, 'arena.md')]);
      // arena.md's front matter is for tools; the page shows its table.
      const arenaBody = arena.replace(/^---\n[\s\S]*?\n---\n/, '');
      return { front: m.front, progress, verification, ...(arenaBody.trim() ? { arena: arenaBody } : {}) };
    }),
  );
  return { missions: out.sort((a, b) => b.front.id.localeCompare(a.front.id)), problems };
}
