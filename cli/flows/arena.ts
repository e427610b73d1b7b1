// The arena in missions (issue 18): a mission with `candidates: N` runs its first implement stage N
// times, each candidate in its own worktree and branch (aos/mission/<id>/c<n>) from the same base and
// the same plan, maybe with another brain or model. Candidates run one after another within the
// tick's time; each finished candidate is committed in mission.md (`arena:`), so a killed tick never
// runs a finished one again and a half-run one resumes from its run's checkpoint. When all are done,
// each is scored from facts (core/arena/score.ts): its run, its replay, the rulebook, the checks, the
// size and the cost; arena.md keeps the table of scores and fingerprints; the winner's branch becomes
// the mission's and goes on to verify; the losers' worktrees and branches are pruned.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Env } from '../env.js';
import { candidateBrain, candidateBranch, implementTask, type Candidate, type Mission } from '../core/missions/mission.js';
import { rankCandidates, winner, arenaDocument, type CandidateFacts } from '../core/arena/score.js';
import { judgeChange, type Rulebook } from '../core/rules/judge.js';
import { agentIdentity } from '../core/docs/commit.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import type { Home } from '../home/home.js';
import { exists } from '../home/files.js';
import { readRecord } from '../home/records.js';
import { candidatePlace, readContract, writeContract, writeMission } from '../home/missions.js';
import { commit } from '../git/git.js';
import { gitRead } from '../git/run.js';
import { rangeChanges, uncommittedChanges } from '../git/changes.js';
import { commitMission, git, missionBook, rulebookRefuser, scopeToWorktree, settleStage, type MissionStep } from './missionbase.js';
import { runStageItem } from './missionrun.js';
import { replayVerdict } from './missionreplay.js';
import { dropChange, secretsInWorktree } from './missiongates.js';
import { describeFinding } from '../core/missions/gates.js';

