// What `aos can <agent> <tool> <argument>` needs from each tool (issue 20): every tool of the
// registry says what its one argument names, how its capability side is judged (by the same
// decision functions its run calls), and which call the argument stands for. `can` is required by
// defineTool, so a new tool cannot be missing from `aos can`: the set is the registry's.
import type { Capability } from '../core/agents/capabilities.js';
import type { Asked } from '../core/agents/verdict.js';
import type { Vars } from '../env.js';
import type { Home } from '../home/home.js';
import { ToolError } from './runctx.js';

export interface CanQuery {
  home: Home;
  agent: string;
  caps: Capability[];
  argument: string;
  vars: Vars;
}

export interface CanSpec {
  /** What the argument is, for the usage line: "a path in the home", "an agent id, *, or role:<word>". */
  argument: string;
  /** The capability side of the call the argument stands for; the one judge (tools/judge.ts) does the rest. */
  judge(q: CanQuery): Promise<Asked> | Asked;
  /** The tool input the argument stands for (the test runs it through the real gate and compares). */
  call(argument: string): Record<string, unknown>;
}

/** A tool's refusal (ToolError "refused: …") as the capability side of a verdict; anything else is thrown. */
export function refusedBy(err: unknown): Asked {
  if (err instanceof ToolError) return { capability: { allowed: false, reason: err.message.replace(/^refused: /, '') } };
  throw err;
}

/** The capability side of a tool any agent may call (note, finish). */
export const ALWAYS = (reason: string): Asked => ({ capability: { allowed: true, reason } });

/** The home's agents as the message and delegate tools see them (only the active ones take work). */
export async function activeAgents(q: CanQuery): Promise<{ id: string; status: string; role: string; subscribes: string[] }[]> {
  const { loadAgents } = await import('../home/store.js');
  return (await loadAgents(q.home.root, q.home.docs)).agents.filter((a) => a.front.status === 'active').map((a) => ({ id: a.id, status: a.front.status, role: a.front.role, subscribes: a.front.subscribes ?? [] }));
}
