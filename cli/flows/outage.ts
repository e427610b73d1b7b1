// The tick's side of a provider outage (core/runs/outage.ts): after the first run that meets it, no
// more calls to that provider this tick; at the end, the outage recorded in .aos/ or cleared.
import { nextOutage, type OutageSeen } from '../core/runs/outage.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { clearOutage, readOutage, writeOutage } from '../home/outage.js';
import type { RunReport } from './execute.js';

export interface OutageReport {
  runs: RunReport[];
  outage?: OutageSeen & { since?: string; ticks?: number };
}

/** Whether an item for this provider must wait: the provider already failed this tick (counted as waiting). */
export function providerDown(report: OutageReport, provider: string): boolean {
  if (report.outage?.provider !== provider) return false;
  report.outage.waiting++;
  return true;
}

/** Takes in one run's report: a run that met an outage makes it this tick's outage. */
export function noteRun(report: OutageReport, provider: string, ran: RunReport): void {
  if (ran.outcome !== 'unavailable') report.runs.push(ran);
  if (ran.unavailable && !report.outage) report.outage = { provider, fault: ran.unavailable.fault, error: ran.unavailable.reason, waiting: 1 };
}

/** At the end of a tick: the outage it met written to .aos/outage.json, or the file removed once a model answered. */
export async function settleOutage(home: Home, env: Env, report: OutageReport): Promise<void> {
  if (report.outage) {
    const o = nextOutage(await readOutage(home.root), report.outage, env.now().toISOString());
    await writeOutage(home.root, o);
    report.outage = o;
  } else if (report.runs.some((r) => r.answered > 0)) {
    await clearOutage(home.root);
  }
}