export async function arenaStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const f = m.front;
  const book = missionBook(home, f);
  const task = implementTask(m.body || f.goal, await readContract(home.root, f.id, 'plan.md'));
  f.arena ??= [];
  const total = f.candidates ?? 1;
  for (let n = 1; n <= total; n++) {
    let c = f.arena.find((x) => x.id === `c${n}`);
    if (c && c.state !== 'running') continue;
    if (env.now().getTime() >= deadline) return { id: f.id, stage: 'implement', note: `implement: arena: ${f.arena.filter((x) => x.state !== 'running').length} of ${total} candidates done; the next tick goes on` };
    if (!c) {
      const brain = f.brains?.[n - 1];
      c = { id: `c${n}`, ...(brain ? { brain } : {}), branch: candidateBranch(f.id, n), worktree: candidatePlace(home.root, f.id, n), state: 'running', refused: [] };
      f.arena.push(c);
    }
    // c1's worktree was made with the mission; a later one is made here (again, if a kill left it half made).
    if (!(await exists(c.worktree))) {
      await git(f.repo, env, ['worktree', 'prune']);
      const has = (await gitRead(f.repo, env.vars, ['rev-parse', '-q', '--verify', `refs/heads/${c.branch}`], { exit1Empty: true })).trim();
      await fs.mkdir(join(c.worktree, '..'), { recursive: true });
      await git(f.repo, env, ['worktree', 'add', '-q', ...(has ? [c.worktree, c.branch] : ['-b', c.branch, c.worktree, f.base])]);
    }
    const cand = c;
    const { refused, refuse } = rulebookRefuser(book);
    const picked = candidateBrain(cand.brain);
    const ran = await runStageItem(home, env, m, 'implement', task, deadline, { root: cand.worktree, refuse, scope: scopeToWorktree }, {
      ...(cand.item ? { item: cand.item } : {}),
      label: `implement-${cand.id}`,
      ...(picked.brain || picked.model ? { brain: { ...(picked.brain ? { brain: { profile: picked.brain } as never } : {}), ...(picked.model ? { model: picked.model } : {}) } } : {}),
      save: async (file) => {
        cand.item = file;
        await writeMission(home.root, m);
        await commitMission(home, env, m, 'implement', `mission ${f.id}: implement: candidate ${cand.id} starts${cand.brain ? ` (${cand.brain})` : ''}`, [m.file, file], home.owner);
      },
    });
    if (ran.state === 'pending') return { id: f.id, stage: 'implement', note: `implement: candidate ${cand.id}: ${ran.note}` };
    cand.run = ran.run;
    cand.refused = [...cand.refused, ...refused];
    if (ran.outcome !== 'done') {
      cand.state = 'failed';
      cand.reason = `run ${ran.run} ended ${ran.outcome}: ${ran.text.slice(0, 200)}`;
    } else {
      // Committed whatever the rulebook says: the arena scores a change over the limits as such (it is
      // not eligible), and the branch keeps it reachable until it is pruned.
      const changes = await uncommittedChanges(cand.worktree, env.vars);
      // A secret is not scored: the change is dropped (never committed) and the candidate failed.
      const secrets = changes.length ? await secretsInWorktree(cand.worktree, env) : [];
      if (secrets.length) {
        await dropChange(cand.worktree, env);
        cand.state = 'failed';
        cand.reason = `refused by the security gate, secret-looking values in the change: ${secrets.map(describeFinding).join(', ')}`.slice(0, 500);
      } else if (changes.length) {
        await commit(cand.worktree, env.vars, {
          who: agentIdentity(f.agent),
          subject: `mission ${f.id}: implement (candidate ${cand.id}): ${f.goal}`.slice(0, 200),
          trailers: { 'Aos-Mission': f.id, 'Aos-Stage': 'implement', 'Aos-Run': ran.run, 'Aos-Agent': f.agent, 'Aos-Candidate': cand.id },
        }, home.redact);
      }
      if (!secrets.length) {
        cand.head = (await gitRead(cand.worktree, env.vars, ['rev-parse', 'HEAD'])).trim();
        cand.state = 'done';
      }
    }
    cand.item = undefined;
    await writeMission(home.root, m);
    await commitMission(home, env, m, 'implement', `mission ${f.id}: implement: candidate ${cand.id} ${cand.state}`, [m.file], undefined, { 'Aos-Stage-Run': ran.run });
  }
  if (env.now().getTime() >= deadline) return { id: f.id, stage: 'implement', note: `implement: arena: all ${total} candidates done; the next tick scores them` };
  return judgeArena(home, env, m, book, deadline);
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Every candidate's facts, scored and ranked; arena.md written; the winner made the mission's branch. */
async function judgeArena(home: Home, env: Env, m: Mission, book: Rulebook, deadline: number): Promise<MissionStep> {
  const f = m.front;
  const facts: CandidateFacts[] = [];
  for (const c of f.arena ?? []) facts.push(await candidateFacts(home, env, m, c, book, deadline));
  const ranked = rankCandidates(facts, book.limits);
  const best = winner(ranked);
  const doc = await writeContract(home.root, f.id, 'arena.md', arenaDocument(f.id, ranked, book.limits));
  if (!best) {
    // The branches stay for the owner to look at (docs/recovery.md#arena).
    const why = ranked.map((c) => `${c.id}: ${!c.rulebook_clean ? `rulebook (${c.violations.slice(0, 3).join(', ')})` : `${c.checks.length - c.checks_passed} check${c.checks.length - c.checks_passed === 1 ? '' : 's'} failing`}`).join('; ');
    return settleStage(home, env, m, { stage: 'implement', ok: false, reason: `no eligible candidate in the arena (${why}); see missions/${f.id}/arena.md` }, [doc]);
  }
  const won = f.arena!.find((c) => c.id === best.id)!;
  f.mission_branch = won.branch;
  f.worktree = won.worktree;
  const step = await settleStage(home, env, m, { stage: 'implement', ok: true, head: won.head!, run: won.run! }, [doc], { 'Aos-Stage-Run': won.run!, 'Aos-Candidate': won.id });
  await pruneLosers(env, m);
  return { ...step, note: `${step.note} (arena: ${best.id} won of ${ranked.length})` };
}

