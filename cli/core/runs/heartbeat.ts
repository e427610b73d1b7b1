// Is the heartbeat alive? The last tick's record (any outcome, idle included) against the interval
// cron or the timer is expected to start ticks at. Pure: times come in as data.

/** crontab.example and systemd/ start a tick every 5 minutes. */
export const TICK_INTERVAL_MINUTES = 5;
/** Missed intervals before status warns: one late or skipped start is normal (a busy tick, a reboot). */
export const MISSED_INTERVALS = 3;

export type TickOutcome = 'idle' | 'worked' | 'attention' | 'locked' | 'error';

export interface LastTick {
  /** ISO time the tick ended. */
  time: string;
  outcome: TickOutcome;
  /** Items run by this tick. */
  runs: number;
}

/** The outcome a finished tick is recorded with. */
export function tickOutcome(r: { attention: boolean; did: number }): TickOutcome {
  return r.attention ? 'attention' : r.did ? 'worked' : 'idle';
}

/**
 * Why the heartbeat looks stopped, or undefined. Without any tick, the home's age counts instead
 * (a home made a minute ago has not missed anything yet); with neither, nothing can be said.
 */
export function heartbeatWarning(last: LastTick | undefined, created: Date | undefined, now: Date, intervalMinutes: number): string | undefined {
  const limitMs = MISSED_INTERVALS * intervalMinutes * 60_000;
  const since = last ? new Date(last.time) : created;
  if (!since || Number.isNaN(since.getTime())) return undefined;
  const idleMs = now.getTime() - since.getTime();
  if (idleMs <= limitMs) return undefined;
  const ago = idleMs >= 2 * 3_600_000 ? `${Math.round(idleMs / 3_600_000)} hours` : `${Math.round(idleMs / 60_000)} minutes`;
  const what = last ? `no tick has run for ${ago}` : `no tick has run since the home was made ${ago} ago`;
  return `${what} (expected every ${intervalMinutes} minutes, tick.interval_minutes): is cron or the systemd timer set up? See crontab.example`;
}
