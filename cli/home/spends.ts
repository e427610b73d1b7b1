// Run records read as spends (core/report/usage.ts): what `aos usage`, `aos status` and the report sum.
import type { RunFront, RecordEntry } from '../core/runs/runrecord.js';
import type { Spend } from '../core/report/usage.js';
import { walkRecords } from './records.js';

export interface ReadRun {
  file: string;
  front: RunFront;
  entries: RecordEntry[];
  final?: string;
}

export function toolCallsOf(entries: readonly RecordEntry[]): number {
  let n = 0;
  for (const e of entries) if (e.type === 'model') for (const b of e.content) if (b.type === 'tool_use') n++;
  return n;
}

export function spendOfRun(r: ReadRun): Spend {
  const f = r.front;
  return { id: f.run, agent: f.agent, model: f.model, day: f.started.slice(0, 10), started: f.started, outcome: f.outcome, usage: f.usage, usd: f.cost_usd ?? null, tool_calls: toolCallsOf(r.entries), kind: 'run' };
}

/**
 * Every run record started on or after `since` (YYYY-MM-DD; all when undefined), newest first.
 * An unreadable record is a problem naming its file, never a silent gap in the sums.
 */
export async function readRuns(root: string, since: string | undefined): Promise<{ runs: ReadRun[]; problems: string[] }> {
  const runs: ReadRun[] = [];
  const problems: string[] = [];
  for await (const { file, rec } of walkRecords(root, problems, { since })) {
    // Listed newest first (the id is the start time): an older start ends the walk.
    if (since && rec.front.started.slice(0, 10) < since) break;
    runs.push({ file, front: rec.front, entries: rec.entries, ...(rec.final !== undefined ? { final: rec.final } : {}) });
  }
  return { runs, problems };
}
