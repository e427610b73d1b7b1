// Missions (issue 17): `aos mission new` makes one; the tick advances each active mission one stage
// per tick (plan -> implement -> verify -> replay -> promote). Agent stages are ordinary runs of the
// mission's agent on a stage item (missions/<id>/items/), with file paths and the shell confined to
// the mission's worktree; verify, replay and promote are deterministic steps. Every stage ends in
// `settleStage`, the one place a mission's stage changes, which writes the evidence and commits it
// with Aos-Mission and Aos-Stage trailers. A crash anywhere leaves mission.md naming the stage still
// to do, and each stage's steps are safe to run again (docs/recovery.md#missions).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import { UserError, UsageError, GitError } from '../errors.js';
import { stamp, localTime } from '../core/docs/time.js';
import { suffix } from '../core/docs/ids.js';
import { agentIdentity, type CommitSpec } from '../core/docs/commit.js';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { afterStage, candidateBranch, implementTask, reviewTask, reviewVerdict, skillOutcome, missionFile, planTask, stageLadder, type Mission, type MissionFront, type Stage, type StageResult } from '../core/missions/mission.js';
import { formatViolation, judgeChange, judgePaths, resolveRulebook, type Rulebook } from '../core/rules/judge.js';
import { CONFIG_FILE } from '../core/docs/configfile.js';
import { renderItem } from '../core/runs/inbox.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import { actionHash } from '../core/agents/approval.js';
import type { Home } from '../home/home.js';
import { loadAgents, doneFolders, type Agent } from '../home/store.js';
import { exists, readIfExists, writeAtomic } from '../home/files.js';
import { readRecord } from '../home/records.js';
import { closeApproval, createApproval, readLedger, writeLedger } from '../home/approvals.js';
import { candidatePlace, loadMissions, readContract, readMission, readStageItem, worktreePlace, replayPlace, writeContract, writeMission } from '../home/missions.js';
import { commit } from '../git/git.js';
import { lockPath } from '../home/lock.js';
import { gitRead, openRepo } from '../git/run.js';
import { rangeChanges, repositoryRoot, uncommittedChanges } from '../git/changes.js';
import type { TickReport } from './tick.js';
import type { RunSpec } from './execute.js';

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
  /** Skills the mission uses: enabled ones, or candidates in trial (never retired ones). */
  skills?: string[];
}

export const iso = (home: Home, env: Env) => localTime(env.now(), home.config.owner.timezone).iso;
export const git = async (root: string, env: Env, args: string[]) => (await openRepo(root, env.vars)).raw(args);

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
  const review = o.review ?? home.config.mission?.review;
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

export async function commitMission(home: Home, env: Env, m: Mission, stage: string, subject: string, paths: string[], who = agentIdentity(m.front.agent), extra: Record<string, string> = {}, body?: string): Promise<string | undefined> {
  const spec: CommitSpec = { who, subject, ...(body ? { body } : {}), trailers: { 'Aos-Mission': m.front.id, 'Aos-Stage': stage, 'Aos-Kind': 'mission', ...extra, 'Aos-Device': home.device }, paths };
  return commit(home.root, env.vars, spec, home.redact);
}

/** The rulebook in force for a mission: the built-in book, aos.yaml's rules, then the mission's limits. */
export function missionBook(home: Home, m: MissionFront): Rulebook {
  return resolveRulebook([
    { settings: home.config.rules, file: join(home.root, CONFIG_FILE) },
    { settings: m.limits, file: missionFile(m.id) },
  ]);
}

/**
 * The agent's capabilities inside a mission: its file grants give way to the whole worktree (paths
 * are relative to it, and nothing outside it can be named), the rest stays as its file says.
 */
export function missionCaps(agent: Agent): { caps: Capability[]; errors: string[] } {
  const { caps, errors } = parseCapabilities(agent.front.capabilities, agent.file);
  return { caps: scopeToWorktree(caps), errors };
}

const WORKTREE_FILES = parseCapabilities(['file:**:read,write']).caps;
export const scopeToWorktree = (caps: Capability[]): Capability[] => [...caps.filter((c) => c.kind !== 'file'), ...WORKTREE_FILES];

