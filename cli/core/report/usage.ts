// Usage analytics: tokens, USD, runs, failures and tool calls summed from run records (and the
// model calls aos makes outside runs: dream, brief, goal research, read from their commits'
// Aos-Usage trailers). Pure: the spends in, the sums out.
import type { Usage } from '../runs/transcript.js';
import { tokensOf } from './format.js';

/** One spend: a run record, or a model call outside a run (kind names which). */
export interface Spend {
  /** The run id, or the commit for a call outside a run. */
  id: string;
  agent: string;
  model: string;
  /** The local day it started, YYYY-MM-DD. */
  day: string;
  started: string;
  outcome: string;
  usage: Usage;
  usd: number | null;
  tool_calls: number;
  /** 'run' for a run record, else the commit's Aos-Kind (dream, brief, goal). */
  kind: string;
}

export const USAGE_BY = ['agent', 'day', 'model'] as const;
export type UsageBy = (typeof USAGE_BY)[number];

export interface UsageRow {
  key: string;
  runs: number;
  /** Model calls outside runs (dream, brief, goal research): spend without a run record. */
  calls: number;
  failures: number;
  tool_calls: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  tokens: number;
  usd: number;
}

function empty(key: string): UsageRow {
  return { key, runs: 0, calls: 0, failures: 0, tool_calls: 0, input: 0, output: 0, cache_read: 0, cache_write: 0, tokens: 0, usd: 0 };
}

function add(row: UsageRow, s: Spend): void {
  if (s.kind === 'run') row.runs++;
  else row.calls++;
  if (s.outcome === 'failed') row.failures++;
  row.tool_calls += s.tool_calls;
  row.input += s.usage.input;
  row.output += s.usage.output;
  row.cache_read += s.usage.cache_read;
  row.cache_write += s.usage.cache_write;
  row.tokens += tokensOf(s.usage);
  // Sums of 4-decimal amounts: rounded so 0.1 + 0.2 prints as it was written.
  row.usd = Math.round((row.usd + (s.usd ?? 0)) * 1e6) / 1e6;
}

export function keyOf(s: Spend, by: UsageBy): string {
  return by === 'agent' ? s.agent : by === 'day' ? s.day : s.model;
}

/** The spends grouped by agent, day or model (sorted by key; days oldest first), and the total. */
export function sumUsage(spends: readonly Spend[], by: UsageBy): { rows: UsageRow[]; total: UsageRow } {
  const groups = new Map<string, UsageRow>();
  const total = empty('total');
  for (const s of spends) {
    const key = keyOf(s, by);
    let row = groups.get(key);
    if (!row) groups.set(key, (row = empty(key)));
    add(row, s);
    add(total, s);
  }
  return { rows: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)), total };
}

/** Parses an Aos-Usage trailer: "in=10 out=5 cache_read=0 cache_write=0 usd=0.0001". */
export function parseUsageTrailer(text: string): { usage: Usage; usd: number | null } | undefined {
  const fields = new Map<string, number>();
  for (const part of text.trim().split(/\s+/)) {
    const m = /^([a-z_]+)=(-?\d+(?:\.\d+)?)$/.exec(part);
    if (m) fields.set(m[1]!, Number(m[2]));
  }
  if (!fields.has('in') || !fields.has('out')) return undefined;
  return {
    usage: { input: fields.get('in')!, output: fields.get('out')!, cache_read: fields.get('cache_read') ?? 0, cache_write: fields.get('cache_write') ?? 0 },
    usd: fields.has('usd') ? fields.get('usd')! : null,
  };
}

/** Per agent, today's tokens and USD (for status and the overview), from the day's spends. */
export function spendOn(spends: readonly Spend[], day: string): Map<string, { tokens: number; usd: number }> {
  const out = new Map<string, { tokens: number; usd: number }>();
  for (const s of spends) {
    if (s.day !== day) continue;
    const cur = out.get(s.agent) ?? { tokens: 0, usd: 0 };
    out.set(s.agent, { tokens: cur.tokens + tokensOf(s.usage), usd: Math.round((cur.usd + (s.usd ?? 0)) * 1e6) / 1e6 });
  }
  return out;
}
