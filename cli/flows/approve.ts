// The owner has answered an approval a run waits for: check the answer against the local ledger
// and the run record, perform exactly the asked action once (or tell the model it was denied or
// refused), and file the approval away. The result answers the tool call that asked.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { actionHash, verifyAnswer } from '../core/agents/approval.js';
import { localTime } from '../core/docs/time.js';
import type { RecordEntry } from '../core/runs/runrecord.js';
import type { ApprovalFront } from '../core/docs/schemas.js';
import type { ToolResultBlock, ToolUseBlock } from '../core/runs/transcript.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { closeApproval, readLedger, writeLedger } from '../home/approvals.js';
import { appendLog } from '../home/log.js';
import { touch, type RunCtx } from '../tools/runctx.js';
import { runTool, type Tool } from '../tools/registry.js';
import type { Approved } from '../tools/gate.js';

export interface AnsweredApproval {
  id: string;
  /** The approval file, or undefined when it is gone. */
  file?: string;
  front?: ApprovalFront;
  /** The run that asked (the item's checkpoint). */
  run?: string;
}

export async function settleApproval(
  home: Home,
  env: Env,
  ctx: RunCtx,
  tools: readonly Tool[],
  answer: AnsweredApproval,
  entries: readonly RecordEntry[],
  approved: { current?: Approved },
): Promise<{ result: ToolResultBlock; tool: string }> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  const ledger = await readLedger(home.root, answer.id);
  const calls = entries.flatMap((e) => (e.type === 'model' ? e.content.filter((b): b is ToolUseBlock => b.type === 'tool_use') : []));
  const call = ledger ? calls.find((c) => c.id === ledger.tool_use_id) : calls[calls.length - 1];
  let why = !answer.front ? `the approval file for ${answer.id} is gone` : verifyAnswer(answer.front, ledger, { item: ctx.item.id, run: answer.run, agent: ctx.agent.id });
  if (!why && (!call || actionHash(ledger!.run, ctx.agent.id, call.name, call.input) !== ledger!.hash)) why = 'the run record no longer holds the exact call that asked';
  const toolUseId = call?.id ?? ledger?.tool_use_id ?? 'missing';
  const toolName = call?.name ?? ledger?.tool ?? 'unknown';
  const answered = answer.front?.answered ?? localTime(now, tz).iso;
  const file = async (fields: Record<string, unknown>) => {
    if (!answer.file || !answer.front) return;
    await touch(ctx, answer.file, await closeApproval(home.root, answer.file, answer.id, localTime(now, tz).date, { answered, ...fields }));
  };
  const log = async (body: string) => touch(ctx, await appendLog(home, tz, now, { kind: 'approval', agent: ctx.agent.id, ref: answer.id, body }));

  if (why) {
    if (ledger && ledger.state === 'asked') await writeLedger(home.root, { ...ledger, state: 'refused', answered });
    await file({ status: 'refused', reason: why });
    await log(`Did not act on ${answer.id}: ${why}.`);
    return { tool: toolName, result: { type: 'tool_result', tool_use_id: toolUseId, content: `aos did not perform this action: ${why}.`, is_error: true } };
  }
  if (answer.front!.status === 'denied') {
    await writeLedger(home.root, { ...ledger!, state: 'denied', answered });
    await file({ status: 'denied' });
    await log(`The owner denied ${answer.id} (${answer.front!.action} ${answer.front!.argument}).`);
    return { tool: toolName, result: { type: 'tool_result', tool_use_id: toolUseId, content: `The owner denied this action (${answer.id}). Do not try it another way; go on without it or say what you could not do.`, is_error: true } };
  }
  // Marked before it runs: a crash while it runs can lose the result, never run it twice.
  await writeLedger(home.root, { ...ledger!, state: 'performing', answered });
  approved.current = { id: answer.id, run: ledger!.run, hash: ledger!.hash, used: false };
  const r = await runTool(tools, call!.name, call!.input, ctx);
  approved.current = undefined;
  await writeLedger(home.root, { ...ledger!, state: 'performed', answered });
  await file({ status: 'done' });
  await log(`Performed ${answer.id} as approved: ${answer.front!.action} ${answer.front!.argument}${r.is_error ? ` — it failed: ${r.content.slice(0, 200)}` : ''}.`);
  return { tool: toolName, result: { type: 'tool_result', tool_use_id: toolUseId, content: r.content, ...(r.is_error ? { is_error: true } : {}) } };
}

/** The approval file an item waits for, read for the tick: pending, answered, or gone. */
export async function readAnswer(home: Home, id: string): Promise<{ file?: string; raw?: string }> {
  const file = `inbox/approvals/${id}.md`;
  try {
    return { file, raw: await fs.readFile(join(home.root, file), 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}
