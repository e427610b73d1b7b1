// A mission (issue 17): a goal carried through five stages, plan -> implement -> verify -> replay ->
// promote, one stage per tick. Pure: the schema of mission.md, the stage ladder, and the one decision
// of what happens after a stage (`afterStage`), so the flow that applies it has a single place where a
// mission's stage changes (where an event can be emitted).
import * as v from 'valibot';
import { ValidationError, type Problem } from '../../errors.js';
import { frontMatterText, parseFrontMatter, renderDocument } from '../docs/frontmatter.js';
import { validate } from '../docs/validate.js';
import { AGENT_ID, SLUG } from '../docs/ids.js';
import { BenchSchema } from './gates.js';

export const STAGES = ['plan', 'implement', 'verify', 'replay', 'review', 'promote'] as const;
export type Stage = (typeof STAGES)[number];
/** active: the tick advances it; the others are at rest (stopped by the owner, or ended). */
export const MISSION_STATUSES = ['active', 'stopped', 'failed', 'refused', 'promoted'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];

export const MISSION_ID = /^m-\d{8}t\d{6}-[a-z0-9]{4,8}$/;
export const DEFAULT_REPAIR_ROUNDS = 2;
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 300;

const text = v.pipe(v.string(), v.trim(), v.nonEmpty('a non-empty text'));
const sha = v.pipe(v.string(), v.regex(/^[0-9a-f]{40}$/, 'a full commit hash (40 hex digits)'));
const count = v.pipe(v.number(), v.integer('a whole number'), v.minValue(0, 'a number of 0 or more'));

/** One arena candidate (issue 18): its own worktree and branch, the same plan, maybe another brain. */
export const CandidateSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^c\d+$/, 'a candidate id like c1')),
  /** The brain or model it thinks with (a brain profile like claude, or provider:model); absent: the agent's own. */
  brain: v.optional(text),
  branch: text,
  worktree: text,
  state: v.picklist(['running', 'done', 'failed'], 'running, done or failed'),
  item: v.optional(text),
  run: v.optional(text),
  head: v.optional(sha),
  /** Paths write_file refused by the rulebook, named with their rule. */
  refused: v.optional(v.array(text), []),
  reason: v.optional(text),
});
export type Candidate = v.InferOutput<typeof CandidateSchema>;

/** One review of a dual review (issue 18, `review_brains:`): the critic thinking with one brain. */
export const ReviewRunSchema = v.strictObject({
  brain: text,
  item: v.optional(text),
  run: v.optional(text),
  /** The verdict, once its run finished: approve, or changes (its findings are the run's answer). */
  verdict: v.optional(v.picklist(['approve', 'changes', 'failed'], 'approve, changes or failed')),
});
export type ReviewRun = v.InferOutput<typeof ReviewRunSchema>;

