// Strict YAML: core schema, duplicate keys rejected, aliases capped, every error placed on a line.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import type { Problem } from '../../errors.js';

export const MAX_ALIASES = 100;

export interface ParsedYaml {
  data: unknown;
  doc: Document;
  lineCounter: LineCounter;
  /** Lines in the file before the YAML text starts (1 for front matter after its `---`). */
  lineOffset: number;
}

const EXPECTED_BY_CODE: Record<string, string> = {
  DUPLICATE_KEY: 'each key at most once',
  TAB_AS_INDENT: 'spaces for indentation',
  BAD_INDENT: 'consistent indentation',
  MULTIPLE_DOCS: 'a single YAML document',
  TAG_RESOLVE_FAILED: 'plain YAML values (no custom tags)',
  BAD_ALIAS: 'a defined anchor',
};

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return `${typeof value} ${String(value)}`;
}

/** Parses YAML text; returns the data or the problems, never both half-done. */
export function parseYaml(file: string, text: string, lineOffset = 0): { yaml?: ParsedYaml; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, schema: 'core', strict: true });
  const problems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const line = e.linePos?.[0]?.line;
    problems.push({
      file,
      line: line === undefined ? undefined : line + lineOffset,
      expected: EXPECTED_BY_CODE[e.code] ?? 'valid YAML',
      found: firstLine(e.message),
    });
  }
  if (problems.length) return { problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    return {
      problems: [{ file, line: lineOffset + 1, expected: `at most ${MAX_ALIASES} alias expansions`, found: `${firstLine((err as Error).message)} (an alias bomb?)` }],
    };
  }
  return { yaml: { data, doc, lineCounter, lineOffset }, problems };
}

/** The file line of the node at `path`, or of the nearest parent that exists. */
export function lineOf(y: ParsedYaml, path: readonly (string | number)[]): number | undefined {
  let node: unknown = y.doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : y.lineCounter.linePos(offset).line + y.lineOffset;
}
