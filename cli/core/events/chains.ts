// Chains (issue 20): chains/<name>.yaml declares steps, each an agent and a task template; a run
// files one ordinary inbox item per step. This module is pure: the chain's schema and checks, the
// step texts, and planChain, which reads what the files say (each step's item, each approval) and
// decides the one next thing to do. The store reads and writes (home/chains.ts), the tick applies.
import * as v from 'valibot';
import { createHash } from 'node:crypto';
import type { Problem } from '../../errors.js';
import { AGENT_ID } from '../docs/ids.js';
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';
import { dataBlock } from '../agents/datablock.js';
import { TOPIC_PATTERN } from './topics.js';

export const CHAIN_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;
const STEP_NAME = /^[a-z0-9][a-z0-9-]{0,23}$/;
export const MAX_STEPS = 12;

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const oneKey = <T extends object>(what: string) => v.check<T, string>((o) => Object.values(o).filter((x) => x !== undefined).length === 1, `exactly one of ${what}`);

const Condition = v.pipe(
  v.strictObject({ contains: v.optional(text), lacks: v.optional(text), matches: v.optional(text) }),
  oneKey<{ contains?: string; lacks?: string; matches?: string }>('contains, lacks, matches'),
);
export type Condition = v.InferOutput<typeof Condition>;

export const ChainSchema = v.strictObject({
  description: v.optional(text),
  /**
   * What starts a run besides `aos chain run`: an event topic or a cron schedule. `watch:` is
   * accepted and shown only: a watcher (aos.yaml's watch.folders entry with `chain: <this chain>`)
   * is what starts a run for a file, so the link lives in one place.
   */
  trigger: v.optional(
    v.pipe(
      v.strictObject({
        topic: v.optional(v.pipe(v.string(), v.regex(TOPIC_PATTERN, 'a topic pattern like research.* (dot-separated words)'))),
        schedule: v.optional(v.pipe(v.string(), v.regex(/^\s*(\S+\s+){4}\S+\s*$/, 'a cron expression of five fields, like "0 9 * * 1"'))),
        watch: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'the name of a watch: entry in aos.yaml'))),
      }),
      oneKey<{ topic?: string; schedule?: string; watch?: string }>('topic, schedule, watch'),
    ),
  ),
  /** The input of a run started without one (a schedule), as {{input}}. */
  input: v.optional(v.string()),
  steps: v.pipe(
    v.array(
      v.strictObject({
        name: v.pipe(v.string(), v.regex(STEP_NAME, 'a step name of lowercase letters, digits and dashes (at most 24)')),
        agent: v.pipe(v.string(), v.regex(AGENT_ID, 'an agent id')),
        /** The step's item text: {{input}}, {{previous}} (the step before's result), {{steps.<name>}}, {{chain}}, {{run}}. */
        task: text,
        /** Checked on this step's result: when it does not hold, the run stops here (status stopped). */
        continue_if: v.optional(Condition),
        /** The owner approves (aos approve) before this step's item is filed: for steps with side effects. */
        approve: v.optional(v.boolean(), false),
      }),
    ),
    v.minLength(1, 'at least one step'),
    v.maxLength(MAX_STEPS, `at most ${MAX_STEPS} steps`),
  ),
});
export type ChainDef = v.InferOutput<typeof ChainSchema>;
export type ChainStep = ChainDef['steps'][number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What the schema cannot say: unique step names, known placeholders, earlier steps only, regexes that compile. */
export function chainProblems(file: string, chain: ChainDef): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  chain.steps.forEach((step, i) => {
    if (names.has(step.name)) problems.push({ file, field: `steps.${i}.name`, expected: 'a step name used once', found: `"${step.name}" again` });
    for (const m of step.task.matchAll(PLACEHOLDER)) {
      const key = m[1]!;
      const ok = ['input', 'previous', 'chain', 'run'].includes(key) || (key.startsWith('steps.') && names.has(key.slice(6)));
      if (!ok) problems.push({ file, field: `steps.${i}.task`, expected: 'placeholders {{input}}, {{previous}}, {{chain}}, {{run}} or {{steps.<an earlier step>}}', found: `{{${key}}}` });
    }
    if (step.continue_if?.matches !== undefined) {
      try {
        new RegExp(step.continue_if.matches, 'iu');
      } catch (err) {
        problems.push({ file, field: `steps.${i}.continue_if.matches`, expected: 'a regular expression', found: `${JSON.stringify(step.continue_if.matches)}: ${(err as Error).message}` });
      }
    }
    names.add(step.name);
  });
  return problems;
}

/** Whether a step's result lets the run go on. */
export function conditionHolds(cond: Condition | undefined, result: string): boolean {
  if (!cond) return true;
  if (cond.contains !== undefined) return result.toLowerCase().includes(cond.contains.toLowerCase());
  if (cond.lacks !== undefined) return !result.toLowerCase().includes(cond.lacks.toLowerCase());
  return new RegExp(cond.matches!, 'iu').test(result);
}

