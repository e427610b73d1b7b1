import type { Args, Env } from '../env.js';
import { UsageError } from '../errors.js';
import { localTime, resolveSince } from '../core/time.js';
import { openHome } from '../home/home.js';
import { recentRuns } from '../home/records.js';
import { table, truncate } from '../output.js';

export async function runs(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const limit = args.limit === undefined ? 20 : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a whole number of 1 or more, found "${String(args.limit)}"`);
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const since = args.since === undefined ? undefined : resolveSince(String(args.since), today);
  if (args.since !== undefined && !since) throw new UsageError(`--since: expected YYYY-MM-DD, today, yesterday or Nd, found "${String(args.since)}"`);
  const { runs: rows, problems } = await recentRuns(home.root, { agent: args.agent === undefined ? undefined : String(args.agent), since, limit });
  if (env.out.json) return env.out.data({ runs: rows, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!rows.length) return env.out.line('No runs yet.');
  env.out.line(
    table([
      ['RUN', 'AGENT', 'OUTCOME', 'TURNS', 'TOKENS', 'USD', 'ITEM'],
      ...rows.map((r) => [
        r.run,
        r.agent,
        r.outcome,
        String(r.turns),
        String(r.usage.input + r.usage.output + r.usage.cache_read + r.usage.cache_write),
        r.cost_usd === null ? '-' : r.cost_usd.toFixed(4),
        truncate(r.item ?? '-', 30),
      ]),
    ]),
  );
}
