// aos can <agent> <tool> <argument>: whether the agent would be allowed the action, asked about it,
// or refused, and which capability or rule decided. Every tool of the registry (tools/registry.ts)
// is known by its own name, each judged by its `can` (tools/canspec.ts: the decision functions its
// run calls), then by the one judge the tool gate uses (tools/judge.ts): the owner's policy and the
// trust it has learned. The older names (shell, file-read, http-post …) stand for tools too.
import type { Args, Env, Vars } from '../env.js';
import { UsageError } from '../errors.js';
import { parseCapabilities, checkSimple, type Capability } from '../core/agents/capabilities.js';
import type { Asked, Outcome } from '../core/agents/verdict.js';
import { openHome, type Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { TOOLS } from '../tools/registry.js';
import { judgeAction } from '../tools/judge.js';

export type CanVerdict = Outcome;

/** The system PATH, where the sandbox is looked for when the caller names no environment. */
const DEFAULT_VARS: Vars = { PATH: '/usr/local/bin:/usr/bin:/bin' };

export interface CanAnswer {
  agent: string;
  tool: string;
  argument: string;
  verdict: CanVerdict;
  /** Which capability or rule decided, in words. */
  reason: string;
}

/** The older names `aos can` took before it knew every tool: each stands for a registry tool (and how its argument is written). */
const ALIASES: Record<string, { tool: string; argument?: (a: string) => string }> = {
  shell: { tool: 'run_shell' },
  'file-read': { tool: 'read_file' },
  'file-write': { tool: 'write_file' },
  http: { tool: 'fetch_url' },
  ...Object.fromEntries(['get', 'head', 'post', 'put', 'patch', 'delete'].map((m) => [`http-${m}`, { tool: 'fetch_url', argument: (a: string) => `${m.toUpperCase()} ${a}` }])),
  message: { tool: 'send_message' },
  spawn: { tool: 'spawn_agent' },
  'memory-read': { tool: 'read_memory' },
  'goal-write': { tool: 'log_progress' },
};
/** Capabilities no single tool stands for (several tools and aos mcp use them): judged as the capability alone. */
const CAPABILITY_ONLY = ['memory-write', 'goal-read', 'inbox-read', 'inbox-write'] as const;

/** Every tool of the registry by its own name, then the older names: the registry is the one source. */
export const CAN_TOOLS = [...TOOLS.map((t) => t.def.name), ...Object.keys(ALIASES), ...CAPABILITY_ONLY];

/** The capability side, by the tool's own `can` (tools/canspec.ts): the decision functions its run calls. */
async function capabilitySide(home: Home, caps: Capability[], agent: string, name: string, argument: string, vars: Vars): Promise<Asked> {
  if ((CAPABILITY_ONLY as readonly string[]).includes(name)) {
    const [kind, action] = name.split('-') as ['memory' | 'goal' | 'inbox', string];
    return { capability: checkSimple(caps, kind, argument, action) };
  }
  const alias = ALIASES[name];
  const tool = TOOLS.find((t) => t.def.name === (alias?.tool ?? name))!;
  const asked = await (async () => tool.can.judge({ home, agent, caps, argument: alias?.argument ? alias.argument(argument) : argument, vars }))().catch((err: unknown) => {
    // An argument the tool cannot take at all is a usage error, named by the tool as typed.
    if (err instanceof UsageError) throw new UsageError(`${name} ${err.message}`);
    throw err;
  });
  // As runTool: a tool the agent is not offered is refused, whatever its own check would say.
  if (asked.capability.allowed && !tool.offered(caps)) return { capability: { allowed: false, reason: `no capability grants ${tool.def.name}` } };
  return asked;
}

/** The agent's capability for the action, then the one judge: the verdict the tools would reach. */
export async function canAnswer(home: Home, agentId: string, tool: string, argument: string, vars: Vars = DEFAULT_VARS): Promise<CanAnswer> {
  return judgeInRoster(home, await loadAgents(home.root, home.docs), agentId, tool, argument, vars);
}

/** canAnswer, with the home's agents already loaded: the corpus test judges hundreds of cases against one roster. */
export async function judgeInRoster(home: Home, roster: Pick<Awaited<ReturnType<typeof loadAgents>>, 'agents' | 'problems'>, agentId: string, tool: string, argument: string, vars: Vars = DEFAULT_VARS): Promise<CanAnswer> {
  const base = { agent: agentId, tool, argument };
  const { agents, problems } = roster;
  const agent = agents.find((a) => a.id === agentId);
  if (!agent) {
    const bad = problems.find((p) => p.file === `agents/${agentId}.md`);
    if (bad) return { ...base, verdict: 'refused', reason: `agents/${agentId}.md is invalid, so the agent is disabled: ${bad.expected}` };
    throw new UsageError(`no agent "${agentId}": expected one of ${agents.map((a) => a.id).join(', ')}`);
  }
  const { caps, errors } = parseCapabilities(agent.front.capabilities, agent.file);
  if (errors.length) return { ...base, verdict: 'refused', reason: `the agent is disabled until its capabilities are fixed: ${errors[0]}` };
  const v = await judgeAction(home, await capabilitySide(home, caps, agentId, tool, argument, vars));
  return { ...base, verdict: v.verdict, reason: v.reason };
}

export async function can(args: Args, env: Env): Promise<number> {
  const tool = String(args.tool);
  if (!CAN_TOOLS.includes(tool)) throw new UsageError(`tool "${tool}": expected one of ${CAN_TOOLS.join(', ')}`);
  const home = await openHome(env);
  const answer = await canAnswer(home, String(args.agent), tool, String(args.argument), env.vars);
  if (env.out.json) env.out.data(answer);
  else env.out.line(`${answer.verdict}: ${answer.reason}`);
  return answer.verdict === 'allowed' ? 0 : 1;
}
