// The home's writer lock: .aos/lock, created exclusively; stale locks are taken over one at a time.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { judgeLock, parseLockInfo, type LockInfo } from '../core/runs/lock.js';
import type { Env } from '../env.js';
import { createExclusive, isErrno, readIfExists, removeFile } from './files.js';
import { pidAlive } from './procs.js';

export const LOCK_FILE = '.aos/lock';

/** The lock file of the home at root, for code that must not know the home's layout (a brain's provider). */
export function lockPath(root: string): string {
  return join(root, LOCK_FILE);
}
const GUARD_FILE = '.aos/lock.takeover';
const GUARD_MAX_AGE_MS = 10_000;

export interface HeldLock {
  info: LockInfo;
  /** Set when a stale lock was taken over: whose, and why it was stale. */
  tookOver?: { from: LockInfo | undefined; reason: string };
  release(): Promise<void>;
}

export type LockResult = { lock: HeldLock } | { heldBy: LockInfo | undefined };

function judge(text: string, env: Env, staleMinutes: number) {
  const holder = parseLockInfo(text);
  const pidOnThisHost = holder && holder.host === env.hostname ? pidAlive(holder.pid) : undefined;
  return { holder, verdict: judgeLock(holder, { now: env.now(), host: env.hostname, pidAlive: pidOnThisHost, maxAgeMs: staleMinutes * 60_000 }) };
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    // Not fsynced: after a power cut its holder is gone, and an empty or damaged lock is judged stale.
    await createExclusive(path, JSON.stringify(info) + '\n', { durable: false });
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}

/** The guard serialises takeovers, so two processes can never both remove and re-create the lock. */
async function withTakeoverGuard<T>(root: string, env: Env, fn: () => Promise<T>): Promise<T | undefined> {
  const guard = join(root, GUARD_FILE);
  const mine = { pid: env.pid, host: env.hostname, started: env.now().toISOString(), command: 'takeover' };
  if (!(await tryCreate(guard, mine))) {
    const st = statSync(guard, { throwIfNoEntry: false }); // missing: released meanwhile, someone else is taking over
    // A guard is held for milliseconds; an old one belongs to a process that died holding it.
    if (!st || env.now().getTime() - st.mtimeMs < GUARD_MAX_AGE_MS) return undefined;
    removeFile(guard);
    if (!(await tryCreate(guard, mine))) return undefined;
  }
  try {
    return await fn();
  } finally {
    removeFile(guard);
  }
}

export async function acquireLock(root: string, env: Env, opts: { command: string; staleMinutes: number }): Promise<LockResult> {
  mkdirSync(join(root, '.aos'), { recursive: true });
  const path = join(root, LOCK_FILE);
  const info: LockInfo = { pid: env.pid, host: env.hostname, started: env.now().toISOString(), command: opts.command };
  const held = (tookOver?: HeldLock['tookOver']): LockResult => ({
    lock: {
      info,
      tookOver,
      async release() {
        const now = parseLockInfo((await readIfExists(path)) ?? '');
        // Only remove the lock if it is still ours: a takeover may have replaced it.
        if (now?.started === info.started && now.pid === info.pid && now.host === info.host) {
          removeFile(path);
        }
      },
    },
  });

  if (await tryCreate(path, info)) return held();
  const seen = await readIfExists(path);
  if (seen === undefined) return (await tryCreate(path, info)) ? held() : { heldBy: parseLockInfo((await readIfExists(path)) ?? '') };
  const { holder, verdict } = judge(seen, env, opts.staleMinutes);
  if (!verdict.stale) return { heldBy: holder };
  const taken = await withTakeoverGuard(root, env, async () => {
    const again = await readIfExists(path);
    if (again !== undefined && again !== seen) return false; // someone else already replaced it
    removeFile(path);
    return tryCreate(path, info);
  });
  return taken ? held({ from: holder, reason: verdict.reason }) : { heldBy: parseLockInfo((await readIfExists(path)) ?? '') ?? holder };
}

/** What the lock says now, for status and doctor. */
export async function inspectLock(root: string, env: Env, staleMinutes: number) {
  const seen = await readIfExists(join(root, LOCK_FILE));
  return seen === undefined ? undefined : judge(seen, env, staleMinutes);
}