export interface MissionStep {
  id: string;
  stage: Stage | 'done';
  /** What happened this tick. */
  note: string;
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

/**
 * The one place a mission's stage changes: the pure decision, mission.md and progress.md written,
 * and the stage's evidence committed with its trailers. (Issue 20's events belong here.)
 */
export async function settleStage(home: Home, env: Env, m: Mission, r: StageResult, evidence: string[], extra: Record<string, string> = {}): Promise<MissionStep> {
  const next = afterStage(m.front, r);
  const at = iso(home, env);
  const front: MissionFront = {
    ...m.front,
    stage: next.stage,
    status: next.status,
    round: next.round,
    ...(next.head ? { head: next.head } : {}),
    ...(next.runs ? { runs: next.runs } : {}),
    ...(next.reason ? { reason: next.reason } : {}),
    ...(next.repair ? { repair: next.repair } : {}),
    item: undefined,
    ...(r.stage === 'promote' ? { approval: undefined } : {}),
    updated: at,
  };
  const updated: Mission = { ...m, front };
  await writeMission(home.root, updated);
  const progress = (await readContract(home.root, m.front.id, 'progress.md')).trimEnd();
  const line = `- ${at} ${r.stage}: ${next.note}${next.reason && front.status !== 'active' && !next.note.includes(next.reason) ? ` (${next.reason})` : ''}`;
  const progressFile = await writeContract(home.root, m.front.id, 'progress.md', `${progress}\n${line}\n`);
  // A long note (a refusal naming 81 paths) goes to the body: the subject stays one readable line.
  const subject = `mission ${m.front.id}: ${r.stage}: ${next.note}`;
  const short = subject.length > 160 ? `${subject.slice(0, 157)}...` : subject;
  await commitMission(home, env, updated, r.stage, short, [m.file, progressFile, ...evidence], undefined, extra, short === subject ? undefined : next.note);
  if (m.front.status === 'active' && front.status !== 'active') await recordSkillOutcomes(home, env, updated);
  // Issue 20: agents that subscribe to mission.* hear of each stage (logged when none does).
  await (await import('./events.js')).announce(home, env, 'mission.stage', `Mission ${m.front.id} ("${m.front.goal}"): ${r.stage}: ${next.note}. Now at ${front.stage}, ${front.status}.`, { about: m.front.id });
  return { id: m.front.id, stage: front.stage, note: `${r.stage}: ${next.note}` };
}

/**
 * A mission that ended (promoted, failed, refused, stopped) writes its outcome into the record of
 * each skill it named, as aos's own commit: no Aos-Run trailer, so the skill does not count as
 * changed by an agent (which would stop it being offered). A mission counts once per skill.
 */
export async function recordSkillOutcomes(home: Home, env: Env, m: Mission): Promise<void> {
  const outcome = skillOutcome(m.front.status);
  if (!outcome || !m.front.skills?.length) return;
  const { loadSkills } = await import('../home/skills.js');
  const { withOutcome } = await import('../core/skills/skills.js');
  const { setFrontMatterFields } = await import('../core/docs/frontmatter.js');
  const { skills } = await loadSkills(home.root, home.docs);
  const date = localTime(env.now(), home.config.owner.timezone).date;
  const paths: string[] = [];
  for (const id of m.front.skills) {
    const s = skills.find((k) => k.id === id);
    if (!s) continue; // gone or broken since: nothing to record in (loadSkills names it elsewhere)
    const front = withOutcome(s.front, { mission: m.front.id, outcome, date });
    const path = join(home.root, s.file);
    await writeAtomic(path, setFrontMatterFields(s.file, await fs.readFile(path, 'utf8'), { record: front.record }));
    paths.push(s.file);
  }
  if (!paths.length) return;
  await commit(home.root, env.vars, {
    who: agentIdentity('aos'),
    subject: `skills: mission ${m.front.id} ${outcome}: ${m.front.skills.join(', ')}`,
    trailers: { 'Aos-Mission': m.front.id, 'Aos-Kind': 'skill-record', 'Aos-Device': home.device },
    paths,
  }, home.redact);
}

// ---- plan and implement: runs of the mission's agent ----

type AgentOutcome = { state: 'finished'; run: string; text: string; outcome: string } | { state: 'pending'; note: string };

/**
 * The rulebook's judge for each write_file into a mission worktree: it answers the tool with the
 * violation (the write is refused) and keeps every refusal, so the stage refuses the change with them.
 */
export function rulebookRefuser(book: Rulebook): { refused: string[]; refuse: (path: string) => string | undefined } {
  const refused: string[] = [];
  const refuse = (path: string): string | undefined => {
    const v = judgePaths([path], book);
    if (!v.length) return undefined;
    refused.push(...v.map(formatViolation));
    return v.map(formatViolation).join('; ');
  };
  return { refused, refuse };
}

async function agentStage(home: Home, env: Env, m: Mission, stage: 'plan' | 'implement', deadline: number): Promise<MissionStep> {
  const book = missionBook(home, m.front);
  // Paths the rulebook refused at write_file, in this process: the change is refused with them.
  const { refused, refuse } = rulebookRefuser(book);
  let task: string;
  if (stage === 'plan') task = planTask(m.body || m.front.goal, m.front.checks);
  else {
    const from = m.front.repair ?? 'verify';
    const failures = m.front.round > 0 ? await readContract(home.root, m.front.id, from === 'review' ? 'review.md' : 'verification.md') : undefined;
    task = implementTask(m.body || m.front.goal, await readContract(home.root, m.front.id, 'plan.md'), failures, from);
  }
  const ran = await runStageItem(home, env, m, stage, task, deadline, { root: m.front.worktree, refuse, scope: scopeToWorktree });
  if (ran.state === 'pending') return { id: m.front.id, stage, note: `${stage}: ${ran.note}` };
  if (ran.outcome !== 'done') return settleStage(home, env, m, { stage, ok: false, reason: `run ${ran.run} ended ${ran.outcome}: ${ran.text.slice(0, 300)}` }, []);
  if (stage === 'plan') {
    const plan = await writeContract(home.root, m.front.id, 'plan.md', `# Plan\n\nWritten by ${m.front.agent} in run ${ran.run}.\n\n${ran.text.trim()}\n`);
    const risks = ran.text.split('\n').filter((l) => /risk/i.test(l));
    const risk = await writeContract(home.root, m.front.id, 'risk.md', riskText(m.front, book, risks));
    return settleStage(home, env, m, { stage: 'plan', ok: true }, [plan, risk], { 'Aos-Stage-Run': ran.run });
  }
  return afterImplement(home, env, m, book, ran.run, refused);
}

function riskText(m: MissionFront, book: Rulebook, fromPlan: string[], violations: string[] = []): string {
  return [
    '# Risks',
    '',
    `- The change must stay within the rulebook (${book.kinds.length} kinds of junk paths) and the limits: at most ${book.limits.maxFiles} files and ${Math.round(book.limits.maxBytes / 1024)} KB.`,
    `- Promotion into ${m.branch} ${m.promote === 'ask' ? "waits for the owner's approval" : 'happens without asking (promote: auto)'}, by ${m.merge === 'ff' ? 'fast-forward' : 'a merge commit'}.`,
    ...(fromPlan.length ? ['', '## Named in the plan', '', ...fromPlan.map((l) => l.trim())] : []),
    ...(violations.length ? ['', '## Refused by the rulebook', '', ...violations.map((v) => `- ${v}`)] : []),
    '',
  ].join('\n');
}

/** After an implement run: the change judged by the rulebook, then committed on the mission branch. */
async function afterImplement(home: Home, env: Env, m: Mission, book: Rulebook, run: string, refusedWrites: string[]): Promise<MissionStep> {
  const wt = m.front.worktree;
  const changes = await uncommittedChanges(wt, env.vars);
  const verdict = judgeChange(changes, book);
  const violations = [...refusedWrites, ...verdict.violations.map(formatViolation)];
  if (verdict.violations.some((v) => v.rule === 'max-files')) violations.push(`the ${verdict.files} files: ${changes.map((c) => c.path).join(', ')}`);
  if (violations.length) {
    const risk = await writeContract(home.root, m.front.id, 'risk.md', riskText(m.front, book, [], violations));
    return settleStage(home, env, m, { stage: 'implement', ok: false, refused: 'rulebook', reason: `refused by the rulebook: ${violations.join('; ')}` }, [risk], { 'Aos-Stage-Run': run });
  }
  let head = (await gitRead(wt, env.vars, ['rev-parse', 'HEAD'])).trim();
  if (changes.length) {
    const sha = await commit(wt, env.vars, {
      who: agentIdentity(m.front.agent),
      subject: `mission ${m.front.id}: implement${m.front.round ? ` (repair round ${m.front.round})` : ''}: ${m.front.goal}`.slice(0, 200),
      trailers: { 'Aos-Mission': m.front.id, 'Aos-Stage': 'implement', 'Aos-Run': run, 'Aos-Agent': m.front.agent },
    }, home.redact);
    if (sha) head = sha;
  }
  // Killed after the commit above: HEAD already carries this run's change (its trailer says so).
  const carries = (await gitRead(wt, env.vars, ['log', '-1', '--format=%B', head])).includes(`Aos-Run: ${run}`);
  if (!carries) return settleStage(home, env, m, { stage: 'implement', ok: false, reason: `run ${run} changed nothing in the worktree` }, [], { 'Aos-Stage-Run': run });
  return settleStage(home, env, m, { stage: 'implement', ok: true, head, run }, [], { 'Aos-Stage-Run': run });
}

/**
 * Runs (or resumes, or finds finished) the stage's item. The item is made and committed before the
 * run, so a replay finds it and a crash never makes a second one: mission.md names it.
 */
/** Where a stage item's name is kept while it runs: mission.md's item:, or an arena candidate's. */
export interface ItemSlot {
  item?: string;
  /** The item's name part after the mission id, e.g. implement-1 or implement-c2. */
  label: string;
  save(file: string): Promise<void>;
  /** Another agent than the mission's (the critic). */
  agent?: string;
  /** Agent front matter the run changes (an arena candidate's brain or model). */
  brain?: { brain?: string; model?: string };
}

function missionSlot(home: Home, env: Env, m: Mission, stage: Stage): ItemSlot {
  return {
    ...(m.front.item ? { item: m.front.item } : {}),
    label: `${stage}-${m.front.runs.length + (stage === 'plan' ? 0 : 1)}`,
    save: async (file) => {
      m.front.item = file;
      await writeMission(home.root, m);
      // As the owner: the stage item carries the owner's goal (the run checks who wrote an item).
      await commitMission(home, env, m, stage, `mission ${m.front.id}: ${stage} starts`, [m.file, file], home.owner);
    },
  };
}

export async function runStageItem(home: Home, env: Env, m: Mission, stage: Stage, task: string, deadline: number, workdir: NonNullable<RunSpec['workdir']>, slot: ItemSlot = missionSlot(home, env, m, stage)): Promise<AgentOutcome> {
  let file = slot.item;
  if (!file) {
    // A suffix of its own: a stage tried again (resumed after a refusal) gets a new item, never a finished one's name.
    const itemId = `${m.front.id}-${slot.label}-${suffix(env.randomBytes(2))}`;
    file = `missions/${m.front.id}/items/${itemId}.md`;
    if (!(await exists(join(home.root, file)))) {
      await fs.mkdir(join(home.root, file, '..'), { recursive: true });
      await fs.writeFile(join(home.root, file), renderItem({ id: itemId, from: 'owner', to: slot.agent ?? m.front.agent, kind: 'task', created: iso(home, env), text: task }));
    }
    await slot.save(file);
  }
  const item = await readStageItem(home.root, file);
  if (!item) return finishedItem(home, file);
  if (item.front.status === 'failed' || item.front.status === 'cancelled') {
    return { state: 'finished', run: item.front.checkpoint ?? '?', outcome: item.front.status, text: item.front.error ?? `the ${stage} item ended ${item.front.status}` };
  }
  if (item.front.status === 'waiting') return { state: 'pending', note: `${item.id} waits (${item.front.approval ? `for approval ${item.front.approval}` : 'for delegated work'})` };
  const { agents } = await loadAgents(home.root, home.docs);
  const who = slot.agent ?? m.front.agent;
  const own = agents.find((a) => a.id === who);
  if (!own) throw new UserError(`agents/${who}.md is gone; the mission cannot go on (aos mission stop ${m.front.id}, or restore the agent)`);
  const agent = slot.brain && (slot.brain.brain || slot.brain.model) ? { ...own, front: { ...own.front, ...slot.brain } as Agent['front'] } : own;
  const { caps, errors } = missionCaps(agent);
  if (errors.length) throw new UserError(`${agent.file}: ${errors.join('; ')}`);
  const choice = agent.front.brain
    ? await (await import('../model/brains.js')).agentProvider(home, env, agent, lockPath(home.root))
    : await (await import('../model/provider.js')).chooseProvider(home.config, env, home.root, agent.front.model);
  if ('missing' in choice) return { state: 'pending', note: `waits for a model (${choice.missing})` };
  let resume;
  if (item.front.checkpoint) {
    try {
      resume = { run: item.front.checkpoint, entries: (await readRecord(home.root, runRecordPath(item.front.checkpoint))).entries };
    } catch {
      resume = undefined;
    }
  }
  const { executeRun, spentToday } = await import('./execute.js');
  const report = await executeRun({
    home,
    env,
    agent,
    caps,
    item,
    trigger: `mission:${stage}`,
    kind: 'tick',
    provider: choice.provider,
    deadline,
    spent: await spentToday(home, env, agent.id),
    workdir,
    ...(m.front.skills?.length ? { skills: m.front.skills } : {}),
    ...(resume ? { resume } : {}),
  });
  if (report.outcome === 'done' || report.outcome === 'failed' || report.outcome === 'cancelled') {
    if (report.outcome !== 'done' && (await exists(join(home.root, file)))) {
      const again = await readStageItem(home.root, file);
      // Failed with attempts left: the item runs again next tick.
      if (again?.front.status === 'new') return { state: 'pending', note: `run ${report.run} failed (${report.text.slice(0, 200)}); it runs again` };
    }
    return { state: 'finished', run: report.run, outcome: report.outcome, text: report.text };
  }
  return { state: 'pending', note: `run ${report.run} ${report.outcome}: ${report.text.slice(0, 200)}` };
}

/** A stage item gone from missions/<id>/items/: its run finished it (maybe in a tick that was then killed). */
async function finishedItem(home: Home, file: string): Promise<AgentOutcome> {
  const name = file.slice(file.lastIndexOf('/') + 1);
  for (const folder of await doneFolders(home.root)) {
    const raw = await readIfExists(join(home.root, folder, name));
    if (raw === undefined) continue;
    const run = /^run: (r-\S+)$/m.exec(raw)?.[1];
    const status = /^status: (\S+)$/m.exec(raw)?.[1] ?? 'done';
    if (run) {
      const rec = await readRecord(home.root, runRecordPath(run));
      return { state: 'finished', run, outcome: status, text: rec.final ?? '' };
    }
  }
  throw new UserError(`${file} is gone and no finished copy of it is in inbox/done/: restore it from git (git log -- ${file})`);
}

// ---- verify: the checks, sandboxed, in the worktree ----

async function verifyStage(home: Home, env: Env, m: Mission): Promise<MissionStep> {
  const { runCheck } = await import('./missioncheck.js');
  // A tick killed between the arena's verdict and its pruning left losers behind: they go now.
  if (m.front.arena?.length) await (await import('./arena.js')).pruneLosers(env, m);
  const wt = m.front.worktree;
  const book = missionBook(home, m.front);
  // The change as committed on the mission branch is judged again: what verify passes is what promotes.
  const verdict = judgeChange(await rangeChanges(wt, env.vars, m.front.base, m.front.head ?? 'HEAD'), book);
  const results = [];
  for (const check of m.front.checks) results.push(await runCheck(home, env, wt, check, m.front.check_timeout_seconds));
  // Whatever the checks left (build output, caches) goes: the next stage starts from the commit.
  await git(wt, env, ['reset', '-q', '--hard', 'HEAD']);
  await git(wt, env, ['clean', '-q', '-fd']);
  const failed = results.filter((r) => r.exitCode !== 0);
  const ok = verdict.ok && !failed.length;
  const previous = await readContract(home.root, m.front.id, 'verification.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const lines = [
    `# Verification of ${m.front.id}`,
    '',
    `Latest: ${ok ? 'PASSED' : 'FAILED'} at ${iso(home, env)} on ${m.front.mission_branch} at ${(m.front.head ?? '').slice(0, 12)} (round ${m.front.round} of ${m.front.repair_rounds} repair rounds).`,
    '',
    `## Round ${m.front.round}: ${ok ? 'passed' : 'failed'} (${(m.front.head ?? '').slice(0, 12)})`,
    '',
    `- rulebook: ${verdict.ok ? `ok (${verdict.files} files)` : verdict.violations.map(formatViolation).join('; ')}`,
    ...(m.front.checks.length ? [] : ['- no checks are configured (aos mission new --check "<command>")']),
    ...results.flatMap((r) => [
      `- \`${r.command}\`: exit code ${r.exitCode}${r.timedOut ? ' (timed out, killed)' : ''}, ${r.durationMs} ms, output sha256:${r.hash}${r.sandboxed ? '' : ' (not sandboxed: aos.yaml sandbox: none)'}`,
      '',
      '  ```text',
      ...r.tail.split('\n').map((l) => `  ${l}`),
      '  ```',
      '',
    ]),
    '',
    history.replace(/^## Round/m, '## Round').trim() ? history.trim() : '',
  ];
  const file = await writeContract(home.root, m.front.id, 'verification.md', lines.join('\n').replace(/\n{3,}/g, '\n\n'));
  const reason = !verdict.ok ? `refused by the rulebook: ${verdict.violations.map(formatViolation).join('; ')}` : failed.map((r) => `\`${r.command}\` exit code ${r.exitCode}`).join('; ');
  return settleStage(home, env, m, { stage: 'verify', ok, ...(ok ? {} : { reason }) }, [file]);
}

// ---- replay: the implement runs again from their records, in a scratch worktree ----

async function replayStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const verdict = await replayVerdict(home, env, m, deadline);
  const previous = (await readContract(home.root, m.front.id, 'verification.md')).trimEnd();
  const section = [
    '',
    `## Replay at ${iso(home, env)}: ${verdict.ok ? 'same diff' : 'DIFFERENT'}`,
    '',
    `- runs replayed from their records: ${verdict.runs.join(', ') || 'none'}`,
    `- tree of ${m.front.mission_branch}: ${verdict.want ?? '?'}`,
    `- tree of the replay: ${verdict.tree ?? '?'}`,
    ...(verdict.reason ? [`- ${verdict.reason}`] : []),
    '',
  ].join('\n');
  const file = await writeContract(home.root, m.front.id, 'verification.md', `${previous}\n${section}`);
  return settleStage(home, env, m, { stage: 'replay', ok: verdict.ok, ...(verdict.reason ? { reason: verdict.reason } : {}) }, [file]);
}

/** The mission's implement runs (m.front.runs) re-executed from their records in a scratch worktree, compared with m.front.head's tree. */
export async function replayVerdict(home: Home, env: Env, m: Mission, deadline: number): Promise<{ ok: boolean; reason?: string; tree?: string; want?: string; runs: string[] }> {
  const place = replayPlace(home.root, m.front.id);
  await fs.rm(place, { recursive: true, force: true });
  await git(m.front.repo, env, ['worktree', 'prune']);
  await fs.mkdir(place, { recursive: true });
  const target = join(place, 'target');
  await git(m.front.repo, env, ['worktree', 'add', '-q', '--detach', target, m.front.base]);
  let verdict: { ok: boolean; reason?: string; tree?: string; want?: string; runs: string[] };
  try {
    verdict = await replayRuns(home, env, m, place, target, deadline);
  } finally {
    await git(m.front.repo, env, ['worktree', 'remove', '--force', target]).catch(() => undefined);
    await fs.rm(place, { recursive: true, force: true });
    await git(m.front.repo, env, ['worktree', 'prune']).catch(() => undefined);
    await git(home.root, env, ['worktree', 'prune']).catch(() => undefined);
  }
  return verdict;
}

async function replayRuns(home: Home, env: Env, m: Mission, place: string, target: string, deadline: number) {
  const { createReplayProvider } = await import('../model/replay.js');
  const { executeRun } = await import('./execute.js');
  const { DocCache } = await import('../home/doccache.js');
  // Each implement run, and the runs it resumed after a crash, oldest first.
  const chain: string[] = [];
  for (const run of m.front.runs) {
    const own: string[] = [];
    for (let r: string | undefined = run; r; r = (await readRecord(home.root, runRecordPath(r))).front.resumes) own.unshift(r);
    chain.push(...own);
  }
  for (const [i, run] of chain.entries()) {
    const rec = await readRecord(home.root, runRecordPath(run));
    const f = rec.front;
    const sha = (await gitRead(home.root, env.vars, ['log', '-n1', '--format=%H', '--fixed-strings', `--grep=Aos-Run: ${run}`])).trim();
    if (!sha) return { ok: false, reason: `run ${run} has no commit in the home`, runs: chain };
    const scratch = join(place, `home-${i}`);
    await git(home.root, env, ['worktree', 'add', '-q', '--detach', scratch, `${sha}^`]);
    try {
      const scratchHome: Home = { ...home, root: scratch, docs: DocCache.none() };
      const { agents } = await loadAgents(scratch, scratchHome.docs);
      const agent = agents.find((a) => a.id === f.agent);
      const item = f.item ? await readStageItem(scratch, `missions/${m.front.id}/items/${f.item}.md`) : undefined;
      if (!agent || !item) return { ok: false, reason: `run ${run}: its agent or stage item was not in the home before it`, runs: chain };
      const { caps } = missionCaps(agent);
      let prefix = 0;
      if (f.resumes) prefix = (await readRecord(home.root, runRecordPath(f.resumes))).entries.length;
      const note = f.resumes && rec.entries[prefix]?.type === 'user' ? rec.entries[prefix] : undefined;
      const recorded = rec.entries.slice(prefix + (note ? 1 : 0));
      await executeRun({
        home: scratchHome,
        env: { ...env, now: () => new Date(f.started) },
        agent,
        caps,
        item,
        trigger: 'replay',
        kind: 'run',
        provider: createReplayProvider(recorded, f.model),
        deadline,
        spent: { tokens: 0, usd: 0 },
        workdir: { root: target, scope: scopeToWorktree, refuse: (p) => { const v = judgePaths([p], missionBook(home, m.front)); return v.length ? v.map(formatViolation).join('; ') : undefined; } },
        ...(f.resumes ? { resume: { run: f.resumes, entries: rec.entries.slice(0, prefix), ...(note && typeof note.content === 'string' ? { note: note.content } : {}) } } : {}),
        replay: { run },
        ...(m.front.skills?.length ? { skills: m.front.skills } : {}),
      });
    } finally {
      await git(home.root, env, ['worktree', 'remove', '--force', scratch]).catch(() => fs.rm(scratch, { recursive: true, force: true }));
    }
  }
  await git(target, env, ['add', '-A']);
  const tree = (await git(target, env, ['write-tree'])).trim();
  const want = (await gitRead(m.front.repo, env.vars, ['rev-parse', `${m.front.head}^{tree}`])).trim();
  return { ok: tree === want, tree, want, runs: chain, ...(tree === want ? {} : { reason: `the replay's tree ${tree.slice(0, 12)} differs from the committed change's ${want.slice(0, 12)}` }) };
}

// ---- review: another agent reads the replayed change (issue 18) ----

/** The files a critic may read: the worktree, read only; its other grants as its file says. */
const READ_WORKTREE = parseCapabilities(['file:**:read']).caps;
const scopeReadOnly = (caps: Capability[]): Capability[] => [...caps.filter((c) => c.kind !== 'file'), ...READ_WORKTREE];

async function reviewStage(home: Home, env: Env, m: Mission, deadline: number): Promise<MissionStep> {
  const f = m.front;
  const critic = f.review!;
  const diff = await gitRead(f.repo, env.vars, ['diff', f.base, f.head ?? 'HEAD']);
  // A big diff is cut: the critic can read the files themselves in the worktree.
  const shown = diff.length > 20_000 ? `${diff.slice(0, 20_000)}\n… (${diff.length - 20_000} more characters; read the files)` : diff;
  const ran = await runStageItem(home, env, m, 'review', reviewTask(m.body || f.goal, shown), deadline, { root: f.worktree, refuse: () => 'a review changes nothing', scope: scopeReadOnly }, {
    ...missionSlot(home, env, m, 'review'),
    label: `review-${f.round}`,
    agent: critic,
  });
  if (ran.state === 'pending') return { id: f.id, stage: 'review', note: `review: ${ran.note}` };
  if (ran.outcome !== 'done') return settleStage(home, env, m, { stage: 'review', ok: false, reason: `the critic's run ${ran.run} ended ${ran.outcome}` }, [], { 'Aos-Stage-Run': ran.run });
  const verdict = reviewVerdict(ran.text);
  const previous = await readContract(home.root, f.id, 'review.md');
  const history = previous.includes('## Round') ? previous.slice(previous.indexOf('## Round')) : '';
  const file = await writeContract(home.root, f.id, 'review.md', [
    `# Review of ${f.id}`,
    '',
    `Latest: ${verdict.ok ? 'APPROVED' : 'CHANGES ASKED'} by ${critic} (run ${ran.run}) at ${iso(home, env)} on ${f.mission_branch} at ${(f.head ?? '').slice(0, 12)}.`,
    '',
    `## Round ${f.round}: ${verdict.ok ? 'approved' : 'changes asked'} (${(f.head ?? '').slice(0, 12)})`,
    '',
    verdict.findings,
    '',
    history.trim(),
    '',
  ].join('\n').replace(/\n{3,}/g, '\n\n'));
  return settleStage(home, env, m, { stage: 'review', ok: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.findings.split('\n').slice(0, 3).join(' ').slice(0, 300) }) }, [file], { 'Aos-Stage-Run': ran.run });
}

