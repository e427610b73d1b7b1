// `sell_to_network:` in aos.yaml: what this home sells over A2A, when, to whom and at what price.
// The schema is part of aos.yaml's (core/docs/schemas.ts), so a mistake names the file, line and key
// like any other; `offerOf` turns the checked text into the values the server and the ledger use
// (prices in integer micro-units, windows in minutes). Pure.
import * as v from 'valibot';
import type { Problem } from '../../errors.js';
import { parseAmount, parsePrice, type Price } from './money.js';
import { parseWindow, type Window } from './idle.js';

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const skillId = v.pipe(v.string(), v.regex(ID, 'a skill id of lowercase letters, digits, _ and -'));
const agentId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'an agent id'));
/** Model costs come in USD, so the margin (price − cost) is only meaningful in USD. */
export const CURRENCY = 'USD';
const PRICE_EXPECTED = 'a price as text with its currency, like $0.005 or 0.005 USD (up to 6 decimals; USD, the currency model costs are counted in)';
const price = v.pipe(
  v.string(PRICE_EXPECTED),
  v.check((s) => parsePrice(s)?.currency === CURRENCY, PRICE_EXPECTED),
);
const usdCap = v.pipe(
  v.string('a dollar amount as text, like "0.05" or $0.05'),
  v.check((s) => parseAmount(s.replace(/^\$/, '')) !== undefined, 'a dollar amount as text, like "0.05" or $0.05'),
);
const window = v.pipe(v.string(), v.check((s) => !('error' in parseWindow(s)), 'a window like 22:00-07:00 (24-hour HH:MM-HH:MM, start ≠ end)'));
const positiveInt = v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'a number of 0 or more'));

export const NEEDS = ['memory', 'goals'] as const;

const SkillOptions = v.strictObject({
  price,
  /** The agent that serves this skill (default: sell_to_network.agent, then default_agent). */
  agent: v.optional(agentId),
  description: v.optional(text),
  languages: v.optional(v.array(text)),
  tags: v.optional(v.array(text)),
  examples: v.optional(v.array(text)),
  /** Hosts a job of this skill may fetch from (GET only); none by default. */
  http: v.optional(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'a host name like api.example.com')))),
  /** What of the owner's own files a job of this skill may read: memory, goals. None by default. */
  needs: v.optional(v.array(v.picklist(NEEDS, `one of ${NEEDS.join(', ')}`))),
});

export const SellSchema = v.strictObject({
  enabled: v.optional(v.boolean(), false),
  /** The agent that serves sold skills unless a skill names its own (default: default_agent). */
  agent: v.optional(agentId),
  name: v.optional(text),
  description: v.optional(text),
  capabilities: v.pipe(
    v.array(
      v.pipe(
        v.record(skillId, SkillOptions),
        v.check((o) => Object.keys(o).length === 1, 'one skill per entry, like "- summarization: { price: $0.005 }"'),
      ),
    ),
    v.minLength(1, 'at least one sold skill'),
  ),
  idle_hours: v.pipe(v.array(window), v.minLength(1, 'at least one window like 22:00-07:00')),
  /** Jobs are taken only while the owner's own unfinished items are at most this many (0: an empty queue). */
  max_owner_queue: v.optional(positiveInt, 0),
  max_tokens_per_job: v.optional(v.pipe(positiveInt, v.minValue(1, 'at least 1')), 50_000),
  max_usd_per_job: v.optional(usdCap, '0.05'),
  /** How long a client's request waits for the tick to finish its job before it is told to ask for the task later. */
  wait_minutes: v.optional(v.pipe(v.number(), v.minValue(0, 'a number of 0 or more')), 30),
  /** Client name → the name of a secret in `secrets:` holding that client's bearer key. */
  clients: v.optional(v.record(v.pipe(v.string(), v.regex(ID, 'a client name of lowercase letters, digits, _ and -')), v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'the name of a secret listed in secrets:')))),
  /** The owner's payment tooling, run with the job's ledger file as its last argument when a job is recorded. */
  settlement: v.optional(v.strictObject({ command: v.optional(v.pipe(v.array(text), v.minLength(1, 'a command as a list, program first'))) })),
});
export type SellConfig = v.InferOutput<typeof SellSchema>;

export interface SoldSkill {
  id: string;
  price: Price;
  agent: string;
  description?: string;
  languages: string[];
  tags: string[];
  examples: string[];
  http: string[];
  needs: (typeof NEEDS)[number][];
}

export interface Offer {
  enabled: boolean;
  skills: SoldSkill[];
  windows: Window[];
  maxOwnerQueue: number;
  maxTokensPerJob: number;
  maxUsdMicrosPerJob: number;
  waitMinutes: number;
  /** client name → secret name */
  clients: Record<string, string>;
  settlementCommand?: string[];
  name?: string;
  description?: string;
}

/** The checked section as values; undefined when aos.yaml sells nothing. */
export function offerOf(sell: SellConfig | undefined, defaultAgent: string): Offer | undefined {
  if (!sell) return undefined;
  const skills = sell.capabilities.map((entry) => {
    const [id, o] = Object.entries(entry)[0]!;
    return {
      id,
      price: parsePrice(o.price)!,
      agent: o.agent ?? sell.agent ?? defaultAgent,
      ...(o.description ? { description: o.description } : {}),
      languages: o.languages ?? [],
      tags: o.tags ?? [],
      examples: o.examples ?? [],
      http: o.http ?? [],
      needs: o.needs ?? [],
    };
  });
  return {
    enabled: sell.enabled,
    skills,
    windows: sell.idle_hours.map((w) => parseWindow(w) as Window),
    maxOwnerQueue: sell.max_owner_queue,
    maxTokensPerJob: sell.max_tokens_per_job,
    maxUsdMicrosPerJob: parseAmount(sell.max_usd_per_job.replace(/^\$/, ''))!,
    waitMinutes: sell.wait_minutes,
    clients: sell.clients ?? {},
    ...(sell.settlement?.command ? { settlementCommand: sell.settlement.command } : {}),
    ...(sell.name ? { name: sell.name } : {}),
    ...(sell.description ? { description: sell.description } : {}),
  };
}

/** What the schema cannot see: a skill sold twice, a client key or serving agent that does not exist. */
export function offerProblems(offer: Offer, known: { secrets: readonly string[]; agents: readonly string[] }): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string, expected: string, found: string, hint?: string): Problem => ({ file: 'aos.yaml', field: `sell_to_network.${field}`, expected, found, ...(hint ? { hint } : {}) });
  const seen = new Set<string>();
  offer.skills.forEach((s, i) => {
    if (seen.has(s.id)) problems.push(at(`capabilities.${i}`, 'each skill sold once', `${s.id} again`));
    seen.add(s.id);
    if (!known.agents.includes(s.agent)) problems.push(at(`capabilities.${i}.${s.id}.agent`, `an agent of agents/ (${known.agents.join(', ')})`, s.agent));
  });
  for (const [client, secret] of Object.entries(offer.clients)) {
    if (!known.secrets.includes(secret)) problems.push(at(`clients.${client}`, 'the name of a secret listed in secrets: (the client\'s bearer key lives outside the home)', secret, `add "${secret}: env" (or a file outside the home) under secrets:`));
  }
  if (offer.enabled && !Object.keys(offer.clients).length) problems.push(at('clients', 'at least one client and its key while enabled (no key, no work)', 'none'));
  return problems;
}
