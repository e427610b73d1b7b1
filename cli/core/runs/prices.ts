// What a model call cost, in USD, from its token usage. Prices are per million tokens; a model is
// found by the longest known prefix of its name ending at a separator, so "claude-sonnet-4-5-20250929"
// finds "claude-sonnet-4-5" and "claude-opus-4-20250514" finds "claude-opus-4". Pure.
import type { Usage } from './transcript.js';

export interface Price {
  input: number;
  output: number;
  /** Cache hits; default 0.1 × input. */
  cache_read?: number;
  /** 5-minute cache writes; default 1.25 × input. */
  cache_write?: number;
}

export type PriceTable = Record<string, Price>;

function p(input: number, output: number): Price {
  return { input, output, cache_read: round6(input * 0.1), cache_write: round6(input * 1.25) };
}

/** Anthropic's list prices (platform.claude.com/docs/en/about-claude/pricing), USD per million tokens. */
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4': p(15, 75), // Opus 4 and 4.1
  'claude-opus-4-1': p(15, 75),
  'claude-opus-4-5': p(5, 25),
  'claude-opus-4-6': p(5, 25),
  'claude-opus-4-7': p(5, 25),
  'claude-opus-4-8': p(5, 25),
  'claude-sonnet-4': p(3, 15), // Sonnet 4, 4.5, 4.6
  'claude-sonnet-4-5': p(3, 15),
  'claude-sonnet-4-6': p(3, 15),
  'claude-3-7-sonnet': p(3, 15),
  'claude-haiku-4-5': p(1, 5),
  'claude-3-5-haiku': p(0.8, 4),
};

/** The price entry for a model: the overrides' longest matching prefix, else the defaults'. */
export function priceOf(model: string, overrides?: PriceTable): Price | undefined {
  const name = model.trim().toLowerCase();
  return (overrides && longestPrefix(name, overrides)) ?? longestPrefix(name, DEFAULT_PRICES);
}

/** USD for one call's usage, rounded to 6 decimals; undefined when the model's price is unknown. */
export function costOf(model: string, usage: Usage, overrides?: PriceTable): number | undefined {
  const price = priceOf(model, overrides);
  if (!price) return undefined;
  const cacheRead = price.cache_read ?? price.input * 0.1;
  const cacheWrite = price.cache_write ?? price.input * 1.25;
  const micro = usage.input * price.input + usage.output * price.output + usage.cache_read * cacheRead + usage.cache_write * cacheWrite;
  return round6(micro / 1_000_000);
}

function longestPrefix(name: string, table: PriceTable): Price | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (!name.startsWith(k)) continue;
    // "claude-opus-4-1" must not claim "claude-opus-4-10": the prefix ends at the name's end or a separator.
    const next = name.charAt(k.length);
    if (next !== '' && /[a-z0-9]/.test(next) && /[a-z0-9]$/.test(k)) continue;
    if (best === undefined || k.length > best.length) best = key;
  }
  return best === undefined ? undefined : table[best];
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
