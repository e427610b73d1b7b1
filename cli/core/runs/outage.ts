// When the model provider, not the item, is at fault: the API cannot be reached, refuses the key,
// or is overloaded past every retry. Such a run is no attempt of its item; the tick stops calling
// that provider for the rest of the tick, and the outage is kept in .aos/outage.json until a call
// succeeds. Pure: the flows read and write the file, this decides what it says.
import type { Problem } from '../../errors.js';
import type { ModelErrorKind } from './transcript.js';

/** unreachable: connection refused, DNS, reset; bad_key: 401/403; overloaded: 529 past the retries. */
export type ProviderFault = 'unreachable' | 'bad_key' | 'overloaded';

/**
 * The model errors that say nothing about the item. A 500, a timeout or a malformed answer can come
 * from the request itself (a huge item, a prompt the API chokes on), so those stay the item's attempts.
 */
export function providerFault(kind: ModelErrorKind): ProviderFault | undefined {
  if (kind === 'connection') return 'unreachable';
  if (kind === 'auth') return 'bad_key';
  if (kind === 'overloaded') return 'overloaded';
  return undefined;
}

/** What one tick saw: the first failed call, and how many items it left waiting. */
export interface OutageSeen {
  provider: string;
  fault: ProviderFault;
  error: string;
  /** Items that did not run because of it this tick (the one whose call failed included). */
  waiting: number;
}

/** .aos/outage.json */
export interface Outage extends OutageSeen {
  /** ISO time of the first tick that met it. */
  since: string;
  /** ISO time of the latest tick that met it. */
  last: string;
  /** Ticks in a row that met it. */
  ticks: number;
}

/** The outage after a tick that met one; a change of fault (down, then a bad key) starts a new one. */
export function nextOutage(prev: Outage | undefined, seen: OutageSeen, nowIso: string): Outage {
  const same = prev && prev.provider === seen.provider && prev.fault === seen.fault;
  return { ...seen, since: same ? prev.since : nowIso, last: nowIso, ticks: same ? prev.ticks + 1 : 1 };
}

const WHAT: Record<ProviderFault, string> = {
  unreachable: 'cannot be reached',
  bad_key: 'refuses the API key: the key is bad or expired',
  overloaded: 'is overloaded',
};

export const OUTAGE_HELP: Record<ProviderFault, string> = {
  unreachable: 'see docs/recovery.md#outage',
  bad_key: 'set a valid ANTHROPIC_API_KEY where cron runs aos; see docs/recovery.md#bad-key',
  overloaded: 'see docs/recovery.md#outage',
};

/** One line for the tick, status and doctor. */
export function outageLine(o: OutageSeen & Partial<Pick<Outage, 'since' | 'ticks'>>): string {
  const since = o.since ? ` since ${o.since}${o.ticks && o.ticks > 1 ? ` (${o.ticks} ticks)` : ''}` : '';
  const items = `${o.waiting} item${o.waiting === 1 ? '' : 's'} wait${o.waiting === 1 ? 's' : ''}`;
  return `the model provider (${o.provider}) ${WHAT[o.fault]}${since}: ${o.error}. Not the items' fault: ${items}, no attempt counted, and they run by themselves when it answers; ${OUTAGE_HELP[o.fault]}`;
}


/** For doctor: the outage as a problem of the file that records it (exit 1: the items cannot run). */
export function outageProblem(o: Outage, file: string): Problem {
  const when = `since ${o.since}${o.ticks > 1 ? ` (${o.ticks} ticks, the last at ${o.last})` : ''}`;
  return o.fault === 'bad_key'
    ? { file, expected: `an API key ${o.provider} accepts`, found: `the key is bad or expired: ${o.error} (${when})`, hint: OUTAGE_HELP.bad_key }
    : { file, expected: `a model provider that answers`, found: `${o.provider} ${WHAT[o.fault]} ${when}: ${o.error}; ${o.waiting} item(s) wait`, hint: `nothing is lost: the items run when it answers; ${OUTAGE_HELP[o.fault]}` };
}
