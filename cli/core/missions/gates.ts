// The gates before promote (issue 18): after the critic, a mission's change must clear security (the
// rulebook, judged where promote always judged it, plus a secret scan of the diff base..head) and the
// benchmark (a configured command whose figure must meet a threshold). Pure: where a secret is in a
// diff (file, line, kind; never the value), the figure a bench printed, its verdict, and gates.md.
import * as v from 'valibot';
import { findSecrets, redactSecrets } from '../docs/secretscan.js';

const finite = v.pipe(v.number('a number'), v.finite('a finite number'));

/**
 * A benchmark gate: `command` runs like a check (bubblewrap, time limit, in the worktree at the
 * mission's head); its figure is the last number its output prints; it passes when the command exits
 * 0 and the figure is at least `min` and at most `max` (one of them, or both for a range).
 */
export const BenchSchema = v.pipe(
  v.strictObject({
    command: v.pipe(v.string(), v.trim(), v.nonEmpty('a command')),
    min: v.optional(finite),
    max: v.optional(finite),
    timeout_seconds: v.optional(v.pipe(v.number(), v.integer('a whole number'), v.minValue(1, 'at least 1'))),
  }),
  v.check((b) => b.min !== undefined || b.max !== undefined, 'a threshold: min (the figure must be at least it) or max (at most it), or both'),
  v.check((b) => b.min === undefined || b.max === undefined || b.min <= b.max, 'min no larger than max'),
);
export type Bench = v.InferOutput<typeof BenchSchema>;

/** A secret-looking value added by a diff: where and what kind, never the value. */
export interface SecretFinding {
  file: string;
  /** The line in the new file. */
  line: number;
  kind: string;
}

/** Every secret-looking value on an added line of a `git diff -U0` (line numbers of the new files). */
export function secretsInChange(diff: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  let file = '';
  let at = 0;
  for (const raw of diff.split('\n')) {
    if (raw.startsWith('diff --git ')) {
      file = '';
      continue;
    }
    if (raw.startsWith('+++ ')) {
      file = raw.slice(4).replace(/^b\//, '');
      if (file === '/dev/null') file = '';
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      at = Number(hunk[1]);
      continue;
    }
    if (!file) continue;
    if (raw.startsWith('+')) {
      for (const h of findSecrets(raw.slice(1))) out.push({ file, line: at, kind: h.kind });
      at++;
    } else if (raw.startsWith(' ')) at++;
  }
  return out;
}

/** "add.js:3 (Anthropic API key)": what findings say, in messages and gates.md. */
export const describeFinding = (f: SecretFinding) => `${f.file}:${f.line} (${f.kind})`;

/** The bench's figure: the last number its output prints (1, -2.5, 3e4, 1,234 read as 1234); undefined when none. */
export function benchFigure(output: string): number | undefined {
  const all = [...output.matchAll(/-?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
  const last = all[all.length - 1];
  if (!last) return undefined;
  const n = Number(last[0].replace(/,/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** The threshold in words: "at least 10", "at most 2.5", "between 1 and 5". */
export function thresholdText(b: Pick<Bench, 'min' | 'max'>): string {
  if (b.min !== undefined && b.max !== undefined) return `between ${b.min} and ${b.max}`;
  return b.min !== undefined ? `at least ${b.min}` : `at most ${b.max}`;
}

export type BenchVerdict =
  | { ok: true; figure: number }
  | { ok: false; figure?: number; kind: 'threshold' | 'command' | 'config'; reason: string };

/** The bench's verdict from its exit code and output; `file` names where the bench is configured. */
export function benchVerdict(b: Bench, exitCode: number, timedOut: boolean, output: string, file: string): BenchVerdict {
  if (timedOut) return { ok: false, kind: 'command', reason: `the bench \`${b.command}\` timed out (killed after ${b.timeout_seconds ?? '?'} s)` };
  if (exitCode !== 0) return { ok: false, kind: 'command', reason: `the bench \`${b.command}\` exited ${exitCode}` };
  const figure = benchFigure(output);
  if (figure === undefined) return { ok: false, kind: 'config', reason: `${file}: the bench \`${b.command}\` printed no number; its figure is the last number its output prints` };
  const ok = (b.min === undefined || figure >= b.min) && (b.max === undefined || figure <= b.max);
  return ok ? { ok: true, figure } : { ok: false, figure, kind: 'threshold', reason: `the bench \`${b.command}\` measured ${figure}; it must be ${thresholdText(b)}` };
}

/** What the gates found, for gates.md and the stage's verdict. */
export interface GatesReport {
  head: string;
  critic: string;
  rulebook: string;
  secrets: SecretFinding[];
  /** Files of base..head the secret scan read. */
  scanned: number;
  bench?: { command: string; threshold: string; figure?: number; ok: boolean; reason?: string; exitCode: number; durationMs: number; hash: string; sandboxed: boolean; tail: string; configured: string };
}

/** Which gate failed first (security before the bench), or undefined when all passed. */
export function failedGate(r: GatesReport, bench?: BenchVerdict): 'security' | 'bench' | 'config' | undefined {
  if (r.secrets.length) return 'security';
  if (bench && !bench.ok) return bench.kind === 'config' ? 'config' : 'bench';
  return undefined;
}

/** gates.md: the latest verdict on top, then one section per time the gates ran (newest first). */
export function gatesDocument(id: string, at: string, round: number, r: GatesReport, ok: boolean, history: string): string {
  const b = r.bench;
  return [
    `# Gates of ${id}`,
    '',
    `Latest: ${ok ? 'PASSED' : 'FAILED'} at ${at} at ${r.head.slice(0, 12)} (round ${round}).`,
    '',
    `## Round ${round}: ${ok ? 'passed' : 'failed'} (${r.head.slice(0, 12)})`,
    '',
    `- critic: ${r.critic}`,
    `- rulebook: ${r.rulebook}`,
    `- secret scan of the diff: ${r.secrets.length ? `${r.secrets.length} secret-looking value${r.secrets.length === 1 ? '' : 's'}: ${r.secrets.slice(0, 20).map(describeFinding).join(', ')}` : `clean (${r.scanned} file${r.scanned === 1 ? '' : 's'})`}`,
    b
      ? `- bench (${b.configured}): \`${b.command}\` must measure ${b.threshold}: ${b.ok ? `passed, measured ${b.figure}` : `FAILED, ${b.reason}`}; exit code ${b.exitCode}, ${b.durationMs} ms, output sha256:${b.hash}${b.sandboxed ? '' : ' (not sandboxed: aos.yaml sandbox: none)'}`
      : '- bench: none configured (aos.yaml mission.bench, or aos mission new --bench)',
    ...(b && !b.ok && b.tail ? ['', '  ```text', ...redactSecrets(b.tail).text.split('\n').map((l) => `  ${l}`), '  ```'] : []),
    '',
    history.trim(),
    '',
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}