// ---- promote: the only step that touches the target branch ----

const promoteInput = (m: MissionFront) => ({ mission: m.id, head: m.head, branch: m.branch, repo: m.repo, merge: m.merge });

async function promoteStage(home: Home, env: Env, m: Mission): Promise<MissionStep> {
  const f = m.front;
  const head = f.head!;
  const tip = (await gitRead(f.repo, env.vars, ['rev-parse', '-q', '--verify', `refs/heads/${f.branch}`], { exit1Empty: true })).trim();
  if (!tip) return settleStage(home, env, m, { stage: 'promote', ok: false, reason: `the target branch ${f.branch} is gone from ${f.repo}` }, []);
  // Killed after the merge and before mission.md said so: the branch already has the change.
  if (await isAncestor(f.repo, env, head, tip)) return settleStage(home, env, m, { stage: 'promote', ok: true }, await closePromotion(home, env, m, 'done'), { 'Aos-Promoted': tip });
  const verdict = judgeChange(await rangeChanges(f.repo, env.vars, f.base, head), missionBook(home, f));
  if (!verdict.ok) return settleStage(home, env, m, { stage: 'promote', ok: false, refused: 'rulebook', reason: `refused by the rulebook: ${verdict.violations.map(formatViolation).join('; ')}` }, []);
  const run = f.runs[f.runs.length - 1] ?? f.id;
  if (f.promote === 'ask') {
    const hash = actionHash(run, f.agent, 'promote_mission', promoteInput(f));
    if (!f.approval) {
      const a = await createApproval(home, env, {
        agent: f.agent, run, item: f.id, subject: `mission ${f.id}: ${f.goal}`, action: 'promote',
        argument: `${f.mission_branch} (${head.slice(0, 12)}) into ${f.branch} of ${f.repo} by ${f.merge === 'ff' ? 'fast-forward' : 'a merge commit'}`,
        hash, rule: 'mission.promote: ask', tool: 'promote_mission', tool_use_id: f.id, pattern: 'mission:promote',
        change: `Verified and replayed; see missions/${f.id}/verification.md.\n\n\`\`\`diff\n${(await gitRead(f.repo, env.vars, ['diff', '--stat', f.base, head])).trim()}\n\`\`\``,
      }, home.config.owner.timezone);
      const updated: Mission = { ...m, front: { ...f, approval: a.id, updated: iso(home, env) } };
      await writeMission(home.root, updated);
      await commitMission(home, env, updated, 'promote', `mission ${f.id}: promote asks the owner (${a.id})`, [m.file, a.file], undefined, { 'Aos-Approval': a.id });
      return { id: f.id, stage: 'promote', note: `promote: waits for the owner's approval ${a.id} (aos approve ${a.id})` };
    }
    const file = `inbox/approvals/${f.approval}.md`;
    const raw = await readIfExists(join(home.root, file));
    const status = raw ? /^status: (\w+)/m.exec(raw)?.[1] : undefined;
    if (!raw) return { id: f.id, stage: 'promote', note: `promote: the approval ${f.approval} is gone; aos mission resume ${f.id} asks again` };
    if (status === 'pending') return { id: f.id, stage: 'promote', note: `promote: waits for the owner's approval ${f.approval}` };
    const ledger = await readLedger(home.root, f.approval);
    if (status === 'denied') {
      const closed = await closePromotion(home, env, m, 'denied');
      const stopped: Mission = { ...m, front: { ...f, status: 'stopped', reason: `the owner denied the promotion (${f.approval})`, approval: undefined, updated: iso(home, env) } };
      await writeMission(home.root, stopped);
      await commitMission(home, env, stopped, 'promote', `mission ${f.id}: promotion denied by the owner`, [m.file, ...closed]);
      await recordSkillOutcomes(home, env, stopped);
      return { id: f.id, stage: 'promote', note: 'promote: denied by the owner; the mission is stopped' };
    }
    if (status !== 'approved' || !ledger || ledger.hash !== hash) {
      return settleStage(home, env, m, { stage: 'promote', ok: false, reason: `the approval ${f.approval} does not match this promotion (it was asked for another change, or not by this device)` }, await closePromotion(home, env, m, 'refused'));
    }
    await writeLedger(home.root, { ...ledger, state: 'performing', answered: ledger.answered ?? iso(home, env) });
  }
  const promoted = await mergeInto(home, env, f, tip, head);
  if ('error' in promoted) return settleStage(home, env, m, { stage: 'promote', ok: false, reason: promoted.error }, await closePromotion(home, env, m, 'refused'));
  return settleStage(home, env, m, { stage: 'promote', ok: true }, await closePromotion(home, env, m, 'done'), { 'Aos-Promoted': promoted.sha });
}

