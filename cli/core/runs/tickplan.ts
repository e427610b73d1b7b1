// The tick's decisions, apart from its writes: which schedule items are due, and (for
// `aos tick --dry-run`) which pending items would run in which order and by which agent.
// Pure: the clock, the names of items on disk and the roster come in as data.
import type { Problem } from '../../errors.js';
import type { NewItem } from './inbox.js';
import { cronProblem, dueSlots, nextSlot } from './schedule.js';
import { lastFiredOf, scheduleKey, scheduling, type ScheduleState } from './schedulekeys.js';
import { localTime, stamp } from '../docs/time.js';

export { scheduling, type SchedulingAgent, type ScheduleState } from './schedulekeys.js';

export interface PlannedScheduleItem {
  id: string;
  file: string;
  agent: string;
  cron: string;
  /** The slot, in the owner's zone. */
  slot: string;
  item: NewItem;
  logBody: string;
  commitSubject: string;
}

/**
 * One item per due slot of each active agent's schedule. The slot's id makes a second tick (or
 * device) unable to create it again, so the applier skips a file that exists already.
 */
export function planSchedules(state: ScheduleState, now: Date): { create: PlannedScheduleItem[]; problems: Problem[] } {
  const tz = state.timeZone;
  const create: PlannedScheduleItem[] = [];
  const problems: Problem[] = [];
  for (const agent of scheduling(state.agents)) {
    for (const [n, entry] of agent.front.schedule.entries()) {
      // One agent's bad cron line is that agent's problem; everyone else's work goes on.
      const bad = cronProblem(entry.cron);
      if (bad) {
        problems.push({ file: agent.file, field: `schedule.${n}.cron`, expected: 'a valid cron expression (this schedule is skipped until fixed)', found: `"${entry.cron}": ${bad}` });
        continue;
      }
      const key = scheduleKey(agent.id, entry);
      const { fire, missed } = dueSlots(entry, tz, lastFiredOf(state.itemNames, key), now, state.created);
      for (const slot of fire) {
        const id = `${stamp(slot)}-${key}`;
        const slotIso = localTime(slot, tz).iso;
        const note = missed && slot === fire[fire.length - 1] ? `\n\n(${missed} earlier slot${missed === 1 ? ' was' : 's were'} missed while aos was not running.)` : '';
        create.push({
          id,
          file: `inbox/${id}.md`,
          agent: agent.id,
          cron: entry.cron,
          slot: slotIso,
          item: { id, text: entry.task + note, created: localTime(now, tz).iso, from: 'schedule', to: agent.id, kind: 'schedule', slot: slotIso },
          logBody: `Scheduled "${entry.cron}" for ${slotIso}: ${entry.task}`,
          commitSubject: `${agent.id}: scheduled work for ${slotIso}`,
        });
      }
    }
  }
  return { create, problems };
}

/**
 * The first slot of any scheduling entry after `now`, in epoch ms (undefined when none comes): with
 * a plan that created nothing, no tick before it can have a slot due (schedulekeys.ts says why).
 */
export function nextScheduleDue(state: ScheduleState, now: Date): number | undefined {
  let next: number | undefined;
  for (const agent of scheduling(state.agents)) {
    for (const entry of agent.front.schedule) {
      const t = nextSlot(entry.cron, state.timeZone, now)?.getTime();
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
  }
  return next;
}

// In runplan.ts, which loads no croner: serve plans the runs of every tick with work (issue 24).
export { planRuns, type PlannedRun, type RunCandidate } from './runplan.js';
