// The tick's part in goals: due drills become inbox items for each goal's owner agent, and a skill
// whose progress has stalled gets a re-research item, so the method is reconsidered rather than
// repeated. Ids carry the day and the skill, and items already pending or done are looked for by
// name, so neither a second tick nor a second device files the same one twice.
import { join } from 'node:path';
import { cadenceDays, daysBetween, plateau, type Plateau } from '../core/goals/goals.js';
import type { Due } from '../core/goals/goaldue.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import type { Problem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';
import { doneFolders } from '../home/store.js';
import { readGoals, type Goal } from '../home/goals.js';
import { createExclusive, isErrno, listNames } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { commit } from '../git/git.js';

/** The names of pending and handled items, each tagged with where it is. */
async function itemNames(root: string): Promise<{ pending: string[]; all: string[] }> {
  const pending = (await listNames(join(root, 'inbox'))).filter((e) => e.isFile).map((e) => e.name);
  const all = [...pending];
  for (const folder of await doneFolders(root)) all.push(...(await listNames(join(root, folder))).map((e) => e.name));
  return { pending, all };
}

/** Whether a file name is an item filed under this key: YYYYMMDD-<key>.md, exactly (goal "drill-run" is not goal "run"). */
function filedUnder(name: string, key: string): boolean {
  return /^\d{8}-/.test(name) && name.slice(9) === `${key}.md`;
}

/** The day (YYYY-MM-DD) of the newest item filed under this key, if any. */
function lastFiled(names: string[], key: string): string | undefined {
  const days = names.filter((n) => filedUnder(n, key)).map((n) => `${n.slice(0, 4)}-${n.slice(4, 6)}-${n.slice(6, 8)}`);
  return days.sort().pop();
}

/**
 * Files drill and re-research items for active goals whose owner is an active agent that can think
 * (aos.yaml's model, or its own brain:). Otherwise nothing is filed: no agent could take the work,
 * and `aos goal due` and the brief show it.
 */
export async function fileGoalItems(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<string[]> {
  // Only agents that can think take drills: with provider none, those with their own brain:.
  const thinking = agents.filter((a) => a.front.status === 'active' && (home.config.model.provider !== 'none' || a.front.brain));
  if (!thinking.length) return [];
  const { goals, problems: bad } = await readGoals(home);
  problems.push(...bad);
  const owners = new Set(thinking.map((a) => a.id));
  const active = goals.filter((g) => g.front.status === 'active' && owners.has(g.front.owner));
  if (!active.length) return [];
  // Cron cadences need croner (42 KB): loaded only when a goal can be drilled, not on every tick.
  const { cadenceProblems, dueSkills } = await import('../core/goals/goaldue.js');
  problems.push(...cadenceProblems(active));
  const tz = home.config.owner.timezone;
  const now = env.now();
  const today = localTime(now, tz).date;
  const work = active.map((goal) => ({ goal, due: dueSkills(goal.front, goal.history, today, now, tz), flat: goal.front.skills.map((s) => plateau(s, goal.history)).filter((p): p is Plateau => Boolean(p)) }));
  // The common case: nothing due, nothing stalled, so no folder is listed.
  if (!work.some((w) => w.due.length || w.flat.length)) return [];
  const names = await itemNames(home.root);
  const created: string[] = [];
  for (const { goal, due: dues, flat: flats } of work) {
    for (const due of dues) {
      const key = `drill-${goal.name}.${due.skill}`;
      if (names.pending.some((n) => filedUnder(n, key))) continue;
      const last = lastFiled(names.all, key);
      const skill = goal.front.skills.find((s) => s.id === due.skill)!;
      // At most one drill a day; for N/week, not again within floor(7/N) days of the last one.
      if (last && daysBetween(last, today) < Math.max(1, Math.floor(cadenceDays(skill.cadence) ?? 1))) continue;
      const id = await file(home, env, goal, `${today.replace(/-/g, '')}-${key}`, 'drill', drillText(goal, due), `Drill due: ${goal.name} · ${due.skill} (${due.reason}).`);
      if (id) created.push(id);
    }
    for (const flat of flats) {
      const key = `research-${goal.name}.${flat.skill}`;
      if (names.pending.some((n) => filedUnder(n, key))) continue;
      // Once per plateau: again only after a whole new flat stretch began after the last one was filed.
      const last = lastFiled(names.all, key);
      if (last && last >= flat.since) continue;
      const id = await file(home, env, goal, `${today.replace(/-/g, '')}-${key}`, 'research', researchText(goal, flat), `Progress stalled: ${goal.name} · ${flat.skill} at ${flat.values.join(', ')} since ${flat.since}; asked to reconsider the method.`);
      if (id) created.push(id);
    }
  }
  return created;
}

async function file(home: Home, env: Env, goal: Goal, id: string, kind: 'drill' | 'research', text: string, logLine: string): Promise<string | undefined> {
  const tz = home.config.owner.timezone;
  const now = env.now();
  const path = `inbox/${id}.md`;
  const agent = goal.front.owner;
  // Loaded only when something is filed: it pulls in the YAML writer, which an idle tick never needs.
  const { renderItem } = await import('../core/runs/inbox.js');
  try {
    await createExclusive(join(home.root, path), renderItem({ id, text, created: localTime(now, tz).iso, from: 'goals', to: agent, kind }));
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return undefined;
    throw err;
  }
  const log = await appendLog(home, tz, now, { kind, agent, ref: id, body: logLine });
  // goal.plateau for its subscribers (issue 20), in the same commit as the re-research item.
  const told = kind === 'research' ? (await (await import('./events.js')).announce(home, env, 'goal.plateau', logLine, { about: id, commit: false })).files : [];
  await commit(home.root, env.vars, {
    who: agentIdentity(agent),
    subject: `${agent}: ${kind === 'drill' ? 'drill due' : 're-research'} for ${goal.name}`,
    trailers: { 'Aos-Kind': kind, 'Aos-Agent': agent, 'Aos-Item': id, 'Aos-Goal': goal.name, 'Aos-Device': home.device },
    paths: [path, log, ...told],
  }, home.redact);
  return id;
}

function drillText(goal: Goal, due: Due): string {
  const s = goal.front.skills.find((k) => k.id === due.skill)!;
  return [
    `Drill due for the goal "${goal.front.title}" (${goal.file}): ${s.name} (${s.id}).`,
    '',
    s.drill,
    '',
    `Cadence ${s.cadence}; ${due.reason}. Current ${s.current}, target ${s.target} (baseline ${s.baseline}).`,
    `Send the owner this drill, with fresh material. A score the owner reports is recorded with the log_progress tool (or goal_log over aos mcp; goal ${goal.name}, skill ${s.id}) or by the owner with: aos goal log ${goal.name} ${s.id} <value> --note "…"`,
  ].join('\n');
}

function researchText(goal: Goal, flat: Plateau): string {
  const s = goal.front.skills.find((k) => k.id === flat.skill)!;
  return [
    `Progress on "${s.name}" (${s.id}) in the goal "${goal.front.title}" (${goal.file}) has stalled:`,
    `the last ${flat.values.length} results since ${flat.since} were ${flat.values.join(', ')} (baseline ${s.baseline}, target ${s.target}).`,
    '',
    `The current drill: ${s.drill}`,
    '',
    'Reconsider the method rather than repeating it: research what moves this skill past this level,',
    `write what you found in the goal's "## Research notes" with sources, and propose a changed drill or cadence to the owner.`,
  ].join('\n');
}
