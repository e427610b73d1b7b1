// The gates before promote (issue 18): security (the rulebook, judged by promote as always, plus a
// secret scan of the diff base..head) and the benchmark (mission.md's `bench:`, run like a check in
// the worktree at the mission's head). Run by the promote stage before it asks the owner or merges;
// what they found is gates.md, committed with the mission. The same secret scan refuses an
// implement run's change (and an arena candidate's) before it is ever committed.
import type { Env } from '../env.js';
import { benchVerdict, failedGate, gatesDocument, secretsInChange, thresholdText, type BenchVerdict, type GatesReport, type SecretFinding } from '../core/missions/gates.js';
import type { Mission } from '../core/missions/mission.js';
import type { Home } from '../home/home.js';
import { readContract, writeContract } from '../home/missions.js';
import { gitRead } from '../git/run.js';
import { git, iso } from './missionbase.js';

const DIFF = ['-U0', '--no-color', '--no-ext-diff', '--no-renames'];

/** Secret-looking values the worktree's uncommitted change adds (new files too): staged, then diffed. */
export async function secretsInWorktree(wt: string, env: Env): Promise<SecretFinding[]> {
  await git(wt, env, ['add', '-A']);
  return secretsInChange(await gitRead(wt, env.vars, ['diff', '--cached', ...DIFF]));
}

/** The worktree back at its last commit: a refused change (a secret in it) is not left lying there. */
export async function dropChange(wt: string, env: Env): Promise<void> {
  await git(wt, env, ['reset', '-q', '--hard', 'HEAD']);
  await git(wt, env, ['clean', '-q', '-fd']);
}

export interface GatesOutcome {
  ok: boolean;
  gate?: 'security' | 'bench' | 'config';
  reason?: string;
  /** gates.md, to commit with the stage. */
  file: string;
}

/** The gates on the mission's head; gates.md written (not committed). */
export async function runGates(home: Home, env: Env, m: Mission, rulebook: string): Promise<GatesOutcome> {
  const f = m.front;
  const head = f.head!;
  const secrets = secretsInChange(await gitRead(f.repo, env.vars, ['diff', ...DIFF, f.base, head]));
  const scanned = (await gitRead(f.repo, env.vars, ['diff', '--name-only', '--no-renames', f.base, head])).split('\n').filter(Boolean).length;
  const report: GatesReport = {
    head,
    critic: f.review ? `approved by ${f.review}${f.review_brains?.length ? ` with ${f.review_brains.join(' and ')}` : ''} (review.md)` : 'none configured (aos.yaml mission.review, or aos mission new --review)',
    rulebook,
    secrets,
    scanned,
  };
  let bench: BenchVerdict | undefined;
  // The bench only for a change the scan passed: a secret stops the gates there.
  if (f.bench && !secrets.length) {
    const { runCheck } = await import('./missioncheck.js');
    const timeout = f.bench.timeout_seconds ?? f.check_timeout_seconds;
    const r = await runCheck(home, env, f.worktree, f.bench.command, timeout);
    // What the bench left (build output, caches) goes: promote merges the commit, not the worktree.
    await git(f.worktree, env, ['reset', '-q', '--hard', 'HEAD']);
    await git(f.worktree, env, ['clean', '-q', '-fd']);
    bench = benchVerdict({ ...f.bench, timeout_seconds: timeout }, r.exitCode, r.timedOut, r.tail, `${m.file} (bench:, from --bench or aos.yaml mission.bench)`);
    report.bench = {
      command: f.bench.command,
      threshold: thresholdText(f.bench),
      ...(bench.figure !== undefined ? { figure: bench.figure } : {}),
      ok: bench.ok,
      ...(bench.ok ? {} : { reason: bench.reason }),
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      hash: r.hash,
      sandboxed: r.sandboxed,
      tail: r.tail,
      configured: `${m.file} bench:`,
    };
  }
  const gate = failedGate(report, bench);
  const previous = await readContract(home.root, f.id, 'gates.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const file = await writeContract(home.root, f.id, 'gates.md', gatesDocument(f.id, iso(home, env), f.round, report, !gate, history));
  if (!gate) return { ok: true, file };
  const reason = gate === 'security'
    ? `refused by the security gate, secret-looking values in the diff: ${secrets.slice(0, 10).map((s) => `${s.file}:${s.line} (${s.kind})`).join(', ')}`
    : (bench as Extract<BenchVerdict, { ok: false }>).reason;
  return { ok: false, gate, reason, file };
}
