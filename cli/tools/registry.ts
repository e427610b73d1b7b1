// The tools an agent's model may call. Each is offered only when a capability could grant it, and
// each call is checked by cli/core/agents/capabilities.ts before anything runs.
import * as v from 'valibot';
import type { Capability } from '../core/agents/capabilities.js';

import type { ToolDef } from '../core/runs/transcript.js';
import { NeedsApproval, ToolError, type RunCtx } from './runctx.js';
import { ALWAYS, type CanSpec } from './canspec.js';
export { ToolError } from './runctx.js';
import { readFileTool, listFilesTool, writeFileTool } from './files.js';
import { noteTool } from './notes.js';
import { searchMemoryTool, readMemoryTool } from './memory.js';
import { delegateTool } from './delegate.js';
import { sendMessageTool } from './messages.js';
import { shellTool } from './shell.js';
import { fetchTool } from './http.js';
import { browseTool } from './browse.js';
import { logProgressTool, editGoalTool } from './goals.js';
import { defineTool } from './define.js';
import { recordUse } from './capuse.js';
import { spawnTool } from './spawn.js';
import { proposeSkillTool } from './skills.js';
import { delegateRemoteTool } from './a2adelegate.js';
import { rememberTool, recallTool } from './remember.js';

export interface Tool<I = any> {
  def: ToolDef;
  input: v.GenericSchema<unknown, I>;
  /** Whether any of the agent's capabilities could grant this tool at all. */
  offered(caps: readonly Capability[]): boolean;
  /** How `aos can` judges this tool: its argument and capability side (tools/canspec.ts). */
  can: CanSpec;
  run(input: I, ctx: RunCtx): Promise<string>;
}


const finishTool = defineTool({
  name: 'finish',
  description: 'End the run with your final answer for the owner (or for the agent that delegated to you).',
  input: v.strictObject({ result: v.pipe(v.string(), v.description('the answer, in markdown')) }),
  offered: () => true,
  can: { argument: 'the answer (any text)', judge: () => ALWAYS('every run may finish'), call: (result) => ({ result }) },
  async run(input, ctx) {
    ctx.finished = input.result;
    return 'Finished.';
  },
});

export const TOOLS: Tool[] = [readFileTool, listFilesTool, writeFileTool, shellTool, fetchTool, browseTool, searchMemoryTool, readMemoryTool, recallTool, rememberTool, noteTool, delegateTool, delegateRemoteTool, spawnTool, sendMessageTool, logProgressTool, editGoalTool, proposeSkillTool, finishTool];

export function offeredTools(caps: readonly Capability[]): Tool[] {
  return TOOLS.filter((t) => t.offered(caps));
}




export type ToolOutcome = { content: string; is_error: boolean; kind?: 'unknown' | 'invalid' | 'refused' | 'failed' | 'ask'; approval?: NeedsApproval };

/**
 * Runs one tool call. Refusals and bad input come back as error results, never as exceptions.
 * The capabilities are read from the agent file first (a removed one is revoked now) and the call's
 * verdict is kept for the audit (tools/capuse.ts).
 */
export async function runTool(tools: readonly Tool[], name: string, input: unknown, ctx: RunCtx): Promise<ToolOutcome> {
  const revoked = await ctx.beforeCall?.();
  ctx.lastRule = undefined;
  const tool = tools.find((t) => t.def.name === name);
  // A tool of aos the run was not offered (a resumed run whose grant was removed since it asked) is a refusal, not an unknown name.
  const known = tool ?? (TOOLS.some((t) => t.def.name === name) ? TOOLS.find((t) => t.def.name === name) : undefined);
  const outcome = known && name !== 'finish' && (!tool || !known.offered(ctx.agent.caps))
    ? { content: `refused: no capability grants ${name}${tool ? ' any more' : ''}${revoked ? ` (${revoked})` : ''}`, is_error: true, kind: 'refused' as const }
    : await callTool(tools, name, input, ctx);
  recordUse(ctx, name, input, outcome);
  return outcome;
}

async function callTool(tools: readonly Tool[], name: string, input: unknown, ctx: RunCtx): Promise<ToolOutcome> {
  const tool = tools.find((t) => t.def.name === name);
  if (!tool) return { content: `unknown tool "${name}"; the tools you have are: ${tools.map((t) => t.def.name).join(', ')}`, is_error: true, kind: 'unknown' };
  const parsed = v.safeParse(tool.input, input);
  if (!parsed.success) {
    const why = parsed.issues.map((i) => `${v.getDotPath(i) ?? 'input'}: ${i.message}`).join('; ');
    return { content: `invalid arguments for ${name}: ${why}`, is_error: true, kind: 'invalid' };
  }
  const redact = ctx.home.redact;
  try {
    // A secret in a tool's output would reach the model, the run record and the commit.
    return { content: redact(await tool.run(parsed.output, ctx)), is_error: false };
  } catch (err) {
    if (err instanceof ToolError) return { content: redact(err.message), is_error: true, kind: 'refused' };
    if (err instanceof NeedsApproval) return { content: err.message, is_error: false, kind: 'ask', approval: err };
    const code = (err as NodeJS.ErrnoException).code;
    if (code) return { content: redact(`${name} failed: ${(err as Error).message}`), is_error: true, kind: 'failed' };
    throw err;
  }
}
