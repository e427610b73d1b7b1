// Local facts about the home's life, kept in .aos/ (never committed): when this home was made here
// and how the last tick ended. Both are read by status; the creation time also by the tick.
import { join } from 'node:path';
import type { LastTick } from '../core/runs/heartbeat.js';
import { readIfExists, writeAtomic } from './files.js';

export const LAST_TICK_FILE = '.aos/last-tick.json';
export const CREATED_FILE = '.aos/created';

export async function writeLastTick(root: string, last: LastTick): Promise<void> {
  // A damaged heartbeat reads as none until the next tick: not worth an fsync on every tick.
  await writeAtomic(join(root, LAST_TICK_FILE), JSON.stringify(last) + '\n', { durable: false });
}

/** The last tick, or undefined when none ran here (or the file was damaged: it is rewritten by the next tick). */
export async function readLastTick(root: string): Promise<LastTick | undefined> {
  const text = await readIfExists(join(root, LAST_TICK_FILE));
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LastTick>;
    return typeof v.time === 'string' && typeof v.outcome === 'string' ? { time: v.time, outcome: v.outcome, runs: Number(v.runs) || 0 } : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export async function writeCreated(root: string, at: Date): Promise<void> {
  await writeAtomic(join(root, CREATED_FILE), at.toISOString() + '\n');
}

/** When aos init made this home here; undefined for a clone or a home older than this record. */
export async function readCreated(root: string): Promise<Date | undefined> {
  const text = (await readIfExists(join(root, CREATED_FILE)))?.trim();
  const at = text ? new Date(text) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}
