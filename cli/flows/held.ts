// Writing held answers (home/held.ts) once their cause is fixed: the first thing a tick does after
// recovery and the owner's edits, before any item runs, so an item whose answer waits is never
// sent to the model again. A cause not yet fixed is reported again (exit 1) and the rest goes on.
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { exists } from '../home/files.js';
import { fixableWriteFailure, heldProblem, ItemNotRunnable, listHeld, releaseHeld, type HeldAnswer } from '../home/held.js';
import { clearJournal, writeJournal, type Journal } from '../home/journal.js';
import type { RunReport } from './execute.js';

/** Writes every held answer it can; returns what it did, one line each; problems for the rest. */
export async function writeHeldAnswers(home: Home, env: Env, problems: Problem[]): Promise<string[]> {
  const { held, problems: unreadable } = await listHeld(home.root);
  problems.push(...unreadable);
  if (!held.length) return [];
  const notes: string[] = [];
  for (const h of held) {
    const note = await writeHeld(home, env, h);
    if (typeof note === 'string') notes.push(note);
    else problems.push(note);
  }
  return notes;
}

async function writeHeld(home: Home, env: Env, h: HeldAnswer): Promise<string | Problem> {
  const { applyItemChange, commitRun } = await import('./execute.js');
  const { appendLog } = await import('../home/log.js');
  if (!(await exists(join(home.root, h.item)))) {
    // The owner removed the item while its answer waited: nothing to write it to; the record keeps it.
    await releaseHeld(home.root, h.itemId);
    return `the held answer of run ${h.run} is dropped: ${h.item} is gone (the answer stays in ${h.record})`;
  }
  const touched = new Set([h.item]);
  const started = env.now().toISOString();
  const journal: Journal = { run: h.run, agent: h.agent, item: h.item, itemId: h.itemId, record: h.record, pid: env.pid, host: env.hostname, started, phase: 'running', touched: [...touched] };
  // A crash after the item reached done is finished by recovery like a run's (the journal names it).
  await writeJournal(home.root, { ...journal, touched: h.change.kind === 'finish' ? [h.item, h.change.to, h.change.ifTaken] : [h.item] });
  let target: string;
  try {
    target = await applyItemChange(home, h.item, h.change, async (file) => void touched.add(file));
  } catch (err) {
    const reason = fixableWriteFailure(err);
    if (!reason) throw err;
    await clearJournal(home.root, h.run);
    return heldProblem({ ...h, reason });
  }
  touched.add(target);
  const note = `Wrote the answer of run ${h.run} to ${target}, held until ${h.item} could be written (the model was not asked again).`;
  touched.add(await appendLog(home, home.config.owner.timezone, env.now(), { kind: h.kind, agent: h.agent, ref: h.run, body: note }));
  await releaseHeld(home.root, h.itemId);
  await commitRun(home, env, { ...journal, touched: [...touched] }, {
    who: agentIdentity(h.agent),
    subject: `${h.agent}: wrote the held answer to ${h.itemId}`,
    trailers: { 'Aos-Run': h.run, 'Aos-Agent': h.agent, 'Aos-Kind': 'held', 'Aos-Item': h.itemId, 'Aos-Outcome': h.outcome, 'Aos-Device': home.device },
    paths: [...touched],
  });
  return note;
}

/**
 * A run's report, with its held answer among the tick's problems; or none when the run did not
 * start because its item cannot be written (or an answer to it waits): named, and the tick goes on.
 */
export async function settleRun(run: Promise<RunReport>, problems: Problem[]): Promise<RunReport[]> {
  try {
    const report = await run;
    if (report.held) problems.push(report.held);
    return [report];
  } catch (err) {
    if (!(err instanceof ItemNotRunnable)) throw err;
    problems.push(err.problem);
    return [];
  }
}
