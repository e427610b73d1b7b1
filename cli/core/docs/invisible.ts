// Characters a person cannot see but a model reads: Unicode TAG characters (a whole hidden
// sentence can ride in them), zero-width spaces and joiners, invisible operators, the byte-order
// mark inside text, and bidi overrides/isolates that make text read differently from how it shows.
// They are stripped from everything sent to a model; where they came from is flagged. Pure.

// U+E0000–E007F tags; U+200B–U+200F zero-width and direction marks; U+2060–U+2064 word joiner and
// invisible operators; U+FEFF; U+202A–U+202E bidi embeddings/overrides; U+2066–U+2069 bidi isolates.
const INVISIBLE = /[\u{E0000}-\u{E007F}\u200B-\u200F\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069]/gu;

/** How many invisible characters the text holds. */
export function countInvisible(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(INVISIBLE)) n++;
  return n;
}

/** The text without its invisible characters, and how many were removed. */
export function stripInvisible(text: string): { text: string; removed: number } {
  const removed = countInvisible(text);
  return { text: removed ? text.replace(INVISIBLE, '') : text, removed };
}

/**
 * Every string inside a JSON-like value (a model request: system text, messages, tool results,
 * tool inputs) with its invisible characters removed; a new value only where something changed.
 */
export function stripInvisibleDeep<T>(value: T): { value: T; removed: number } {
  let removed = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const s = stripInvisible(v);
      removed += s.removed;
      return s.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  const out = walk(value) as T;
  return { value: removed ? out : value, removed };
}

/** What the flag says about an item that held invisible characters. */
export function invisibleFlag(item: string, removed: number): string {
  return `Item ${item} held ${removed} invisible character${removed === 1 ? '' : 's'} (Unicode tags, zero-width or bidi controls); they were stripped before the model saw it. Check who sent it.`;
}
