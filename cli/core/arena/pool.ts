// arena.parallel (issue 18): candidates run at once, up to N, and share the agent's daily budget. Each
// run reads the day's spend once, at its start; N runs started together would each see the whole
// remainder and could each spend it. So each run starting gets a reservation: its share of what is
// left once the runs already going have theirs, and it starts with a spent figure that leaves it
// exactly that much (budgetSpent stops it there). A finished run's reservation is returned; its real
// spend is then in its run record.
import type { DailyBudget, Spend } from '../runs/outcome.js';

export interface Reservation {
  /** The spent figure the run starts with (what the day spent, plus all it may not use). */
  start: Spend;
  /** What it may spend: returned to the pool when it ends. Infinity where the budget sets no cap. */
  reserve: Spend;
}

/**
 * The reservation of one of `share` runs starting together, given what the day's ended runs spent
 * and the reservations of the runs still going (which stand for all they may spend, so their
 * records in progress are not counted in `spent`).
 */
export function reserveBudget(budget: DailyBudget, spent: Spend, going: readonly Spend[], share: number): Reservation {
  const n = Math.max(1, share);
  const part = (limit: number | undefined, used: number, held: number, whole: boolean): [number, number] => {
    if (limit === undefined) return [used, Infinity];
    const free = Math.max(0, limit - used - held);
    const mine = whole ? Math.floor(free / n) : free / n;
    return [limit - mine, mine];
  };
  const sum = (k: keyof Spend) => going.reduce((s, r) => s + (Number.isFinite(r[k]) ? r[k] : 0), 0);
  const [tokens, tokensMine] = part(budget.tokens_per_day, spent.tokens, sum('tokens'), true);
  const [usd, usdMine] = part(budget.usd_per_day, spent.usd, sum('usd'), false);
  return { start: { tokens, usd }, reserve: { tokens: tokensMine, usd: usdMine } };
}

/** How many candidates run at once: aos.yaml's arena.parallel, 2 when unset, never below 1. */
export const arenaParallel = (setting: number | undefined): number => Math.max(1, Math.floor(setting ?? 2));
