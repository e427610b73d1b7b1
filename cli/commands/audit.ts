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
  const rows: AuditRow[] = [];
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
    for (const use of [...(f.uses ?? [])].reverse()) if (!since || use.at.slice(0, 10) >= since) rows.push({ ...use, run: f.run });
  }
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