/** The losers' worktrees and branches go (their fingerprints stay in arena.md); safe to run again. */
export async function pruneLosers(env: Env, m: Mission): Promise<void> {
  const f = m.front;
  for (const c of f.arena ?? []) {
    if (c.branch === f.mission_branch) continue;
    if (await exists(c.worktree)) await git(f.repo, env, ['worktree', 'remove', '--force', c.worktree]).catch(() => fs.rm(c.worktree, { recursive: true, force: true }));
    await git(f.repo, env, ['worktree', 'prune']).catch(() => undefined);
    const has = (await gitRead(f.repo, env.vars, ['rev-parse', '-q', '--verify', `refs/heads/${c.branch}`], { exit1Empty: true })).trim();
    if (has) await git(f.repo, env, ['branch', '-D', c.branch]);
  }
}

async function candidateFacts(home: Home, env: Env, m: Mission, c: Candidate, book: Rulebook, deadline: number): Promise<CandidateFacts> {
  const f = m.front;
  const head = c.head ?? f.base;
  const verdict = judgeChange(await rangeChanges(f.repo, env.vars, f.base, head), book);
  const lines = (await gitRead(f.repo, env.vars, ['diff', '--numstat', f.base, head]))
    .split('\n')
    .filter(Boolean)
    .reduce((sum, l) => {
      const [a, d] = l.split('\t');
      return sum + (Number(a) || 0) + (Number(d) || 0);
    }, 0);
  const diff = await gitRead(f.repo, env.vars, ['diff', '--binary', f.base, head]);
  // The checks in the candidate's own worktree, at its commit; what they leave goes after.
  const { runCheck } = await import('./missioncheck.js');
  const checks = [];
  for (const command of f.checks) {
    const r = await runCheck(home, env, c.worktree, command, f.check_timeout_seconds);
    checks.push({ command, passed: r.exitCode === 0 });
  }
  await git(c.worktree, env, ['reset', '-q', '--hard', 'HEAD']);
  await git(c.worktree, env, ['clean', '-q', '-fd']);
  let ranClean = false;
  let traceIntact = false;
  let tokens = 0;
  let usd: number | null = null;
  let model = '?';
  let provider = '?';
  let recordSha = '';
  if (c.run) {
    const file = runRecordPath(c.run);
    recordSha = sha256(await fs.readFile(join(home.root, file)));
    const rec = await readRecord(home.root, file);
    const failedTool = rec.entries.some((e) => e.type === 'user' && Array.isArray(e.content) && e.content.some((b) => b.type === 'tool_result' && b.is_error));
    ranClean = rec.front.outcome === 'done' && !failedTool && !c.refused.length;
    const u = rec.front.usage;
    tokens = u.input + u.output + u.cache_read + u.cache_write;
    usd = rec.front.cost_usd ?? null;
    model = rec.front.model;
    provider = rec.front.provider;
    if (c.head && c.head !== f.base) {
      // The replay stage's own code: the candidate's run again from its record, into a scratch worktree at the base.
      const v = await replayVerdict(home, env, { ...m, front: { ...f, runs: [c.run], head: c.head } }, deadline).catch(() => ({ ok: false }));
      traceIntact = v.ok;
    }
  }
  return {
    id: c.id,
    agent: f.agent,
    brain: c.brain ?? provider,
    model,
    ran_clean: ranClean,
    trace_intact: traceIntact,
    rulebook_clean: verdict.ok && !c.refused.length,
    violations: [...c.refused.map((r) => r.split(': ')[1] ?? r), ...verdict.violations.map((v) => v.rule)],
    checks,
    files: verdict.files,
    lines,
    bytes: verdict.bytes,
    tokens,
    usd,
    diff_sha: sha256(diff),
    record_sha: recordSha || sha256(''),
  };
}
