// Pure checks doctor runs over file texts that have no schema of their own.
import type { Problem } from '../../errors.js';
import { isLogHeading } from './logfmt.js';
import { findConflictMarker } from './frontmatter.js';

export const INDEX_FILE = 'memory/MEMORY.md';
export const INDEX_MAX_LINE = 150;
export const INDEX_MAX_LINES = 200;
export const INDEX_MAX_BYTES = 25 * 1024;

/** MEMORY.md: short lines, few of them, every link pointing at a topic file that exists. */
export function checkMemoryIndex(text: string, topics: ReadonlySet<string>): Problem[] {
  const file = INDEX_FILE;
  const conflict = findConflictMarker(file, text);
  if (conflict) return [conflict];
  const problems: Problem[] = [];
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (lines.length > INDEX_MAX_LINES) problems.push({ file, line: INDEX_MAX_LINES + 1, expected: `at most ${INDEX_MAX_LINES} lines`, found: `${lines.length} lines` });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > INDEX_MAX_BYTES) problems.push({ file, expected: `at most ${INDEX_MAX_BYTES / 1024} KB`, found: `${(bytes / 1024).toFixed(1)} KB` });
  lines.forEach((line, i) => {
    const chars = [...line].length;
    if (chars > INDEX_MAX_LINE) problems.push({ file, line: i + 1, expected: `a line of at most ${INDEX_MAX_LINE} characters`, found: `${chars} characters` });
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const slug = target.replace(/^\.\//, '').replace(/#.*$/, '').replace(/\.md$/, '');
      if (!topics.has(slug)) problems.push({ file, line: i + 1, expected: 'a link to a topic file in memory/', found: `"${target}", which does not exist` });
    }
  });
  return problems;
}

const LOG_NAME = /^logs\/(\d{4})\/(\d{2})\/(\d{4})-(\d{2})-(\d{2})\.md$/;

/** A daily log: the right place for its date, and every "## " line a proper entry heading. */
export function checkLogFile(file: string, text: string): Problem[] {
  const m = LOG_NAME.exec(file);
  if (!m || m[1] !== m[3] || m[2] !== m[4]) {
    return [{ file, expected: 'a daily log at logs/YYYY/MM/YYYY-MM-DD.md', found: 'a file elsewhere or misnamed' }];
  }
  const conflict = findConflictMarker(file, text);
  if (conflict) return [conflict];
  const problems: Problem[] = [];
  text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .forEach((line, i) => {
      if (line.startsWith('## ') && !isLogHeading(line)) {
        problems.push({ file, line: i + 1, expected: 'an entry heading "## HH:MM:SS · kind · agent · ref"', found: JSON.stringify(line.slice(0, 60)) });
      }
    });
  return problems;
}

/** `git log --numstat` output for logs/: any removed line breaks the append-only rule. */
export function checkLogHistory(numstat: string): Problem[] {
  const problems: Problem[] = [];
  let commit = '';
  for (const line of numstat.split('\n')) {
    const c = /^commit ([0-9a-f]{7,40})$/.exec(line);
    if (c) {
      commit = c[1]!;
      continue;
    }
    const m = /^(\d+)\t(\d+)\t(.+)$/.exec(line);
    if (m && Number(m[2]) > 0 && m[3]!.endsWith('.md') && !m[3]!.startsWith('logs/runs/')) {
      problems.push({ file: m[3]!, expected: 'append-only history', found: `${m[2]} line(s) removed or changed in commit ${commit.slice(0, 10)}` });
    }
  }
  return problems;
}
