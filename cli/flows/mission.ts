// Missions (issue 17): `aos mission new` makes one; the tick advances each active mission one stage
// per tick (plan -> implement -> verify -> replay -> [review] -> promote, the gates inside promote;
// each stage in its own module, missionbase.ts the shared part). Agent stages are ordinary runs of the
// mission's agent on a stage item (missions/<id>/items/), with file paths and the shell confined to
// the mission's worktree; verify, replay and promote are deterministic steps. Every stage ends in
// `settleStage`, the one place a mission's stage changes, which writes the evidence and commits it
// with Aos-Mission and Aos-Stage trailers. A crash anywhere leaves mission.md naming the stage still
// to do, and each stage's steps are safe to run again (docs/recovery.md#missions).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import { UserError, UsageError } from '../errors.js';
import { stamp } from '../core/docs/time.js';
import { suffix } from '../core/docs/ids.js';
import { candidateBranch, missionFile, stageLadder, type Mission, type MissionFront } from '../core/missions/mission.js';
import type { Bench } from '../core/missions/gates.js';
import type { Home } from '../home/home.js';
import { loadAgents } from '../home/store.js';
import { exists } from '../home/files.js';
import { candidatePlace, loadMissions, readContract, readMission, worktreePlace, writeContract, writeMission } from '../home/missions.js';
import { gitRead } from '../git/run.js';
import { repositoryRoot } from '../git/changes.js';
import type { TickReport } from './tick.js';
import { commitMission, git, iso, recordSkillOutcomes, type MissionStep } from './missionbase.js';
import { agentStage } from './missionimplement.js';
import { verifyStage } from './missionverify.js';
import { replayStage } from './missionreplay.js';
import { reviewStage } from './missionreview.js';
import { promoteStage } from './missionpromote.js';

// What importers (arena, bench, commands, tests) have always taken from here.
export { commitMission, git, iso, missionBook, missionCaps, recordSkillOutcomes, rulebookRefuser, scopeToWorktree, settleStage, type MissionStep } from './missionbase.js';
export { runStageItem, type ItemSlot } from './missionrun.js';
export { replayVerdict } from './missionreplay.js';

export interface MissionOptions {
  goal: string;
  repo: string;
  agent?: string;
  checks?: string[];
  promote?: 'ask' | 'auto';
  merge?: 'ff' | 'merge';
  repairRounds?: number;
  maxFiles?: number;
  maxKb?: number;
  /** Issue 18: the arena's candidates (more than 1 makes implement an arena) and their brains. */
  candidates?: number;
  brains?: string[];
  /** The critic: the agent that reviews the change before promote. */
  review?: string;
  /** Issue 18: independent reviews by the critic, one per brain (all must approve). */
  reviewBrains?: string[];
  /** Issue 18: the benchmark gate before promote (else aos.yaml mission.bench). */
  bench?: Bench;
  /** Skills the mission uses: enabled ones, or candidates in trial (never retired ones). */
  skills?: string[];
}

