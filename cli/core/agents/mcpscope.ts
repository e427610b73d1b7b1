// What an `aos mcp` client may do. Without --agent the server is the owner's own tool (what the
// owner can do with aos commands, it can do); with --agent <id> every call is judged by that agent's
// capabilities and the owner's policy, with the same checks the agent's own tools use. Pure.
import { createHash } from 'node:crypto';
import { checkMessage, checkSimple, type Capability, type Verdict } from './capabilities.js';
import type { ActionVerdict, Asked } from './verdict.js';

export type Scope = { kind: 'owner' } | { kind: 'agent'; id: string; caps: readonly Capability[] };

/** allowed, or refused with why; `ask` when the owner's policy wants to be asked (an MCP call cannot wait). */
export type Access = { allowed: true; reason: string } | { allowed: false; ask?: boolean; reason: string };

const OWNER: Access = { allowed: true, reason: "the owner's own server (no --agent)" };

function fromVerdict(v: Verdict): Access {
  return v.allowed ? { allowed: true, reason: v.reason } : { allowed: false, reason: v.reason };
}

/** The token a tick hands its brain's `aos mcp`: a hash of the lock file it holds, so it is only good while that lock is. */
export function lockToken(lockText: string): string {
  return createHash('sha256').update(lockText).digest('hex').slice(0, 24);
}

export function memorySearch(scope: Scope): Access {
  return scope.kind === 'owner' ? OWNER : fromVerdict(checkSimple(scope.caps, 'memory', '*', 'read'));
}

/**
 * Reading a memory topic (or the index) is a memory read, and, like read_file, a file read the
 * owner's policy may class: what an agent's memory_read asks the one judge (tools/judge.ts).
 */
export function memoryRead(caps: readonly Capability[], file: string): Asked {
  return { capability: checkSimple(caps, 'memory', '*', 'read'), action: { kind: 'file', resource: file, verb: 'read' } };
}

/** Logging progress on a goal, as the log_progress tool does: goal:<slug>:write, then the policy for a write of goals/<slug>.md. */
export function goalLog(caps: readonly Capability[], slug: string): Asked {
  return { capability: checkSimple(caps, 'goal', slug, 'write'), action: { kind: 'file', resource: `goals/${slug}.md`, verb: 'write' } };
}

export const NOT_READ = 'Nothing was read. Ask the owner, or add the work to the inbox so a tick can ask';
export const NOT_WRITTEN = 'Nothing was written';

/** The judge's verdict as an MCP answer: "ask" refuses too, saying approval is needed, since an MCP call cannot wait. */
export function policyAccess(v: ActionVerdict, nothingDone: string): Access {
  if (v.verdict === 'allowed') return { allowed: true, reason: v.reason };
  if (v.verdict === 'refused') return { allowed: false, reason: v.reason };
  return { allowed: false, ask: true, reason: `${v.decided}: the owner's approval is needed, and an MCP call cannot wait for it. ${nothingDone}` };
}

/** A new inbox item: for an agent, a message to `to` (inbox:<to>:write or agent:message), or an unaddressed one (inbox:*:write). */
export function inboxAdd(scope: Scope, to: string | undefined): Access {
  if (scope.kind === 'owner') return OWNER;
  if (to === scope.id) return { allowed: false, reason: 'an agent cannot add work for itself; note it with log_note instead' };
  if (to) return fromVerdict(checkMessage(scope.caps, to));
  return fromVerdict(checkSimple(scope.caps, 'inbox', '*', 'write'));
}

/** Which items an agent sees: all with inbox:*:read, else only those addressed to it or sent by it. */
export function inboxVisible(scope: Scope, item: { to?: string; from?: string }): boolean {
  if (scope.kind === 'owner' || checkSimple(scope.caps, 'inbox', '*', 'read').allowed) return true;
  return item.to === scope.id || item.from === scope.id;
}

/** Goals an agent sees: those it owns, and those a goal:<slug>:read (or goal:*:read) grants. */
export function goalVisible(scope: Scope, goal: { slug: string; owner: string }): boolean {
  if (scope.kind === 'owner' || goal.owner === scope.id) return true;
  return checkSimple(scope.caps, 'goal', goal.slug, 'read').allowed;
}

/**
 * Run records of `agent` (or of everyone). An agent sees its own runs; other agents' only with
 * memory:*:read, which already lets it search the log where every run is summarised.
 */
export function runsAccess(scope: Scope, agent: string | undefined): Access {
  if (scope.kind === 'owner') return OWNER;
  if (agent === scope.id) return { allowed: true, reason: 'its own runs' };
  const v = checkSimple(scope.caps, 'memory', '*', 'read');
  if (v.allowed) return { allowed: true, reason: v.reason };
  return { allowed: false, reason: `${agent ? `${agent}'s runs` : "every agent's runs"} need memory:*:read (an agent without it sees its own runs: give agent "${scope.id}")` };
}
