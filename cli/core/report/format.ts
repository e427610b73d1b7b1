// One formatting module for run and usage rows, shared by the CLI tables (`aos runs`, `aos usage`)
// and the report page, so a run reads the same on the terminal and on the page (seed 002).
// Pure: values in, the cells a person reads out.
import type { Usage } from '../runs/transcript.js';

/** What a run row needs to be printed (home/records.ts RunRow has these fields). */
export interface RunLike {
  run: string;
  agent: string;
  outcome: string;
  turns: number;
  usage: Usage;
  cost_usd: number | null;
  item: string | null;
}

export const RUN_HEADER = ['RUN', 'AGENT', 'OUTCOME', 'TURNS', 'TOKENS', 'USD', 'ITEM'] as const;

export function tokensOf(u: Usage): number {
  return u.input + u.output + u.cache_read + u.cache_write;
}

export function usdText(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? '-' : usd.toFixed(4);
}

export function truncateText(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}

/** A run's cells, in RUN_HEADER's order. */
export function runCells(r: RunLike): string[] {
  return [r.run, r.agent, r.outcome, String(r.turns), String(tokensOf(r.usage)), usdText(r.cost_usd), truncateText(r.item ?? '-', 30)];
}

/** A run as one line (the page's timeline tooltip and the record's heading). */
export function runLine(r: RunLike): string {
  return runCells(r).join('  ');
}

export interface UsageRowLike {
  key: string;
  runs: number;
  failures: number;
  tool_calls: number;
  tokens: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  usd: number;
}

export function usageHeader(by: string): string[] {
  return [by.toUpperCase(), 'RUNS', 'FAILED', 'TOOL CALLS', 'TOKENS', 'IN', 'OUT', 'CACHE R', 'CACHE W', 'USD'];
}

export function usageCells(r: UsageRowLike): string[] {
  return [r.key, String(r.runs), String(r.failures), String(r.tool_calls), String(r.tokens), String(r.input), String(r.output), String(r.cache_read), String(r.cache_write), r.usd.toFixed(4)];
}

/** Today's spend against a budget: "1234 of 50000 tokens (2%)", or the spend alone without a budget. */
export function budgetText(spent: number, budget: number | undefined, unit: 'tokens' | 'usd'): string {
  const amount = unit === 'usd' ? `$${spent.toFixed(4)}` : `${spent} tokens`;
  if (budget === undefined) return amount;
  const of = unit === 'usd' ? `$${budget.toFixed(2)}` : `${budget} tokens`;
  return `${amount} of ${of} (${Math.round((spent / budget) * 100)}%)`;
}
