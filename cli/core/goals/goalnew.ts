// A new goal's file: the template to fill in by hand, or the owner agent's researched skill tree.
// The model answers in a fixed form — one fenced ```yaml block with `metric` and `skills`, then the
// "## Plan" and "## Research notes" sections in markdown — and the whole file is validated
// against the goal schema before anything is written.
import type { Problem } from '../../errors.js';
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';
import { parseDoc } from '../docs/parsedoc.js';
import { parseYaml, describe } from '../docs/yaml.js';

export interface GoalBase {
  title: string;
  owner: string;
  created: string;
  deadline?: string;
}

function quoted(s: string): string {
  return JSON.stringify(s);
}

/** A well-formed goal to fill in: paused, so no drill is filed before its skills are real. */
export function goalTemplate(b: GoalBase): string {
  return `---
title: ${quoted(b.title)}
# paused until the skills below are yours; then set: active (the tick files due drills)
status: paused
owner: ${b.owner}
created: ${b.created}
${b.deadline ? `deadline: ${b.deadline}` : '# deadline: 2027-03-01'}
# The outcome you measure now and then (a mock test, a race time); unit is optional.
metric: { name: score, baseline: 0, current: 0, target: 10 }
# Three to six skills that move the metric. weight: how much each matters (they sum to about 1);
# cadence: daily, weekly, N/week (3/week) or a cron expression ("0 7 * * 1-5").
skills:
  - id: first-skill
    name: The first skill to practise
    weight: 1
    baseline: 0
    current: 0
    target: 10
    cadence: daily
    drill: One concrete exercise under an hour that ends in a score on the skill's scale.
---
## Plan
What to practise, in what order, and why these weights.

## Research notes
How people reach this goal: the method, what matters most, common plateaus — with sources.

## History
`;
}

/** The request to the owner agent; the answer's form is spelt out so it can be checked. */
export function researchPrompt(b: GoalBase): string {
  return `A new goal for the owner: ${quoted(b.title)}${b.deadline ? `, by ${b.deadline}` : ''}. Today is ${b.created}.

Research how people actually reach a goal like this: the method that works, what matters most,
the common plateaus and how they are broken. Then design the skill tree.

Answer in exactly this form and nothing else:

\`\`\`yaml
metric: { name: <what is measured>, baseline: <number now>, current: <same number>, target: <number>, unit: <optional> }
skills:
  - id: <lowercase-words-with-dashes>
    name: <the skill, a few words>
    weight: <0 to 1; the weights sum to about 1>
    baseline: <number now>
    current: <same number>
    target: <number>
    cadence: <daily | weekly | N/week | a 5-field cron expression>
    drill: <one concrete exercise under an hour that ends in a score>
\`\`\`

## Plan
<what to practise, in what order, and why these weights>

## Research notes
<the method, what matters most, common plateaus, each with its source>

Three to six skills. Numbers are plain numbers on the goal's own scale. If the owner's current
level is unknown, use a sensible starting guess and say so in the plan.`;
}

const ALLOWED = new Set(['metric', 'skills']);

/**
 * The goal file from the model's answer, or the problems with it. Only `metric` and `skills` come
 * from the model; title, owner, status, dates are aos's. The result is validated as a whole.
 */
export function goalFromAnswer(file: string, answer: string, b: GoalBase): { text?: string; problems: Problem[] } {
  const fence = /```ya?ml[ \t]*\n([\s\S]*?)\n```/.exec(answer);
  if (!fence) return { problems: [{ file, expected: 'the answer to start with a fenced ```yaml block holding metric and skills', found: describe(answer.trim() || 'nothing') }] };
  const parsed = parseYaml(file, fence[1]!);
  if (!parsed.yaml) return { problems: parsed.problems };
  const data = parsed.yaml.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { problems: [{ file, expected: 'a yaml block of "metric:" and "skills:"', found: describe(data) }] };
  const extra = Object.keys(data).filter((k) => !ALLOWED.has(k));
  if (extra.length) return { problems: [{ file, expected: 'only metric and skills in the yaml block', found: extra.map((k) => JSON.stringify(k)).join(', ') }] };
  const d = data as { metric?: unknown; skills?: unknown };
  if (!Array.isArray(d.skills) || !d.skills.length) return { problems: [{ file, field: 'skills', expected: 'a list of at least one skill', found: describe(d.skills) }] };
  const front = frontMatterText({ title: b.title, status: 'active', owner: b.owner, created: b.created, deadline: b.deadline, metric: d.metric, skills: d.skills });
  let body = answer.slice(fence.index + fence[0].length).trim();
  if (!/^##\s+Plan\s*$/im.test(body)) body = `## Plan\n${body || '(none given)'}`;
  body = body.replace(/^##\s+History\s*$[\s\S]*/im, '').trimEnd();
  const text = renderDocument(front, `${body}\n\n## History\n`);
  const check = parseDoc('goal', file, text);
  return check.doc ? { text, problems: [] } : { problems: check.problems };
}
