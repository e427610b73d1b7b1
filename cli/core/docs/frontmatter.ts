// Markdown documents with optional YAML front matter, split here and parsed by our strict YAML
// reader. Front matter in any other language is refused, never evaluated. (gray-matter is not used:
// it evaluates ---js through its default engines, loads js-yaml at import even when given another
// engine — 100 KB compiled on every start — and reads a missing closing --- as front matter to the end.)
import { parseDocument, stringify, isMap, isScalar } from 'yaml';
import { ValidationError, type Problem } from '../../errors.js';
import { parseYaml, describe, type ParsedYaml } from './yaml.js';
// In a module of their own so that the commit path (git/) checks for markers without loading YAML.
import { findConflictMarker } from './markers.js';
import { unreadableText } from './encoding.js';
export { markerRefusal, findConflictMarker } from './markers.js';

export interface TextStyle {
  bom: boolean;
  crlf: boolean;
}

export interface ParsedDoc {
  /** Front matter as parsed; null when the file has none. */
  data: Record<string, unknown> | null;
  body: string;
  /** File line where the body starts. */
  bodyLine: number;
  yaml?: ParsedYaml;
  problems: Problem[];
}

const FENCE = /^---[ \t]*$/;

/** The line index of the closing fence of front matter opened on line 0, or -1. */
function closingFence(lines: readonly string[]): number {
  return lines.findIndex((l, i) => i > 0 && FENCE.test(l));
}

/** Strips a BOM and CRLF line ends (remembered in style so a rewrite can keep them). */
export function normalizeText(raw: string): { text: string; style: TextStyle } {
  const bom = raw.startsWith('\uFEFF');
  const noBom = bom ? raw.slice(1) : raw;
  const crlf = noBom.includes('\r\n');
  return { text: crlf ? noBom.replace(/\r\n/g, '\n') : noBom, style: { bom, crlf } };
}

export function restoreStyle(text: string, style: TextStyle): string {
  const lines = style.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
  return style.bom ? '\uFEFF' + lines : lines;
}

export function parseFrontMatter(file: string, raw: string): ParsedDoc {
  const { text } = normalizeText(raw);
  const empty = { data: null, body: text, bodyLine: 1 };
  const unreadable = unreadableText(file, raw);
  if (unreadable) return { ...empty, problems: [unreadable] };
  const conflict = findConflictMarker(file, text);
  if (conflict) return { ...empty, problems: [conflict] };

  const lines = text.split('\n');
  const opening = lines[0] ?? '';
  if (/^---[A-Za-z]/.test(opening)) {
    const found = JSON.stringify(opening.slice(0, 20));
    const problem = { file, line: 1, expected: 'YAML front matter opened by a line "---"', found, hint: 'front matter in other languages is refused, never evaluated' };
    return { ...empty, problems: [problem] };
  }
  if (!FENCE.test(opening)) return { ...empty, problems: [] };
  const close = closingFence(lines);
  if (close < 0) {
    const problem = { file, line: 1, expected: 'front matter closed by a line "---"', found: 'end of file', hint: 'add the closing --- line after the last field' };
    return { ...empty, problems: [problem] };
  }

  const yamlText = lines.slice(1, close).join('\n');
  const body = lines.slice(close + 1).join('\n');
  const bodyLine = close + 2;
  const yamlResult = parseYaml(file, yamlText, 1);
  if (yamlResult.problems.length || !yamlResult.yaml) return { data: null, body, bodyLine, problems: yamlResult.problems };
  const data = yamlResult.yaml.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    const problem = { file, line: 2, expected: 'front matter as "field: value" lines', found: describe(data) };
    return { data: null, body, bodyLine, problems: [problem] };
  }
  return { data: data as Record<string, unknown>, body, bodyLine, yaml: yamlResult.yaml, problems: [] };
}

/** Front matter text for new documents, fields in the order given, absent ones left out. */
export function frontMatterText(fields: Record<string, unknown>): string {
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return stringify(present, { lineWidth: 0 });
}

/** The text of a markdown document: front matter (already YAML text) and body. */
export function renderDocument(frontMatter: string, body: string): string {
  const fm = frontMatter.endsWith('\n') ? frontMatter : frontMatter + '\n';
  const b = body.endsWith('\n') || body === '' ? body : body + '\n';
  return `---\n${fm}---\n${b}`;
}

/**
 * Sets front matter fields in a document's text, keeping everything else as the owner wrote it:
 * comments, field order, quoting, the body, a BOM and CRLF line ends. A field set to undefined is removed.
 */
export function setFrontMatterFields(file: string, raw: string, fields: Record<string, unknown>): string {
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) throw new ValidationError(parsed.problems);
  const { text, style } = normalizeText(raw);
  // No front matter yet (a plain inbox task): add one above the untouched text.
  if (!parsed.data) return restoreStyle(renderDocument(frontMatterText(fields), text), style);
  const lines = text.split('\n');
  const close = closingFence(lines);
  const rest = lines.slice(close + 1).join('\n');
  let front = lines.slice(1, close).join('\n') + '\n';
  for (const [key, value] of Object.entries(fields)) front = setField(front, key, value);
  return restoreStyle(`---\n${front}---\n${rest}`, style);
}

/**
 * One top-level field: a scalar is replaced in place, byte for byte around it; a new field goes at
 * the end; only a structured value falls back to re-serialising the YAML.
 */
function setField(front: string, key: string, value: unknown): string {
  const doc = parseDocument(front);
  const map = doc.contents;
  const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const scalarText = (v: unknown) => stringify(v, { lineWidth: 0 }).trimEnd();
  if (value === undefined) {
    if (!pair) return front;
    doc.delete(key);
    return doc.toString();
  }
  const isPlain = value === null || ['string', 'number', 'boolean'].includes(typeof value);
  if (pair && isScalar(pair.value) && pair.value.range && isPlain && !scalarText(value).includes('\n')) {
    const [start, end] = pair.value.range;
    return front.slice(0, start) + scalarText(value) + front.slice(end);
  }
  if (!pair) return front + stringify({ [key]: value }, { lineWidth: 0 });
  doc.set(key, value);
  return doc.toString();
}

/** The same document with a new body; the front matter stays byte for byte. */
export function replaceBody(file: string, raw: string, body: string): string {
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) throw new ValidationError(parsed.problems);
  const { text, style } = normalizeText(raw);
  const head = parsed.data ? text.split('\n').slice(0, parsed.bodyLine - 1).join('\n') + '\n' : '';
  return restoreStyle(head + body.trim() + '\n', style);
}
