// What a file write asked for approval would change, as the owner reads it in the approval file:
// a unified diff of the file as it is against the text the agent wants to write (a new file is all
// `+` lines). Every shown line starts with ' ', '+', '-' or '@', so no line of the agent's text can
// end the front matter, close the fence or look like a conflict marker to git. A long change is cut
// with a note naming the full text's size and sha256 and where it is kept (the run record, which
// holds the call's input): the approval file never carries a large body into git a second time.
import { createHash } from 'node:crypto';

/** Shown lines at most; past it the diff is cut. */
export const PREVIEW_MAX_LINES = 120;
/** Shown characters at most (a few long lines count as much as many short ones). */
export const PREVIEW_MAX_CHARS = 8_000;
/** Lines of unchanged text around each change. */
const CONTEXT = 3;
/** Above this many cells the line matching is skipped and the middle shown as replaced whole. */
const MATCH_MAX_CELLS = 4_000_000;

export interface WriteChange {
  path: string;
  /** The file's text now; undefined when the write creates it. */
  before: string | undefined;
  after: string;
  /** Where the whole new text is kept, for the note on a cut diff (e.g. the run record's path). */
  keptIn: string;
}

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Control characters (a CR included) shown by name, so the approval file stays plain text. */
function visible(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** The edit script from a to b: common ends trimmed, the middle matched by longest common subsequence. */
function editScript(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: ' ', text: a[i]!, a: i, b: i });
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const n = am.length;
  const m = bm.length;
  if ((n + 1) * (m + 1) > MATCH_MAX_CELLS) {
    am.forEach((t, i) => ops.push({ kind: '-', text: t, a: pre + i, b: pre }));
    bm.forEach((t, j) => ops.push({ kind: '+', text: t, a: pre + n, b: pre + j }));
  } else {
    // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) ops.push({ kind: ' ', text: am[i]!, a: pre + i++, b: pre + j++ });
      // Removed lines before added ones, as diff shows them.
      else if (i < n && (j === m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) ops.push({ kind: '-', text: am[i]!, a: pre + i++, b: pre + j });
      else ops.push({ kind: '+', text: bm[j]!, a: pre + i, b: pre + j++ });
    }
  }
  for (let k = suf; k > 0; k--) ops.push({ kind: ' ', text: a[a.length - k]!, a: a.length - k, b: b.length - k });
  return ops;
}

/** The unified diff's lines (hunk headers and prefixed lines), without the file header. */
export function diffLines(before: string, after: string): string[] {
  const ops = editScript(lines(before), lines(after));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - CONTEXT);
    let end = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - end <= 2 * CONTEXT) end = changed[++k]!;
    k++;
    const stop = Math.min(ops.length - 1, end + CONTEXT);
    const hunk = ops.slice(start, stop + 1);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLen ? hunk.find((o) => o.kind !== '+')!.a + 1 : hunk[0]!.a;
    const bStart = bLen ? hunk.find((o) => o.kind !== '-')!.b + 1 : hunk[0]!.b;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${visible(o.text)}`);
  }
  return out;
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The section the approval file shows under its question: what the write would change. */
export function renderWriteChange(c: WriteChange): string {
  const bytes = Buffer.byteLength(c.after, 'utf8');
  const all = [`--- ${c.before === undefined ? '/dev/null' : `a/${c.path}`}`, `+++ b/${c.path}`, ...diffLines(c.before ?? '', c.after)];
  const shown: string[] = [];
  let chars = 0;
  for (const l of all) {
    if (shown.length >= PREVIEW_MAX_LINES || chars + l.length > PREVIEW_MAX_CHARS) break;
    shown.push(l);
    chars += l.length + 1;
  }
  const head =
    c.before === undefined
      ? `The new file ${c.path} (${thousands(lines(c.after).length)} lines, ${thousands(bytes)} bytes):`
      : c.before === c.after
        ? `${c.path} would be written unchanged (${thousands(bytes)} bytes).`
        : `The change to ${c.path} (now ${thousands(Buffer.byteLength(c.before, 'utf8'))} bytes, after ${thousands(bytes)} bytes):`;
  if (c.before === c.after) return `## The change\n\n${head}\n`;
  const parts = ['## The change', '', head, '', '```diff', ...shown, '```'];
  if (shown.length < all.length) {
    const sha = createHash('sha256').update(c.after, 'utf8').digest('hex');
    parts.push('', `… ${thousands(all.length - shown.length)} more diff lines not shown. The whole new text (${thousands(bytes)} bytes, sha256 ${sha}) is the input of this call in ${c.keptIn}.`);
  }
  return parts.join('\n') + '\n';
}
