// Finding and reading run records in logs/runs/.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseRunRecord } from '../core/runs/runrecord.js';
import { UsageError, UserError } from '../errors.js';
import { monthFiles } from './files.js';
import { addDays } from '../core/docs/time.js';
import type { Usage } from '../core/runs/transcript.js';

/** Record files, newest first: logs/runs/YYYY/MM/r-….md */
export function listRecords(root: string): Promise<string[]> {
  return monthFiles(root, 'logs/runs', /^r-.*\.md$/);
}

export async function readRecord(root: string, file: string) {
  return parseRunRecord(file, await fs.readFile(join(root, file), 'utf8'));
}

/**
 * Every readable run record, newest first (the id is the start time), parsed; an unreadable one is
 * named in `problems` and skipped, never a silent gap. The walk stops when the caller stops.
 */
export async function* walkRecords(root: string, problems: string[], opts: { since?: string } = {}): AsyncGenerator<{ file: string; rec: Awaited<ReturnType<typeof readRecord>> }> {
  // The id names the start (r-YYYYMMDDTHHMMSS-…, UTC): a walk `since` a day stops at the first file
  // a full day older, before reading it, so unreadable old records never make it read them all.
  const floor = opts.since ? addDays(opts.since, -1).replace(/-/g, '') : undefined;
  for (const file of await listRecords(root)) {
    const day = /\/r-(\d{8})T/.exec(file)?.[1];
    if (floor && day && day < floor) return;
    let rec;
    try {
      rec = await readRecord(root, file);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    yield { file, rec };
  }
}

/** A run by its id or the start of it. */
export async function findRecord(root: string, wanted: string): Promise<string> {
  const all = await listRecords(root);
  const name = (f: string) => f.slice(f.lastIndexOf('/') + 1, -3);
  const exact = all.find((f) => name(f) === wanted);
  if (exact) return exact;
  const matches = all.filter((f) => name(f).startsWith(wanted) || name(f).startsWith(`r-${wanted}`));
  if (matches.length > 1) throw new UsageError(`"${wanted}" matches ${matches.length} runs (${matches.slice(0, 3).map(name).join(', ')} …): give more of the id`);
  if (!matches.length) throw new UserError(`no run "${wanted}" in logs/runs/ (aos runs lists them)`);
  return matches[0]!;
}

export interface RunRow {
  run: string;
  file: string;
  agent: string;
  item: string | null;
  trigger: string;
  outcome: string;
  model: string;
  started: string;
  ended: string | null;
  usage: Usage;
  cost_usd: number | null;
  turns: number;
  error: string | null;
}

/** The newest run records, summarised: of one agent, since a day (YYYY-MM-DD), at most `limit`. Unreadable records become problems. */
export async function recentRuns(root: string, opts: { agent?: string; since?: string; limit: number }): Promise<{ runs: RunRow[]; problems: string[] }> {
  const runs: RunRow[] = [];
  const problems: string[] = [];
  for await (const { file, rec } of walkRecords(root, problems, { since: opts.since })) {
    if (runs.length >= opts.limit) break;
    const f = rec.front;
    if (opts.agent && f.agent !== opts.agent) continue;
    if (opts.since && f.started.slice(0, 10) < opts.since) break;
    runs.push({
      run: f.run,
      file,
      agent: f.agent,
      item: f.item ?? null,
      trigger: f.trigger,
      outcome: f.outcome,
      model: f.model,
      started: f.started,
      ended: f.ended ?? null,
      usage: f.usage,
      cost_usd: f.cost_usd ?? null,
      turns: rec.entries.filter((e) => e.type === 'model').length,
      error: f.error ?? null,
    });
  }
  return { runs, problems };
}
