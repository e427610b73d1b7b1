// Goals on disk: find one by name, and read each with its History.
import type { GoalFront } from '../core/docs/schemas.js';
import { parseHistory, goalStart, type HistoryEntry } from '../core/goals/goals.js';
import { UserError, formatProblem } from '../errors.js';
import type { Loaded } from './documents.js';
import type { Home } from './home.js';
import { loadGoals } from './store.js';

export type Goal = Loaded<GoalFront> & { history: HistoryEntry[]; start?: string };

export async function readGoals(home: Home): Promise<{ goals: Goal[]; problems: import('../errors.js').Problem[] }> {
  const r = await loadGoals(home.root, home.docs);
  return { goals: r.docs.map((d) => ({ ...d, history: parseHistory(d.body), start: goalStart(d.front.created, d.body) })), problems: r.problems };
}

/** A goal by its file name (goals/<slug>.md) or the unique start of one. */
export async function findGoal(home: Home, wanted: string, exactOnly = false): Promise<Goal> {
  const { goals, problems } = await readGoals(home);
  const exact = goals.find((g) => g.name === wanted);
  if (exact) return exact;
  const bad = problems.find((p) => p.file === `goals/${wanted}.md`);
  if (bad) throw new UserError(`goals/${wanted}.md is not valid: ${formatProblem(bad)}`);
  const matches = exactOnly ? [] : goals.filter((g) => g.name.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UserError(`"${wanted}" matches ${matches.map((g) => g.name).join(', ')}: give more of the name`);
  throw new UserError(`no goal "${wanted}": expected one of ${goals.map((g) => g.name).join(', ') || '(none yet: aos goal new "…")'}`);
}
