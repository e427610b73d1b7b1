// Progress on a goal, on disk: check the goal, the skill and the value; set the skill's `current`
// and `last_practiced` in place; add a line to the goal's "## History" and an entry to the daily
// log. The commit is the caller's: flows/goallog.ts for `aos goal log`, the run for the goal tool.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { historyLine } from '../core/goals/goals.js';
import { setSkillFields, appendHistory, METRIC } from '../core/goals/goaledit.js';
import { parseDoc } from '../core/docs/parsedoc.js';
import { localTime } from '../core/docs/time.js';
import { UsageError, ValidationError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from './home.js';
import { findGoal } from './goals.js';
import { writeAtomic } from './files.js';
import { appendLog } from './log.js';

export interface GoalLogInput {
  /** The goal's file name (or its unique start). */
  goal: string;
  /** A skill id, or "metric" for the goal's metric. */
  skill: string;
  value: number | string;
  note?: string;
  /** The goal's exact file name only, no unique start (for agents: their capability names the goal). */
  exact?: boolean;
}

/** What was recorded; `file` and `log` are the paths a commit takes. */
export interface GoalProgress {
  goal: string;
  file: string;
  skill: string;
  previous: number;
  value: number;
  date: string;
  log: string;
}

/** Parses a value the way the owner types it: "6.5", "7", "-3". */
export function parseValue(value: number | string): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`expected a number for the value, like 6.5, found ${JSON.stringify(value)}`);
  return n;
}

/** `actor` is the name in the daily log's heading: "owner", an agent id, an MCP client … */
export async function recordProgress(home: Home, env: Env, input: GoalLogInput, actor: string): Promise<GoalProgress> {
  const value = parseValue(input.value);
  const note = input.note?.replace(/\s+/g, ' ').trim() || undefined;
  const goal = await findGoal(home, input.goal, input.exact);
  const skill = input.skill === METRIC ? undefined : goal.front.skills.find((s) => s.id === input.skill);
  if (input.skill === METRIC ? !goal.front.metric : !skill) {
    const known = [...goal.front.skills.map((s) => s.id), ...(goal.front.metric ? [METRIC] : [])];
    throw new UsageError(`goal ${goal.name} has no skill "${input.skill}": expected one of ${known.join(', ') || '(none: add skills to ' + goal.file + ')'}`);
  }
  const previous = skill ? skill.current : goal.front.metric!.current;
  const at = env.now();
  const tz = home.config.owner.timezone;
  const date = localTime(at, tz).date;

  const path = join(home.root, goal.file);
  const raw = await fs.readFile(path, 'utf8');
  const fields: Record<string, string | number> = skill ? { current: value, last_practiced: date } : { current: value };
  const updated = appendHistory(setSkillFields(goal.file, raw, input.skill, fields), historyLine({ date, skill: input.skill, value, note }));
  // What is written must load back as a valid goal; otherwise nothing is written.
  const check = parseDoc('goal', goal.file, updated);
  if (!check.doc) throw new ValidationError(check.problems);
  await writeAtomic(path, home.redact(updated));

  const target = skill ? skill.target : goal.front.metric!.target;
  const log = await appendLog(home, tz, at, {
    kind: 'goal',
    agent: actor,
    ref: goal.name,
    body: `${goal.name} · ${input.skill}: ${previous} → ${value} (target ${target})${note ? ` — ${note}` : ''}`,
  });
  return { goal: goal.name, file: goal.file, skill: input.skill, previous, value, date, log };
}
