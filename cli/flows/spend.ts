// What an agent spent today, for its daily budget: read from its run records (their usage and
// cost), so every device and every command counts the same. Split from execute.ts: the planning of
// a tick and `aos run` ask it without loading the run machinery.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stamp, localTime } from '../core/docs/time.js';
import { tokensOf, type Spend } from '../core/runs/outcome.js';
import { parseRunRecord, runRecordPath } from '../core/runs/runrecord.js';
import type { Env } from '../env.js';
import { ValidationError, type Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { isErrno } from '../home/files.js';

/**
 * What an agent spent today, from its run records; damaged records are named, not counted. With
 * `ended`, runs still in progress are left out (arena.parallel: their reservations stand for them).
 */
export async function spentToday(home: Home, env: Env, agent: string, opts: { ended?: boolean } = {}): Promise<Spend & { damaged: Problem[] }> {
  // Run ids carry their UTC start; a day in the owner's zone is at most a day and a half of UTC stamps.
  const tz = home.config.owner.timezone;
  const today = localTime(env.now(), tz).date;
  const spend: Spend & { damaged: Problem[] } = { tokens: 0, usd: 0, damaged: [] };
  const since = stamp(new Date(env.now().getTime() - 36 * 3600_000));
  const months = new Set([runRecordPath(`r-${since}-0`), runRecordPath(`r-${stamp(env.now())}-0`)].map((p) => p.slice(0, p.lastIndexOf('/'))));
  for (const dir of months) {
    let names: string[];
    try {
      names = readdirSync(join(home.root, dir));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith('.md') || name.slice(2, 17) < since) continue;
      const file = `${dir}/${name}`;
      let rec;
      try {
        rec = parseRunRecord(file, readFileSync(join(home.root, file), 'utf8'));
      } catch (err) {
        // Gone since the listing (a sync moved it): nothing to count. Damaged: its spend is unknown,
        // so it is reported (the tick goes on; one bad file must not stop every agent).
        if (isErrno(err, 'ENOENT')) continue;
        if (!(err instanceof ValidationError)) throw err;
        spend.damaged.push(...err.problems.map((p) => ({ ...p, hint: p.hint ?? "its spend is not counted in today's budget" })));
        continue;
      }
      if (rec.front.agent !== agent || !rec.front.started.startsWith(today) || (opts.ended && rec.front.outcome === 'running')) continue;
      spend.tokens += tokensOf(rec.front.usage);
      spend.usd += rec.front.cost_usd ?? 0;
    }
  }
  return spend;
}
