// aos can <agent> <tool> <argument>: whether the agent would be allowed the action, asked about it,
// or refused, and which capability or rule decided. The same checks the tools run, in the same order:
// capability (and the tool's own rules), then the owner's policy and the trust it has learned.
import type { Args } from '../dispatch.js';
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import { parseCapabilities, checkDelegate, checkMessage, checkSimple, type Capability } from '../core/capabilities.js';
import { decide, parsePolicy, type PolicyAction } from '../core/policy.js';
import { openHome, type Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { answerHistory } from '../home/approvals.js';
import { ToolError } from '../tools/context.js';

export type CanVerdict = 'allowed' | 'ask' | 'refused';

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
export const CAN_TOOLS = ['shell', 'file-read', 'file-write', 'http', ...METHODS.map((m) => `http-${m}`), 'delegate', 'message', ...SIMPLE];

/** The capability side: granted (with the action the policy then classes) or refused, with why. */
async function capabilityVerdict(home: Home, caps: Capability[], agent: string, tool: string, argument: string): Promise<{ refused: string } | { granted: string; action?: PolicyAction }> {
  const refusal = (err: unknown) => {
    if (err instanceof ToolError) return { refused: err.message.replace(/^refused: /, '') };
    throw err;
  };
  if (tool === 'shell') {
    const { shellDecision, policyWords } = await import('../tools/shell.js');
    const d = await shellDecision(caps, argument, home.root);
    if (!d.allowed) return { refused: d.reason };
    return { granted: d.reason, action: { kind: 'shell', resource: argument, verb: 'execute', argv: policyWords(argument, d) } };
  }
  if (tool === 'file-read' || tool === 'file-write') {
    const action = tool === 'file-read' ? 'read' : 'write';
    const { fileDecision } = await import('../tools/files.js');
    try {
      const d = await fileDecision(caps, home.root, argument, action);
      return { granted: d.reason, action: { kind: 'file', resource: d.path, verb: action } };
    } catch (err) {
      return refusal(err);
    }
  }
  if (tool === 'http' || tool.startsWith('http-')) {
    const method = tool === 'http' ? 'get' : tool.slice(5);
    const { httpDecision } = await import('../tools/http.js');
    try {
      const d = httpDecision(caps, method, argument);
      return { granted: d.reason, action: { kind: 'http', resource: d.url, verb: method } };
    } catch (err) {
      return refusal(err);
    }
  }
  if (tool === 'delegate') {
    const v = checkDelegate(caps, argument, [agent], 0);
    return v.allowed ? { granted: v.reason } : { refused: v.reason };
  }
  if (tool === 'message') {
    const v = checkMessage(caps, argument);
    return v.allowed ? { granted: v.reason } : { refused: v.reason };
  }
  const [kind, action] = tool.split('-') as ['memory' | 'goal' | 'inbox', string];
  const v = checkSimple(caps, kind, argument, action);
  if (!v.allowed) return { refused: v.reason };
  // log_progress (and aos mcp's goal_log) also ask the policy, as a write of the goal's file.
  if (tool === 'goal-write') return { granted: v.reason, action: { kind: 'file', resource: `goals/${argument}.md`, verb: 'write' } };
  return { granted: v.reason };
}

export async function judge(home: Home, agentId: string, tool: string, argument: string): Promise<CanAnswer> {
  return judgeInRoster(home, await loadAgents(home.root, home.docs), agentId, tool, argument);
}

/** judge, with the home's agents already loaded: the corpus test judges hundreds of cases against one roster. */
export async function judgeInRoster(home: Home, roster: Pick<Awaited<ReturnType<typeof loadAgents>>, 'agents' | 'problems'>, agentId: string, tool: string, argument: string): Promise<CanAnswer> {
  const base = { agent: agentId, tool, argument };
  const { agents, problems } = roster;
  const agent = agents.find((a) => a.id === agentId);
  if (!agent) {
    const bad = problems.find((p) => p.file === `agents/${agentId}.md`);
    if (bad) return { ...base, verdict: 'refused', reason: `agents/${agentId}.md is invalid, so the agent is disabled: ${bad.expected}` };
    throw new UsageError(`no agent "${agentId}": expected one of ${agents.map((a) => a.id).join(', ')}`);
  }
  const { caps, errors } = parseCapabilities(agent.front.capabilities);
  if (errors.length) return { ...base, verdict: 'refused', reason: `the agent is disabled until its capabilities are fixed: ${errors[0]}` };
  const cap = await capabilityVerdict(home, caps, agentId, tool, argument);
  if ('refused' in cap) return { ...base, verdict: 'refused', reason: cap.refused };
  if (!cap.action) return { ...base, verdict: 'allowed', reason: cap.granted };
  const parsed = parsePolicy(home.config.policy);
  if (parsed.errors.length) return { ...base, verdict: 'refused', reason: `aos.yaml's policy is invalid, so nothing it could cover runs: ${parsed.errors[0]}` };
  const d = decide(parsed.policy, cap.action, await answerHistory(home.root));
  if (d.class === 'never') return { ...base, verdict: 'refused', reason: `${cap.granted}, but ${d.reason}` };
  if (d.class === 'ask') return { ...base, verdict: 'ask', reason: `${cap.granted}; ${d.reason}: the owner is asked first` };
  return { ...base, verdict: 'allowed', reason: `${cap.granted}; ${d.reason}` };
}

export async function can(args: Args, env: Env): Promise<number> {
  const tool = String(args.tool);
  if (!CAN_TOOLS.includes(tool)) throw new UsageError(`tool "${tool}": expected one of ${CAN_TOOLS.join(', ')}`);
  const home = await openHome(env);
  const answer = await judge(home, String(args.agent), tool, String(args.argument));
  if (env.out.json) env.out.data(answer);
  else env.out.line(`${answer.verdict}: ${answer.reason}`);
  return answer.verdict === 'allowed' ? 0 : 1;
}
