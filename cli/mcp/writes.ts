// How `aos mcp` writes: one write at a time, each under the home's writer lock, each committed.
// Standalone, a write takes the lock itself, waiting a few seconds for a tick or another command
// to finish. Started by a tick for its brain, the server holds a token of the tick's lock: the tick
// is waiting on the brain and makes no change of its own meanwhile, so the server writes under the
// tick's lock for as long as that exact lock is held and the run it was started for is still running.
import { join } from 'node:path';
import { lockToken } from '../core/agents/mcpscope.js';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { acquireLock, LOCK_FILE } from '../home/lock.js';
import { readIfExists } from '../home/files.js';
import { readJournal } from '../home/journal.js';
import { commitOwnerEdits } from '../git/git.js';

/** How long a standalone write waits for the home's lock before it is refused. */
export const LOCK_WAIT_MS = 10_000;
const RETRY_MS = 200;

export interface Writer {
  /** Runs fn alone (after every earlier write) and under the home's lock; refuses when the lock cannot be had. */
  write<T>(home: Home, env: Env, fn: () => Promise<T>): Promise<T>;
}

export function makeWriter(opts: { underLock?: string; run?: string; waitMs?: number }): Writer {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    write(home, env, fn) {
      const next = queue.then(() => (opts.underLock ? underParent(home, opts.underLock, opts.run, fn) : withOwnLock(home, env, opts.waitMs ?? LOCK_WAIT_MS, fn)));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

async function underParent<T>(home: Home, token: string, run: string | undefined, fn: () => Promise<T>): Promise<T> {
  const text = await readIfExists(join(home.root, LOCK_FILE));
  if (text === undefined || lockToken(text) !== token) {
    throw new UserError('the tick that started this server no longer holds the home\'s lock (its run has ended); nothing was written');
  }
  // The tick goes on under the same lock after its brain answers; from its commit on, the run is not ours to write in.
  if (run) {
    const j = await readJournal(home.root, run);
    if (j?.run !== run || j.phase !== 'running') throw new UserError(`the run ${run} that started this server is over; nothing was written`);
  }
  return fn();
}

async function withOwnLock<T>(home: Home, env: Env, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const until = env.now().getTime() + waitMs;
  for (;;) {
    const got = await acquireLock(home.root, env, { command: 'mcp', staleMinutes: home.config.tick.lock_stale_minutes });
    if ('lock' in got) {
      try {
        // The owner's hand edits become their own commit first, so this write's commit (a note in a
        // log they edited, a goal they rewrote) takes none of them. Under a tick's lock (underParent)
        // the tick does this before each run; a run's own files are not the owner's.
        await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
        return await fn();
      } finally {
        await got.lock.release();
      }
    }
    if (env.now().getTime() + RETRY_MS > until) {
      const h = got.heldBy;
      const who = h ? `${h.command || 'another aos'} (pid ${h.pid} on ${h.host}, since ${h.started})` : 'another aos';
      throw new UserError(`the home is busy: ${who} holds its writer lock and did not let go within ${waitMs / 1000} s; nothing was written, try again in a minute`);
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
