// The schedule plan's quiet record (issue 24): what the last tick that planned nothing saw, and when
// its next slot comes. Local to this device (in .aos/cache/), only ever a shortcut: missing, damaged
// or stale, the tick plans in full.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ScheduleQuiet } from '../core/runs/schedulekeys.js';
import { readIfExists, writeAtomic } from './files.js';

const FILE = '.aos/cache/schedule.json';

export async function readScheduleQuiet(root: string): Promise<ScheduleQuiet | undefined> {
  const raw = await readIfExists(join(root, FILE));
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<ScheduleQuiet>;
    return typeof v.inputs === 'string' && typeof v.next_due === 'number' ? { inputs: v.inputs, next_due: v.next_due } : undefined;
  } catch (err) {
    // A torn or corrupt record is only a lost shortcut.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export async function writeScheduleQuiet(root: string, quiet: ScheduleQuiet | undefined): Promise<void> {
  if (!quiet) return fs.rm(join(root, FILE), { force: true });
  await fs.mkdir(join(root, '.aos/cache'), { recursive: true });
  await writeAtomic(join(root, FILE), JSON.stringify(quiet));
}
