// The goal tool: an agent records a practice result the way `aos goal log` does, within its
// goal capabilities (goal:<slug>:write or goal:*:write) and the owner's file policy on goals/.
import * as v from 'valibot';
import { checkSimple } from '../core/agents/capabilities.js';
import { UserError } from '../errors.js';
import { defineTool } from './define.js';
import { ToolError, touch, type RunCtx } from './runctx.js';
import { SLUG } from '../core/docs/ids.js';
import { EDITABLE_SECTIONS } from '../core/goals/goaledit.js';
import { ValidationError } from '../errors.js';
import type { Capability } from '../core/agents/capabilities.js';
import { goalLog } from '../core/agents/mcpscope.js';

/** Offered to an agent that may write some goal; each call checks the goal it names. */
const goalWriter = (caps: readonly Capability[]): boolean => caps.some((c) => c.kind === 'goal' && c.actions.includes('write'));

const id = v.pipe(v.string(), v.regex(SLUG, 'lowercase letters, digits and dashes'));

export const logProgressTool = defineTool({
  name: 'log_progress',
  description:
    "Record a practice result on a goal: sets the skill's current value and last_practiced, and adds a line to the goal's \"## History\" and to the log. The value is a number on the skill's own scale; skill \"metric\" sets the goal's metric. Only results the owner actually achieved. The run commits it.",
  input: v.strictObject({
    goal: v.pipe(id, v.description('the goal file name without .md, e.g. ielts-writing')),
    skill: v.pipe(id, v.description('the skill id, or "metric"')),
    value: v.pipe(v.number(), v.finite('a finite number')),
    note: v.optional(v.pipe(v.string(), v.maxLength(300, 'at most 300 characters'), v.description('one line: the main weakness, or what went well'))),
  }),
  offered: goalWriter,
  can: { argument: 'the goal (its file name without .md)', judge: (q) => goalLog(q.caps, q.argument), call: (goal) => ({ goal, skill: 'metric', value: 1 }) },
  async run(input, ctx) {
    await mayWriteGoal(ctx, 'log_progress', input.goal, input);
    const { recordProgress } = await import('../home/goallog.js');
    try {
      // The file part only: the run's own commit takes the goal and the log.
      const r = await recordProgress(ctx.home, ctx.env, { ...input, exact: true }, ctx.agent.id);
      await touch(ctx, r.file, r.log);
      return `Recorded ${r.goal} · ${r.skill}: ${r.previous} → ${r.value} (${r.date}).`;
    } catch (err) {
      if (err instanceof UserError) throw new ToolError(err.message);
      throw err;
    }
  },
});

/** goal:<slug>:write, then the one gate (the policy, as a write of goals/<slug>.md): both goal tools ask the same. */
async function mayWriteGoal(ctx: RunCtx, tool: string, goal: string, input: unknown): Promise<void> {
  const verdict = checkSimple(ctx.agent.caps, 'goal', goal, 'write');
  if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
  await ctx.gate({ tool, kind: 'file', resource: `goals/${goal}.md`, verb: 'write', input, grant: verdict.reason });
}

export const editGoalTool = defineTool({
  name: 'edit_goal',
  description:
    'Rewrite or add to a goal\'s "## Plan" or "## Research notes" (e.g. what research found, with sources, and a changed drill to propose). ' +
    'mode "append" adds below what is there; "replace" rewrites the section. The skill tree and the History are not edited here ' +
    '(log_progress records results). The goal must stay valid, or nothing is written. The run commits it.',
  input: v.strictObject({
    goal: v.pipe(id, v.description('the goal file name without .md, e.g. ielts-writing')),
    section: v.pipe(v.picklist(Object.keys(EDITABLE_SECTIONS) as (keyof typeof EDITABLE_SECTIONS)[]), v.description('plan or research_notes')),
    text: v.pipe(v.string(), v.trim(), v.minLength(1, 'a non-empty text'), v.maxLength(20000, 'at most 20000 characters'), v.description('markdown; ### sub-headings at most')),
    mode: v.optional(v.picklist(['append', 'replace']), 'append'),
  }),
  offered: goalWriter,
  can: { argument: 'the goal (its file name without .md)', judge: (q) => goalLog(q.caps, q.argument), call: (goal) => ({ goal, section: 'plan', text: 'aos can' }) },
  async run(input, ctx) {
    await mayWriteGoal(ctx, 'edit_goal', input.goal, input);
    const { editGoalSection } = await import('../home/goalsection.js');
    try {
      const r = await editGoalSection(ctx.home, ctx.env, input, ctx.agent.id);
      await touch(ctx, r.file, r.log);
      return `${input.mode === 'append' ? 'Added to' : 'Rewrote'} "## ${r.heading}" of ${r.file}.`;
    } catch (err) {
      if (err instanceof ValidationError) throw new ToolError(`nothing was written: the goal would not be valid:\n${err.message}`);
      if (err instanceof UserError) throw new ToolError(err.message);
      throw err;
    }
  },
});
