// A sold job's run (issue 21): executeRun asks here for the job profile of any item of kind job,
// whoever started the run, so a job never runs with its agent's own powers; and, once the run is
// decided, for its ledger record, written into the run's own commit.
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { offerOf, type SoldSkill } from '../core/economy/sellconfig.js';
import { jobActionRefusal, jobCapabilities, jobToolRefusal, type JobSkill } from '../core/economy/jobprofile.js';
import { parsePrice, usdToMicros } from '../core/economy/money.js';
import type { Home } from '../home/home.js';
import type { InboxItem } from '../home/store.js';
import { settlementHook, writeLedgerRecord } from '../home/ledger.js';
import type { Env } from '../env.js';
import type { Usage } from '../core/runs/transcript.js';
import { tokensOf } from '../core/runs/outcome.js';
import { MICROS } from '../core/economy/money.js';

export interface JobProfile {
  skill: JobSkill | undefined;
  caps: Capability[];
  /** The per-job caps from aos.yaml, as a daily budget the loop already enforces. */
  budget: { tokens_per_day: number; usd_per_day: number };
  toolRefusal(tool: string): string | undefined;
  actionRefusal(action: { kind: 'shell' | 'http' | 'file'; resource: string; verb: string }): string | undefined;
}

/** The job profile of an item of kind job: its skill as aos.yaml sells it now (none if no longer sold: files in scratch only). */
export function jobProfile(home: Home, item: InboxItem): JobProfile {
  const offer = offerOf(home.config.sell_to_network, home.config.default_agent);
  const sold: SoldSkill | undefined = offer?.skills.find((s) => s.id === item.front.skill);
  const skill: JobSkill | undefined = sold ? { id: sold.id, http: sold.http, needs: sold.needs } : undefined;
  const { caps } = parseCapabilities(jobCapabilities(skill, item.id));
  return {
    skill,
    caps,
    budget: { tokens_per_day: offer?.maxTokensPerJob ?? 50_000, usd_per_day: (offer?.maxUsdMicrosPerJob ?? 50_000) / MICROS },
    toolRefusal: (tool) => jobToolRefusal(tool, skill),
    actionRefusal: (action) => jobActionRefusal(action, skill, item.id),
  };
}

/** Writes the job's ledger record (a sale) and returns its path. */
export async function recordSale(home: Home, item: InboxItem, r: { run: string; agent: string; outcome: string; usage: Usage; costUsd: number | undefined; date: string }): Promise<string> {
  return writeLedgerRecord(home, {
    job: item.id,
    direction: 'sale',
    counterparty: item.front.from ?? 'a2a:unknown',
    skill: item.front.skill ?? 'unknown',
    date: r.date,
    priceMicros: parsePrice(item.front.price ?? '')?.micros ?? 0,
    costMicros: usdToMicros(r.costUsd),
    tokens: tokensOf(r.usage),
    outcome: r.outcome,
    run: r.run,
    agent: r.agent,
  });
}

/** After the run's commit: the owner's settlement command, if aos.yaml names one, with the record's path. A failure is said, never fatal. */
export async function afterSale(home: Home, env: Env, file: string): Promise<void> {
  const argv = home.config.sell_to_network?.settlement?.command;
  const failed = await settlementHook(home.root, argv, env.vars, file);
  if (failed) env.out.warn(`aos: ${failed} (the job is recorded in ${file}; settle it by hand)`);
}