async function isAncestor(repo: string, env: Env, a: string, b: string): Promise<boolean> {
  try {
    await gitRead(repo, env.vars, ['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch (err) {
    if (err instanceof GitError) return false;
    throw err;
  }
}

/** Files the promotion's approval away (done, denied or refused); returns the files to commit. */
async function closePromotion(home: Home, env: Env, m: Mission, status: 'done' | 'denied' | 'refused'): Promise<string[]> {
  const id = m.front.approval;
  if (!id) return [];
  const file = `inbox/approvals/${id}.md`;
  if (!(await exists(join(home.root, file)))) return [];
  const ledger = await readLedger(home.root, id);
  if (ledger) await writeLedger(home.root, { ...ledger, state: status === 'done' ? 'performed' : status, answered: ledger.answered ?? iso(home, env) });
  const moved = await closeApproval(home.root, file, id, localTime(env.now(), home.config.owner.timezone).date, { status });
  return [file, moved];
}

/**
 * The merge itself: the new tip (the mission's head for a fast-forward, else a merge commit made
 * without a working tree), then the branch moved. A branch checked out in the target's working tree
 * moves by `git merge --ff-only` there, and only when that tree is clean.
 */
async function mergeInto(home: Home, env: Env, f: MissionFront, tip: string, head: string): Promise<{ sha: string } | { error: string }> {
  let next = head;
  if (f.merge === 'ff') {
    if (!(await isAncestor(f.repo, env, tip, head))) return { error: `${f.branch} moved on since the mission began (now ${tip.slice(0, 12)}); a fast-forward is impossible: set merge: merge in ${missionFile(f.id)} and aos mission resume ${f.id}` };
  } else {
    let tree: string;
    try {
      tree = (await gitRead(f.repo, env.vars, ['merge-tree', '--write-tree', tip, head])).split('\n')[0]!.trim();
    } catch (err) {
      if (err instanceof GitError) return { error: `merging ${f.mission_branch} into ${f.branch} conflicts: ${err.message.split('\n').slice(0, 5).join(' ')}` };
      throw err;
    }
    const msg = `mission ${f.id}: promote into ${f.branch}: ${f.goal}\n\nAos-Mission: ${f.id}\nAos-Stage: promote\n`;
    const who = home.owner;
    const repo = await openRepo(f.repo, env.vars, { who });
    next = (await repo.raw(['commit-tree', tree, '-p', tip, '-p', head, '-m', msg])).trim();
  }
  const trees = (await gitRead(f.repo, env.vars, ['worktree', 'list', '--porcelain'])).split('\n\n');
  const checkedOut = trees.find((t) => t.split('\n').includes(`branch refs/heads/${f.branch}`));
  if (checkedOut) {
    const dir = checkedOut.split('\n')[0]!.replace(/^worktree /, '');
    const dirty = (await gitRead(dir, env.vars, ['status', '--porcelain', '--untracked-files=no'])).trim();
    if (dirty) return { error: `${f.branch} is checked out in ${dir} with uncommitted changes (${dirty.split('\n').length} files); commit or stash them, then aos mission resume ${f.id}` };
    await git(dir, env, ['merge', '-q', '--ff-only', next]);
  } else {
    await git(f.repo, env, ['update-ref', `refs/heads/${f.branch}`, next, tip]);
  }
  return { sha: next };
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
    promote: m.front.approval ? [`approval ${m.front.approval}`] : m.front.status === 'promoted' ? [`${m.front.branch} of ${m.front.repo}`] : [],
  };
  const files: Record<string, boolean> = {};
  for (const name of ['plan.md', 'progress.md', 'verification.md', 'risk.md', 'architecture.md', 'arena.md', 'review.md']) files[name] = await exists(join(home.root, 'missions', m.front.id, name));
  return {
    ...m.front,
    file: m.file,
    ladder: stageLadder(m.front).map((s) => ({ ...s, evidence: s.state === 'todo' ? [] : evidence[s.stage]!.filter((e) => !e.endsWith('.md') || files[e] || e.includes('(')) })),
    contract: Object.keys(files).filter((k) => files[k]).map((k) => `missions/${m.front.id}/${k}`),
  };
}
