// Buying work from a remote A2A agent (issue 21): which capability grants a delegation to a remote
// URL, with its cost cap and client key, and whether a price read from the remote card fits. Pure.
import type { Capability } from '../agents/capabilities.js';
import { parseAmount, parsePrice } from './money.js';

/** The card extension prices ride in: params.skills maps a skill id to its price as decimal text, in params.currency. */
export const PRICE_EXTENSION = 'urn:aos:a2a:pricing:v1';

export interface RemoteGrant {
  cap: Capability;
  /** The remote agent's base URL, as granted. */
  url: string;
  maxMicros: number;
  /** The secret sent as the client key. */
  auth?: string;
}

/** The grant to delegate to `target` (a2a:https://…), or why there is none. */
export function remoteGrant(caps: readonly Capability[], target: string): RemoteGrant | { refused: string } {
  const norm = (t: string) => t.replace(/\/+$/, '');
  for (const cap of caps) {
    if (cap.kind !== 'agent' || !cap.actions.includes('delegate')) continue;
    const to = (cap.constraints.to ?? []).find((t) => t.startsWith('a2a:') && norm(t) === norm(target));
    if (!to) continue;
    const maxMicros = parseAmount((cap.constraints.max_usd?.[0] ?? '0').replace(/^\$/, '')) ?? 0;
    return { cap, url: to.slice(4), maxMicros, ...(cap.constraints.auth?.[0] ? { auth: cap.constraints.auth[0] } : {}) };
  }
  const granted = caps.flatMap((c) => (c.kind === 'agent' ? (c.constraints.to ?? []).filter((t) => t.startsWith('a2a:')) : []));
  return { refused: `no capability grants delegation to ${target}${granted.length ? ` (granted: ${granted.join(', ')})` : ''}` };
}

/** The targets an agent may delegate to remotely (for the tool's description). */
export function remoteTargets(caps: readonly Capability[]): string[] {
  return caps.flatMap((c) => (c.kind === 'agent' && c.actions.includes('delegate') ? (c.constraints.to ?? []).filter((t) => t.startsWith('a2a:')) : []));
}

/**
 * A skill's price as the remote card states it: the aos pricing extension's decimal (in its
 * currency), else a "price:USD 0.005" tag. USD only: the cap is in dollars.
 */
export function cardPrice(card: { capabilities?: { extensions?: { uri: string; params?: Record<string, unknown> }[] }; skills: { id: string; tags: string[] }[] }, skill: string, extensionUri: string): number | undefined {
  const ext = card.capabilities?.extensions?.find((e) => e.uri === extensionUri);
  const fromExt = ext?.params && ext.params.currency === 'USD' ? (ext.params.skills as Record<string, unknown> | undefined)?.[skill] : undefined;
  if (typeof fromExt === 'string') return parseAmount(fromExt);
  const tag = card.skills.find((s) => s.id === skill)?.tags.find((t) => t.startsWith('price:'));
  const p = tag ? parsePrice(tag.slice(6)) : undefined;
  return p?.currency === 'USD' ? p.micros : undefined;
}

/** Why a job at this price may not be bought under this grant, if it may not. */
export function priceRefusal(priceMicros: number | undefined, grant: RemoteGrant, skill: string): string | undefined {
  if (priceMicros === undefined) return `the remote card names no USD price for ${skill}; aos buys only priced work`;
  if (priceMicros > grant.maxMicros) return `${skill} costs $${(priceMicros / 1e6).toFixed(6).replace(/0+$/, '').replace(/\.$/, '')} there, over max_usd ${grant.cap.constraints.max_usd![0]} of "${grant.cap.text}"`;
  return undefined;
}
