// The order the tick takes the pending items in and who handles each (also `aos tick --dry-run`).
// Pure. Apart from tickplan.ts's schedule plan, which needs croner: serve loads this on every tick with work.
import { route, workOrder, type RosterEntry } from '../agents/route.js';
import type { InboxFront } from '../docs/schemas.js';

export interface RunCandidate {
  id: string;
  subject: string;
  front: Pick<InboxFront, 'from' | 'kind' | 'priority' | 'created' | 'to'>;
  resuming: boolean;
  /** Why it cannot run now, found by reading other files (an approval pending, delegated work open). */
  blocked?: string;
  /** Why the tick would refuse it outright until the owner acts (over inbox.max_item_kb). */
  refused?: string;
}

export type PlannedRun = { item: string; agent: string; via: 'to' | 'handles' | 'default' } | { item: string; wait: string } | { item: string; refused: string };

/**
 * The order the tick would take the pending items in and who would handle each, as far as can be
 * known before any of them runs (a run may delegate, which adds items a real tick also serves).
 * `spent` holds, per agent, why its daily budget stops it, if it does.
 */
export function planRuns(items: readonly RunCandidate[], roster: readonly RosterEntry[], defaultAgent: string, spent: Readonly<Record<string, string | undefined>>, max: number): PlannedRun[] {
  const plan: PlannedRun[] = [];
  let runs = 0;
  for (const item of workOrder(items)) {
    if (item.refused) {
      plan.push({ item: item.id, refused: item.refused });
      continue;
    }
    if (item.blocked) {
      plan.push({ item: item.id, wait: item.blocked });
      continue;
    }
    const r = route({ to: item.front.to, subject: item.subject }, roster, defaultAgent);
    if ('wait' in r) plan.push({ item: item.id, wait: r.wait });
    else if (spent[r.agent]) plan.push({ item: item.id, wait: `${spent[r.agent]}; it runs tomorrow` });
    else if (runs >= max) plan.push({ item: item.id, wait: `the tick runs at most ${max} items; it waits for the next tick` });
    else {
      runs++;
      plan.push({ item: item.id, agent: r.agent, via: r.via });
    }
  }
  return plan;
}
