// What is due today and in which order: how overdue each skill's cadence is, ranked by weighted
// gap. Apart from goals.ts because cron cadences need croner, which status and list do not.
import type { GoalFront } from '../docs/schemas.js';
import type { Problem } from '../../errors.js';
import { cronProblem, slotsBetween } from '../runs/schedule.js';
import { localTime } from '../docs/time.js';
import { cadenceDays, daysBetween, gap, type HistoryEntry } from './goals.js';

export interface Due {
  skill: string;
  /** 1 = due today exactly on its cadence; 2 = twice the interval has passed; … */
  overdue: number;
  /** weight × gap: how much closing this skill moves the goal. */
  weightedGap: number;
  /** weightedGap × overdue: the ranking. */
  score: number;
  reason: string;
}

/**
 * Whether a skill is due on `today` and how overdue it is. `practiced` is every date it was
 * practised (last_practiced and its History dates). Returns undefined when not due.
 * - daily: due when not practised today.
 * - N/week (weekly = 1/week): due when not practised today, fewer than N practice days fall in the
 *   last 7 days, and at least floor(7/N) days have passed since the last one.
 * - cron: due when a slot fell after the day it was last practised (never practised: in the last 7 days).
 * overdue = days since the last practice ÷ the interval (cron: the slots missed); never practised = 1.
 */
export function dueness(cadence: string, practiced: readonly string[], today: string, now: Date, timeZone: string): { overdue: number; reason: string } | undefined {
  const past = practiced.filter((d) => d <= today).sort();
  const last = past[past.length - 1];
  const days = cadenceDays(cadence);
  if (days !== undefined) {
    if (!last) return { overdue: 1, reason: 'never practised' };
    const since = daysBetween(last, today);
    if (since < 1) return undefined;
    if (days > 1) {
      const perWeek = Math.round(7 / days);
      const inWeek = new Set(past.filter((d) => daysBetween(d, today) < 7)).size;
      if (inWeek >= perWeek || since < Math.floor(days)) return undefined;
    }
    return { overdue: since / days, reason: `last practised ${since} day${since === 1 ? '' : 's'} ago (${cadence})` };
  }
  // A cron cadence: the slots since the end of the last practice day (or the last week).
  const after = last ? new Date(Date.parse(`${last}T23:59:59${localTime(now, timeZone).offset}`)) : new Date(now.getTime() - 7 * 86_400_000);
  const slots = slotsBetween(cadence, timeZone, after, now, 60);
  if (!slots.length) return undefined;
  return { overdue: last ? slots.length : 1, reason: last ? `${slots.length} slot${slots.length === 1 ? '' : 's'} of "${cadence}" since ${last}` : 'never practised' };
}

/** What is wrong with a cadence that passed the schema's shape check ("0/week", a bad cron), if anything. */
export function cadenceProblem(cadence: string): string | undefined {
  if (cadenceDays(cadence) !== undefined) return undefined;
  if (/^\d+\/week$/.test(cadence)) return 'N/week needs an N of 1 or more';
  return cronProblem(cadence);
}

/** Skills whose cadence can never come due: reported, and left out of the ranking until fixed. */
export function cadenceProblems(goals: readonly { file: string; front: GoalFront }[]): Problem[] {
  return goals.flatMap((g) =>
    g.front.skills.flatMap((s, i) => {
      const bad = cadenceProblem(s.cadence);
      return bad ? [{ file: g.file, field: `skills.${i}.cadence`, expected: 'daily, weekly, N/week or a valid cron expression (this skill is never due until fixed)', found: `"${s.cadence}": ${bad}` }] : [];
    }),
  );
}

/** The due skills of one goal, best first. A skill at its target, or with a broken cadence, is never due. */
export function dueSkills(goal: GoalFront, history: readonly HistoryEntry[], today: string, now: Date, timeZone: string): Due[] {
  const out: Due[] = [];
  for (const s of goal.skills) {
    const weightedGap = s.weight * gap(s);
    if (weightedGap <= 0 || cadenceProblem(s.cadence)) continue;
    const practiced = [...(s.last_practiced ? [s.last_practiced] : []), ...history.filter((h) => h.skill === s.id).map((h) => h.date)];
    const d = dueness(s.cadence, practiced, today, now, timeZone);
    if (d) out.push({ skill: s.id, overdue: d.overdue, weightedGap, score: weightedGap * d.overdue, reason: d.reason });
  }
  return out.sort(byScore);
}

export function byScore(a: { score: number; skill: string }, b: { score: number; skill: string }): number {
  return b.score - a.score || (a.skill < b.skill ? -1 : a.skill > b.skill ? 1 : 0);
}

export interface RankedDue extends Due {
  goal: string;
  owner: string;
  drill: string;
}

/** Due skills of every active goal, ranked together by weighted gap × overdue. */
export function rankDue(goals: readonly { name: string; front: GoalFront; history: readonly HistoryEntry[] }[], today: string, now: Date, timeZone: string): RankedDue[] {
  return goals
    .filter((g) => g.front.status === 'active')
    .flatMap((g) =>
      dueSkills(g.front, g.history, today, now, timeZone).map((d) => ({ ...d, goal: g.name, owner: g.front.owner, drill: g.front.skills.find((s) => s.id === d.skill)!.drill })),
    )
    .sort(byScore);
}
