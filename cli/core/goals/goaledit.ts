// Edits of a goal file that keep every byte they do not mean to change: one skill's (or the
// metric's) fields set in place inside the front matter, and one line added to "## History".
import { parseDocument, isMap, isScalar, isSeq, stringify, type YAMLMap } from 'yaml';
import { UserError, ValidationError } from '../../errors.js';
import { parseFrontMatter, normalizeText, restoreStyle } from '../docs/frontmatter.js';

/** The pseudo-skill that names the goal's metric in `aos goal log`. */
export const METRIC = 'metric';

function scalarText(v: unknown): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

/**
 * Sets plain fields of one skill (by id) or of the metric. An existing value is replaced byte for
 * byte; a missing one is added after the `current:` line with the same indentation (or, in a
 * flow map `{ … }`, before its closing brace).
 */
export function setSkillFields(file: string, raw: string, skill: string, fields: Record<string, string | number>): string {
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) throw new ValidationError(parsed.problems);
  if (!parsed.data) throw new UserError(`${file}: expected front matter, found none`);
  const { text, style } = normalizeText(raw);
  const start = text.indexOf('\n') + 1;
  const close = text.split('\n').findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
  const frontEnd = text.split('\n').slice(0, close).join('\n').length + 1;
  let front = text.slice(start, frontEnd);
  const doc = parseDocument(front);
  const map = findMap(doc.contents, skill);
  if (!map) throw new UserError(`${file}: no ${skill === METRIC ? 'metric' : `skill "${skill}"`} in its front matter`);

  type Edit = { at: number; end: number; text: string };
  const edits: Edit[] = [];
  const anchor = map.items.find((p) => isScalar(p.key) && p.key.value === 'current');
  for (const [key, value] of Object.entries(fields)) {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.value) && pair.value.range) {
      edits.push({ at: pair.value.range[0], end: pair.value.range[1], text: scalarText(value) });
    } else if (pair) {
      throw new UserError(`${file}: ${skill}.${key} is not a plain value; edit it by hand`);
    } else if (map.flow && isScalar(map.items.at(-1)?.value) && (map.items.at(-1)!.value as { range?: number[] }).range) {
      const at = (map.items.at(-1)!.value as { range: number[] }).range[1]!;
      edits.push({ at, end: at, text: `, ${key}: ${scalarText(value)}` });
    } else if (anchor && isScalar(anchor.key) && anchor.key.range && isScalar(anchor.value) && anchor.value.range) {
      const lineStart = front.lastIndexOf('\n', anchor.key.range[0]) + 1;
      const indent = front.slice(lineStart, anchor.key.range[0]);
      const eol = front.indexOf('\n', anchor.value.range[1]);
      const at = eol < 0 ? front.length : eol;
      edits.push({ at, end: at, text: `\n${indent}${key}: ${scalarText(value)}` });
    } else {
      throw new UserError(`${file}: cannot place ${key} for ${skill}; edit it by hand`);
    }
  }
  for (const e of edits.sort((a, b) => b.at - a.at)) front = front.slice(0, e.at) + e.text + front.slice(e.end);
  return restoreStyle(text.slice(0, start) + front + text.slice(frontEnd), style);
}

function findMap(contents: unknown, skill: string): YAMLMap | undefined {
  if (!isMap(contents)) return undefined;
  if (skill === METRIC) {
    const m = contents.get('metric', true);
    return isMap(m) ? m : undefined;
  }
  const skills = contents.get('skills', true);
  if (!isSeq(skills)) return undefined;
  for (const item of skills.items) if (isMap(item) && item.get('id') === skill) return item;
  return undefined;
}

/** Adds a line at the end of the "## History" section (a new section at the end when there is none). */
export function appendHistory(raw: string, line: string): string {
  const { text, style } = normalizeText(raw);
  const lines = text.split('\n');
  const head = lines.findIndex((l) => /^##\s+History\s*$/i.test(l));
  if (head < 0) {
    const trimmed = text.replace(/\n*$/, '');
    return restoreStyle(`${trimmed}\n\n## History\n${line}\n`, style);
  }
  let end = lines.findIndex((l, i) => i > head && /^#{1,2}\s/.test(l));
  if (end < 0) end = lines.length;
  let last = end - 1;
  while (last > head && lines[last]!.trim() === '') last--;
  lines.splice(last + 1, 0, line);
  const out = lines.join('\n');
  return restoreStyle(out.endsWith('\n') ? out : out + '\n', style);
}

/** The body sections of a goal that its owner agent may rewrite or add to (the History is log_progress's). */
export const EDITABLE_SECTIONS = { plan: 'Plan', research_notes: 'Research notes' } as const;
export type EditableSection = keyof typeof EDITABLE_SECTIONS;

/** Why this text cannot go into a section, or undefined: a heading of level 1 or 2 would split the goal's sections. */
export function sectionTextProblem(text: string): string | undefined {
  const heading = text.split(/\r?\n/).find((l) => /^#{1,2}\s/.test(l));
  return heading ? `the text may not contain a heading of level 1 or 2 (found ${JSON.stringify(heading.slice(0, 60))}); use ### for sub-headings` : undefined;
}

/**
 * The goal file with one "## <heading>" section replaced by, or extended with, the text. A missing
 * section is made before "## History" (or at the end), so the plan and notes stay above the history.
 */
export function setSection(raw: string, heading: string, body: string, mode: 'replace' | 'append'): string {
  const { text, style } = normalizeText(raw);
  const lines = text.split('\n');
  const content = body.replace(/\r\n?/g, '\n').replace(/^\n+|\s+$/g, '');
  const isHeading = (l: string) => /^#{1,2}\s/.test(l);
  // The body starts after the front matter's closing ---.
  const bodyStart = lines[0] === '---' ? lines.indexOf('---', 1) + 1 : 0;
  const head = lines.findIndex((l, i) => i >= bodyStart && new RegExp(`^##\\s+${heading}\\s*$`, 'i').test(l));
  if (head < 0) {
    const history = lines.findIndex((l, i) => i >= bodyStart && /^##\s+History\s*$/i.test(l));
    const at = history < 0 ? lines.length : history;
    const before = lines.slice(0, at);
    while (before.length > bodyStart && before[before.length - 1]!.trim() === '') before.pop();
    const out = [...before, ...(before.length > bodyStart ? [''] : []), `## ${heading}`, content, ...(history < 0 ? [] : ['', ...lines.slice(history)])].join('\n');
    return restoreStyle(out.endsWith('\n') ? out : out + '\n', style);
  }
  let end = lines.findIndex((l, i) => i > head && isHeading(l));
  if (end < 0) end = lines.length;
  let last = end - 1;
  while (last > head && lines[last]!.trim() === '') last--;
  const kept = mode === 'append' ? lines.slice(head + 1, last + 1) : [];
  const section = [...kept, ...(kept.length ? [''] : []), content];
  const tail = lines.slice(end);
  const out = [...lines.slice(0, head + 1), ...section, ...(tail.length ? ['', ...tail] : [])].join('\n');
  return restoreStyle(out.endsWith('\n') ? out : out + '\n', style);
}
