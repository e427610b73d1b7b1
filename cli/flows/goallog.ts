// Progress on a goal, as one operation any caller can use (`aos goal log`, an MCP client …):
// check the goal, the skill and the value; set the skill's `current` and `last_practiced` in place;
// add a line to the goal's "## History" and an entry to the daily log; commit both with trailers.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { historyLine } from '../core/goals.js';
import { setSkillFields, appendHistory, METRIC } from '../core/goaledit.js';
import { parseDoc } from '../core/parsedoc.js';
import { localTime } from '../core/time.js';
import type { Identity } from '../core/commit.js';
import { UsageError, ValidationError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { findGoal } from '../home/goals.js';
import { writeAtomic } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commitAsOwner } from '../home/ownercommit.js';
import { redact } from '../home/secrets.js';

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

export interface GoalLogBy {
  /** Author and committer. */
  who: Identity;
  /** The name in the daily log's heading: "owner", an agent id, an MCP client … */
  actor: string;
  /** Extra commit trailers (Aos-Device is always added). */
  trailers?: Record<string, string>;
  /** false inside an agent run: the run's own commit takes the files. */
  commit?: boolean;
}

export interface GoalLogResult {
  goal: string;
  file: string;
  skill: string;
  previous: number;
  value: number;
  date: string;
  log: string;
  /** Undefined when a tick held the lock: it commits the change as a hand edit. */
  commit?: string;
}

/** Parses a value the way the owner types it: "6.5", "7", "-3". */
export function parseValue(value: number | string): number {
  const n = typeof value === 'number' ? value : /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`expected a number for the value, like 6.5, found ${JSON.stringify(value)}`);
  return n;
}

export async function logProgress(home: Home, env: Env, input: GoalLogInput, by: GoalLogBy): Promise<GoalLogResult> {
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
  await writeAtomic(path, redact(updated));

  const target = skill ? skill.target : goal.front.metric!.target;
  const log = await appendLog(home.root, tz, at, {
    kind: 'goal',
    agent: by.actor,
    ref: goal.name,
    body: `${goal.name} · ${input.skill}: ${previous} → ${value} (target ${target})${note ? ` — ${note}` : ''}`,
  });
  const sha = by.commit === false ? undefined : await commitAsOwner(home, env, 'goal log', {
    who: by.who,
    subject: `goal ${goal.name}: ${input.skill} ${previous} → ${value}`,
    trailers: { 'Aos-Kind': 'goal-log', 'Aos-Goal': goal.name, 'Aos-Skill': input.skill, ...by.trailers },
    paths: [goal.file, log],
  });
  return { goal: goal.name, file: goal.file, skill: input.skill, previous, value, date, log, commit: sha };
}
