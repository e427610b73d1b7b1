// .aos/outage.json: the model provider's outage, as the ticks met it (core/runs/outage.ts). Local
// state, never committed; written by a tick whose run met the outage, removed by the first answer.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Outage } from '../core/runs/outage.js';
import { readIfExists, writeAtomic } from './files.js';

export const OUTAGE_FILE = '.aos/outage.json';

export async function readOutage(root: string): Promise<Outage | undefined> {
  const text = await readIfExists(join(root, OUTAGE_FILE));
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as Partial<Outage>;
    if (typeof o.provider === 'string' && typeof o.fault === 'string' && typeof o.since === 'string') {
      return { provider: o.provider, fault: o.fault, error: String(o.error ?? ''), waiting: Number(o.waiting) || 0, since: o.since, last: String(o.last ?? o.since), ticks: Number(o.ticks) || 1 };
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  // Damaged (a hand edit): the next tick that meets the outage writes it again, the next answer removes it.
  return undefined;
}

export async function writeOutage(root: string, o: Outage): Promise<void> {
  await fs.mkdir(join(root, '.aos'), { recursive: true });
  await writeAtomic(join(root, OUTAGE_FILE), JSON.stringify(o, null, 2) + '\n');
}

export async function clearOutage(root: string): Promise<void> {
  await fs.rm(join(root, OUTAGE_FILE), { force: true });
}
