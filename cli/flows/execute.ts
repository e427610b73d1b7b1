// One agent run on one inbox item: context, the model loop, the results written back as plain
// files, and one commit authored by the agent. Used by the tick and by `aos run`.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { suffix } from '../core/docs/ids.js';
import { stamp, localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import { budgetSpent, planOutcome, tokensOf, type ItemChange, type Spend } from '../core/runs/outcome.js';
import { taskMessage } from '../core/agents/prompt.js';
import { recordedTask, renderRunRecord, runRecordPath, taskFromRecord, type RecordEntry, type RunFront, type Outcome } from '../core/runs/runrecord.js';
import { requestHash } from '../core/runs/divergence.js';
import { promptPrint } from '../core/runs/cachekey.js';
import { COMPACT_AT_CHARS } from '../core/runs/compact.js';
import { costOf } from '../core/runs/prices.js';
import { NO_USAGE, type Message, type UserBlock, type Provider, type Usage } from '../core/runs/transcript.js';
import type { Capability } from '../core/agents/capabilities.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import type { Agent, InboxItem } from '../home/store.js';
import { appendDeferred, appendLog, deferLogIn, type DeferredLog } from '../home/log.js';
import { finishItem, updateItem } from '../home/items.js';
import { exists, writeAtomic } from '../home/files.js';
import { buildContext } from './runcontext.js';
import { commit, type CommitSpec } from '../git/git.js';
import { inCommitQueue } from '../git/queue.js';
import { offeredTools, runTool } from '../tools/registry.js';
import type { RunCtx } from '../tools/runctx.js';
import { runLoop } from '../model/loop.js';
import { retryClock } from '../model/retry.js';
import { clearJournal, writeJournal, type Journal } from '../home/journal.js';
import { makeGate, type Approved } from '../tools/gate.js';
import { watchCapabilities } from '../tools/capuse.js';
import { retireSpawned } from './spawned.js';
import { settleApproval, type AnsweredApproval } from './approve.js';
import { dropUnstartedRun, settleUnrecordedCalls } from './interrupted.js';
import type { ProviderFault } from '../core/runs/outage.js';
import { fixableWriteFailure, heldAnswer, heldProblem, holdAnswer, ItemNotRunnable, type HeldAnswer } from '../home/held.js';
import { flagInvisible, verifySender } from './provenance.js';
import { scrubSecrets } from './secretscrub.js';
import { agentTreeLimits, treeRoot } from '../core/agents/delegtree.js';
import { traceOf } from '../core/runs/trace.js';
import { addTreeTokens } from '../home/tree.js';
import { afterSale, jobProfile, recordSale } from './a2ajob.js';
import { ToolError } from '../tools/runctx.js';

export type { Spend };

export interface RunSpec {
  home: Home;
  env: Env;
  agent: Agent;
  caps: Capability[];
  item: InboxItem;
  trigger: string;
  /** 'tick' for the heartbeat, 'run' for `aos run`. */
  kind: 'tick' | 'run';
  provider: Provider;
  deadline: number;
  /** What this agent already spent today, for its daily budget. */
  spent: Spend;
  /**
   * A run to continue (its record's entries), what to tell the model now (results of delegated
   * work), and the owner's answer to the approval the run waits for.
   */
  resume?: { run?: string; entries?: RecordEntry[]; note?: string; approval?: AnsweredApproval };
  onText?: (delta: string) => void;
  onRetry?: (message: string) => void;
  /** The owner's stop (Ctrl-C, SIGTERM): the run ends as cancelled, recorded and committed. */
  stop?: AbortSignal;
  /** Replay: reuse the recorded run id and leave the scratch copy uncommitted. */
  replay?: { run: string };
  /** A mission's stage (issue 17): file paths and the shell confined to the mission's worktree. */
  workdir?: RunCtx['workdir'];
  /**
   * Skills a mission named (issue 18): an enabled one is offered whatever the task's words; a
   * candidate one is offered in trial, to this mission's runs only, so it can earn its record.
   */
  skills?: readonly string[];
  /**
   * Other runs are in progress in this process at the same time (arena.parallel): the run's day-log
   * entries are held in its journal and appended by its own commit (home/log.ts DeferredLog).
   */
  concurrent?: boolean;
}

export interface RunReport {
  run: string;
  agent: string;
  item: string;
  /** unavailable: the provider failed before the run got anywhere; nothing of it was kept. */
  outcome: Outcome | 'unavailable';
  /** Set when the model provider failed (core/runs/outage.ts): not the item's fault. */
  unavailable?: { fault: ProviderFault; reason: string };
  /** Model calls answered in this run. */
  answered: number;
  /** The answer, or why it stopped. */
  text: string;
  usage: Usage;
  cost_usd?: number;
  commit?: string;
  /** Where the item is now. */
  itemFile: string;
  attention: boolean;
  /** What the agent told the owner with send_message. */
  messages: string[];
  /** The answer could not be written to the item: kept, and written by a later tick. */
  held?: Problem;
}

const DEFAULT_MAX_TURNS = 20;

export function newRunId(env: Env, at: Date): string {
  return `r-${stamp(at)}-${suffix(env.randomBytes(4))}`;
}

export function usageTrailer(u: Usage, usd: number | undefined): string {
  return `in=${u.input} out=${u.output} cache_read=${u.cache_read} cache_write=${u.cache_write}${usd !== undefined ? ` usd=${usd.toFixed(4)}` : ''}`;
}

/** Commits a run as its agent; the journal holds the exact commit first, so a crash here is finished later. */
export function commitRun(home: Home, env: Env, journal: Journal, spec: CommitSpec): Promise<string | undefined> {
  // In the home's commit queue: the held-back log entries land in the log only now, so no other
  // run's commit can take them (appendDeferred skips those a killed commit already appended).
  return inCommitQueue(home.root, async () => {
    const logs = journal.deferredLog?.length ? await appendDeferred(home.root, journal.deferredLog) : [];
    if (logs.length && spec.paths) spec = { ...spec, paths: [...new Set([...spec.paths, ...logs])] };
    const redacted = await scrubSecrets(home.root, spec.paths ?? []);
    if (redacted.length) env.out.warn(`aos: redacted secret-looking values before committing run ${journal.run}: ${redacted.join('; ')}`);
    await writeJournal(home.root, { ...journal, phase: 'committing', commit: spec });
    const sha = await commit(home.root, env.vars, spec, home.redact);
    await clearJournal(home.root, journal.run);
    return sha;
  });
}

export async function executeRun(spec: RunSpec): Promise<RunReport> {
  // A replay commits nothing, so it never holds entries back.
  if (!spec.concurrent || spec.replay) return runWith(spec, undefined);
  const held: DeferredLog = { entries: [], saved: async () => {} };
  return deferLogIn(held, () => runWith(spec, held));
}

/** The run itself; `heldLog` holds its day-log entries back when other runs share the process. */
async function runWith(spec: RunSpec, heldLog: DeferredLog | undefined): Promise<RunReport> {
  const { home, env } = spec;
  const tz = home.config.owner.timezone;
  const checked = await verifySender(home, env, spec.item, spec.agent.id);
  const item = checked.item;
  // A sold job (issue 21) runs under the job profile whoever started it: the job's capabilities,
  // not its agent's, and its per-job caps as the budget (flows/a2ajob.ts).
  const job = item.front.kind === 'job' ? jobProfile(home, item) : undefined;
  if (job) spec = { ...spec, caps: job.caps, spent: { tokens: 0, usd: 0 }, agent: { ...spec.agent, front: { ...spec.agent.front, budget: { ...spec.agent.front.budget, ...job.budget } } } };
  const { agent } = spec;
  const started = env.now();
  const run = spec.replay?.run ?? newRunId(env, started);
  const recordFile = runRecordPath(run);
  const journal: Journal = {
    run,
    agent: agent.id,
    item: item.file,
    itemId: item.id,
    record: recordFile,
    pid: env.pid,
    host: env.hostname,
    started: started.toISOString(),
    phase: 'running',
    touched: [recordFile, item.file, ...checked.written],
    // The same array as heldLog's: every save of the journal carries the entries held so far.
    ...(heldLog ? { deferredLog: heldLog.entries } : {}),
  };
  // An answer already waits to be written to this item: asking again would pay for it twice.
  const waiting = await heldAnswer(home.root, item.id);
  if (waiting) throw new ItemNotRunnable(heldProblem(waiting));
  await writeJournal(home.root, journal);
  const itemBefore = await fs.readFile(join(home.root, item.file), 'utf8');
  const touched = new Set(journal.touched);
  const saveTouched = () => writeJournal(home.root, { ...journal, touched: [...touched] });
  if (heldLog) heldLog.saved = saveTouched;
  await markRunning(home, item, { status: 'running', run, handled_by: agent.id, approval: undefined });

  const tools = offeredTools(spec.caps);
  const ctx: RunCtx = {
    home,
    env,
    agent: { id: agent.id, caps: spec.caps, treeLimits: agentTreeLimits(spec.agent.front.budget) },
    item: { id: item.id, file: item.file, chain: [...(item.front.chain ?? []), agent.id], children: item.front.children ?? [], root: treeRoot(item), trace: traceOf(item) },
    run,
    touched,
    onTouch: saveTouched,
    children: [],
    messages: [],
    gate: async () => {},
    ...(spec.workdir ? { workdir: spec.workdir } : {}),
  };
  let currentCall: string | undefined;
  const approved: { current?: Approved } = {};
  ctx.gate = makeGate(ctx, { subject: item.subject, currentCall: () => currentCall, approved });
  if (job) {
    // The job profile's last wall: every action a tool takes, whatever capability let it through.
    const policyGate = ctx.gate;
    ctx.gate = async (action) => {
      const refusal = job.actionRefusal(action);
      if (refusal) throw new ToolError(refusal);
      return policyGate(action);
    };
  }
  const context = await buildContext(spec, run, tools.map((t) => t.def.name), Boolean(job));
  const toolDefs = tools.map((t) => t.def);
  const front: RunFront = {
    run,
    agent: agent.id,
    item: item.id,
    trigger: spec.trigger,
    provider: spec.provider.name,
    model: spec.provider.model,
    device: home.device,
    started: localTime(started, tz).iso,
    outcome: 'running',
    usage: { ...NO_USAGE },
    ...(spec.resume?.run && spec.resume.entries ? { resumes: spec.resume.run } : {}),
    prompt: promptPrint({ model: spec.provider.model, stable: context.stable, recent: context.recent, dynamic: context.dynamic, tools: toolDefs, instructions: agent.body, memoryIndex: context.memoryIndex }),
  };
  watchCapabilities(ctx, front);
  if (job) {
    // Revocation still counts (a paused agent serves no job), but the powers are the job's.
    const refresh = ctx.beforeCall!;
    ctx.beforeCall = async () => {
      const revoked = await refresh();
      ctx.agent.caps = revoked ? [] : job.caps;
      return revoked;
    };
  }
  const callTool = (name: string, input: unknown, callId: string) => {
    currentCall = callId;
    const refusal = job?.toolRefusal(name);
    if (refusal) return Promise.resolve({ content: refusal, is_error: true, kind: 'refused' as const });
    return runTool(tools, name, input, ctx);
  };
  const task = taskMessage({ ...item.front, id: item.id, subject: item.subject, body: item.body });
  // The record names a large item's text by its hash; the model always gets the text itself.
  const withTask = (e: RecordEntry, f: (content: string) => string): RecordEntry => (e.type === 'user' && e.turn === 0 && typeof e.content === 'string' ? { ...e, content: f(e.content) } : e);
  const entries: RecordEntry[] = (spec.resume?.entries ?? []).map((e) => withTask(e, (c) => taskFromRecord(c, task, item.body)));
  if (!entries.length) entries.push({ type: 'user', turn: 0, content: task });
  const entriesBefore = entries.length;
  // Resumed after a crash: the calls of the last turn whose results were never recorded. (A run
  // resumed with the owner's answer lacks the asking call's result by design: settleApproval gives it.)
  const cutOff = spec.resume?.approval ? undefined : await settleUnrecordedCalls(entries, callTool);
  if (cutOff) entries.push(cutOff);
  let turn = entries.reduce((n, e) => Math.max(n, e.turn), 0) + 1;
  if (spec.resume?.approval) {
    // The answer to the call that asked comes first: the model's last turn is still waiting for it.
    const settled = await settleApproval(home, env, ctx, tools, spec.resume.approval, entries, approved);
    entries.push({ type: 'user', turn: turn++, content: [settled.result], toolNames: { [settled.result.tool_use_id]: settled.tool } });
  }
  if (spec.resume?.note) entries.push({ type: 'user', turn: turn++, content: spec.resume.note });
  const forRecord = () => entries.map((e) => withTask(e, (c) => recordedTask(c, item.body)));
  const writeRecord = (final?: string) => writeAtomic(join(home.root, recordFile), home.redact(renderRunRecord(front, forRecord(), final)));
  try {
    await writeRecord();
  } catch (err) {
    // logs/runs cannot be written (read-only, full, not ours): nothing was asked yet, so the item
    // goes back as it was and no attempt is counted; the owner is told the path.
    if (!fixableWriteFailure(err) || spec.replay) throw err;
    await writeAtomic(join(home.root, item.file), itemBefore);
    await clearJournal(home.root, journal.run);
    throw err;
  }

  const prices = home.config.model.prices;
  const budget = agent.front.budget;
  const messages = entriesToMessages(entries);
  // An attached image or PDF (issue 20) goes with the task in each call of the run, read from its file.
  if (item.front.attachment && messages[0]?.role === 'user') {
    const extra = await (await import('../home/attachments.js')).attachmentBlocks(home.root, home.config, item.front.attachment);
    const first = messages[0];
    if (extra.length) first.content = [...extra, ...(typeof first.content === 'string' ? [{ type: 'text' as const, text: first.content }] : first.content)];
  }
  let strippedInvisible = 0;
  let end = await runLoop({
    provider: spec.provider,
    request: { model: spec.provider.model, system: { stable: context.stable, recent: context.recent, dynamic: context.dynamic }, tools: toolDefs, cacheTurns: true, maxTokens: home.config.model.max_tokens ?? 4096, onText: spec.onText, run },
    messages,
    firstTurn: turn,
    tools: {
      run: callTool,
      finished: () => ctx.finished,
    },
    limits: {
      maxTurns: budget.max_turns ?? DEFAULT_MAX_TURNS,
      deadline: spec.deadline,
      maxRetries: home.config.model.max_retries,
      ...(spec.stop ? { stop: spec.stop } : {}),
      budgetLeft: (usage) => budgetSpent(agent.id, budget, { tokens: spec.spent.tokens + tokensOf(usage), usd: spec.spent.usd + (costOf(spec.provider.model, usage, prices) ?? 0) }),
    },
    clock: retryClock(env),
    async record(entry, usage) {
      entries.push(entry);
      front.usage = usage;
      await writeRecord();
    },
    requestHash: (req) => requestHash(JSON.stringify({ model: req.model, system: req.system, tools: req.tools, messages: req.messages, maxTokens: req.maxTokens })),
    onInvisible: (n) => (strippedInvisible = Math.max(strippedInvisible, n)),
    compactAtChars: COMPACT_AT_CHARS,
    onRetry: spec.onRetry && ((err, attempt, waitMs) => spec.onRetry!(`${err.message}; retry ${attempt} in ${Math.round(waitMs / 100) / 10} s`)),
  });

  // A job's caps are per job: a run stopped by them ends the job (a checkpoint would resume it
  // with a fresh cap, again and again).
  if (job && end.outcome === 'checkpoint') end = { ...end, outcome: 'failed', reason: `the job's cap was reached (${end.reason})`, retry: false };
  if (end.outcome === 'unavailable' && entries.length === entriesBefore && !spec.replay) {
    await dropUnstartedRun(home, item.file, itemBefore, recordFile, run);
    const unavailable = { fault: end.fault, reason: end.reason };
    return { run, agent: agent.id, item: item.id, outcome: 'unavailable', unavailable, answered: 0, text: end.reason, usage: end.usage, itemFile: item.file, attention: false, messages: [] };
  }
  const ended = env.now();
  const endIso = localTime(ended, tz).iso;
  // What the brain said it cost wins over a price table's estimate.
  const cost = end.costUsd ?? costOf(spec.provider.model, end.usage, prices);
  front.usage = end.usage;
  if (cost !== undefined) front.cost_usd = cost;
  front.ended = endIso;
  for (const f of await afterRunChecks(home, env, { item, agent: agent.id, run, strippedInvisible, tokens: tokensOf(end.usage), delegated: ctx.children.length })) touched.add(f);
  const plan = planOutcome({
    end,
    agent: agent.id,
    run,
    item: { id: item.id, name: item.name, subject: item.subject, attempts: item.front.attempts, children: item.front.children },
    delegated: ctx.children,
    maxAttempts: home.config.tick.max_attempts,
    via: spec.kind,
    ended: { date: localTime(ended, tz).date, iso: endIso },
  });
  let itemFile = item.file;
  let held: HeldAnswer | undefined;
  try {
    itemFile = await applyItemChange(home, item.file, plan.item, async (file) => {
      touched.add(file);
      await saveTouched();
    });
  } catch (err) {
    const reason = fixableWriteFailure(err);
    if (!reason || spec.replay) throw err;
    // The answer is not lost and not asked for again: the record keeps it, .aos/held the change,
    // and the commit takes the record and the log but not the item (nor a done copy taken back).
    held = { run, agent: agent.id, kind: spec.kind, item: item.file, itemId: item.id, record: recordFile, outcome: plan.outcome, change: plan.item, reason };
    await holdAnswer(home.root, held);
    touched.delete(item.file);
    if (plan.item.kind === 'finish') for (const f of [plan.item.to, plan.item.ifTaken]) touched.delete(f);
  }
  if (plan.item.kind !== 'update' || ['failed', 'cancelled'].includes(String(plan.item.fields.status))) await retireSpawned(home, agent, item.id, (file) => touched.add(file));
  if (plan.message) ctx.messages.push(plan.message);
  front.outcome = plan.outcome;
  if (plan.recordError !== undefined) front.error = plan.recordError;
  let saleRecord: string | undefined;
  // A job that ended (done or failed for good) is recorded in the ledger by this run's own commit.
  if (job && (plan.outcome === 'done' || (plan.outcome === 'failed' && plan.item.kind === 'update' && plan.item.fields.status === 'failed'))) {
    saleRecord = await recordSale(home, item, { run, agent: agent.id, outcome: plan.outcome, usage: end.usage, costUsd: cost, date: endIso });
    touched.add(saleRecord);
  }
  await writeRecord(plan.text);
  const logBody = held ? `${plan.logBody}\n\nThe answer could not be written to ${item.file}: ${held.reason}. It is kept in ${recordFile}; the next tick writes it once this is fixed.` : plan.logBody;
  touched.add(await appendLog(home, tz, ended, { kind: spec.kind, agent: agent.id, ref: run, body: logBody }));
  const sha = spec.replay ? undefined : await commitRun(home, env, { ...journal, touched: [...touched] }, {
    who: agentIdentity(agent.id),
    subject: held ? `${agent.id}: answer to ${item.id} held (its item cannot be written)` : plan.commitSubject,
    trailers: {
      'Aos-Run': run,
      'Aos-Agent': agent.id,
      'Aos-Kind': spec.kind,
      'Aos-Item': item.id,
      'Aos-Outcome': plan.outcome,
      'Aos-Usage': usageTrailer(end.usage, cost),
      ...(front.prompt?.prefix ? { 'Aos-Prefix': front.prompt.prefix } : {}),
      'Aos-Device': home.device,
    },
    paths: [...touched],
  });
  if (spec.replay) await clearJournal(home.root, journal.run);
  if (saleRecord && sha) await afterSale(home, env, saleRecord);
  // Subscribers hear of it once the run is committed (flows/events.ts); loaded only here.
  // Outside the held log (the announcement is committed by itself) and in the queue, like any commit with a log entry.
  if (!spec.replay && !held) await deferLogIn(undefined, () => inCommitQueue(home.root, async () => (await import('./events.js')).announceRun(home, env, { item, agent: agent.id, outcome: plan.outcome, text: plan.text, approval: plan.item.kind === 'update' && typeof plan.item.fields.approval === 'string' ? plan.item.fields.approval : undefined })));
  const unavailable = end.outcome === 'unavailable' ? { unavailable: { fault: end.fault, reason: end.reason } } : {};
  return { run, agent: agent.id, item: item.id, outcome: plan.outcome, text: plan.text, usage: end.usage, cost_usd: cost, commit: sha, itemFile, attention: plan.attention, messages: ctx.messages, ...unavailable, answered: end.answered, ...(held ? { held: heldProblem(held) } : {}) };
}

/** Marks the item running; an item aos cannot write is skipped before the model is asked. */
async function markRunning(home: Home, item: InboxItem, fields: Record<string, unknown>): Promise<void> {
  try {
    await updateItem(home, item.file, fields);
  } catch (err) {
    const reason = fixableWriteFailure(err);
    if (!reason) throw err;
    await clearJournal(home.root, String(fields.run));
    throw new ItemNotRunnable({ file: item.file, expected: 'an item aos can write (it marks the item running before asking the model)', found: reason, hint: 'it runs once this is fixed; see docs/recovery.md#bad-files' });
  }
}

/** After the model: the flag for invisible characters, and the run's tokens counted on its delegation tree. Returns the files written. */
async function afterRunChecks(home: Home, env: Env, r: { item: InboxItem; agent: string; run: string; strippedInvisible: number; tokens: number; delegated: number }): Promise<string[]> {
  const written: string[] = [];
  const flag = await flagInvisible(home, env, r.item, r.agent, r.run, r.strippedInvisible);
  if (flag) written.push(flag);
  // Only items in a tree (or heading one) count: other items' front matter stays as it was.
  if (r.item.front.root || r.item.front.tree_delegations || r.delegated) {
    const root = await addTreeTokens(home, treeRoot(r.item), { id: r.item.id, file: r.item.file }, r.tokens);
    if (root) written.push(root);
  }
  return written;
}

/**
 * Writes what the plan decided for the item and returns where the item is now. A finished item's
 * new file is announced (onNewFile) before it is written, so the journal names it if we crash.
 */
export async function applyItemChange(home: Home, file: string, change: ItemChange, onNewFile: (file: string) => Promise<void>): Promise<string> {
  if (change.kind === 'update') {
    await updateItem(home, file, change.fields);
    return file;
  }
  const target = (await exists(join(home.root, change.to))) ? change.ifTaken : change.to;
  await onNewFile(target);
  await finishItem(home, file, target, change.fields, change.result);
  return target;
}

/** The conversation for the model; consecutive user entries (tool results, then results of delegated work) become one message. */
export function entriesToMessages(entries: readonly RecordEntry[]): Message[] {
  const out: Message[] = [];
  for (const e of entries) {
    const prev = out[out.length - 1];
    if (e.type === 'model') out.push({ role: 'assistant', content: e.content });
    else if (prev?.role === 'user') {
      const blocks = (c: typeof e.content): UserBlock[] => (typeof c === 'string' ? [{ type: 'text' as const, text: c }] : c);
      prev.content = [...(typeof prev.content === 'string' ? [{ type: 'text' as const, text: prev.content }] : prev.content), ...blocks(e.content)];
    } else out.push({ role: 'user', content: e.content });
  }
  return out;
}

