import type { Output } from './env.js';

export function makeOutput(json: boolean, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Output {
  return {
    json,
    line: (text = '') => void stdout.write(text + '\n'),
    write: (text) => void stdout.write(text),
    data: (value) => void stdout.write(JSON.stringify(value, null, 2) + '\n'),
    warn: (text) => void stderr.write(text + '\n'),
  };
}

/** Pads a table's columns for a terminal; plain text, so it greps and pipes well. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd()).join('\n');
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}
