// What the schedule plan depends on besides the clock, without croner (42 KB) or the time-zone
// formatter: the tick's quiet check (issue 24) reads these on every tick, the plan itself
// (tickplan.ts, schedule.ts) only when a slot may have fallen due.
import type { ScheduleEntry } from './schedule.js';

export interface SchedulingAgent {
  id: string;
  file: string;
  front: { status: string; schedule: readonly ScheduleEntry[] };
}

export interface ScheduleState {
  timeZone: string;
  agents: readonly SchedulingAgent[];
  /** File names of the items pending and handled (inbox/ and its done folders): they say when each entry last fired. */
  itemNames: readonly string[];
  /** When aos init made the home: earlier slots never fire. */
  created?: Date;
}

/** The agents whose schedules the tick serves: active ones with at least one entry. */
export function scheduling<A extends SchedulingAgent>(agents: readonly A[]): A[] {
  return agents.filter((a) => a.front.status === 'active' && a.front.schedule.length);
}

/** A short stable key for one schedule entry of one agent: 6 chars of [a-z0-9]. */
export function scheduleKey(agentId: string, entry: Pick<ScheduleEntry, 'cron' | 'task'>): string {
  const bytes = new TextEncoder().encode(`${agentId}\n${entry.cron.trim()}\n${entry.task.trim()}`);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 36 ** 6).toString(36).padStart(6, '0');
}

/** The slot stamp (YYYYMMDDTHHMMSS, UTC) of the newest item this entry filed: item names start with it. */
export function lastFiredStamp(names: readonly string[], key: string): string | undefined {
  let last: string | undefined;
  const suffix = `-${key}.md`;
  for (const n of names) if (n.endsWith(suffix) && (last === undefined || n.slice(0, 15) > last)) last = n.slice(0, 15);
  return last;
}

/** The item file names carry their slot's UTC stamp first: YYYYMMDDTHHMMSS-<key>.md. */
export function lastFiredOf(names: readonly string[], key: string): Date | undefined {
  const last = lastFiredStamp(names, key);
  return last ? new Date(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6, 8)}T${last.slice(9, 11)}:${last.slice(11, 13)}:${last.slice(13, 15)}Z`) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The quiet check: a tick that planned nothing records the inputs and the next slot of any entry.
//
// Why that is enough: dueSlots fires from the slots in (after, now], where after is the entry's last
// fire (or now - 24 h for an entry that never fired, or the home's creation), never earlier than
// now - 366 days. When a tick at t0 found no slot due (and no problem), then at a later now with the
// same inputs the window's start is the same or later, and any slot in it at or before t0 would
// have been due at t0; so a slot is due only if one lies in (t0, now], i.e. iff now >= the first
// slot after t0. A `skip` entry whose slot was past its grace at t0 stays past it. Any change to an
// input (an entry added, edited or paused, an item of the entry filed or removed, the time zone,
// the creation time) makes the inputs differ, and the tick plans again.

const QUIET_VERSION = 1;

/** The inputs of the plan besides the clock, as one comparable string. */
export function scheduleInputs(state: ScheduleState): string {
  return scheduleInputsOf(state, lastFiredStamps(state.itemNames, scheduleKeys(state.agents)));
}

/** scheduleInputs from each entry's last fired stamp (lastFiredStamps), without the item names. */
export function scheduleInputsOf(state: Omit<ScheduleState, 'itemNames'>, last: Readonly<Record<string, string | null>>): string {
  const entries = scheduling(state.agents).flatMap((a) =>
    a.front.schedule.map((e) => {
      const key = scheduleKey(a.id, e);
      return [a.id, key, e.cron, e.missed, last[key] ?? null];
    }),
  );
  return JSON.stringify([QUIET_VERSION, state.timeZone, state.created?.getTime() ?? null, entries]);
}

/** The key of every entry the tick serves. */
export function scheduleKeys(agents: readonly SchedulingAgent[]): string[] {
  return scheduling(agents).flatMap((a) => a.front.schedule.map((e) => scheduleKey(a.id, e)));
}

/** lastFiredStamp of each key (null: never fired), in one pass over the names. */
export function lastFiredStamps(names: readonly string[], keys: readonly string[]): Record<string, string | null> {
  const last: Record<string, string | null> = {};
  for (const k of keys) last[k] = null;
  // A name `<stamp>-<key>.md`: the key is the 6 characters before ".md" (scheduleKey's length).
  for (const n of names) {
    if (n.length < 10 || n[n.length - 10] !== '-' || !n.endsWith('.md')) continue;
    const key = n.slice(-9, -3);
    if (!Object.hasOwn(last, key)) continue;
    const stamp = n.slice(0, 15);
    const was = last[key];
    if (was === null || was === undefined || stamp > was) last[key] = stamp;
  }
  return last;
}

export interface ScheduleQuiet {
  inputs: string;
  /** Epoch ms of the first slot, of any entry, after the tick that planned nothing. */
  next_due: number;
  /**
   * What the item names said (each entry's last fired stamp), kept with the facts of the folders
   * they were listed from (inbox/, inbox/done/, its year and month folders): while every fact holds,
   * no name was added, removed or renamed, so the stamps stand without listing the names again.
   */
  listing?: { folders: Record<string, string>; last: Record<string, string | null> };
}

/** True when no schedule slot can be due: the inputs are those of a tick that planned nothing, and no slot came since. */
export function schedulesQuiet(recorded: ScheduleQuiet | undefined, inputs: string, now: Date): boolean {
  return !!recorded && recorded.inputs === inputs && Number.isFinite(recorded.next_due) && now.getTime() < recorded.next_due;
}
