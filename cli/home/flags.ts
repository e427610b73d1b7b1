// What runs flagged (a forged sender, invisible characters stripped), from the daily log's
// "flagged" entries of the last days: for `aos status`.
import { readLog } from './log.js';

export const FLAGGED_KIND = 'flagged';
const FLAG_DAYS = 7;

export interface Flag {
  /** The item flagged. */
  item: string;
  agent: string;
  when: string;
  what: string;
}

/** The flags of the last week, newest first; `today` is a YYYY-MM-DD date. */
export async function recentFlags(root: string, today: string): Promise<Flag[]> {
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - (FLAG_DAYS - 1) * 86400_000).toISOString().slice(0, 10);
  return (await readLog(root, from, today))
    .filter((e) => e.kind === FLAGGED_KIND)
    .map((e) => ({ item: e.ref ?? '', agent: e.agent, when: `${e.date} ${e.time}`, what: e.body.trim() }))
    .reverse();
}