export function describeCondition(cond: Condition): string {
  if (cond.contains !== undefined) return `contains "${cond.contains}"`;
  if (cond.lacks !== undefined) return `lacks "${cond.lacks}"`;
  return `matches /${cond.matches}/`;
}

/**
 * A step's item text: the template with its placeholders filled. Results of earlier steps (model
 * output) and the input (from an event or the command line) go in as fenced data blocks, never as
 * instructions the next agent would take as the owner's.
 */
export function stepText(chain: { name: string; def: ChainDef }, run: string, index: number, input: string, results: readonly (string | undefined)[]): string {
  const step = chain.def.steps[index]!;
  const byName = new Map(chain.def.steps.map((s, i) => [s.name, i]));
  const filled = step.task.replace(PLACEHOLDER, (_all, key: string) => {
    if (key === 'chain') return chain.name;
    if (key === 'run') return run;
    if (key === 'input') return dataBlock('chain input', input || '(no input)');
    if (key === 'previous') return index === 0 ? dataBlock('chain input', input || '(no input)') : dataBlock(`result of step ${chain.def.steps[index - 1]!.name}`, results[index - 1] ?? '(no result)');
    const i = byName.get(key.slice(6))!;
    return dataBlock(`result of step ${key.slice(6)}`, results[i] ?? '(no result)');
  });
  return `${filled.trim()}\n\n(Step ${index + 1} of ${chain.def.steps.length}, "${step.name}", of chain ${chain.name}, run ${run}.)`;
}

/**
 * Run ids sort by time and carry their chain: 20261207T140000-k3f9.capture-post. The dots keep each
 * part short: one long run of mixed letters and digits would look like a key to the secret scan.
 */
export function runId(stampText: string, chain: string, suffixText: string): string {
  return `${stampText}-${suffixText}.${chain}`;
}

/** A step's item id is fixed by its run and place, so filing it twice is impossible (exclusive create): <run>.2-analyse. */
export function stepItemId(run: string, index: number, step: string): string {
  return `${run}.${index + 1}-${step}`;
}

/** The approval before a step has a fixed id too: a crash between asking and recording never asks twice. */
export function stepApprovalId(run: string, index: number): string {
  const hash = createHash('sha256').update(`${run}#${index}`).digest('hex').slice(0, 8);
  return `ap-${run.slice(0, 15)}-${hash}`;
}

/** Binds the owner's yes to exactly this step: its run, place, agent and text. */
export function stepHash(run: string, index: number, agent: string, text: string): string {
  return `sha256:${createHash('sha256').update(JSON.stringify({ run, index, agent, text })).digest('hex')}`;
}

export const RUN_STATUSES = ['running', 'waiting', 'done', 'stopped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const STEP_STATUSES = ['pending', 'asked', 'filed', 'done', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const RunSchema = v.strictObject({
  run: text,
  chain: v.pipe(v.string(), v.regex(CHAIN_NAME, 'a chain name')),
  status: v.picklist(RUN_STATUSES),
  /** manual, topic:<topic>, schedule:<slot>, watch:<the watched file, ~/Downloads/paper.pdf>. */
  trigger: text,
  started: text,
  updated: v.optional(text),
  reason: v.optional(text),
  /** A run started by a watcher: the copy of the file (inbox/files/<run>/<name>), attached to step 1's item. */
  attachment: v.optional(text),
  /** Where that file came from (its path in the watched folder), for the owner. */
  source: v.optional(text),
  steps: v.array(
    v.strictObject({
      name: text,
      agent: text,
      item: text,
      status: v.picklist(STEP_STATUSES),
      approval: v.optional(text),
    }),
  ),
});
export type RunFront = v.InferOutput<typeof RunSchema>;

export function finished(status: RunStatus): boolean {
  return status === 'done' || status === 'stopped' || status === 'failed';
}

/** A new run's file: its steps all pending, its input in the body. */
export function renderRun(front: RunFront, input: string): string {
  return renderDocument(frontMatterText(front), `## Input\n\n${input.trim() || '(none)'}\n`);
}

/** What the files say about one step's item. */
export type StepSeen = { state: 'absent' } | { state: 'pending' } | { state: 'failed'; error?: string } | { state: 'done'; result: string };

/** What the files say about the approval before a step. */
export type ApprovalSeen =
  | { state: 'none' }
  | { state: 'pending'; note?: string }
  | { state: 'approved' }
  | { state: 'denied' }
  | { state: 'refused'; reason: string };

export type ChainAction = { kind: 'file'; step: number; text: string } | { kind: 'ask'; step: number; text: string; hash: string } | { kind: 'close-approval'; step: number; status: 'done' | 'denied' | 'refused'; reason?: string };

