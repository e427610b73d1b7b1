// Goals as numbers: the gap per skill and per goal, pace against the deadline, History lines,
// and when progress has stalled (what is due: goaldue.ts). Pure: dates come in as YYYY-MM-DD in the
// owner's time zone, the clock as an argument. The definitions are in docs/decisions.md (issue 6).
import type { GoalFront } from '../docs/schemas.js';

type Skill = GoalFront['skills'][number];
type Range = { baseline: number; current: number; target: number };

/** How much of the way from baseline to target is still to go, 0 (reached) .. 1 (not started or worse). */
export function gap(m: Range): number {
  if (m.target === m.baseline) return 0;
  return Math.min(1, Math.max(0, (m.target - m.current) / (m.target - m.baseline)));
}

/**
 * A goal's gap: the skills' gaps weighted by their weights (the skills move with every practice
 * logged), else the metric's; undefined when there is neither.
 */
export function goalGap(goal: Pick<GoalFront, 'skills' | 'metric'>): number | undefined {
  const total = goal.skills.reduce((s, k) => s + k.weight, 0);
  if (goal.skills.length && total > 0) return goal.skills.reduce((s, k) => s + gap(k) * k.weight, 0) / total;
  return goal.metric ? gap(goal.metric) : undefined;
}

export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const DAY_MS = 86_400_000;
/** Whole days from a to b (YYYY-MM-DD), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export type PaceVerdict = 'ahead' | 'on track' | 'behind' | 'overdue' | 'done';
export interface Pace {
  /** Progress a straight line from start (0) to the deadline (1) expects by today. */
  expected: number;
  actual: number;
  verdict: PaceVerdict;
  daysLeft: number;
}
/** Progress within this much of the straight line counts as on track. */
export const PACE_TOLERANCE = 0.05;

/** Pace against the deadline; undefined without a deadline, a start, or a gap to measure. */
export function pace(goal: Pick<GoalFront, 'skills' | 'metric' | 'deadline'>, start: string | undefined, today: string): Pace | undefined {
  const g = goalGap(goal);
  if (!goal.deadline || !start || g === undefined) return undefined;
  const actual = 1 - g;
  const span = daysBetween(start, goal.deadline);
  const daysLeft = daysBetween(today, goal.deadline);
  const expected = span <= 0 ? 1 : Math.min(1, Math.max(0, daysBetween(start, today) / span));
  let verdict: PaceVerdict;
  if (actual >= 1) verdict = 'done';
  else if (daysLeft < 0) verdict = 'overdue';
  else if (actual < expected - PACE_TOLERANCE) verdict = 'behind';
  else if (actual > expected + PACE_TOLERANCE) verdict = 'ahead';
  else verdict = 'on track';
  return { expected, actual, verdict, daysLeft };
}

// ---------------------------------------------------------------------------------------------
// History: "- 2026-11-20 task2-argument 6.5 — weak on counter-arguments" lines under "## History".

export interface HistoryEntry {
  date: string;
  skill: string;
  value: number;
  note?: string;
}

const HISTORY_LINE = /^- (\d{4}-\d{2}-\d{2}) ([a-z0-9][a-z0-9-]*) (-?\d+(?:\.\d+)?)(?:\s+[—-]+\s+(.*))?\s*$/;

/** The lines of the body's "## History" section that carry a value; other lines are prose and are left out. */
export function parseHistory(body: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let inHistory = false;
  for (const line of body.replace(/\r\n/g, '\n').split('\n')) {
    if (/^#{1,6}\s/.test(line)) inHistory = /^##\s+History\s*$/i.test(line);
    else if (inHistory) {
      const m = HISTORY_LINE.exec(line);
      if (m) out.push({ date: m[1]!, skill: m[2]!, value: Number(m[3]), ...(m[4] ? { note: m[4].trim() } : {}) });
    }
  }
  return out;
}

export function historyLine(e: HistoryEntry): string {
  const note = e.note?.replace(/\s+/g, ' ').trim();
  return `- ${e.date} ${e.skill} ${e.value}${note ? ` — ${note}` : ''}`;
}

/** When the goal started, for pace: its `created` date, else its first dated History line. */
export function goalStart(created: string | undefined, body: string): string | undefined {
  if (created) return created;
  const first = /^##\s+History\s*$[\s\S]*?^- (\d{4}-\d{2}-\d{2})\b/im.exec(body.replace(/\r\n/g, '\n'));
  return first?.[1];
}

/** The interval of a day-based cadence in days (N/week → 7/N), or undefined for cron. */
export function cadenceDays(cadence: string): number | undefined {
  if (cadence === 'daily') return 1;
  if (cadence === 'weekly') return 7;
  const m = /^(\d+)\/week$/.exec(cadence);
  if (m) return Number(m[1]) > 0 ? 7 / Number(m[1]) : undefined;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Plateau: the last PLATEAU_ENTRIES values of a skill stay within PLATEAU_BAND of its range.

export const PLATEAU_ENTRIES = 4;
export const PLATEAU_BAND = 0.05;

export interface Plateau {
  skill: string;
  /** The date of the first entry of the flat stretch. */
  since: string;
  values: number[];
}

/**
 * A skill has plateaued when its last PLATEAU_ENTRIES History values (oldest to newest) span
 * less than PLATEAU_BAND of |target − baseline| and it is still short of its target.
 */
export function plateau(skill: Pick<Skill, 'id' | 'baseline' | 'target' | 'current'>, history: readonly HistoryEntry[]): Plateau | undefined {
  const range = Math.abs(skill.target - skill.baseline);
  if (range === 0 || gap(skill) === 0) return undefined;
  const mine = history.filter((h) => h.skill === skill.id);
  if (mine.length < PLATEAU_ENTRIES) return undefined;
  const last = mine.slice(-PLATEAU_ENTRIES);
  const values = last.map((h) => h.value);
  // A hair of tolerance, so 6.5 → 6.6 on a range of 2 (exactly 5%) counts as a move, not float noise.
  if (Math.max(...values) - Math.min(...values) >= PLATEAU_BAND * range - 1e-9) return undefined;
  return { skill: skill.id, since: last[0]!.date, values };
}

// ---------------------------------------------------------------------------------------------
// Views shared by goal list, goal due, status and the brief.

export interface GoalSummary {
  goal: string;
  title: string;
  status: GoalFront['status'];
  owner: string;
  deadline: string | null;
  gap: number | null;
  progress: number | null;
  pace: Pace | null;
}

export function summarize(name: string, goal: GoalFront, start: string | undefined, today: string): GoalSummary {
  const g = goalGap(goal);
  return {
    goal: name,
    title: goal.title,
    status: goal.status,
    owner: goal.owner,
    deadline: goal.deadline ?? null,
    gap: g ?? null,
    progress: g === undefined ? null : 1 - g,
    pace: pace(goal, start, today) ?? null,
  };
}

export function paceText(p: Pace | null): string {
  if (!p) return '';
  if (p.verdict === 'done' || p.verdict === 'overdue') return p.verdict;
  return `${p.verdict} (${Math.round(p.actual * 100)}% done, ${Math.round(p.expected * 100)}% expected; ${p.daysLeft} d left)`;
}
