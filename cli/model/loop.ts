// The tool-use loop: ask the model, run the tools it calls, give it the results, until it answers,
// finishes, or a limit stops it. Every step is handed to `record` before the next begins, so a
// crash leaves a run record that shows how far the run got.
import { ModelError, addUsage, type Message, type ModelRequest, type ModelTurn, type Provider, type ToolResultBlock, type ToolUseBlock, type Usage } from '../core/runs/transcript.js';
import type { RecordEntry } from '../core/runs/runrecord.js';
import { callWithRetry } from './retry.js';
import { providerFault, type ProviderFault } from '../core/runs/outage.js';
import { stripInvisibleDeep } from '../core/docs/invisible.js';
import { compactMessages, compactionPoint } from '../core/runs/compact.js';

export interface ToolRunner {
  run(name: string, input: unknown, callId: string): Promise<{ content: string; is_error: boolean; kind?: string; approval?: { approval: string } }>;
  /** The answer given through the finish tool, if it was called. */
  finished(): string | undefined;
}

export interface LoopLimits {
  maxTurns: number;
  /** Epoch ms: no new model call starts after it; the run is checkpointed instead. */
  deadline: number;
  /** Whether the agent's daily token/cost budget still allows another call, given this run's usage so far. */
  budgetLeft(usage: Usage): string | undefined;
  /** Retries of one call. */
  maxRetries: number;
  /** The owner's stop (Ctrl-C, SIGTERM): ends the call in flight and the run, as cancelled. */
  stop?: AbortSignal;
}

export interface LoopInput {
  provider: Provider;
  request: Omit<ModelRequest, 'messages' | 'signal'>;
  messages: Message[];
  /** Turn number of the first new model call (a resumed run continues the numbering). */
  firstTurn: number;
  tools: ToolRunner;
  limits: LoopLimits;
  clock: { now(): number; sleep(ms: number): Promise<void>; random(): number };
  record(entry: RecordEntry, usage: Usage): Promise<void>;
  requestHash(req: Omit<ModelRequest, 'signal' | 'onText'>): string;
  onRetry?: (err: ModelError, attempt: number, waitMs: number) => void;
  /** Told how many invisible characters were stripped from a request, for the run to flag. */
  onInvisible?: (removed: number) => void;
  /**
   * Characters of conversation above which the older turns are sent compacted
   * (core/runs/compact.ts); the record keeps them whole. Unset: never.
   */
  compactAtChars?: number;
}

function withoutInvisible(system: ModelRequest['system'], messages: Message[]): { system: ModelRequest['system']; messages: Message[]; removed: number } {
  const s = stripInvisibleDeep(system);
  const m = stripInvisibleDeep(messages);
  return { system: s.value, messages: m.value, removed: s.removed + m.removed };
}

type Spent = {
  usage: Usage;
  turns: number;
  /** Model calls that were answered in this run: any at all means the provider is up. */
  answered: number;
  /** Set when every call reported its own cost. */
  costUsd?: number;
};
export type LoopEnd =
  | ({ outcome: 'done'; answer: string } & Spent)
  | ({ outcome: 'checkpoint'; reason: string } & Spent)
  | ({ outcome: 'ask'; approval: string; reason: string } & Spent)
  | ({ outcome: 'failed'; reason: string; retry: boolean } & Spent)
  /** The provider, not the run, failed (core/runs/outage.ts): no attempt of the item. */
  | ({ outcome: 'unavailable'; reason: string; fault: ProviderFault } & Spent)
  | ({ outcome: 'cancelled'; reason: string } & Spent);

/** Tool errors in a row (unknown tools, bad arguments) after which the run is given up. */
export const MAX_TOOL_ERRORS = 3;

function answerText(turn: ModelTurn): string {
  return turn.content
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n')
    .trim();
}

/** The stop's reason when it says one (the signal's name), else a plain "stopped". */
function stopReason(stop: AbortSignal | undefined): string {
  const r: unknown = stop?.reason;
  return typeof r === 'string' ? `stopped by ${r}` : 'stopped by the owner';
}

