// Money as integer micro-units (a millionth of the currency's unit): prices are written as decimal
// text with their currency ("$0.005", "0.005 USD"), read exactly, and summed as whole numbers, so
// a ledger never carries a float's rounding. Pure.

export const MICROS = 1_000_000;

export interface Price {
  currency: string;
  /** Millionths of the currency's unit. */
  micros: number;
}

const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP' };
const AMOUNT = '(\\d{1,9})(?:\\.(\\d{1,6}))?';
const FORMS = [new RegExp(`^([$€£])\\s*${AMOUNT}$`), new RegExp(`^${AMOUNT}\\s*([A-Z]{3})$`), new RegExp(`^([A-Z]{3})\\s*${AMOUNT}$`)];

/** "$0.005", "0.005 USD", "USD 0.005" → the price in micro-units, or undefined when it is not one of these forms. */
export function parsePrice(text: string): Price | undefined {
  const t = text.trim();
  let m = FORMS[0]!.exec(t);
  if (m) return { currency: SYMBOLS[m[1]!]!, micros: toMicros(m[2]!, m[3]) };
  m = FORMS[1]!.exec(t);
  if (m) return { currency: m[3]!, micros: toMicros(m[1]!, m[2]) };
  m = FORMS[2]!.exec(t);
  if (m) return { currency: m[1]!, micros: toMicros(m[2]!, m[3]) };
  return undefined;
}

function toMicros(whole: string, fraction: string | undefined): number {
  return Number(whole) * MICROS + Number((fraction ?? '').padEnd(6, '0'));
}

/** A plain decimal amount ("0.10") in micro-units, or undefined. */
export function parseAmount(text: string): number | undefined {
  const m = new RegExp(`^${AMOUNT}$`).exec(text.trim());
  return m ? toMicros(m[1]!, m[2]) : undefined;
}

/** A USD cost the model reported (a float) as whole micro-dollars: the one place a float becomes money. */
export function usdToMicros(usd: number | undefined): number {
  return usd === undefined || !Number.isFinite(usd) ? 0 : Math.round(usd * MICROS);
}

/** 5000 → "0.005"; at least two decimals, no trailing zeros beyond them. */
export function formatAmount(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS);
  let frac = String(abs % MICROS).padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${sign}${whole}.${frac}`;
}

/** 5000, USD → "USD 0.005": the form the ledger writes and reads back exactly. */
export function formatPrice(micros: number, currency: string): string {
  return `${currency} ${formatAmount(micros)}`;
}

/** "$0.0123" style for tables. */
export function usd(micros: number): string {
  return `${micros < 0 ? '-' : ''}$${formatAmount(Math.abs(micros))}`;
}
