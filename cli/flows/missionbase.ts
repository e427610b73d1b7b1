// What every mission stage shares (issue 17, split out of flows/mission.ts for issue 18): the clock
// and git helpers, the mission's commit with its trailers, the rulebook and capabilities in force in
// its worktree, and `settleStage`, the one place a mission's stage changes.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity, type CommitSpec } from '../core/docs/commit.js';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { afterStage, skillOutcome, missionFile, type Mission, type MissionFront, type Stage, type StageResult } from '../core/missions/mission.js';
import { formatViolation, judgePaths, resolveRulebook, type Rulebook } from '../core/rules/judge.js';
import { CONFIG_FILE } from '../core/docs/configfile.js';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';
import { writeAtomic } from '../home/files.js';
import { readContract, writeContract, writeMission } from '../home/missions.js';
import { commit } from '../git/git.js';
import { openRepo } from '../git/run.js';

export const iso = (home: Home, env: Env) => localTime(env.now(), home.config.owner.timezone).iso;
export const git = async (root: string, env: Env, args: string[]) => (await openRepo(root, env.vars)).raw(args);

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
