// A mission stage's agent run (issue 17): the stage item made and committed before the run, then
// run, resumed from its checkpoint, or found finished, with file paths and the shell confined to the
// worktree. Plan, implement, the arena's candidates and the critic's review all run through here.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import { UserError } from '../errors.js';
import { suffix } from '../core/docs/ids.js';
import type { Mission, Stage } from '../core/missions/mission.js';
import { renderItem } from '../core/runs/inbox.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import type { Home } from '../home/home.js';
import { loadAgents, doneFolders, type Agent } from '../home/store.js';
import { exists, readIfExists } from '../home/files.js';
import { readRecord } from '../home/records.js';
import { readStageItem, writeMission } from '../home/missions.js';
import { lockPath } from '../home/lock.js';
import type { RunSpec } from './execute.js';
import type { DailyBudget, Spend } from '../core/runs/outcome.js';
import { commitMission, iso, missionCaps } from './missionbase.js';

export type AgentOutcome = { state: 'finished'; run: string; text: string; outcome: string } | { state: 'pending'; note: string };

/** Where a stage item's name is kept while it runs: mission.md's item:, or an arena candidate's. */
export interface ItemSlot {
  item?: string;
  /** The item's name part after the mission id, e.g. implement-1 or implement-c2. */
  label: string;
  save(file: string): Promise<void>;
  /** Another agent than the mission's (the critic). */
  agent?: string;
  /** Agent front matter the run changes (an arena candidate's brain or model). */
  brain?: { brain?: string; model?: string };
  /** Other runs go on beside this one in the process (arena.parallel): RunSpec.concurrent. */
  concurrent?: boolean;
  /** The spent figure the run starts with, from the day's spend and the agent's budget (an arena candidate's reservation). */
  spent?: (today: Spend, budget: DailyBudget) => Spend;
}

export function missionSlot(home: Home, env: Env, m: Mission, stage: Stage): ItemSlot {
  return {
    ...(m.front.item ? { item: m.front.item } : {}),
    label: `${stage}-${m.front.runs.length + (stage === 'plan' ? 0 : 1)}`,
    save: async (file) => {
      m.front.item = file;
      await writeMission(home.root, m);
      // As the owner: the stage item carries the owner's goal (the run checks who wrote an item).
      await commitMission(home, env, m, stage, `mission ${m.front.id}: ${stage} starts`, [m.file, file], home.owner);
    },
  };
}

/**
 * Runs (or resumes, or finds finished) the stage's item. The item is made and committed before the
 * run, so a replay finds it and a crash never makes a second one: mission.md names it.
 */
export async function runStageItem(home: Home, env: Env, m: Mission, stage: Stage, task: string, deadline: number, workdir: NonNullable<RunSpec['workdir']>, slot: ItemSlot = missionSlot(home, env, m, stage)): Promise<AgentOutcome> {
  let file = slot.item;
  if (!file) {
    // A suffix of its own: a stage tried again (resumed after a refusal) gets a new item, never a finished one's name.
    const itemId = `${m.front.id}-${slot.label}-${suffix(env.randomBytes(2))}`;
    file = `missions/${m.front.id}/items/${itemId}.md`;
    if (!(await exists(join(home.root, file)))) {
      await fs.mkdir(join(home.root, file, '..'), { recursive: true });
      await fs.writeFile(join(home.root, file), renderItem({ id: itemId, from: 'owner', to: slot.agent ?? m.front.agent, kind: 'task', created: iso(home, env), text: task }));
    }
    await slot.save(file);
  }
  const item = await readStageItem(home.root, file);
  if (!item) return finishedItem(home, file);
  if (item.front.status === 'failed' || item.front.status === 'cancelled') {
    return { state: 'finished', run: item.front.checkpoint ?? '?', outcome: item.front.status, text: item.front.error ?? `the ${stage} item ended ${item.front.status}` };
  }
  if (item.front.status === 'waiting') return { state: 'pending', note: `${item.id} waits (${item.front.approval ? `for approval ${item.front.approval}` : 'for delegated work'})` };
  const { agents } = await loadAgents(home.root, home.docs);
  const who = slot.agent ?? m.front.agent;
  const own = agents.find((a) => a.id === who);
  if (!own) throw new UserError(`agents/${who}.md is gone; the mission cannot go on (aos mission stop ${m.front.id}, or restore the agent)`);
  const agent = slot.brain && (slot.brain.brain || slot.brain.model) ? { ...own, front: { ...own.front, ...slot.brain } as Agent['front'] } : own;
  const { caps, errors } = missionCaps(agent);
  if (errors.length) throw new UserError(`${agent.file}: ${errors.join('; ')}`);
  const choice = agent.front.brain
    ? await (await import('../model/brains.js')).agentProvider(home, env, agent, lockPath(home.root))
    : await (await import('../model/provider.js')).chooseProvider(home.config, env, home.root, agent.front.model);
  if ('missing' in choice) return { state: 'pending', note: `waits for a model (${choice.missing})` };
  let resume;
  if (item.front.checkpoint) {
    try {
      resume = { run: item.front.checkpoint, entries: (await readRecord(home.root, runRecordPath(item.front.checkpoint))).entries };
    } catch {
      resume = undefined;
    }
  }
  const { executeRun } = await import('./execute.js');
  const { spentToday } = await import('./spend.js');
  const report = await executeRun({
    home,
    env,
    agent,
    caps,
    item,
    trigger: `mission:${stage}`,
    kind: 'tick',
    provider: choice.provider,
    deadline,
    spent: slot.spent ? slot.spent(await spentToday(home, env, agent.id, { ended: true }), agent.front.budget) : await spentToday(home, env, agent.id),
    ...(slot.concurrent ? { concurrent: true } : {}),
    workdir,
    ...(m.front.skills?.length ? { skills: m.front.skills } : {}),
    ...(resume ? { resume } : {}),
  });
  if (report.outcome === 'done' || report.outcome === 'failed' || report.outcome === 'cancelled') {
    if (report.outcome !== 'done' && (await exists(join(home.root, file)))) {
      const again = await readStageItem(home.root, file);
      // Failed with attempts left: the item runs again next tick.
      if (again?.front.status === 'new') return { state: 'pending', note: `run ${report.run} failed (${report.text.slice(0, 200)}); it runs again` };
    }
    return { state: 'finished', run: report.run, outcome: report.outcome, text: report.text };
  }
  return { state: 'pending', note: `run ${report.run} ${report.outcome}: ${report.text.slice(0, 200)}` };
}

/** A stage item gone from missions/<id>/items/: its run finished it (maybe in a tick that was then killed). */
async function finishedItem(home: Home, file: string): Promise<AgentOutcome> {
  const name = file.slice(file.lastIndexOf('/') + 1);
  for (const folder of await doneFolders(home.root)) {
    const raw = await readIfExists(join(home.root, folder, name));
    if (raw === undefined) continue;
    const run = /^run: (r-\S+)$/m.exec(raw)?.[1];
    const status = /^status: (\S+)$/m.exec(raw)?.[1] ?? 'done';
    if (run) {
      const rec = await readRecord(home.root, runRecordPath(run));
      return { state: 'finished', run, outcome: status, text: rec.final ?? '' };
    }
  }
  throw new UserError(`${file} is gone and no finished copy of it is in inbox/done/: restore it from git (git log -- ${file})`);
}
