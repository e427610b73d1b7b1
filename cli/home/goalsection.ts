// A goal's "## Plan" or "## Research notes", rewritten or added to by its owner agent (the
// edit_goal tool): checked like `aos goal log` (the goal must load back valid, or nothing is
// written), noted in the daily log. The commit is the run's.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { EDITABLE_SECTIONS, sectionTextProblem, setSection, type EditableSection } from '../core/goals/goaledit.js';
import { parseDoc } from '../core/docs/parsedoc.js';
import { UsageError, ValidationError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from './home.js';
import { findGoal } from './goals.js';
import { writeAtomic } from './files.js';
import { appendLog } from './log.js';

export interface GoalSectionInput {
  /** The goal's exact file name, without .md. */
  goal: string;
  section: EditableSection;
  text: string;
  mode: 'replace' | 'append';
}

export async function editGoalSection(home: Home, env: Env, input: GoalSectionInput, actor: string): Promise<{ goal: string; file: string; heading: string; log: string }> {
  const problem = sectionTextProblem(input.text);
  if (problem) throw new UsageError(problem);
  const goal = await findGoal(home, input.goal, true);
  const heading = EDITABLE_SECTIONS[input.section];
  const path = join(home.root, goal.file);
  const updated = setSection(await fs.readFile(path, 'utf8'), heading, input.text, input.mode);
  const check = parseDoc('goal', goal.file, updated);
  if (!check.doc) throw new ValidationError(check.problems);
  await writeAtomic(path, home.redact(updated));
  const at = env.now();
  const log = await appendLog(home, home.config.owner.timezone, at, {
    kind: 'goal',
    agent: actor,
    ref: goal.name,
    body: `${goal.name}: ${input.mode === 'append' ? 'added to' : 'rewrote'} "## ${heading}" (${input.text.trim().split('\n').length} line(s)).`,
  });
  return { goal: goal.name, file: goal.file, heading, log };
}
