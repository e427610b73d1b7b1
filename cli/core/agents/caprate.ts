// {rate:100/min} on any capability: the decision, given the times of the capability's recent uses.
// Pure; the counter lives in .aos/rate.json (tools/caprate.ts). A sliding window: a use is allowed
// when fewer than N uses fall in the window ending now.
import { parseRate, type Capability } from './capabilities.js';

export interface RateDecision {
  allowed: boolean;
  reason?: string;
  /** The uses still inside the window, this one included when allowed: what the counter keeps. */
  keep: number[];
}

/** The key a capability's uses are counted under: the agent and the capability as written. */
export const rateKey = (agent: string, cap: Capability) => `${agent} ${cap.text}`;

export function rateDecision(cap: Capability, usesMs: readonly number[], nowMs: number): RateDecision {
  const text = cap.constraints.rate?.[0];
  const rate = text ? parseRate(text) : undefined;
  if (!rate || 'error' in rate) return { allowed: true, keep: [] };
  const recent = usesMs.filter((t) => t > nowMs - rate.windowMs && t <= nowMs).sort((a, b) => a - b);
  if (recent.length >= rate.count) {
    const freeAt = Math.ceil((recent[recent.length - rate.count]! + rate.windowMs - nowMs) / 1000);
    return { allowed: false, reason: `"${cap.text}" was used ${recent.length} times in the last ${rate.per}, its limit; try again in ${freeAt} s`, keep: recent };
  }
  return { allowed: true, keep: [...recent, nowMs] };
}

/** The capability a check's reason names ("granted by "…""), among the agent's. */
export function grantingCapability(caps: readonly Capability[], reason: string): Capability | undefined {
  const m = /granted by "((?:[^"\\]|\\.)*)"/.exec(reason);
  return m ? caps.find((c) => c.text === m[1]) : undefined;
}