export const MissionSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(MISSION_ID, 'a mission id like m-20261207t140000-ab12')),
  goal: text,
  /** The target repository's top folder, absolute. */
  repo: text,
  /** The target branch promotion merges into. */
  branch: text,
  /** The target branch's commit when the mission began: the mission's worktree starts here. */
  base: sha,
  /** The mission's own branch in the target repository. */
  mission_branch: text,
  /** The mission's worktree, absolute (outside the home's tracked files: docs/decisions.md, issue 17). */
  worktree: text,
  agent: v.pipe(v.string(), v.regex(AGENT_ID, 'an agent id')),
  checks: v.optional(v.array(text), []),
  check_timeout_seconds: v.optional(v.pipe(count, v.minValue(1, 'at least 1')), DEFAULT_CHECK_TIMEOUT_SECONDS),
  stage: v.picklist([...STAGES, 'done'], `one of ${[...STAGES, 'done'].join(', ')}`),
  status: v.picklist(MISSION_STATUSES, `one of ${MISSION_STATUSES.join(', ')}`),
  repair_rounds: v.optional(count, DEFAULT_REPAIR_ROUNDS),
  /** Repair rounds used so far (a failed verify sends the mission back to implement). */
  round: v.optional(count, 0),
  promote: v.optional(v.picklist(['ask', 'auto'], 'ask (the owner approves, the default) or auto'), 'ask'),
  merge: v.optional(v.picklist(['ff', 'merge'], 'ff (fast-forward, the default) or merge (a merge commit)'), 'ff'),
  /** The rulebook's limits for this mission (aos.yaml's rules apply first). */
  limits: v.optional(v.strictObject({ max_files: v.optional(v.pipe(count, v.minValue(1, 'at least 1'))), max_kb: v.optional(v.pipe(count, v.minValue(1, 'at least 1'))) })),
  /** Issue 18: how many candidates the implement stage runs (1: no arena). */
  candidates: v.optional(v.pipe(count, v.minValue(1, 'at least 1'))),
  /** The brain of each candidate in order (c1 first); a candidate past the list uses the agent's own. */
  brains: v.optional(v.array(text)),
  /** The candidates as they run; kept after the arena to name their (pruned) branches. */
  arena: v.optional(v.array(CandidateSchema)),
  /** Issue 18: the agent whose run reviews the replayed change before promote (no review when absent). */
  review: v.optional(v.pipe(v.string(), v.regex(AGENT_ID, 'an agent id'))),
  /** Issue 18: the brains of independent reviews of the same change (one critic run each; all must approve). */
  review_brains: v.optional(v.array(text)),
  /** The current round's reviews while a dual review runs (cleared when the stage settles). */
  reviews: v.optional(v.array(ReviewRunSchema)),
  /** Issue 18: the benchmark gate before promote (aos.yaml mission.bench, or --bench). */
  bench: v.optional(BenchSchema),
  /** What sent the mission back to implement (a failed verify, the critic's findings, a failed gate). */
  repair: v.optional(v.picklist(['verify', 'review', 'gates'], 'verify, review or gates')),
  /** Skills the mission uses (issue 18): offered to its runs (a candidate one in trial); each gets the mission's outcome in its record. */
  skills: v.optional(v.array(v.pipe(v.string(), v.regex(SLUG, 'a skill id (lowercase letters, digits, dashes)')))),
  /** The stage item an agent run is working on (relative to the home), while a stage runs. */
  item: v.optional(text),
  /** The implement runs, in order: what the replay stage re-executes. */
  runs: v.optional(v.array(text), []),
  /** The last implement commit on the mission branch. */
  head: v.optional(sha),
  /** The promotion's approval, while the owner is asked. */
  approval: v.optional(text),
  /** Why the mission stopped, failed or was refused. */
  reason: v.optional(text),
  created: text,
  updated: text,
});
export type MissionFront = v.InferOutput<typeof MissionSchema>;

export interface Mission {
  /** Relative to the home: missions/<id>/mission.md */
  file: string;
  front: MissionFront;
  /** The goal in the owner's words. */
  body: string;
}

export const missionDir = (id: string) => `missions/${id}`;
export const missionFile = (id: string) => `missions/${id}/mission.md`;
export const CONTRACT_FILES = ['plan.md', 'progress.md', 'verification.md', 'risk.md', 'architecture.md'] as const;

/** mission.md read and validated; a broken one is a ValidationError naming the file. */
export function parseMission(file: string, raw: string): Mission {
  const doc = parseFrontMatter(file, raw);
  if (doc.problems.length) throw new ValidationError(doc.problems);
  if (!doc.data) throw new ValidationError([{ file, line: 1, expected: 'front matter (---) with the mission fields', found: 'none' }]);
  const r = validate(MissionSchema, doc.data, file, doc.yaml);
  if (!r.value) throw new ValidationError(r.problems);
  return { file, front: r.value, body: doc.body.trim() };
}

/** Field order is stable so mission.md diffs well. */
export function renderMission(m: { front: MissionFront; body: string }): string {
  const f = m.front;
  const ordered = {
    id: f.id, goal: f.goal, status: f.status, stage: f.stage, agent: f.agent,
    repo: f.repo, branch: f.branch, base: f.base, mission_branch: f.mission_branch, worktree: f.worktree,
    checks: f.checks, check_timeout_seconds: f.check_timeout_seconds, repair_rounds: f.repair_rounds, round: f.round,
    promote: f.promote, merge: f.merge, limits: f.limits, review: f.review, review_brains: f.review_brains, reviews: f.reviews, bench: f.bench, repair: f.repair,
    candidates: (f.candidates ?? 1) > 1 ? f.candidates : undefined, brains: f.brains, skills: f.skills?.length ? f.skills : undefined, arena: f.arena,
    item: f.item, runs: f.runs.length ? f.runs : undefined, head: f.head, approval: f.approval, reason: f.reason,
    created: f.created, updated: f.updated,
  };
  return renderDocument(frontMatterText(ordered), `${m.body.trim()}\n`);
}

