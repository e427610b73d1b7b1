// Model spend that has no run record: dream, the brief and goal research each make one model call
// and commit its usage as an Aos-Usage trailer without an Aos-Run. Read from history so `aos usage`
// counts every token aos paid for (run spend itself is read from the records, which hold more).
import type { Vars } from '../env.js';
import { gitRead } from './run.js';

export interface TrailerSpend {
  commit: string;
  /** Author date, ISO with offset. */
  at: string;
  kind: string;
  agent: string;
  usage: string;
}

export async function spendOutsideRuns(root: string, vars: Vars, since: string | undefined): Promise<TrailerSpend[]> {
  const args = ['log', '--format=%H%x1f%aI%x1f%(trailers:key=Aos-Run,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Kind,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Agent,valueonly,separator=%x2c)%x1f%(trailers:key=Aos-Usage,valueonly,separator=%x2c)%x1e'];
  if (since) args.push(`--since=${since}T00:00:00`);
  // A repository without commits has no spend (exit code 128 "does not have any commits").
  let out: string;
  try {
    out = await gitRead(root, vars, args);
  } catch (err) {
    if (/does not have any commits/.test(String((err as Error).message))) return [];
    throw err;
  }
  const found: TrailerSpend[] = [];
  for (const rec of out.split('\x1e')) {
    const [commit, at, run, kind, agent, usage] = rec.trim().split('\x1f');
    if (!commit || !usage?.trim() || run?.trim()) continue;
    found.push({ commit, at: at!, kind: kind?.trim() || 'other', agent: agent?.trim() || kind?.trim() || 'aos', usage: usage.trim() });
  }
  return found;
}
