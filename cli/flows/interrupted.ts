// Two ways a run ends without being the item's fault, kept out of executeRun's main line: a run
// resumed after a crash whose last tool calls have no recorded result, and a run whose first model
// call met a provider outage before it got anywhere (nothing of it is kept).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { notRepeatedResult, repeatableCall, unrecordedCalls } from '../core/runs/unrecorded.js';
import type { RecordEntry } from '../core/runs/runrecord.js';
import type { ToolResultBlock } from '../core/runs/transcript.js';
import type { Home } from '../home/home.js';
import { writeAtomic } from '../home/files.js';
import { clearJournal } from '../home/journal.js';
import type { ToolOutcome } from '../tools/registry.js';

/**
 * Results for the calls a crash cut off (core/runs/unrecorded.ts): a read-only call is run again, any
 * other is answered "not repeated" so the model checks before asking for it again. Undefined when
 * the record has a result for every call.
 */
export async function settleUnrecordedCalls(entries: readonly RecordEntry[], run: (name: string, input: unknown, callId: string) => Promise<ToolOutcome>): Promise<RecordEntry | undefined> {
  const calls = unrecordedCalls(entries);
  if (!calls.length) return undefined;
  const turn = entries.reduce((n, e) => Math.max(n, e.turn), 0);
  const content: ToolResultBlock[] = [];
  const toolNames: Record<string, string> = {};
  for (const call of calls) {
    toolNames[call.id] = call.name;
    const again = repeatableCall(call.name, call.input) ? await run(call.name, call.input, call.id) : undefined;
    // A read that now needs the owner's approval is not asked for here: the model can call it again.
    if (again && again.kind !== 'ask') content.push({ type: 'tool_result', tool_use_id: call.id, content: again.content, ...(again.is_error ? { is_error: true } : {}) });
    else content.push(notRepeatedResult(call));
  }
  return { type: 'user', turn, content, toolNames };
}

/**
 * A run that met an outage before doing anything leaves no trace: the item as it was before the run
 * (no attempt, no error), no run record, no journal, no commit. .aos/outage.json tells the owner.
 */
export async function dropUnstartedRun(home: Home, itemFile: string, itemBefore: string, recordFile: string, run: string): Promise<void> {
  await writeAtomic(join(home.root, itemFile), itemBefore);
  await fs.rm(join(home.root, recordFile), { force: true });
  await clearJournal(home.root, run);
}
