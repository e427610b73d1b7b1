// The disclosure contract of a benchmark result (benchmarks/<date>-<suite>.md): a score means
// nothing without exactly how it was made — one model alone, or the full loop of plans, candidates,
// checks and repairs — so a result whose configuration is missing or partial is refused, and the
// mode is printed next to every score. Pure: the command reads the file.
import * as v from 'valibot';
import { frontMatterText, parseFrontMatter, renderDocument } from '../docs/frontmatter.js';
import { validate } from '../docs/validate.js';
import type { Problem } from '../../errors.js';

export const BENCH_MODES = ['single-model', 'full-loop'] as const;
export const TASK_OUTCOMES = ['promoted', 'failed', 'refused', 'stopped'] as const;

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const count = v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'a number of 0 or more'));

export const DisclosureSchema = v.strictObject({
  suite: text,
  date: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-07')),
  mode: v.picklist(BENCH_MODES),
  brains: v.pipe(v.array(text), v.minLength(1, 'at least one brain')),
  models: v.pipe(v.array(text), v.minLength(1, 'at least one model')),
  candidates: v.pipe(count, v.minValue(1, 'at least 1')),
  repair_rounds: count,
  retries: count,
  checks: v.array(text),
  aos_version: text,
  device: text,
  tasks: v.pipe(
    v.array(v.strictObject({ task: text, outcome: v.picklist(TASK_OUTCOMES), tokens: count, usd: v.nullable(v.pipe(v.number(), v.minValue(0))) })),
    v.minLength(1, 'at least one task'),
  ),
});
export type Disclosure = v.InferOutput<typeof DisclosureSchema>;

/** The configuration fields a result must carry, in the order they are written. */
export const CONFIGURATION = ['mode', 'brains', 'models', 'candidates', 'repair_rounds', 'retries', 'checks', 'aos_version', 'device'] as const;

export function score(d: Disclosure): { promoted: number; tasks: number; share: number; tokens: number; usd: number | null } {
  const promoted = d.tasks.filter((t) => t.outcome === 'promoted').length;
  const known = d.tasks.every((t) => t.usd !== null);
  return {
    promoted,
    tasks: d.tasks.length,
    share: promoted / d.tasks.length,
    tokens: d.tasks.reduce((s, t) => s + t.tokens, 0),
    usd: known ? d.tasks.reduce((s, t) => s + (t.usd ?? 0), 0) : null,
  };
}

/** A result file read back: the disclosure, or every missing or wrong field named with the file. */
export function readDisclosure(file: string, raw: string): { disclosure?: Disclosure; problems: Problem[] } {
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) return { problems: parsed.problems };
  if (!parsed.data) return { problems: [{ file, line: 1, expected: 'front matter with the configuration the result was made with', found: 'none' }] };
  const data = parsed.data as Record<string, unknown>;
  const missing = CONFIGURATION.filter((k) => data[k] === undefined);
  if (missing.length) {
    return { problems: [{ file, line: 1, expected: `the configuration that made this result (${missing.join(', ')})`, found: 'a result without it: refused, a score is meaningless without how it was made' }] };
  }
  const { value, problems } = validate(DisclosureSchema, data, file, parsed.yaml);
  return value ? { disclosure: value, problems: [] } : { problems };
}

/** The result's text: the configuration in front matter, then the per-task table. */
export function disclosureDocument(d: Disclosure): string {
  const s = score(d);
  const body = [
    `# ${d.suite}, ${d.date}: ${s.promoted}/${s.tasks} promoted (${d.mode})`,
    '',
    `Made in ${d.mode === 'full-loop' ? 'the full loop (plan, candidates, checks, replay, repair rounds)' : 'single-model mode (one model, one attempt per stage)'} with ${d.brains.join(', ')} (${d.models.join(', ')}), ${d.candidates} candidate${d.candidates === 1 ? '' : 's'}, ${d.repair_rounds} repair round${d.repair_rounds === 1 ? '' : 's'}, ${d.retries} retr${d.retries === 1 ? 'y' : 'ies'}; aos ${d.aos_version} on ${d.device}.`,
    '',
    '| task | outcome | tokens | USD |',
    '|---|---|---|---|',
    ...d.tasks.map((t) => `| ${t.task} | ${t.outcome} | ${t.tokens} | ${t.usd === null ? '?' : t.usd.toFixed(4)} |`),
    '',
  ];
  return renderDocument(frontMatterText({ ...d }), body.join('\n'));
}

/** One line for a listing: the score always with its mode. */
export function scoreLine(d: Disclosure): string {
  const s = score(d);
  return `${d.date}  ${d.suite}  ${s.promoted}/${s.tasks} promoted (${Math.round(s.share * 100)}%)  mode ${d.mode}  ${d.brains.join(',')}  candidates ${d.candidates}  repairs ${d.repair_rounds}  ${s.tokens} tokens  ${s.usd === null ? '$?' : `$${s.usd.toFixed(4)}`}`;
}
