// aos usage [--since 30d] [--by agent|day|model]: tokens, USD, runs, failures and tool calls summed
// from the run records, plus the model calls aos makes outside runs (dream, brief, goal research)
// from their commits' Aos-Usage trailers, so the total is every token the home paid for.
import type { Args, Env } from '../env.js';
import { UsageError } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { parseSince } from '../core/docs/listopts.js';
import { USAGE_BY, parseUsageTrailer, sumUsage, type Spend, type UsageBy } from '../core/report/usage.js';
import { usageCells, usageHeader } from '../core/report/format.js';
import { openHome, type Home } from '../home/home.js';
import { readRuns, spendOfRun, type ReadRun } from '../home/spends.js';
import { spendOutsideRuns } from '../git/spendlog.js';
import { table } from '../output.js';

/** Every spend since a day: the run records', then the trailers' of model calls outside runs. */
export async function collectSpends(home: Home, env: Env, since: string | undefined): Promise<{ spends: Spend[]; runs: ReadRun[]; problems: string[] }> {
  const [{ runs, problems }, outside] = await Promise.all([readRuns(home.root, since), spendOutsideRuns(home.root, env.vars, since)]);
  const spends = runs.map(spendOfRun);
  const model = home.config.model.model ?? home.config.model.provider;
  for (const t of outside) {
    const parsed = parseUsageTrailer(t.usage);
    if (!parsed) {
      problems.push(`commit ${t.commit.slice(0, 12)}: an Aos-Usage trailer aos cannot read ("${t.usage}")`);
      continue;
    }
    const day = t.at.slice(0, 10);
    if (since && day < since) continue;
    spends.push({ id: t.commit, agent: t.agent, model, day, started: t.at, outcome: 'done', usage: parsed.usage, usd: parsed.usd, tool_calls: 0, kind: t.kind });
  }
  return { spends, runs, problems };
}

export async function usage(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const by = (args.by === undefined ? 'agent' : String(args.by)) as UsageBy | 'route';
  if (!USAGE_BY.includes(by as UsageBy) && by !== 'route') throw new UsageError(`--by: expected ${[...USAGE_BY, 'route'].join(', ')}, found "${String(args.by)}"`);
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const since = parseSince(args.since ?? '30d', today);
  if (by === 'route') return routes(home, env, since);
  const { spends, problems } = await collectSpends(home, env, since);
  const { rows, total } = sumUsage(spends, by as UsageBy);
  if (env.out.json) return env.out.data({ since: since ?? null, by, rows, total, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!spends.length) return env.out.line(`No model spend since ${since}.`);
  env.out.line(table([usageHeader(by), ...rows.map(usageCells), usageCells(total)]));
  if (total.calls) env.out.line(`(${total.calls} model call(s) outside runs — dream, brief, goal research — count in the tokens and USD, not in RUNS)`);
}

/** --by route: per agent, how the items it handled came out (core/runs/routeverdict.ts). */
async function routes(home: Home, env: Env, since: string | undefined): Promise<void> {
  const { handledRoutes } = await import('../flows/review.js');
  const { summarizeRoutes } = await import('../core/runs/routeverdict.js');
  const { rows, problems } = await handledRoutes(home, since);
  const summary = summarizeRoutes(rows);
  if (env.out.json) return env.out.data({ since: since ?? null, by: 'route', rows: summary, items: rows, problems });
  for (const p of problems) env.out.warn(`skipped ${p.file}: ${p.expected ?? ''}`);
  if (!rows.length) return env.out.line(`No handled items since ${since}.`);
  env.out.line(table([['AGENT', 'ITEMS', 'OK', 'HANDED ON', 'FAILED', 'DENIED', 'RE-ADDRESSED', 'MISS RATE'], ...summary.map((s) => [s.agent, String(s.items), String(s.ok), String(s.handed_on), String(s.failed), String(s.denied), String(s.readdressed), `${Math.round(s.miss_rate * 100)}%`])]));
  const misses = rows.filter((r) => r.verdict === 'failed' || r.verdict === 'denied' || r.verdict === 'readdressed');
  for (const m of misses.slice(0, 10)) env.out.line(`  ${m.item}  ${m.agent}  ${m.verdict}: ${m.why}`);
}
