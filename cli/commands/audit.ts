// aos audit <agent> [--since]: every capability use of an agent, from its run records (the `uses`
// each record keeps: time, tool, argument, verdict, the rule that decided), newest first.
import type { Args, Env } from '../env.js';
import { localTime } from '../core/docs/time.js';
import { parseSince } from '../core/docs/listopts.js';
import type { CapUse } from '../core/runs/runrecord.js';
import { openHome } from '../home/home.js';
import { listRecords, readRecord } from '../home/records.js';
import { table, truncate } from '../output.js';

export type AuditRow = CapUse & { run: string };

export async function audit(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const agent = String(args.agent);
  const today = localTime(env.now(), home.config.owner.timezone).date;
  const since = parseSince(args.since, today);
  const runs: { run: string; uses: AuditRow[] }[] = [];
  const problems: string[] = [];
  for (const file of await listRecords(home.root)) {
    let rec;
    try {
      rec = await readRecord(home.root, file);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    const f = rec.front;
    // Records are listed newest first: an older start ends the walk.
    if (since && f.started.slice(0, 10) < since) break;
    if (f.agent !== agent) continue;
    runs.push({ run: f.run, uses: [...(f.uses ?? [])].reverse().filter((use) => !since || use.at.slice(0, 10) >= since).map((use) => ({ ...use, run: f.run })) });
  }
  const rows = (await newestFirst(home.root, env, runs)).flatMap((r) => r.uses);
  if (env.out.json) {
    env.out.data({ agent, uses: rows, problems });
    return 0;
  }
  for (const p of problems) env.out.warn(`skipped ${p}`);
  if (!rows.length) {
    env.out.line(`No capability uses by ${agent}${since ? ` since ${since}` : ''}.`);
    return 0;
  }
  env.out.line(table([['TIME', 'RUN', 'TOOL', 'ARGUMENT', 'VERDICT', 'RULE'], ...rows.map((r) => [r.at.slice(0, 19).replace('T', ' '), r.run, r.tool, truncate(r.argument, 40), r.verdict, truncate(r.rule, 60)])]));
  return 0;
}

/**
 * Runs newest first. Their ids (the listing's order) hold the start to the second and then a random
 * tail, so runs of one second are put in the order of their commits (asked of git only then); a run
 * not committed yet is the newest.
 */
async function newestFirst<T extends { run: string }>(root: string, env: Env, runs: T[]): Promise<T[]> {
  const second = (run: string) => run.slice(0, 17);
  if (!runs.some((r, i) => i > 0 && second(runs[i - 1]!.run) === second(r.run))) return runs;
  const { runCommitOrder } = await import('../git/read.js');
  const order = await runCommitOrder(root, env.vars);
  const rank = (run: string) => order.get(run) ?? Number.MAX_SAFE_INTEGER;
  return [...runs].sort((a, b) => second(b.run).localeCompare(second(a.run)) || rank(b.run) - rank(a.run));
}