/** What a stage came to, as the flow observed it. */
export type StageResult =
  | { stage: 'plan'; ok: true }
  | { stage: 'plan'; ok: false; reason: string }
  | { stage: 'implement'; ok: true; head: string; run: string }
  | { stage: 'implement'; ok: false; refused?: string; reason: string }
  | { stage: 'verify'; ok: boolean; reason?: string }
  | { stage: 'replay'; ok: boolean; reason?: string }
  | { stage: 'review'; ok: boolean; reason?: string }
  | { stage: 'promote'; ok: true }
  | { stage: 'promote'; ok: false; refused?: string; reason: string; gate?: 'security' | 'bench' | 'config' };

/** The mission's next state after a stage: the one place a stage changes. */
export function afterStage(m: MissionFront, r: StageResult): Pick<MissionFront, 'stage' | 'status' | 'round'> & { reason?: string; head?: string; runs?: string[]; repair?: 'verify' | 'review' | 'gates'; note: string } {
  const base = { stage: m.stage, status: m.status, round: m.round };
  switch (r.stage) {
    case 'plan':
      if (!r.ok) return { ...base, status: 'failed', reason: r.reason, note: `plan failed: ${r.reason}` };
      return { ...base, stage: 'implement', note: 'plan written; next: implement' };
    case 'implement':
      if (r.ok) return { ...base, stage: 'verify', head: r.head, runs: [...m.runs, r.run], note: `change committed on ${m.mission_branch}; next: verify` };
      return { ...base, status: r.refused ? 'refused' : 'failed', reason: r.reason, note: `implement ${r.refused ? 'refused' : 'failed'}: ${r.reason}` };
    case 'verify':
      if (r.ok) return { ...base, stage: 'replay', note: 'every check passed; next: replay' };
      if (m.round < m.repair_rounds) return { ...base, stage: 'implement', round: m.round + 1, repair: 'verify', note: `checks failed; back to implement (repair round ${m.round + 1} of ${m.repair_rounds})` };
      return { ...base, status: 'failed', reason: `checks still fail after ${m.repair_rounds} repair round${m.repair_rounds === 1 ? '' : 's'}: ${r.reason ?? 'see verification.md'}`, note: 'checks failed; no repair rounds left' };
    case 'replay':
      if (r.ok) return { ...base, stage: m.review ? 'review' : 'promote', note: `the replay reproduced the same change; next: ${m.review ? `review by ${m.review}` : 'promote'}` };
      return { ...base, status: 'failed', reason: `replay: ${r.reason ?? 'the change was not reproduced'}`, note: 'the replay did not reproduce the change' };
    case 'review':
      if (r.ok) return { ...base, stage: 'promote', note: `${m.review ?? 'the critic'} approved the change; next: promote` };
      if (m.round < m.repair_rounds) return { ...base, stage: 'implement', round: m.round + 1, repair: 'review', note: `the critic asked for changes; back to implement (repair round ${m.round + 1} of ${m.repair_rounds})` };
      return { ...base, status: 'failed', reason: `the critic still asks for changes after ${m.repair_rounds} repair round${m.repair_rounds === 1 ? '' : 's'}: ${r.reason ?? 'see review.md'}`, note: 'the critic asked for changes; no repair rounds left' };
    case 'promote':
      if (r.ok) return { ...base, stage: 'done', status: 'promoted', note: `promoted into ${m.branch}` };
      // A bench below its threshold is the change's to fix, like a failing check; a secret in the
      // mission branch's history is not (a repair commit would leave it there), nor a bench that
      // prints no figure (the configuration's to fix).
      if (r.gate === 'bench' && m.round < m.repair_rounds) return { ...base, stage: 'implement', round: m.round + 1, repair: 'gates', note: `the bench gate failed: ${r.reason}; back to implement (repair round ${m.round + 1} of ${m.repair_rounds})` };
      if (r.gate === 'bench') return { ...base, status: 'failed', reason: `the bench gate still fails after ${m.repair_rounds} repair round${m.repair_rounds === 1 ? '' : 's'}: ${r.reason}`, note: 'the bench gate failed; no repair rounds left' };
      if (r.gate === 'security') return { ...base, status: 'refused', reason: r.reason, note: `promotion refused by the security gate: ${r.reason}` };
      return { ...base, status: r.refused ? 'refused' : 'failed', reason: r.reason, note: `promotion ${r.refused ? 'refused' : 'failed'}: ${r.reason}` };
  }
}

