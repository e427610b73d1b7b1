// The run records an `aos runs --cache` reads: each run's prompt hashes, newest first until --since
// or the limit, damaged records named and skipped.
import { walkRecords } from './records.js';
import type { PrefixRun } from '../core/runs/cachekey.js';

export async function prefixRuns(root: string, opts: { agent?: string; since?: string; limit: number }): Promise<{ runs: PrefixRun[]; problems: string[] }> {
  const runs: PrefixRun[] = [];
  const problems: string[] = [];
  for await (const { rec } of walkRecords(root, problems, { since: opts.since })) {
    if (runs.length >= opts.limit) break;
    const f = rec.front;
    if (opts.agent && f.agent !== opts.agent) continue;
    if (opts.since && f.started.slice(0, 10) < opts.since) break;
    runs.push({ run: f.run, agent: f.agent, started: f.started, model: f.model, ...(f.prompt ? { prompt: f.prompt } : {}) });
  }
  return { runs, problems };
}
