// A front-matter reader for the search index: a line scan of the simple YAML that aos writes and
// most people type (`key: value` lines; plain, "double" or 'single' quoted scalars; tags as
// `[a, b]` or as `- a` lines), which answers exactly what the YAML parser (core/docs/frontmatter.ts,
// core schema, strict) would, or gives up. Anything it does not fully understand — a block scalar,
// a value continued on the next line, a nested mapping, an anchor, a comment after a value, a
// number other than a plain integer, an escape JSON does not share, a duplicate key, CRLF, a BOM,
// a tab, a conflict marker, an unreadable file — returns undefined, and the caller parses the file with
// the full parser. So the reader can never index a file differently from the parser, nor
// accept one the parser would refuse; tests/core/frontscan.test.ts holds both to one corpus.
//
// Why: a cold index of a year-scale home parses ~7,000 front matters (done items, run-free
// memory topics), and the YAML parser was ~19% of that build (decisions.md, "Speed at scale").
import type { ParsedDoc } from '../docs/frontmatter.js';
import { findConflictMarker } from '../docs/markers.js';
import { unreadableText } from '../docs/encoding.js';

const FENCE = /^---[ \t]*$/;
const KEY = /^([A-Za-z_][A-Za-z0-9_-]{0,200}):(?: +(.*?))? *$/;
const SEQ_ITEM = /^( *)- (.*?) *$/;
// YAML 1.2 core schema: what a plain scalar means when it is not a string.
const NULL = /^(?:~|null|Null|NULL)$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OTHER_NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
// A plain scalar may not start with an indicator (the few allowed before a non-space are refused too).
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const GIVE_UP = Symbol('give up');
type Value = string | number | boolean | null | string[];

/** A plain scalar as the core schema reads it, or GIVE_UP. */
function plain(s: string, inFlow: boolean): Value | typeof GIVE_UP {
  if (!s) return GIVE_UP;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : GIVE_UP;
  }
  if (OTHER_NUMBER.test(s) || INDICATOR.test(s) || /:([ \t]|$)|[ \t]#/.test(s)) return GIVE_UP;
  if (inFlow && /[,[\]{}]/.test(s)) return GIVE_UP;
  return s;
}

/** A scalar on one line: quoted, or plain. */
function scalar(s: string, inFlow: boolean): Value | typeof GIVE_UP {
  if (s.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*)"$/.exec(s);
    if (!m) return GIVE_UP;
    try {
      return JSON.parse(s) as string;
    } catch {
      return GIVE_UP;
    }
  }
  if (s.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'$/.exec(s);
    return m ? m[1]!.replace(/''/g, "'") : GIVE_UP;
  }
  return plain(s, inFlow);
}

/** `[a, "b c", 'd']`: a flow sequence of scalars on one line. */
function flowSeq(s: string): Value | typeof GIVE_UP {
  const inner = s.slice(1, -1).trim();
  if (!inner) return [];
  const items: string[] = [];
  for (const part of inner.split(',')) {
    const v = scalar(part.trim(), true);
    // Only strings: a number or null in a list would need the parser's own rendering of it.
    if (typeof v !== 'string') return GIVE_UP;
    items.push(v);
  }
  return items;
}

/**
 * The front matter of a markdown document when it is simple enough to read by lines, with the
 * body; undefined when the full parser must decide (including every case that has problems).
 */
export function scanFrontMatter(file: string, raw: string): ParsedDoc | undefined {
  if (raw.charCodeAt(0) === 0xfeff || raw.includes('\r') || raw.includes('\t') || unreadableText(file, raw) || findConflictMarker(file, raw)) return undefined;
  if (!raw.startsWith('---')) return { data: null, body: raw, bodyLine: 1, problems: [] };
  const lines = raw.split('\n');
  if (!FENCE.test(lines[0]!)) return undefined;
  const data: Record<string, Value> = {};
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) break;
    if (!line.trim() || /^#/.test(line)) continue;
    const m = KEY.exec(line);
    const key = m?.[1];
    // A key the core schema reads as null, a boolean or a number, or one that is already there: the parser's.
    if (!m || !key || key === '__proto__' || NULL.test(key) || BOOL.test(key) || Object.prototype.hasOwnProperty.call(data, key)) return undefined;
    const text = m[2] ?? '';
    if (text) {
      const v = text.startsWith('[') && text.endsWith(']') ? flowSeq(text) : scalar(text, false);
      if (v === GIVE_UP) return undefined;
      data[key] = v;
      // A value continued on the next (indented) line is a multi-line scalar: the parser's.
      if (/^ /.test(lines[i + 1] ?? '')) return undefined;
      continue;
    }
    // An empty value: null, or a block sequence of scalars (`- a` lines, one indentation).
    const items: string[] = [];
    let indent: string | undefined;
    while (i + 1 < lines.length && /^[ -]/.test(lines[i + 1]!) && !FENCE.test(lines[i + 1]!)) {
      const item = SEQ_ITEM.exec(lines[i + 1]!);
      if (!item || (indent !== undefined && item[1] !== indent)) return undefined;
      indent = item[1]!;
      const v = scalar(item[2]!, false);
      if (typeof v !== 'string' || /^- /.test(item[2]!)) return undefined;
      items.push(v);
      i++;
    }
    data[key] = indent === undefined ? null : items;
  }
  if (i >= lines.length) return undefined; // never closed: the parser names the problem
  return { data, body: lines.slice(i + 1).join('\n'), bodyLine: i + 2, problems: [] };
}
