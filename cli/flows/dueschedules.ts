// The schedule plan for a tick, skipped when nothing can have fallen due (issue 24): an idle tick
// then loads neither croner nor builds the time zone's Intl formatter (together ~20 ms of a ~140 ms
// idle tick, measured with --cpu-prof). core/runs/schedulekeys.ts says why the shortcut is exact.
// The item names (inbox/ and every done month, 5,000 names and 13 folders a year) are listed only
// when a folder they come from changed since the quiet record, or the plan must run.
import type { Problem } from '../errors.js';
import type { PlannedScheduleItem } from '../core/runs/tickplan.js';
import { lastFiredStamps, scheduleInputsOf, scheduleKeys, schedulesQuiet, type ScheduleQuiet, type ScheduleState } from '../core/runs/schedulekeys.js';
import { listingFacts, listingHolds, readScheduleQuiet, writeScheduleQuiet } from '../home/schedulestamp.js';

export async function dueSchedules(root: string, state: Omit<ScheduleState, 'itemNames'>, listItemNames: () => Promise<string[]>, now: Date): Promise<{ create: PlannedScheduleItem[]; problems: Problem[] }> {
  const recorded = await readScheduleQuiet(root);
  const keys = scheduleKeys(state.agents);
  const kept = recorded?.listing;
  let itemNames: string[] | undefined;
  let last: Record<string, string | null>;
  if (kept && keys.every((k) => Object.hasOwn(kept.last, k)) && listingHolds(root, kept.folders)) last = kept.last;
  else last = lastFiredStamps((itemNames = await listItemNames()), keys);
  // Taken after the listing: see listingFacts for why that order is safe.
  const listing = async (): Promise<ScheduleQuiet['listing']> => {
    if (!itemNames) return kept;
    const folders = await listingFacts(root);
    return folders && { folders, last };
  };
  const inputs = scheduleInputsOf(state, last);
  if (schedulesQuiet(recorded, inputs, now)) {
    // Quiet, but the names were listed: keep what they said for the next tick, when its facts are known.
    if (itemNames) {
      const fresh = await listing();
      if (fresh) await writeScheduleQuiet(root, { ...recorded!, listing: fresh });
    }
    return { create: [], problems: [] };
  }
  const { planSchedules, nextScheduleDue } = await import('../core/runs/tickplan.js');
  if (!itemNames) last = lastFiredStamps((itemNames = await listItemNames()), keys);
  const full = { ...state, itemNames };
  const plan = planSchedules(full, now);
  // Only a plan with nothing to create and nothing wrong is remembered: a bad cron line is named
  // on every tick, and created items change the inputs anyway.
  const next = plan.create.length || plan.problems.length ? undefined : nextScheduleDue(full, now);
  const fresh = next === undefined ? undefined : await listing();
  await writeScheduleQuiet(root, next === undefined ? undefined : { inputs, next_due: next, ...(fresh ? { listing: fresh } : {}) });
  return plan;
}
