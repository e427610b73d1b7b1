// memory/MEMORY.md, the index that is always in context: one line per memory,
//   - [Title](slug.md) — what it is, in a few words
// Changes touch only the lines they mean to; every other line stays as the owner wrote it. Pure.
import { INDEX_MAX_LINE, INDEX_MAX_LINES, INDEX_MAX_BYTES } from '../docs/textchecks.js';

export { INDEX_MAX_LINE, INDEX_MAX_LINES, INDEX_MAX_BYTES };

export interface IndexLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  /** The topic this line links to (slug without .md), when it is an entry line. */
  slug?: string;
  title?: string;
  hook?: string;
}

const ENTRY = /^\s*[-*]\s+\[([^\]]+)\]\(\.?\/?([a-z0-9][a-z0-9-]*)\.md(?:#[^)]*)?\)\s*(?:[—–-]+\s*(.*))?$/;

export function parseIndex(text: string): IndexLine[] {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  return lines.map((t, i) => {
    const m = ENTRY.exec(t);
    return m ? { line: i + 1, text: t, title: m[1]!.trim(), slug: m[2]!, hook: (m[3] ?? '').trim() } : { line: i + 1, text: t };
  });
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('').trimEnd() + '…';
}

/** One entry line, cut to the index's line cap (the hook is shortened first, then the title). */
export function indexLine(slug: string, title: string, hook: string): string {
  const flat = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();
  const t = clip(flat(title).replace(/[[\]]/g, ''), 60);
  const head = `- [${t}](${slug}.md)`;
  const room = INDEX_MAX_LINE - [...head].length - 3;
  const h = flat(hook);
  return h && room > 10 ? `${head} — ${clip(h, room)}` : head;
}

/** Adds or replaces the entry for `slug`; other lines are untouched. New entries go at the end. */
export function upsertEntry(text: string, slug: string, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const parsed = parseIndex(text);
  const at = parsed.find((l) => l.slug === slug);
  if (at) lines[at.line - 1] = line;
  else if (lines.length === 1 && lines[0] === '') lines.splice(0, 1, '# Memory', line);
  else lines.push(line);
  return lines.join(eol) + eol;
}

/** Removes the entry lines for these slugs (their topic files stay). */
export function removeEntries(text: string, slugs: ReadonlySet<string>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const kept = parseIndex(text).filter((l) => !(l.slug && slugs.has(l.slug)));
  return kept.map((l) => l.text).join(eol) + eol;
}

/** The slugs the index lists, in order. */
export function indexedSlugs(text: string): string[] {
  return parseIndex(text).flatMap((l) => (l.slug ? [l.slug] : []));
}