/** Makes missions/<id>/ and the mission's worktree on branch aos/mission/<id> at the target branch's tip. */
export async function newMission(home: Home, env: Env, o: MissionOptions): Promise<Mission> {
  const repo = await repositoryRoot(o.repo, env.vars);
  const base = (await gitRead(repo, env.vars, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { exit1Empty: true })).trim();
  if (!base) throw new UserError(`${repo} has no commits yet: a mission starts from a commit of the target branch (commit something first)`);
  const branch = (await gitRead(repo, env.vars, ['symbolic-ref', '-q', '--short', 'HEAD'], { exit1Empty: true })).trim();
  if (!branch) throw new UserError(`${repo} is on a detached HEAD: check out the branch the mission should promote into`);
  const agentId = o.agent ?? 'coder';
  const { agents } = await loadAgents(home.root, home.docs);
  const agent = agents.find((a) => a.id === agentId);
  if (!agent) throw new UsageError(`no agent "${agentId}" in agents/ (aos agent list shows the roster; --agent names another)`);
  const skills = [...new Set(o.skills ?? [])];
  if (skills.length) {
    const { loadSkills, skillFile } = await import('../home/skills.js');
    const known = (await loadSkills(home.root, home.docs)).skills;
    for (const s of skills) {
      const found = known.find((k) => k.id === s);
      if (!found) throw new UsageError(`--skill ${s}: no valid ${skillFile(s)} (aos skill list shows the skills)`);
      if (found.front.status === 'retired') throw new UsageError(`--skill ${s}: ${found.file} is retired; a mission uses enabled skills, or candidates in trial`);
    }
  }
  const configured = home.config.mission?.review;
  const review = o.review ?? (typeof configured === 'string' ? configured : configured?.agent);
  const reviewBrains = o.reviewBrains ?? (typeof configured === 'object' && (!o.review || o.review === configured.agent) ? configured.brains : undefined);
  if (reviewBrains?.length && !review) throw new UsageError('--review-brains: name the critic too (--review <agent>, or aos.yaml mission.review)');
  const bench = o.bench ?? home.config.mission?.bench;
  if (review && !agents.some((a) => a.id === review)) throw new UsageError(`no agent "${review}" in agents/ to review the mission (--review names the critic)`);
  if (review && review === agentId) throw new UsageError(`--review ${review}: the critic must be another agent than the one that implements`);
  // Lower case: a mixed-case id in paths and branch names reads as a secret-looking token to the scanner.
  const id = `m-${stamp(env.now()).toLowerCase()}-${suffix(env.randomBytes(4))}`;
  const candidates = o.candidates ?? (o.brains && o.brains.length > 1 ? o.brains.length : 1);
  if (o.brains && o.brains.length > candidates) throw new UsageError(`--brains names ${o.brains.length} brains for ${candidates} candidates: name at most one per candidate`);
  // With candidates, c1's worktree and branch are the mission's until the arena picks a winner (git
  // cannot hold a branch aos/mission/<id> beside aos/mission/<id>/c1).
  const worktree = candidates > 1 ? candidatePlace(home.root, id, 1) : worktreePlace(home.root, id);
  const missionBranch = candidates > 1 ? candidateBranch(id, 1) : `aos/mission/${id}`;
  const cfg = home.config.mission;
  const front: MissionFront = {
    id,
    goal: o.goal.trim().split('\n')[0]!.slice(0, 200),
    repo,
    branch,
    base,
    mission_branch: missionBranch,
    worktree,
    agent: agentId,
    checks: o.checks ?? [],
    check_timeout_seconds: cfg?.check_timeout_seconds ?? 300,
    stage: 'plan',
    status: 'active',
    repair_rounds: o.repairRounds ?? cfg?.repair_rounds ?? 2,
    round: 0,
    promote: o.promote ?? cfg?.promote ?? 'ask',
    // The home as its own target moves on with every commit aos makes (the stage commits too), so a
    // fast-forward would never be possible there: a merge commit is its default.
    merge: o.merge ?? cfg?.merge ?? (repo === (await repositoryRoot(home.root, env.vars)) ? 'merge' : 'ff'),
    ...(o.maxFiles !== undefined || o.maxKb !== undefined ? { limits: { ...(o.maxFiles !== undefined ? { max_files: o.maxFiles } : {}), ...(o.maxKb !== undefined ? { max_kb: o.maxKb } : {}) } } : {}),
    ...(candidates > 1 ? { candidates } : {}),
    ...(o.brains?.length ? { brains: o.brains } : {}),
    ...(skills.length ? { skills } : {}),
    ...(review ? { review } : {}),
    ...(review && reviewBrains?.length ? { review_brains: reviewBrains } : {}),
    ...(bench ? { bench } : {}),
    runs: [],
    created: iso(home, env),
    updated: iso(home, env),
  };
  const m: Mission = { file: missionFile(id), front, body: o.goal.trim() };
  await fs.mkdir(join(worktree, '..'), { recursive: true });
  await git(repo, env, ['worktree', 'add', '-q', '-b', missionBranch, worktree, base]);
  try {
    await writeMission(home.root, m);
    const files = [m.file];
    files.push(await writeContract(home.root, id, 'progress.md', `# Progress of ${id}\n\n${m.front.goal}\n\n- ${front.created} new: mission made on ${missionBranch} from ${branch} at ${base.slice(0, 12)}; next: plan\n`));
    files.push(await writeContract(home.root, id, 'architecture.md', await architectureOf(repo, env, base)));
    await commitMission(home, env, m, 'new', `mission ${id}: new: ${m.front.goal}`, files, home.owner);
  } catch (err) {
    // Not committed, not made: no half mission for the tick to find, no stray branch in the target.
    await fs.rm(join(home.root, 'missions', id), { recursive: true, force: true });
    await git(home.root, env, ['reset', '-q', '--', `missions/${id}`]).catch(() => undefined);
    await git(repo, env, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await git(repo, env, ['branch', '-D', missionBranch]).catch(() => undefined);
    throw err;
  }
  return m;
}

/** What the repository holds at the mission's base: the contract's picture of the code it changes. */
async function architectureOf(repo: string, env: Env, base: string): Promise<string> {
  const files = (await gitRead(repo, env.vars, ['ls-tree', '-r', '--name-only', base])).split('\n').filter(Boolean);
  const shown = files.slice(0, 200);
  return [`# Architecture`, '', `The files of ${repo} at ${base.slice(0, 12)} (${files.length} files${files.length > shown.length ? `, the first ${shown.length} shown` : ''}).`, '', ...shown.map((f) => `- ${f}`), ''].join('\n');
}
/** The tick's part: each active mission one stage further, oldest first, while the tick has time. */
export async function advanceMissions(home: Home, env: Env, report: TickReport, deadline: number): Promise<MissionStep[]> {
  const { missions, problems } = await loadMissions(home.root);
  report.problems.push(...problems);
  const steps: MissionStep[] = [];
  for (const m of missions.filter((x) => x.front.status === 'active')) {
    if (env.now().getTime() >= deadline) break;
    try {
      steps.push(await advanceMission(home, env, m, deadline));
    } catch (err) {
      // One mission's trouble is named and the others (and the rest of the tick) go on; the next tick tries again.
      report.problems.push({ file: m.file, expected: `mission ${m.front.id} to go on at ${m.front.stage}`, found: err instanceof Error ? err.message : String(err) });
    }
  }
  return steps;
}

/** One stage of one mission. */
export async function advanceMission(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  // The worktree is local to the device that made the mission (.aos/ is never synced).
  if (m.front.stage !== 'done' && !(await exists(m.front.worktree))) {
    throw new UserError(`${m.front.worktree} (the mission's worktree) is gone; see docs/recovery.md#missions to recreate it from ${m.front.mission_branch}, or aos mission stop ${m.front.id}`);
  }
  switch (m.front.stage) {
    case 'plan':
      return agentStage(home, env, m, 'plan', deadline);
    case 'implement':
      // Issue 18: the first implement of a mission with candidates is the arena; a repair round after
      // it is the winner's own (the mission's branch is then the winner's).
      if ((m.front.candidates ?? 1) > 1 && !m.front.runs.length) return (await import('./arena.js')).arenaStage(home, env, m, deadline);
      return agentStage(home, env, m, 'implement', deadline);
    case 'verify':
      return verifyStage(home, env, m);
    case 'replay':
      return replayStage(home, env, m, deadline);
    case 'review':
      return reviewStage(home, env, m, deadline);
    case 'promote':
      return promoteStage(home, env, m);
    case 'done':
      return { id: m.front.id, stage: 'done', note: 'done' };
  }
}
// ---- the owner's controls ----

/** stop: the tick leaves it; resume: the tick takes it up again where it stopped (a failed or refused stage is tried again). */
export async function setMissionStatus(home: Home, env: Env, id: string, to: 'stopped' | 'active'): Promise<Mission> {
  const m = await readMission(home.root, id);
  if (m.front.status === 'promoted') throw new UserError(`mission ${id} is already promoted into ${m.front.branch}; nothing to ${to === 'stopped' ? 'stop' : 'resume'}`);
  if (to === 'stopped' && m.front.status !== 'active') throw new UserError(`mission ${id} is ${m.front.status}, not active`);
  if (to === 'active' && m.front.status === 'active') throw new UserError(`mission ${id} is already active (at ${m.front.stage}); the next tick advances it`);
  const front: MissionFront = { ...m.front, status: to, reason: to === 'stopped' ? 'stopped by the owner' : undefined, updated: iso(home, env) };
  // Resumed after a failed verify: one more round of repair, told the failures; after a refused or
  // failed implement: the stage again from the last commit (the refused change is dropped); after a
  // gone approval: ask again.
  if (to === 'active' && m.front.status === 'failed' && m.front.stage === 'verify') {
    Object.assign(front, { stage: 'implement', round: m.front.round + 1, repair_rounds: Math.max(m.front.repair_rounds, m.front.round + 1) });
  }
  if (to === 'active' && m.front.stage === 'implement' && (m.front.status === 'refused' || m.front.status === 'failed') && (await exists(m.front.worktree))) {
    await git(m.front.worktree, env, ['reset', '-q', '--hard', 'HEAD']);
    await git(m.front.worktree, env, ['clean', '-q', '-fd']);
  }
  if (to === 'active' && m.front.approval && !(await exists(join(home.root, `inbox/approvals/${m.front.approval}.md`)))) front.approval = undefined;
  const updated = { ...m, front };
  await writeMission(home.root, updated);
  const progress = (await readContract(home.root, id, 'progress.md')).trimEnd();
  const file = await writeContract(home.root, id, 'progress.md', `${progress}\n- ${front.updated} ${to === 'stopped' ? 'stopped' : 'resumed'} by the owner at ${m.front.stage}\n`);
  await commitMission(home, env, updated, m.front.stage, `mission ${id}: ${to === 'stopped' ? 'stopped' : 'resumed'} by the owner`, [m.file, file], home.owner);
  if (to === 'stopped') await recordSkillOutcomes(home, env, updated);
  return updated;
}

/** The mission as `aos mission show` prints it: the ladder with each stage's evidence. */
export async function missionView(home: Home, m: Mission) {
  const evidence: Record<string, string[]> = {
    plan: ['plan.md', 'risk.md'],
    implement: [...(m.front.head ? [`${m.front.mission_branch} at ${m.front.head.slice(0, 12)}`, ...m.front.runs.map((r) => `run ${r}`)] : []), ...(m.front.arena?.length ? ['arena.md'] : [])],
    verify: ['verification.md'],
    replay: ['verification.md (## Replay)'],
    review: ['review.md'],
    promote: ['gates.md', ...(m.front.approval ? [`approval ${m.front.approval}`] : m.front.status === 'promoted' ? [`${m.front.branch} of ${m.front.repo}`] : [])],
  };
  const files: Record<string, boolean> = {};
  for (const name of ['plan.md', 'progress.md', 'verification.md', 'risk.md', 'architecture.md', 'arena.md', 'review.md', 'gates.md']) files[name] = await exists(join(home.root, 'missions', m.front.id, name));
  return {
    ...m.front,
    file: m.file,
    ladder: stageLadder(m.front).map((s) => ({ ...s, evidence: s.state === 'todo' ? [] : evidence[s.stage]!.filter((e) => !e.endsWith('.md') || files[e] || e.includes('(')) })),
    contract: Object.keys(files).filter((k) => files[k]).map((k) => `missions/${m.front.id}/${k}`),
  };
}