/** The stage ladder for `aos mission show`: each stage done, current, or to come. */
export function stageLadder(m: MissionFront): { stage: Stage; state: 'done' | 'current' | 'todo' | 'stopped' }[] {
  // review is a rung only for a mission that has a critic.
  const stages = STAGES.filter((s) => s !== 'review' || m.review);
  const at = m.stage === 'done' ? stages.length : stages.indexOf(m.stage);
  return stages.map((stage, i) => ({ stage, state: i < at ? 'done' : i === at ? (m.status === 'active' ? 'current' : 'stopped') : 'todo' }));
}

const REPAIR_HEADING = {
  verify: '## The checks failed on your last change; fix this',
  review: '## The critic reviewed your last change and asks for this',
  gates: '## The benchmark gate before promote failed on your last change; fix this',
} as const;

/** The contract file that holds a repair round's findings. */
export const repairFile = (from: 'verify' | 'review' | 'gates') => ({ verify: 'verification.md', review: 'review.md', gates: 'gates.md' })[from];

/** The task an implement run is given: the goal, the plan, and on a repair round the failures. */
export function implementTask(goal: string, plan: string, failures?: string, from: 'verify' | 'review' | 'gates' = 'verify'): string {
  return [
    `Mission goal: ${goal}`,
    '',
    'You work in the mission\'s private git worktree: file paths are relative to it and your shell runs there.',
    'Make the change with write_file. Do not commit: aos commits your change, then runs the checks.',
    '',
    '## Plan',
    plan.trim() || '(no plan)',
    ...(failures ? ['', REPAIR_HEADING[from], failures.trim()] : []),
  ].join('\n');
}

export function planTask(goal: string, checks: readonly string[]): string {
  return [
    `Mission goal: ${goal}`,
    '',
    'Read the repository (paths are relative to the mission\'s worktree) and answer with the plan only:',
    'the steps, the files to touch, the checks to run, the risks. Change nothing yet.',
    checks.length ? `The checks that will run: ${checks.join('; ')}` : 'No checks are configured.',
  ].join('\n');
}

/** A candidate's branch: beside no mission branch of the same name (git cannot hold both a/b and a/b/c1). */
export const candidateBranch = (id: string, n: number) => `aos/mission/${id}/c${n}`;

/** The candidate's brain as agent front matter: provider:model changes the model, a bare name is a brain profile. */
export function candidateBrain(brain: string | undefined): { brain?: string; model?: string } {
  if (!brain) return {};
  const i = brain.indexOf(':');
  return i > 0 ? { model: brain.slice(i + 1) } : { brain };
}

/** The outcome a mission's end writes into each named skill's record; undefined while it goes on. */
export function skillOutcome(status: MissionStatus): 'promoted' | 'failed' | 'stopped' | undefined {
  if (status === 'promoted') return 'promoted';
  if (status === 'failed' || status === 'refused') return 'failed';
  if (status === 'stopped') return 'stopped';
  return undefined;
}

/** The critic's task: the goal and the diff; the answer's first word decides. */
export function reviewTask(goal: string, diff: string): string {
  return [
    `Mission goal: ${goal}`,
    '',
    'You review the change below, made for this goal in the mission\'s worktree (paths are relative to it; read any file you need). Change nothing.',
    'Answer APPROVE on the first line if it may be merged as it is. Otherwise answer CHANGES on the first line, then the findings the implementing agent must fix.',
    '',
    '```diff',
    diff.trim() || '(no change)',
    '```',
  ].join('\n');
}

/** The critic's verdict from its answer: approve only when it says so first. */
export function reviewVerdict(answer: string): { ok: boolean; findings: string } {
  const first = answer.trim().split('\n')[0]?.trim() ?? '';
  return { ok: /^\**approve/i.test(first), findings: answer.trim() };
}

/** A problem for mission.md fields given on the command line. */
export function badOption(field: string, expected: string, found: string): Problem {
  return { file: 'aos mission new', field, expected, found };
}
