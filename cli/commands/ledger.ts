// `aos ledger [--since] [--json]`: what selling and buying work over A2A earned and cost, per skill
// and per month, from the ledger's one-file-per-job records (core/economy/ledger.ts sums them).
import type { Args, Env } from '../env.js';
import { UsageError, formatProblem } from '../errors.js';
import { openHome } from '../home/home.js';
import { readLedger } from '../home/ledger.js';
import { sumLedger, usd } from '../core/economy/ledger.js';
import { localTime, resolveSince } from '../core/docs/time.js';
import { table } from '../output.js';

export async function ledger(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const since = typeof args.since === 'string' ? resolveSince(args.since, today) : undefined;
  if (typeof args.since === 'string' && !since) throw new UsageError(`--since ${args.since}: expected a date like 2026-11-01 or a span like 30d`);
  const { records, problems } = await readLedger(home.root);
  const sums = sumLedger(records, since);
  for (const p of problems) env.out.warn(`aos: ${formatProblem(p)}`);
  if (env.out.json) return env.out.data({ since: since ?? null, currency: 'USD', ...sums, damaged: problems.map((p) => p.file) });
  if (!sums.rows.length) {
    env.out.line(`No jobs in the ledger${since ? ` since ${since}` : ''} (ledger/YYYY/MM/).`);
    return;
  }
  for (const m of sums.months) {
    env.out.line(`${m.month}: earned ${usd(m.earned_micros)}, costs ${usd(m.cost_micros)}, net ${usd(m.net_micros)} (${m.jobs} job${m.jobs === 1 ? '' : 's'})`);
    env.out.line(table(sums.rows.filter((r) => r.month === m.month).map((r) => ['  ' + r.skill, `${r.jobs} job${r.jobs === 1 ? '' : 's'}`, `earned ${usd(r.earned_micros)}`, `costs ${usd(r.cost_micros)}`, `net ${usd(r.net_micros)}`])));
  }
}
