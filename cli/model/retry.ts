// Retries for model calls: exponential backoff with full jitter, the server's retry-after honoured,
// and never a sleep or an attempt past the tick's deadline. Clock, sleep and randomness are
// injected so the policy can be table-tested.
import { ModelError, type ModelRequest, type ModelTurn, type Provider } from '../core/runs/transcript.js';

export interface RetryOptions {
  /** Epoch ms: no attempt starts and no sleep ends past it. */
  deadline: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1), as Math.random. */
  random: () => number;
  /** Attempts in all, the first included; default 4. */
  maxAttempts?: number;
  /** Told before each wait: the error, the attempt that failed (1-based), the wait. */
  onRetry?: (err: ModelError, attempt: number, waitMs: number) => void;
}

/** The clock, sleep and randomness of a real call: time from env.now(), so a test's fake clock governs the deadline. */
export function retryClock(env: { now(): Date }): Pick<RetryOptions, 'now' | 'sleep' | 'random'> {
  return { now: () => env.now().getTime(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random };
}

export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 30_000;

/** The wait after failed attempt `attempt` (1-based): retry-after when the server gave one, else full jitter. */
export function backoffMs(attempt: number, random: () => number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) return Math.ceil(retryAfterSeconds * 1000);
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export async function callWithRetry(provider: Provider, req: ModelRequest, opts: RetryOptions): Promise<ModelTurn> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  for (let attempt = 1; ; attempt++) {
    if (opts.now() >= opts.deadline) {
      throw new ModelError('timeout', "the tick's time budget ran out before the model could be called", false);
    }
    try {
      return await provider.call(req);
    } catch (err) {
      if (!(err instanceof ModelError) || !err.retryable || attempt >= maxAttempts) throw err;
      const wait = backoffMs(attempt, opts.random, err.retryAfter);
      // A wait that would end at or past the deadline leaves no time for the next attempt.
      if (opts.now() + wait >= opts.deadline) throw err;
      opts.onRetry?.(err, attempt, wait);
      await opts.sleep(wait);
    }
  }
}
