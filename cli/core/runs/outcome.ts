// What the end of a run means: the run's outcome, where its item goes, what the log and the commit
// say. Pure: executeRun gathers the state, planOutcome decides, and one applier in flows/ writes.
import { quoteSubject } from '../docs/commit.js';
import type { Outcome } from './runrecord.js';
import type { Usage } from './transcript.js';

export interface Spend {
  tokens: number;
  usd: number;
}

export interface DailyBudget {
  tokens_per_day?: number;
  usd_per_day?: number;
}

/** Where a finished item goes: inbox/done/YYYY/MM/<name>.md, by the date it finished. */
export function donePath(name: string, finishedDate: string): string {
  return `inbox/done/${finishedDate.slice(0, 4)}/${finishedDate.slice(5, 7)}/${name}.md`;
}

export function tokensOf(u: Usage): number {
  return u.input + u.output + u.cache_read + u.cache_write;
}

/** Why an agent that has spent this much today may not go on, if it may not. */
export function budgetSpent(agent: string, budget: DailyBudget, spent: Spend): string | undefined {
  if (budget.tokens_per_day !== undefined && spent.tokens >= budget.tokens_per_day) return `${agent}'s daily token budget (${budget.tokens_per_day}) is spent`;
  if (budget.usd_per_day !== undefined && spent.usd >= budget.usd_per_day) return `${agent}'s daily cost budget ($${budget.usd_per_day}) is spent`;
  return undefined;
}

/** How the model loop ended (model/loop.ts LoopEnd, without what it spent). */
export type LoopResult =
  | { outcome: 'done'; answer: string }
  | { outcome: 'checkpoint'; reason: string }
  | { outcome: 'ask'; approval: string }
  | { outcome: 'failed'; reason: string; retry: boolean }
  /** The provider failed, not the run (core/runs/outage.ts). */
  | { outcome: 'unavailable'; reason: string }
  /** The owner stopped the run (SIGINT, SIGTERM). */
  | { outcome: 'cancelled'; reason: string };

export interface OutcomeState {
  end: LoopResult;
  agent: string;
  run: string;
  item: { id: string; name: string; subject: string; attempts?: number; children?: readonly string[] };
  /** Items this run delegated (the tool calls' ids, in order). */
  delegated: readonly string[];
  maxAttempts: number;
  /**
   * Who started the run: a cancelled `aos run` is the owner's own stop, so its item waits until they
   * set it back to new; a cancelled tick (a shutdown, a Ctrl-C on the heartbeat) leaves its item for the next tick.
   */
  via: 'tick' | 'run';
  /** When the run ended, in the owner's zone: the day (YYYY-MM-DD) and the full ISO time. */
  ended: { date: string; iso: string };
}

/** Front matter fields to set on the item; undefined removes a field. */
export type ItemFields = Record<string, unknown>;

export type ItemChange =
  | { kind: 'update'; fields: ItemFields }
  /** Move to done at `to`; when that file exists already (a name used again is new work), at `ifTaken`. */
  | { kind: 'finish'; to: string; ifTaken: string; fields: ItemFields; result: string };

export interface OutcomePlan {
  outcome: Outcome;
  /** The answer, or why it stopped. */
  text: string;
  /** The owner must look: a final failure. */
  attention: boolean;
  item: ItemChange;
  /** The run record's error field, if it stopped short. */
  recordError?: string;
  /** What to tell the owner besides the log. */
  message?: string;
  logBody: string;
  commitSubject: string;
}

function firstLines(text: string): string {
  const t = text.trim();
  return t.length > 400 ? t.slice(0, 399) + '…' : t;
}