export interface ChainPlan {
  status: RunStatus;
  reason?: string;
  steps: RunFront['steps'];
  /** What to write, in this order: the next step's item (or its approval), then closing an answered approval. */
  actions: ChainAction[];
}

/**
 * The one next move of a run, from what the files say. The last step whose item exists decides:
 * pending → wait; failed → the run fails; done → check its condition, then file (or ask before) the
 * next. Everything is derived again each time, so a crash at any point is picked up where it was:
 * an item already filed is found, never filed again.
 */
export function planChain(chain: { name: string; def: ChainDef }, run: { id: string; input: string }, seen: readonly StepSeen[], approvals: ReadonlyMap<number, ApprovalSeen>, hashOf: (index: number, text: string) => string): ChainPlan {
  const steps = chain.def.steps.map((s, i) => ({
    name: s.name,
    agent: s.agent,
    item: stepItemId(run.id, i, s.name),
    status: statusOf(seen[i]!),
    ...(s.approve ? { approval: stepApprovalId(run.id, i) } : {}),
  }));
  const results = seen.map((s) => (s.state === 'done' ? s.result : undefined));
  let last = -1;
  for (let i = steps.length - 1; i >= 0; i--) if (seen[i]!.state !== 'absent') { last = i; break; }
  const plan = (status: RunStatus, reason?: string, actions: ChainAction[] = []): ChainPlan => {
    // Steps after the end of a finished run are skipped, not pending forever.
    if (status === 'done' || status === 'stopped' || status === 'failed') for (const s of steps) if (s.status === 'pending') s.status = 'skipped';
    return { status, ...(reason ? { reason } : {}), steps, actions };
  };
  if (last >= 0) {
    const s = seen[last]!;
    if (s.state === 'pending') return plan('running');
    if (s.state === 'failed') return plan('failed', `step ${last + 1} (${steps[last]!.name}) failed${s.error ? `: ${s.error}` : ''}`);
    const cond = chain.def.steps[last]!.continue_if;
    if (s.state === 'done' && !conditionHolds(cond, s.result)) return plan('stopped', `step ${last + 1} (${steps[last]!.name})'s result does not meet its condition (${describeCondition(cond!)})`);
    if (last === steps.length - 1) return plan('done');
  }
  const next = last + 1;
  const step = chain.def.steps[next]!;
  const text = stepText(chain, run.id, next, run.input, results);
  if (!step.approve) return plan('running', undefined, [{ kind: 'file', step: next, text }]);
  const a = approvals.get(next) ?? { state: 'none' };
  switch (a.state) {
    case 'none':
      steps[next]!.status = 'asked';
      return plan('waiting', `step ${next + 1} (${step.name}) waits for the owner's approval ${stepApprovalId(run.id, next)}`, [{ kind: 'ask', step: next, text, hash: hashOf(next, text) }]);
    case 'pending':
      steps[next]!.status = 'asked';
      return plan('waiting', `step ${next + 1} (${step.name}) waits for the owner's approval ${stepApprovalId(run.id, next)}${a.note ? ` (${a.note})` : ''}`);
    case 'approved':
      return plan('running', undefined, [{ kind: 'file', step: next, text }, { kind: 'close-approval', step: next, status: 'done' }]);
    case 'denied':
      return plan('stopped', `the owner denied step ${next + 1} (${step.name})`, [{ kind: 'close-approval', step: next, status: 'denied' }]);
    case 'refused':
      return plan('failed', `step ${next + 1} (${step.name}): ${a.reason}`, [{ kind: 'close-approval', step: next, status: 'refused', reason: a.reason }]);
  }
}

function statusOf(s: StepSeen): StepStatus {
  return s.state === 'absent' ? 'pending' : s.state === 'pending' ? 'filed' : s.state;
}

/** The owner's question before a step: the same fields as a tool's approval, so aos approve answers it. */
export function renderStepApproval(a: { id: string; agent: string; run: string; item: string; chain: string; step: string; index: number; count: number; text: string; hash: string; created: string }): string {
  const front = frontMatterText({
    id: a.id,
    agent: a.agent,
    run: a.run,
    item: a.item,
    action: 'chain-step',
    argument: `${a.chain} step ${a.index + 1}/${a.count} (${a.step}) by ${a.agent}`,
    hash: a.hash,
    status: 'pending',
    created: a.created,
  }).replace(/^status: pending$/m, 'status: pending                # change to approved or denied, or run aos approve / aos deny');
  const body = [
    `Chain ${a.chain} (run ${a.run}) is about to give step ${a.index + 1} of ${a.count}, "${a.step}", to ${a.agent}. The chain says this step needs your approval first.`,
    '',
    `Answer with \`aos approve ${a.id}\` or \`aos deny ${a.id}\`, or change \`status:\` above. Approved, the next tick files exactly this item once; denied, the run stops here.`,
    '',
    '## The step\'s item',
    '',
    a.text.trim(),
  ].join('\n');
  return renderDocument(front, body + '\n');
}
