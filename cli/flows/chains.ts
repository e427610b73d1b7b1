// Chains in the tick (issue 20): each tick brings every unfinished run forward by what its files
// say (home/chains.ts advanceRun) and commits what that wrote, one commit per run moved, authored
// by the agent of the step concerned. Loaded only when chains/runs/ holds a file.
import { agentIdentity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { activeRuns, advanceRun, lastScheduled, loadChains, planRun, startRun, SCHEDULED_SUFFIX, type Chain, type ChainRun } from '../home/chains.js';
import { readCreated } from '../home/heartbeat.js';
import { localTime } from '../core/docs/time.js';
import { appendLog } from '../home/log.js';
import { commit } from '../git/git.js';

export interface ChainsReport {
  /** One line per run moved: "run …: filed step 2 (analyse) for chief". */
  moved: string[];
  problems: Problem[];
}

/** Brings every unfinished run forward once; a broken chain file stops only its own runs. */
export async function advanceChains(home: Home, env: Env): Promise<ChainsReport> {
  const report: ChainsReport = { moved: [], problems: [] };
  // Every tick reads the chain files: a broken one is named each time, as a broken agent file is.
  const loaded = await loadChains(home.root);
  report.problems.push(...loaded.problems);
  await startScheduled(home, env, [...loaded.chains.values()], report);
  const { runs, problems } = await activeRuns(home.root);
  report.problems.push(...problems);
  for (const run of runs) {
    const chain = chainOf(loaded, run, report.problems);
    if (!chain) continue;
    const moved = await advanceRun(home, env, chain, run);
    if (!moved.files.length) continue;
    const line = `Chain ${chain.name} run ${run.front.run} ${moved.said.join('; ') || `is ${moved.plan.status}`}.`;
    report.moved.push(line);
    const log = await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'chain', agent: 'aos', ref: run.front.run, body: line });
    const agent = moved.plan.actions[0] ? moved.plan.steps[moved.plan.actions[0].step]!.agent : run.front.steps[run.front.steps.length - 1]!.agent;
    await commit(home.root, env.vars, {
      who: agentIdentity(agent),
      subject: `chain ${chain.name}: run ${run.front.run} ${moved.said[0] ?? moved.plan.status}`,
      trailers: { 'Aos-Kind': 'chain', 'Aos-Chain': chain.name, 'Aos-Chain-Run': run.front.run, 'Aos-Device': home.device },
      paths: [...new Set([...moved.files, log])],
    }, home.redact);
  }
  return report;
}

/** The run's chain, or undefined with why (a chain gone or broken, or changed under the run: the run waits). */
function chainOf(loaded: Awaited<ReturnType<typeof loadChains>>, run: ChainRun, problems: Problem[]): Chain | undefined {
  const chain: Chain | undefined = loaded.chains.get(run.front.chain);
  if (!chain) {
    const broken = loaded.problems.filter((p) => p.file.replace(/\.ya?ml$/, '') === `chains/${run.front.chain}`);
    if (!broken.length) problems.push({ file: run.file, field: 'chain', expected: `a chain in chains/${run.front.chain}.yaml`, found: 'no such chain', hint: 'the run waits until the chain is back; see docs/recovery.md#chain-runs' });
    return undefined;
  }
  if (chain.def.steps.length !== run.front.steps.length || chain.def.steps.some((s, i) => s.name !== run.front.steps[i]!.name)) {
    problems.push({ file: run.file, expected: `the steps of ${chain.file} (${chain.def.steps.map((s) => s.name).join(', ')})`, found: `a run of other steps (${run.front.steps.map((s) => s.name).join(', ')})`, hint: 'the chain changed under a running run; it waits (set its status: stopped to end it); see docs/recovery.md#chain-runs' });
    return undefined;
  }
  return chain;
}

