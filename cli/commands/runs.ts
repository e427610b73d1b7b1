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
  if (args.cache) return cache(env, home.root, { agent: args.agent === undefined ? undefined : String(args.agent), since, limit: parseLimit(args.limit, 500) });
  const { runs: rows, problems } = await recentRuns(home.root, { agent: args.agent === undefined ? undefined : String(args.agent), since, limit });
  if (env.out.json) return env.out.data({ runs: rows, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!rows.length) return env.out.line('No runs yet.');
  // The same cells as the report's runs table (core/report/format.ts).
  env.out.line(table([[...RUN_HEADER], ...rows.map(runCells)]));
}

/** When and why each agent's cached prompt prefix changed (model, tools, instructions, MEMORY.md). */
async function cache(env: Env, root: string, opts: { agent?: string; since?: string; limit: number }): Promise<void> {
  const [{ prefixRuns }, { cacheBreaks }] = await Promise.all([import('../home/cacheruns.js'), import('../core/runs/cachekey.js')]);
  const { runs: rows, problems } = await prefixRuns(root, opts);
  const { runCommitOrder } = await import('../git/read.js');
  const { breaks, runs: counted } = cacheBreaks(rows, await runCommitOrder(root, env.vars));
  if (env.out.json) return env.out.data({ runs: counted, breaks, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!counted) return env.out.line('No runs with prompt hashes yet.');
  env.out.line(`${counted} run(s); the prompt prefix changed ${breaks.length} time(s) (the first run of each agent counts once):`);
  env.out.line(table([['STARTED', 'AGENT', 'RUN', 'PREFIX', 'WHY'], ...breaks.map((b) => [b.started, b.agent, b.run, b.prefix, b.why.join('; ')])]));
}