export async function runLoop(input: LoopInput): Promise<LoopEnd> {
  const { limits, clock } = input;
  const messages = [...input.messages];
  let usage: Usage = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  let toolErrors = 0;
  let turnNo = input.firstTurn;
  // Reported costs are summed only while every call reports one; a mix would undercount.
  let reported: number | undefined;
  let modelCalls = 0;
  type Partial = LoopEnd extends infer E ? (E extends LoopEnd ? Omit<E, 'usage' | 'turns' | 'answered' | 'costUsd'> : never) : never;
  const end = (e: Partial): LoopEnd => ({ ...e, usage, turns: turnNo - input.firstTurn, answered: modelCalls, ...(reported !== undefined ? { costUsd: reported } : {}) }) as LoopEnd;

  const stopped = () => end({ outcome: 'cancelled', reason: stopReason(limits.stop) });
  // Messages before this index are sent compacted; it only moves forward (compact.ts says why).
  let compactedTo = 0;
  for (; ; turnNo++) {
    if (limits.stop?.aborted) return stopped();
    if (turnNo - input.firstTurn >= limits.maxTurns) {
      return end({ outcome: 'failed', reason: `stopped after ${limits.maxTurns} model turns without an answer (budget.max_turns)`, retry: false });
    }
    if (clock.now() >= limits.deadline) return end({ outcome: 'checkpoint', reason: "the tick's time budget ran out" });
    const over = limits.budgetLeft(usage);
    if (over) return end({ outcome: 'checkpoint', reason: over });

    // Invisible characters (tags, zero-width, bidi controls) never reach a model, wherever they came from.
    if (input.compactAtChars) compactedTo = compactionPoint(messages, compactedTo, input.compactAtChars);
    const clean = withoutInvisible(input.request.system, compactedTo ? compactMessages(messages, compactedTo) : messages);
    if (clean.removed) input.onInvisible?.(clean.removed);
    const req = { ...input.request, system: clean.system, messages: clean.messages, ...(limits.stop ? { signal: limits.stop } : {}) };
    const hash = input.requestHash(req);
    let turn: ModelTurn;
    try {
      // Each attempt's own timeout is the provider's (model.timeout_seconds); retries stop at the deadline.
      turn = await callWithRetry(input.provider, req, {
        deadline: limits.deadline,
        now: clock.now,
        sleep: clock.sleep,
        random: clock.random,
        maxAttempts: limits.maxRetries + 1,
        onRetry: input.onRetry,
      });
    } catch (err) {
      if (limits.stop?.aborted) return stopped();
      if (!(err instanceof ModelError)) throw err;
      const fault = providerFault(err.kind);
      if (fault) return end({ outcome: 'unavailable', reason: err.message, fault });
      return end({ outcome: 'failed', reason: err.message, retry: true });
    }
    usage = addUsage(usage, turn.usage);
    reported = turn.costUsd !== undefined && (modelCalls === 0 || reported !== undefined) ? Math.round(((reported ?? 0) + turn.costUsd) * 1e6) / 1e6 : undefined;
    modelCalls++;
    await input.record({ type: 'model', turn: turnNo, content: turn.content, stop: turn.stop, usage: turn.usage, request: hash }, usage);
    messages.push({ role: 'assistant', content: turn.content });

    const calls = turn.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (!calls.length) {
      const answer = answerText(turn);
      if (!answer) return end({ outcome: 'failed', reason: `the model ended its turn (${turn.stop}) with no answer and no tool call`, retry: true });
      return end({ outcome: 'done', answer });
    }
    const results: ToolResultBlock[] = [];
    const names: Record<string, string> = {};
    let badCall: string | undefined;
    let asked: { approval: string; reason: string } | undefined;
    for (const call of calls) {
      if (asked) {
        // The run stops at the call that asks; what the model wanted after it is its to ask again.
        results.push({ type: 'tool_result', tool_use_id: call.id, content: `not run: an earlier call in this turn waits for the owner's approval (${asked.approval}); call it again if you still need it`, is_error: true });
        names[call.id] = call.name;
        continue;
      }
      const r = await input.tools.run(call.name, call.input, call.id);
      if (r.kind === 'ask' && r.approval) {
        // Its result is given when the owner has answered, in the run that resumes.
        asked = { approval: r.approval.approval, reason: r.content };
        continue;
      }
      results.push({ type: 'tool_result', tool_use_id: call.id, content: r.content, ...(r.is_error ? { is_error: true } : {}) });
      names[call.id] = call.name;
      if (r.kind === 'unknown' || r.kind === 'invalid') badCall = r.content;
    }
    toolErrors = badCall ? toolErrors + 1 : 0;
    if (results.length) {
      await input.record({ type: 'user', turn: turnNo, content: results, toolNames: names }, usage);
      messages.push({ role: 'user', content: results });
    }
    if (asked) return end({ outcome: 'ask', approval: asked.approval, reason: asked.reason });
    const finished = input.tools.finished();
    if (finished !== undefined) return end({ outcome: 'done', answer: finished });
    if (badCall && toolErrors >= MAX_TOOL_ERRORS) {
      return end({ outcome: 'failed', reason: `the model made ${MAX_TOOL_ERRORS} bad tool calls in a row; the last: ${badCall}`, retry: true });
    }
  }
}
