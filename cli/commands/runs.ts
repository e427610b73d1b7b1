import type { Args, Env } from '../env.js';
import { localTime } from '../core/docs/time.js';
import { parseLimit, parseSince } from '../core/docs/listopts.js';
import { openHome } from '../home/home.js';
import { recentRuns } from '../home/records.js';
import { table } from '../output.js';
import { RUN_HEADER, runCells } from '../core/report/format.js';

export async function runs(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const limit = parseLimit(args.limit, 20);
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const since = parseSince(args.since, today);
  const { runs: rows, problems } = await recentRuns(home.root, { agent: args.agent === undefined ? undefined : String(args.agent), since, limit });
  if (env.out.json) return env.out.data({ runs: rows, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!rows.length) return env.out.line('No runs yet.');
  // The same cells as the report's runs table (core/report/format.ts).
  env.out.line(table([[...RUN_HEADER], ...rows.map(runCells)]));
}