/** Each scheduled chain's due slots (read only); a bad cron line is that chain's problem. */
async function dueChainSlots(home: Home, env: Env, chains: Chain[], problems: Problem[]): Promise<{ chain: Chain; cron: string; slot: Date }[]> {
  const timed = chains.filter((c) => c.def.trigger?.schedule);
  if (!timed.length) return [];
  const { cronProblem, dueSlots } = await import('../core/runs/schedule.js');
  const due: { chain: Chain; cron: string; slot: Date }[] = [];
  for (const chain of timed) {
    const cron = chain.def.trigger!.schedule!;
    const bad = cronProblem(cron);
    if (bad) {
      problems.push({ file: chain.file, field: 'trigger.schedule', expected: 'a valid cron expression (the schedule is skipped until fixed)', found: `"${cron}": ${bad}` });
      continue;
    }
    const { fire } = dueSlots({ cron, task: chain.name, missed: 'once' }, home.config.owner.timezone, await lastScheduled(home.root, chain.name), env.now(), await readCreated(home.root));
    for (const slot of fire) due.push({ chain, cron, slot });
  }
  return due;
}

/** A run for each chain whose schedule has a slot due, once per slot (its id is the slot's). */
async function startScheduled(home: Home, env: Env, chains: Chain[], report: ChainsReport): Promise<void> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  for (const { chain, cron, slot } of await dueChainSlots(home, env, chains, report.problems)) {
    const started = await startRun(home, env, chain, `schedule:${localTime(slot, tz).iso}`, chain.def.input ?? '', { at: slot, suffix: SCHEDULED_SUFFIX });
    if (!started) continue;
    const line = `Chain ${chain.name} run ${started.run} started by its schedule "${cron}".`;
    report.moved.push(line);
    const log = await appendLog(home, tz, now, { kind: 'chain', agent: 'aos', ref: started.run, body: line });
    await commit(home.root, env.vars, {
      who: agentIdentity(chain.def.steps[0]!.agent),
      subject: `chain ${chain.name}: scheduled run ${started.run}`,
      trailers: { 'Aos-Kind': 'chain', 'Aos-Chain': chain.name, 'Aos-Chain-Run': started.run, 'Aos-Device': home.device },
      paths: [started.file, log],
    }, home.redact);
  }
}

/** What the tick's chain pass would do, for `aos tick --dry-run`: one line of each kind per run or start. */
export type ForeseenChain =
  | { chain: string; would: 'start'; trigger: string }
  | { chain: string; run: string; would: 'file'; step: number; name: string; agent: string; item: string }
  | { chain: string; run: string; would: 'ask'; step: number; name: string; approval: string }
  | { chain: string; run: string; would: 'wait'; reason: string }
  | { chain: string; run: string; would: 'end'; status: string; reason?: string };

/**
 * The chain pass planned, read only (no run file, item, approval or ledger written): the runs a due
 * schedule would start, then each unfinished run's next move by the same planRun the tick applies.
 * A run started now files its first step in the same pass, which is shown as its start only.
 */
export async function foreseeChains(home: Home, env: Env): Promise<{ chains: ForeseenChain[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const loaded = await loadChains(home.root);
  problems.push(...loaded.problems);
  const out: ForeseenChain[] = [];
  for (const { chain, slot } of await dueChainSlots(home, env, [...loaded.chains.values()], problems)) {
    out.push({ chain: chain.name, would: 'start', trigger: `schedule:${localTime(slot, home.config.owner.timezone).iso}` });
  }
  const { runs, problems: damaged } = await activeRuns(home.root);
  problems.push(...damaged);
  for (const run of runs) {
    const chain = chainOf(loaded, run, problems);
    if (!chain) continue;
    const { plan } = await planRun(home.root, chain, run);
    const base = { chain: chain.name, run: run.front.run };
    const act = plan.actions.find((a) => a.kind === 'file' || a.kind === 'ask');
    if (act) {
      const step = plan.steps[act.step]!;
      out.push(act.kind === 'file' ? { ...base, would: 'file', step: act.step + 1, name: step.name, agent: step.agent, item: step.item } : { ...base, would: 'ask', step: act.step + 1, name: step.name, approval: step.approval! });
    } else if (plan.status === 'done' || plan.status === 'stopped' || plan.status === 'failed') out.push({ ...base, would: 'end', status: plan.status, ...(plan.reason ? { reason: plan.reason } : {}) });
    else if (plan.status === 'waiting') out.push({ ...base, would: 'wait', reason: plan.reason ?? 'waits' });
    // running with nothing to do: its step's item is pending and shows among the runs.
  }
  return { chains: out, problems };
}