export function planOutcome(s: OutcomeState): OutcomePlan {
  const { end, agent, run, item } = s;
  const q = quoteSubject(item.subject);
  const q80 = quoteSubject(item.subject, 80);
  switch (end.outcome) {
    case 'done': {
      if (s.delegated.length) {
        const n = s.delegated.length;
        const extra = ` (waits for ${n} item${n === 1 ? '' : 's'})`;
        return {
          outcome: 'waiting',
          text: end.answer,
          attention: false,
          item: { kind: 'update', fields: { status: 'waiting', children: [...(item.children ?? []), ...s.delegated], checkpoint: run, error: undefined } },
          logBody: `Delegated ${s.delegated.join(', ')} for ${item.id} (${q80}); waits for the results.`,
          commitSubject: `${agent}: delegated ${q}${extra}`,
        };
      }
      return {
        outcome: 'done',
        text: end.answer,
        attention: false,
        item: {
          kind: 'finish',
          to: donePath(item.name, s.ended.date),
          ifTaken: donePath(`${item.name}.${run}`, s.ended.date),
          fields: { status: 'done', handled_by: agent, run, finished: s.ended.iso, checkpoint: undefined, error: undefined },
          result: end.answer,
        },
        logBody: `Answered ${item.id} (${q80}): ${firstLines(end.answer)}`,
        commitSubject: `${agent}: answered ${q}`,
      };
    }
    case 'ask':
      return {
        outcome: 'waiting',
        text: `waits for the owner's approval ${end.approval}`,
        attention: false,
        item: { kind: 'update', fields: { status: 'waiting', approval: end.approval, checkpoint: run, error: undefined } },
        message: `${agent} asks for your approval (${end.approval}) while handling ${q80}: aos approve ${end.approval}, or aos deny ${end.approval}`,
        logBody: `Asked the owner to approve ${end.approval} for ${item.id} (${q80}); waits for the answer.`,
        commitSubject: `${agent}: waits for approval on ${q} (asks approval ${end.approval})`,
      };
    case 'checkpoint':
    case 'unavailable': {
      // A run that got somewhere before the provider failed is kept like a budget checkpoint (one that
      // did not is dropped by executeRun): no attempt of its item is counted either way.
      const provider = end.outcome === 'unavailable';
      return {
        outcome: 'checkpoint',
        text: end.reason,
        attention: false,
        item: { kind: 'update', fields: { status: 'new', checkpoint: run, error: undefined } },
        recordError: provider ? `the model provider failed: ${end.reason}` : end.reason,
        logBody: provider
          ? `Paused ${item.id} (${q80}): the model provider failed (${end.reason}). It resumes from this run when the provider answers; no attempt is counted.`
          : `Paused ${item.id} (${q80}): ${end.reason}. It resumes from this run next tick.`,
        commitSubject: `${agent}: checkpointed ${q}${provider ? ' (model provider unavailable)' : ''}`,
      };
    }
    case 'cancelled': {
      const byOwner = s.via === 'run';
      return {
        outcome: 'cancelled',
        text: end.reason,
        attention: false,
        item: { kind: 'update', fields: byOwner ? { status: 'cancelled', error: end.reason } : { status: 'new', error: undefined } },
        recordError: end.reason,
        logBody: `Cancelled ${item.id} (${q80}): ${end.reason}. ${byOwner ? 'It waits until you set its status back to new.' : 'It runs again next tick.'}`,
        commitSubject: `${agent}: cancelled ${q}`,
      };
    }
    case 'failed': {
      const attempts = (item.attempts ?? 0) + 1;
      const final = !end.retry || attempts >= s.maxAttempts;
      const extra = final ? '' : ` (attempt ${attempts} of ${s.maxAttempts}, will retry)`;
      return {
        outcome: 'failed',
        text: end.reason,
        attention: final,
        // A retry starts from the last good checkpoint, if there was one; otherwise from the item.
        item: { kind: 'update', fields: { status: final ? 'failed' : 'new', attempts, error: end.reason } },
        recordError: end.reason,
        logBody: `Failed ${item.id} (${q80})${extra}: ${end.reason}`,
        commitSubject: `${agent}: failed ${q}${extra}`,
      };
    }
  }
}
