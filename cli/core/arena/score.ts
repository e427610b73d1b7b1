// The arena's scoring: several candidates did the same implement stage in their own worktrees; each
// is scored from facts (did it run cleanly, does its record replay, is it within the rulebook, do
// the checks pass, how big and how costly is the change) and ranked by one documented formula.
// What is kept (missions/<id>/arena.md) is the scores and fingerprints, never the code or the
// transcript: those stay reachable in git until the candidates' branches are pruned. Pure.
import { frontMatterText, renderDocument } from '../docs/frontmatter.js';
import type { Limits } from '../rules/judge.js';

export interface CandidateFacts {
  /** c1, c2 … in the order they were started. */
  id: string;
  agent: string;
  /** The brain or provider: anthropic, claude, codex … */
  brain: string;
  model: string;
  /** No failed tool call and no budget stop in its run. */
  ran_clean: boolean;
  /** Its run record replays to the same change. */
  trace_intact: boolean;
  /** The change passed the rulebook and the limits. */
  rulebook_clean: boolean;
  /** Rule names the change broke (empty when clean). */
  violations: string[];
  checks: { command: string; passed: boolean }[];
  files: number;
  /** Lines added plus lines removed. */
  lines: number;
  bytes: number;
  tokens: number;
  /** Unknown when the brain reported no cost and the model has no price. */
  usd: number | null;
  /** sha256 of the change (git diff of its branch against the base), and of its run record. */
  diff_sha: string;
  record_sha: string;
}

export interface Scored extends CandidateFacts {
  checks_passed: number;
  /** 0–100, one decimal: see WEIGHTS. */
  score: number;
  /** A candidate may be promoted only when the rulebook holds and every check passes. */
  eligible: boolean;
  rank: number;
}

/**
 * The formula, out of 100: rulebook clean 30, checks passing (share of the checks) 30, ran cleanly
 * 15, trace intact 15, and a small change 10 (1 minus the larger of files/max_files and
 * bytes/max_bytes, never below 0). The rulebook weighs most among equals because a failed check
 * can be repaired in review, a change full of junk is refused outright. Ties go to the smaller
 * change (lines, then bytes), then the cheaper one, then the earlier candidate.
 */
export const WEIGHTS = { rulebook: 30, checks: 30, clean: 15, trace: 15, size: 10 } as const;

export function scoreCandidate(c: CandidateFacts, limits: Limits): Omit<Scored, 'rank'> {
  const passed = c.checks.filter((x) => x.passed).length;
  const share = c.checks.length ? passed / c.checks.length : 1;
  const size = Math.max(0, 1 - Math.max(c.files / limits.maxFiles, c.bytes / limits.maxBytes));
  const raw =
    WEIGHTS.checks * share +
    WEIGHTS.rulebook * (c.rulebook_clean ? 1 : 0) +
    WEIGHTS.clean * (c.ran_clean ? 1 : 0) +
    WEIGHTS.trace * (c.trace_intact ? 1 : 0) +
    WEIGHTS.size * size;
  return { ...c, checks_passed: passed, score: Math.round(raw * 10) / 10, eligible: c.rulebook_clean && passed === c.checks.length };
}

/** Best first: eligible ones ahead, then by score, then the smaller change, the cheaper, the earlier. */
export function rankCandidates(candidates: readonly CandidateFacts[], limits: Limits): Scored[] {
  return candidates
    .map((c) => scoreCandidate(c, limits))
    .sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        b.score - a.score ||
        a.lines - b.lines ||
        a.bytes - b.bytes ||
        (a.usd ?? Infinity) - (b.usd ?? Infinity) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    )
    .map((c, i) => ({ ...c, rank: i + 1 }));
}

/** The winner: the best eligible candidate, or none (then the mission stops and says why). */
export function winner(ranked: readonly Scored[]): Scored | undefined {
  return ranked.find((c) => c.eligible);
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

/** missions/<id>/arena.md: the table of scores and fingerprints, and how they were ranked. */
export function arenaDocument(mission: string, ranked: readonly Scored[], limits: Limits): string {
  const best = winner(ranked);
  const front = frontMatterText({
    mission,
    candidates: ranked.length,
    winner: best?.id ?? null,
    formula: `rulebook ${WEIGHTS.rulebook}, checks ${WEIGHTS.checks}, clean ${WEIGHTS.clean}, trace ${WEIGHTS.trace}, size ${WEIGHTS.size}; ties: smaller change, cheaper, earlier`,
    limits: { max_files: limits.maxFiles, max_bytes: limits.maxBytes },
  });
  const rows = ranked.map((c) =>
    [
      c.rank,
      c.id,
      `${c.agent} · ${c.brain} ${c.model}`,
      c.score.toFixed(1),
      yes(c.eligible),
      yes(c.ran_clean),
      yes(c.trace_intact),
      c.rulebook_clean ? 'yes' : `no (${c.violations.slice(0, 3).join(', ')}${c.violations.length > 3 ? ' …' : ''})`,
      `${c.checks_passed}/${c.checks.length}`,
      c.files,
      c.lines,
      c.bytes,
      c.tokens,
      c.usd === null ? '?' : c.usd.toFixed(4),
      c.diff_sha.slice(0, 12),
      c.record_sha.slice(0, 12),
    ].join(' | '),
  );
  const body = [
    `# Arena of ${mission}`,
    '',
    best ? `Winner: **${best.id}** (${best.agent} · ${best.brain} ${best.model}), score ${best.score.toFixed(1)}.` : 'No candidate is eligible (the rulebook and every check must pass): the mission stops here.',
    '',
    '| rank | candidate | agent · brain model | score | eligible | clean | trace | rulebook | checks | files | lines | bytes | tokens | USD | diff sha256 | record sha256 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    'Only scores and fingerprints are kept here. The code and the run records stay in git until the',
    "candidates' branches (aos/mission/<id>/c<n>) are pruned after promotion.",
    '',
  ];
  return renderDocument(front, body.join('\n'));
}
