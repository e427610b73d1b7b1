// When is the home's writer lock stale? A pure decision over what the lock file says.

/** How old a lock may get before it is judged abandoned, unless aos.yaml says otherwise. */
export const LOCK_STALE_MINUTES = 30;

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.started === 'string') {
      return { pid: v.pid, host: v.host, started: v.started, command: String(v.command ?? '') };
    }
  } catch {
    // unreadable: judged below as a lock nobody can own
  }
  return undefined;
}

export interface LockFacts {
  now: Date;
  host: string;
  /** Whether the holder's pid runs on this host; undefined when the holder is on another host. */
  pidAlive?: boolean;
  maxAgeMs: number;
}

export type LockVerdict = { stale: false } | { stale: true; reason: string };

export function judgeLock(info: LockInfo | undefined, f: LockFacts): LockVerdict {
  if (!info) {
    // Locks are written whole (temp + link), so unreadable text means damage, not a write in progress.
    return { stale: true, reason: 'the lock file is unreadable' };
  }
  const age = f.now.getTime() - Date.parse(info.started);
  if (info.host === f.host && f.pidAlive === false) return { stale: true, reason: `process ${info.pid} is gone` };
  if (!(age <= f.maxAgeMs)) return { stale: true, reason: `it is older than ${Math.round(f.maxAgeMs / 60000)} minutes` };
  return { stale: false };
}
