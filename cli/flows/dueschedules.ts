// The schedule plan for a tick, skipped when nothing can have fallen due (issue 24): an idle tick
// then loads neither croner nor builds the time zone's Intl formatter (together ~20 ms of a ~140 ms
// idle tick, measured with --cpu-prof). core/runs/schedulekeys.ts says why the shortcut is exact.
import type { Problem } from '../errors.js';
import type { PlannedScheduleItem } from '../core/runs/tickplan.js';
import { scheduleInputs, schedulesQuiet, type ScheduleState } from '../core/runs/schedulekeys.js';
import { readScheduleQuiet, writeScheduleQuiet } from '../home/schedulestamp.js';

export async function dueSchedules(root: string, state: ScheduleState, now: Date): Promise<{ create: PlannedScheduleItem[]; problems: Problem[] }> {
  const inputs = scheduleInputs(state);
  if (schedulesQuiet(await readScheduleQuiet(root), inputs, now)) return { create: [], problems: [] };
  const { planSchedules, nextScheduleDue } = await import('../core/runs/tickplan.js');
  const plan = planSchedules(state, now);
  // Only a plan with nothing to create and nothing wrong is remembered: a bad cron line is named
  // on every tick, and created items change the inputs anyway.
  const next = plan.create.length || plan.problems.length ? undefined : nextScheduleDue(state, now);
  await writeScheduleQuiet(root, next === undefined ? undefined : { inputs, next_due: next });
  return plan;
}
