// Chains in the tick (issue 20): each tick brings every unfinished run forward by what its files
// say (home/chains.ts advanceRun) and commits what that wrote, one commit per run moved, authored
// by the agent of the step concerned. Loaded only when chains/runs/ holds a file.
import { agentIdentity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { activeRuns, advanceRun, lastScheduled, loadChains, startRun, SCHEDULED_SUFFIX, type Chain } from '../home/chains.js';
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
    const chain: Chain | undefined = loaded.chains.get(run.front.chain);
    if (!chain) {
      const broken = loaded.problems.filter((p) => p.file.replace(/\.ya?ml$/, '') === `chains/${run.front.chain}`);
      if (!broken.length) report.problems.push(...[{ file: run.file, field: 'chain', expected: `a chain in chains/${run.front.chain}.yaml`, found: 'no such chain', hint: 'the run waits until the chain is back; see docs/recovery.md#chain-runs' }]);
      continue;
    }
    if (chain.def.steps.length !== run.front.steps.length || chain.def.steps.some((s, i) => s.name !== run.front.steps[i]!.name)) {
      report.problems.push({ file: run.file, expected: `the steps of ${chain.file} (${chain.def.steps.map((s) => s.name).join(', ')})`, found: `a run of other steps (${run.front.steps.map((s) => s.name).join(', ')})`, hint: 'the chain changed under a running run; it waits (set its status: stopped to end it); see docs/recovery.md#chain-runs' });
      continue;
    }
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

/** A run for each chain whose schedule has a slot due, once per slot (its id is the slot's). */
async function startScheduled(home: Home, env: Env, chains: Chain[], report: ChainsReport): Promise<void> {
  const timed = chains.filter((c) => c.def.trigger?.schedule);
  if (!timed.length) return;
  const { cronProblem, dueSlots } = await import('../core/runs/schedule.js');
  const tz = home.config.owner.timezone;
  const now = env.now();
  for (const chain of timed) {
    const cron = chain.def.trigger!.schedule!;
    const bad = cronProblem(cron);
    if (bad) {
      report.problems.push({ file: chain.file, field: 'trigger.schedule', expected: 'a valid cron expression (the schedule is skipped until fixed)', found: `"${cron}": ${bad}` });
      continue;
    }
    const { fire } = dueSlots({ cron, task: chain.name, missed: 'once' }, tz, await lastScheduled(home.root, chain.name), now, await readCreated(home.root));
    for (const slot of fire) {
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
}
