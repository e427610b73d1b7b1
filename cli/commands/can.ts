// aos can <agent> <tool> <argument>: whether the agent would be allowed the action, asked about it,
// or refused, and which capability or rule decided. The same checks the tools run, in the same order:
// capability (and the tool's own rules, by the tools' own decision functions), then the one judge the
// tool gate uses (tools/judge.ts): the owner's policy and the trust it has learned.
import type { Args, Env, Vars } from '../env.js';
import { UsageError } from '../errors.js';
import { parseCapabilities, checkDelegate, checkMessage, checkSimple, type Capability } from '../core/agents/capabilities.js';
import type { Asked, Outcome } from '../core/agents/verdict.js';
import { openHome, type Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { ToolError } from '../tools/runctx.js';
import { judgeAction } from '../tools/judge.js';
import { TOPIC_SLUG, topicFile } from '../core/memory/memlint.js';
import { INDEX_FILE } from '../core/docs/textchecks.js';

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

const SIMPLE = ['memory-read', 'memory-write', 'goal-read', 'goal-write', 'inbox-read', 'inbox-write'] as const;
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];
export const CAN_TOOLS = ['shell', 'file-read', 'file-write', 'http', ...METHODS.map((m) => `http-${m}`), 'delegate', 'message', 'spawn', ...SIMPLE];

/** The capability side, by the tools' own decision functions: granted (with the action the policy then classes) or refused, with why. */
async function capabilitySide(home: Home, caps: Capability[], agent: string, tool: string, argument: string, vars: Vars): Promise<Asked> {
  const refusal = (err: unknown): Asked => {
    if (err instanceof ToolError) return { capability: { allowed: false, reason: err.message.replace(/^refused: /, '') } };
    throw err;
  };
  if (tool === 'shell') {
    const { shellDecision, policyWords, sandboxState } = await import('../tools/shell.js');
    const d = await shellDecision(caps, argument, home.root, { sandbox: sandboxState(home.config, vars) });
    const capability = { allowed: d.allowed, reason: d.reason };
    if (!d.allowed) return { capability };
    return { capability, action: { kind: 'shell', resource: argument, verb: 'execute', argv: policyWords(argument, d) } };
  }
  if (tool === 'file-read' || tool === 'file-write') {
    const action = tool === 'file-read' ? 'read' : 'write';
    const { fileDecision } = await import('../tools/files.js');
    try {
      const d = await fileDecision(caps, home.root, argument, action);
      return { capability: { allowed: true, reason: d.reason }, action: { kind: 'file', resource: d.path, verb: action } };
    } catch (err) {
      return refusal(err);
    }
  }
  if (tool === 'http' || tool.startsWith('http-')) {
    const method = tool === 'http' ? 'get' : tool.slice(5);
    const { httpDecision } = await import('../tools/http.js');
    try {
      const d = httpDecision(caps, method, argument);
      return { capability: { allowed: true, reason: d.reason }, action: { kind: 'http', resource: d.url, verb: method } };
    } catch (err) {
      return refusal(err);
    }
  }
  if (tool === 'delegate') return { capability: checkDelegate(caps, argument, [agent], 0) };
  if (tool === 'message') return { capability: checkMessage(caps, argument) };
  // As read_memory and aos mcp's memory_read judge it: memory:*:read, then the policy for the file read.
  if (tool === 'memory-read') return (await import('../core/agents/mcpscope.js')).memoryRead(caps, memoryFile(argument));
  // spawn: may the agent spawn a helper holding this capability (the argument, as written)?
  if (tool === 'spawn') {
    const { checkSpawn, delegatedCapabilities } = await import('../core/agents/capsubset.js');
    const may = checkSpawn(caps, 0);
    if (!may.allowed) return { capability: may };
    const sub = delegatedCapabilities([argument], caps);
    return { capability: 'error' in sub ? { allowed: false, reason: sub.error } : { allowed: true, reason: `${may.reason}; "${argument}" is within the parent's` } };
  }
  const [kind, action] = tool.split('-') as ['memory' | 'goal' | 'inbox', string];
  const v = checkSimple(caps, kind, argument, action);
  // log_progress (and aos mcp's goal_log) also ask the policy, as a write of the goal's file.
  if (tool === 'goal-write') return { capability: v, action: { kind: 'file', resource: `goals/${argument}.md`, verb: 'write' } };
  return { capability: v };
}

/** The file a memory read reads: a topic's by its slug (or its path), the index for "*" or MEMORY. */
function memoryFile(argument: string): string {
  if (argument === '*' || argument === 'MEMORY' || argument === INDEX_FILE) return INDEX_FILE;
  const slug = argument.replace(/^memory\//, '').replace(/\.md$/, '');
  if (!TOPIC_SLUG.test(slug)) throw new UsageError(`memory-read "${argument}": expected a topic such as prefers-trains (or memory/prefers-trains.md), or * for the index`);
  return topicFile(slug);
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
