// The ledger: one markdown file per job under ledger/YYYY/MM/<job>.md, written once by the run that
// did the job (a sale) or by the tool that bought one (a spend). One record per file, so two devices
// never write the same file and a sync merges by union. Money is integer micro-dollars; the
// "USD 0.005" texts beside them are for the person reading the file. Pure: render, read, sum.
import * as v from 'valibot';
import { formatPrice } from './money.js';

export const SETTLEMENTS = ['unpaid', 'invoiced', 'paid'] as const;
const micros = v.pipe(v.number(), v.integer('a whole number of micro-dollars'));

export const LedgerSchema = v.object({
  job: v.pipe(v.string(), v.nonEmpty('the job id')),
  /** sale: this home did the job for a client; spend: this home bought a job from another agent. */
  direction: v.picklist(['sale', 'spend']),
  /** sale: a2a:<client>; spend: the remote agent's URL. */
  counterparty: v.pipe(v.string(), v.nonEmpty('who the job was for or from')),
  skill: v.pipe(v.string(), v.nonEmpty('the skill')),
  date: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T/, 'a time like 2026-11-21T10:32:05+00:00')),
  currency: v.literal('USD'),
  price_micros: micros,
  cost_micros: micros,
  margin_micros: micros,
  tokens: v.pipe(v.number(), v.integer('a whole number')),
  outcome: v.pipe(v.string(), v.nonEmpty('the outcome')),
  run: v.optional(v.string()),
  agent: v.optional(v.string()),
  settlement: v.picklist(SETTLEMENTS, `one of ${SETTLEMENTS.join(', ')}`),
  // The readable copies of the amounts (ignored when summing).
  price: v.optional(v.string()),
  cost: v.optional(v.string()),
  margin: v.optional(v.string()),
  remote_task: v.optional(v.string()),
});
export type LedgerRecord = v.InferOutput<typeof LedgerSchema>;

/** ledger/2026/12/<job>.md for a record dated in that month (the owner's calendar). */
export function ledgerPath(date: string, job: string): string {
  return `ledger/${date.slice(0, 4)}/${date.slice(5, 7)}/${job.replace(/[^A-Za-z0-9_.-]/g, '-')}.md`;
}

export interface NewLedgerRecord {
  job: string;
  direction: 'sale' | 'spend';
  counterparty: string;
  skill: string;
  date: string;
  priceMicros: number;
  costMicros: number;
  tokens: number;
  outcome: string;
  run?: string;
  agent?: string;
  remoteTask?: string;
}

/**
 * The record's fields, stable key order. A sale earns its price only when the job was done; its
 * cost is what the model cost. A spend costs the price the seller charged (its own model cost is
 * the seller's).
 */
export function ledgerFields(r: NewLedgerRecord): LedgerRecord {
  const earned = r.direction === 'sale' && r.outcome === 'done' ? r.priceMicros : 0;
  // A buyer pays the price only for a job done (the seller earns nothing for a failed one).
  const cost = r.direction === 'sale' ? r.costMicros : r.outcome === 'done' ? r.priceMicros : 0;
  const margin = earned - cost;
  return {
    job: r.job,
    direction: r.direction,
    counterparty: r.counterparty,
    skill: r.skill,
    date: r.date,
    currency: 'USD',
    price: formatPrice(r.priceMicros, 'USD'),
    price_micros: r.priceMicros,
    cost: formatPrice(cost, 'USD'),
    cost_micros: cost,
    margin: formatPrice(margin, 'USD'),
    margin_micros: margin,
    tokens: r.tokens,
    outcome: r.outcome,
    ...(r.run ? { run: r.run } : {}),
    ...(r.agent ? { agent: r.agent } : {}),
    ...(r.remoteTask ? { remote_task: r.remoteTask } : {}),
    settlement: 'unpaid',
  };
}

/** The body under the front matter: one line a person reads. */
export function ledgerBody(r: LedgerRecord): string {
  const who = r.direction === 'sale' ? `for ${r.counterparty}` : `bought from ${r.counterparty}`;
  return `# ${r.skill} ${who}\n\n${r.outcome}: price ${r.price}, cost ${r.cost}, margin ${r.margin}. Settlement is recorded here, not executed: set \`settlement:\` to invoiced or paid as it happens.\n`;
}

export interface LedgerRow {
  month: string;
  skill: string;
  jobs: number;
  earned_micros: number;
  cost_micros: number;
  net_micros: number;
}

/** Earnings, costs and net per month and skill (months newest first, skills by name), and the totals per month. */
export function sumLedger(records: readonly LedgerRecord[], since?: string): { rows: LedgerRow[]; months: Omit<LedgerRow, 'skill'>[] } {
  const rows = new Map<string, LedgerRow>();
  for (const r of records) {
    if (since && r.date.slice(0, 10) < since) continue;
    const month = r.date.slice(0, 7);
    const key = `${month}\u0000${r.skill}`;
    const row = rows.get(key) ?? { month, skill: r.skill, jobs: 0, earned_micros: 0, cost_micros: 0, net_micros: 0 };
    row.jobs++;
    if (r.direction === 'sale' && r.outcome === 'done') row.earned_micros += r.price_micros;
    row.cost_micros += r.cost_micros;
    row.net_micros = row.earned_micros - row.cost_micros;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => (a.month === b.month ? a.skill.localeCompare(b.skill) : b.month.localeCompare(a.month)));
  const months = new Map<string, Omit<LedgerRow, 'skill'>>();
  for (const r of sorted) {
    const m = months.get(r.month) ?? { month: r.month, jobs: 0, earned_micros: 0, cost_micros: 0, net_micros: 0 };
    m.jobs += r.jobs;
    m.earned_micros += r.earned_micros;
    m.cost_micros += r.cost_micros;
    m.net_micros = m.earned_micros - m.cost_micros;
    months.set(r.month, m);
  }
  return { rows: sorted, months: [...months.values()] };
}

// usd lives in money.ts (aos status prints it and must not load this file's valibot schema); re-exported here.
export { usd } from './money.js';
