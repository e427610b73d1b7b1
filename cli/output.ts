import { fstatSync, statSync, writeSync } from 'node:fs';
import type { Output } from './env.js';

type Write = (text: string) => void;
/** A standard stream's writer; `stream()` hands over to node's stream (for code that writes to it directly, as yargs does). */
type StandardWrite = Write & { stream(): NodeJS.WriteStream };

/**
 * A writer to standard output or error that does not make node's stream object first: the first
 * touch of process.stdout loads node's stream and net modules (~2.3 ms, 12% of `node -e 0`), which
 * an idle tick paid to print nothing (issue 24). Node writes these streams synchronously on Linux
 * when they are files, pipes or terminals; so does this, with writeSync, whole (a partial write goes
 * on). A full pipe that was opened non-blocking (EAGAIN) hands the rest, and every later write, to
 * node's stream, which waits for the reader. A reader gone (EPIPE, `aos log | head`) is the reader's
 * choice, not an error: on stdout aos ends quietly with the exit code it had; on stderr the text is
 * dropped.
 */
export function standardWriter(fd: 1 | 2): StandardWrite {
  let stream: NodeJS.WriteStream | undefined;
  const toStream = (): NodeJS.WriteStream => {
    if (stream) return stream;
    stream = fd === 1 ? process.stdout : process.stderr;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (fd === 1) process.exit(process.exitCode ?? 0);
    });
    return stream;
  };
  const write = (text: string): void => {
    if (stream) return void stream.write(text);
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return void toStream().write(bytes.subarray(done));
      if (code !== 'EPIPE') throw err;
      if (fd === 1) process.exit(process.exitCode ?? 0);
    }
  };
  return Object.assign(write, { stream: toStream });
}

/** The process's two writers, one each, so every part of aos writes in one order. */
export const stdout = standardWriter(1);
export const stderr = standardWriter(2);

/**
 * Whether standard output is a terminal, without loading node:tty (it loads net and the stream
 * modules: ~2 ms): a pipe, a file, a socket or /dev/null (cron's cases) is not one, and only a
 * character device other than /dev/null is asked about.
 */
export function stdoutIsTTY(): boolean {
  let st;
  try {
    st = fstatSync(1);
  } catch {
    return false; // closed
  }
  if (!st.isCharacterDevice()) return false;
  try {
    if (st.rdev === statSync('/dev/null').rdev) return false;
  } catch {}
  return process.getBuiltinModule('node:tty').isatty(1);
}

export function makeOutput(json: boolean, out: Write = stdout, err: Write = stderr): Output {
  return {
    json,
    line: (text = '') => out(text + '\n'),
    write: (text) => out(text),
    data: (value) => out(JSON.stringify(value, null, 2) + '\n'),
    warn: (text) => err(text + '\n'),
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
