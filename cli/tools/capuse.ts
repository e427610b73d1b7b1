// Revocable, rate-limited and auditable capabilities, at the edge of every tool call:
// - before each call the agent file is read as it is now (cheap: the document cache is keyed on the
//   file's stat), so a capability the owner removed is gone at the next call, in a run that waited too;
// - a capability with {rate:N/per} is counted in .aos/rate.json (per device, local state) and the
//   decision is core's (core/agents/caprate.ts);
// - every call's capability verdict (tool, argument, verdict, rule, time) goes into the run record's
//   `uses`, which `aos audit` reads.
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { grantingCapability, rateDecision, rateKey } from '../core/agents/caprate.js';
import { notCovered } from '../core/agents/capsubset.js';
import type { AgentFront } from '../core/docs/schemas.js';
import type { CapUse } from '../core/runs/runrecord.js';
import { readDoc } from '../home/documents.js';
import { isErrno, writeAtomic } from '../home/files.js';
import { localTime } from '../core/docs/time.js';
import { ToolError, type RunCtx } from './runctx.js';

export type { CapUse };

type Ctx = Pick<RunCtx, 'home' | 'env' | 'agent' | 'workdir'>;

/** Why the agent holds nothing now, or its capabilities as its file says now. */
export async function capsNow(home: RunCtx['home'], agentId: string): Promise<{ caps: Capability[]; revoked?: string }> {
  const file = `agents/${agentId}.md`;
  const { doc, problems } = await readDoc<AgentFront>(home.root, file, 'agent', home.docs);
  if (!doc) return { caps: [], revoked: `${file} cannot be read now (${problems[0]?.found ?? problems[0]?.expected ?? 'gone'}), so the agent holds no capability` };
  if (doc.front.status !== 'active') return { caps: [], revoked: `${file} is ${doc.front.status} now` };
  const { caps, errors } = parseCapabilities(doc.front.capabilities, file);
  if (errors.length) return { caps: [], revoked: `the agent is disabled until its capabilities are fixed: ${errors[0]}` };
  const parentId = doc.front.spawned?.by;
  if (!parentId) return { caps };
  // A spawned agent never holds more than its parent holds now: revoking the parent revokes the child.
  const parent = await capsNow(home, parentId);
  return { caps: caps.filter((c) => notCovered(c, parent.caps) === undefined) };
}

/** Before a tool call: the capabilities as the agent file says now. */
export async function refreshCaps(ctx: Ctx): Promise<string | undefined> {
  const now = await capsNow(ctx.home, ctx.agent.id);
  // In a mission's worktree the file grants are the mission's (RunCtx.workdir.scope).
  ctx.agent.caps = ctx.workdir?.scope ? ctx.workdir.scope(now.caps) : now.caps;
  return now.revoked;
}

const RATE_FILE = '.aos/rate.json';

async function readCounter(root: string): Promise<Record<string, number[]>> {
  try {
    const data = JSON.parse(await fs.readFile(join(root, RATE_FILE), 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, number[]>) : {};
  } catch (err) {
    // A missing or damaged counter counts from zero: it is local state, rebuilt as uses come.
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return {};
    throw err;
  }
}

/**
 * The rate side of a granted action: refused when the granting capability's rate is used up; else
 * `spend` records this use (called once the action is allowed, so asked or refused ones do not count).
 */
async function checkRate(ctx: Ctx, grant: string | undefined): Promise<{ refused?: string; spend(): Promise<void> }> {
  const cap = grant ? grantingCapability(ctx.agent.caps, grant) : undefined;
  if (!cap?.constraints.rate) return { spend: async () => {} };
  const key = rateKey(ctx.agent.id, cap);
  const nowMs = ctx.env.now().getTime();
  const counter = await readCounter(ctx.home.root);
  const d = rateDecision(cap, Array.isArray(counter[key]) ? counter[key]!.filter((t) => typeof t === 'number') : [], nowMs);
  if (!d.allowed) return { refused: d.reason!, spend: async () => {} };
  return {
    async spend() {
      const fresh = await readCounter(ctx.home.root);
      fresh[key] = d.keep;
      await fs.mkdir(join(ctx.home.root, '.aos'), { recursive: true });
      await writeAtomic(join(ctx.home.root, RATE_FILE), JSON.stringify(fresh));
    },
  };
}

/**
 * Before a call (in the gate, and in the tools that act without it: delegate, send_message,
 * search_memory): refused when the granting capability's {rate} is spent; else the spend, to call once the call went ahead.
 */
export async function rateOrRefuse(ctx: Ctx, grant: string | undefined): Promise<() => Promise<void>> {
  const rate = await checkRate(ctx, grant);
  if (rate.refused) throw new ToolError(`refused: ${rate.refused}`);
  return rate.spend;
}

/** What a call names, for the audit: the path, command, URL, agent or goal it acts on. */
export function argumentOf(input: unknown): string {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    for (const k of ['path', 'command', 'url', 'to', 'goal', 'slug', 'query']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return JSON.stringify(input ?? null).slice(0, 200);
}

/** After a tool call: its capability verdict, for the run record's `uses`. Malformed and unknown calls decided nothing. */
export function recordUse(ctx: Pick<RunCtx, 'home' | 'env' | 'uses' | 'lastRule'>, tool: string, input: unknown, outcome: { content: string; is_error: boolean; kind?: string }): void {
  if (!ctx.uses || tool === 'finish' || outcome.kind === 'invalid' || outcome.kind === 'unknown') return;
  const verdict: CapUse['verdict'] = outcome.kind === 'refused' && outcome.content.startsWith('refused') ? 'refused' : outcome.kind === 'ask' ? 'ask' : 'allowed';
  const rule = verdict === 'refused' ? outcome.content.replace(/^refused: /, '').slice(0, 300) : (ctx.lastRule ?? 'no capability needed');
  ctx.uses.push({ at: localTime(ctx.env.now(), ctx.home.config.owner.timezone).iso, tool, argument: ctx.home.redact(argumentOf(input)), verdict, rule });
}

/** Wires a run's context: capabilities re-read before each call, and the uses kept in its record's front matter. */
export function watchCapabilities(ctx: RunCtx, front: { uses?: CapUse[] }): void {
  ctx.uses = front.uses = [];
  ctx.beforeCall = () => refreshCaps(ctx);
}
