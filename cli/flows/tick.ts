// The heartbeat (DESIGN.md section 3): with the lock held, recover from any crash, commit the
// owner's hand edits, create due schedule items, then serve the inbox in order within the tick's
// time budget, each run committed by its agent.
import { join } from 'node:path';
import { cronProblem, dueSlots, scheduleKey } from '../core/schedule.js';
import { localTime, stamp } from '../core/time.js';
import { agentIdentity } from '../core/commit.js';
import type { Problem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents, loadInbox, doneFolders, type Agent } from '../home/store.js';
import { createExclusive, exists, isErrno, listNames } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commit, commitOwnerEdits } from '../git/git.js';
import { JOURNAL_FILE } from '../home/journal.js';
import type { RunReport } from './execute.js';
import { fileGoalItems } from './drills.js';

export interface TickReport {
  recovered: string[];
  ownerEdits: string[];
  scheduled: string[];
  runs: RunReport[];
  /** Items not run this tick, and why. */
  waiting: { item: string; reason: string }[];
  problems: Problem[];
  /** Set when items wait for a model. */
  noModel?: string;
  stoppedEarly?: string;
}

export async function tick(home: Home, env: Env, opts: { tookOver: boolean; deadline: number }): Promise<TickReport> {
  const report: TickReport = { recovered: [], ownerEdits: [], scheduled: [], runs: [], waiting: [], problems: [] };
  if (await needsRecovery(home, opts.tookOver)) {
    const { recover } = await import('./recover.js');
    const rec = await recover(home, env, { tookOver: opts.tookOver });
    report.recovered = rec.notes;
  }
  const edits = await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
  if (edits) {
    report.ownerEdits = edits.files;
    report.problems.push(...edits.held);
  }
  // sync.auto: pull before collecting work, claim each item before it runs, push at the end.
  const synced = home.config.sync.auto ? await (await import('./sync.js')).startTickSync(home, env, report.problems) : undefined;

  const agents = await loadAgents(home.root, home.docs);
  report.problems.push(...agents.problems);
  report.scheduled = await createScheduleItems(home, env, agents.agents.filter((a) => a.front.status === 'active'), report.problems);
  report.scheduled.push(...(await fileGoalItems(home, env, agents.agents, report.problems)));
  const inbox = await loadInbox(home.root, home.docs);
  report.problems.push(...inbox.problems);
  // The common case under cron: nothing to run, so the model, run and tool code never loads.
  if (inbox.items.some((i) => i.front.status === 'new' || i.front.status === 'waiting')) {
    const { serve } = await import('./serve.js');
    await serve(home, env, agents.agents, report, opts.deadline, synced);
  }
  await synced?.push();
  await home.docs.save();
  return report;
}

/** A crash leaves a journal, git's index lock, or an item marked running. */
async function needsRecovery(home: Home, tookOver: boolean): Promise<boolean> {
  if (tookOver) return true;
  for (const f of [JOURNAL_FILE, '.git/index.lock']) if (await exists(join(home.root, f))) return true;
  return (await loadInbox(home.root, home.docs)).items.some((i) => i.front.status === 'running');
}

/** Creates one inbox item per due schedule slot; the slot's id makes a second tick (or device) unable to create it again. */
async function createScheduleItems(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<string[]> {
  const withSchedules = agents.filter((a) => a.front.schedule.length);
  if (!withSchedules.length) return [];
  const tz = home.config.owner.timezone;
  const now = env.now();
  const names = (await listNames(join(home.root, 'inbox'))).map((e) => e.name);
  for (const folder of await doneFolders(home.root)) names.push(...(await listNames(join(home.root, folder))).map((e) => e.name));
  const created: string[] = [];
  const logs = new Set<string>();
  for (const agent of withSchedules) {
    for (const [n, entry] of agent.front.schedule.entries()) {
      // One agent's bad cron line is that agent's problem; everyone else's work goes on.
      const bad = cronProblem(entry.cron);
      if (bad) {
        problems.push({ file: agent.file, field: `schedule.${n}.cron`, expected: 'a valid cron expression (this schedule is skipped until fixed)', found: `"${entry.cron}": ${bad}` });
        continue;
      }
      const key = scheduleKey(agent.id, entry);
      const last = names
        .filter((n) => n.endsWith(`-${key}.md`))
        .map((n) => n.slice(0, 15))
        .sort()
        .pop();
      const lastFired = last ? new Date(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6, 8)}T${last.slice(9, 11)}:${last.slice(11, 13)}:${last.slice(13, 15)}Z`) : undefined;
      const { fire, missed } = dueSlots(entry, tz, lastFired, now);
      for (const slot of fire) {
        const id = `${stamp(slot)}-${key}`;
        const file = `inbox/${id}.md`;
        const slotIso = localTime(slot, tz).iso;
        const note = missed && slot === fire[fire.length - 1] ? `\n\n(${missed} earlier slot${missed === 1 ? ' was' : 's were'} missed while aos was not running.)` : '';
        const { renderItem } = await import('../core/inbox.js');
        try {
          await createExclusive(
            join(home.root, file),
            renderItem({ id, text: entry.task + note, created: localTime(now, tz).iso, from: 'schedule', to: agent.id, kind: 'schedule', slot: slotIso }),
          );
        } catch (err) {
          if (isErrno(err, 'EEXIST')) continue;
          throw err;
        }
        created.push(id);
        logs.add(await appendLog(home, tz, now, { kind: 'schedule', agent: agent.id, ref: id, body: `Scheduled "${entry.cron}" for ${slotIso}: ${entry.task}` }));
        await commit(home.root, env.vars, {
          who: agentIdentity(agent.id),
          subject: `${agent.id}: scheduled work for ${slotIso}`,
          trailers: { 'Aos-Kind': 'schedule', 'Aos-Agent': agent.id, 'Aos-Item': id, 'Aos-Device': home.device },
          paths: [file, ...logs],
        }, home.redact);
      }
    }
  }
  return created;
}
