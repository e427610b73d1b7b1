// aos mission new|list|show|stop|resume (issue 17). A mission's stages run in the tick; these verbs
// make one, show where each stands, and stop or resume one. Each takes the home's lock, so a tick in
// progress never has mission.md rewritten under it.
import { resolve } from 'node:path';
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { openHome, type Home } from '../home/home.js';
import { acquireLock } from '../home/lock.js';
import { loadMissions, missionIds, readMission } from '../home/missions.js';
import { table, truncate } from '../output.js';
import { thresholdText } from '../core/missions/gates.js';

async function locked<T>(home: Home, env: Env, command: string, fn: () => Promise<T>): Promise<T> {
  const got = await acquireLock(home.root, env, { command, staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) throw new UserError(`another aos is working in this home${got.heldBy ? ` (${got.heldBy.command}, pid ${got.heldBy.pid})` : ''}; try again when it is done`);
  try {
    return await fn();
  } finally {
    await got.lock.release();
  }
}

function count(args: Args, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (name === 'repair-rounds' ? 0 : 1)) throw new UsageError(`--${name} "${String(raw)}": expected a whole number${name === 'repair-rounds' ? '' : ' of 1 or more'}`);
  return n;
}

function figure(args: Args, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} "${String(raw)}": expected a number (the bench's figure is compared with it)`);
  return n;
}

/** --bench "<command>" with --bench-min and/or --bench-max: the mission's benchmark gate. */
function benchOption(args: Args): { bench?: { command: string; min?: number; max?: number } } {
  const min = figure(args, 'bench-min');
  const max = figure(args, 'bench-max');
  if (args.bench === undefined) {
    if (min !== undefined || max !== undefined) throw new UsageError('--bench-min/--bench-max: name the bench command too (--bench "<command>")');
    return {};
  }
  const command = String(args.bench).trim();
  if (!command) throw new UsageError('--bench "<command>": the command is empty');
  if (min === undefined && max === undefined) throw new UsageError(`--bench "${command}": give its threshold, --bench-min N (the figure must be at least N) and/or --bench-max N`);
  if (min !== undefined && max !== undefined && min > max) throw new UsageError(`--bench-min ${min} is larger than --bench-max ${max}`);
  return { bench: { command, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } };
}

export async function create(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const goal = (Array.isArray(args.goal) ? args.goal.join(' ') : String(args.goal ?? '')).trim();
  if (!goal) throw new UsageError('aos mission new "<goal>": the goal is missing');
  const checks = ((args.check as string[] | string | undefined) === undefined ? [] : ([] as string[]).concat(args.check as string[] | string)).map((c) => c.trim()).filter(Boolean);
  const { newMission } = await import('../flows/mission.js');
  const m = await locked(home, env, 'mission new', () =>
    newMission(home, env, {
      goal,
      repo: resolve(env.cwd, String(args.repo ?? home.root)),
      ...(args.agent !== undefined ? { agent: String(args.agent) } : {}),
      checks,
      ...(args.promote !== undefined ? { promote: args.promote as 'ask' | 'auto' } : {}),
      ...(args.merge !== undefined ? { merge: args.merge as 'ff' | 'merge' } : {}),
      ...(count(args, 'repair-rounds') !== undefined ? { repairRounds: count(args, 'repair-rounds')! } : {}),
      ...(count(args, 'max-files') !== undefined ? { maxFiles: count(args, 'max-files')! } : {}),
      ...(count(args, 'max-kb') !== undefined ? { maxKb: count(args, 'max-kb')! } : {}),
      ...(count(args, 'candidates') !== undefined ? { candidates: count(args, 'candidates')! } : {}),
      ...(args.skill !== undefined ? { skills: ([] as string[]).concat(args.skill as string[] | string).map((x) => String(x).trim()).filter(Boolean) } : {}),
      ...(args.review !== undefined ? { review: String(args.review) } : {}),
      ...(args.brains !== undefined ? { brains: String(args.brains).split(',').map((b) => b.trim()).filter(Boolean) } : {}),
      ...(args['review-brains'] !== undefined ? { reviewBrains: String(args['review-brains']).split(',').map((b) => b.trim()).filter(Boolean) } : {}),
      ...benchOption(args),
    }),
  );
  if (env.out.json) env.out.data({ ...m.front, file: m.file });
  else {
    env.out.line(`Mission ${m.front.id}: ${m.front.goal}`);
    env.out.line(`  target ${m.front.branch} of ${m.front.repo} at ${m.front.base.slice(0, 12)}; worktree ${m.front.worktree} on ${m.front.mission_branch}`);
    if ((m.front.candidates ?? 1) > 1) env.out.line(`  implement is an arena of ${m.front.candidates} candidates (aos/mission/${m.front.id}/c1…c${m.front.candidates}${m.front.brains?.length ? `; brains ${m.front.brains.join(', ')}` : ''}); the best goes on, the others are pruned`);
    if (m.front.review) env.out.line(`  ${m.front.review} reviews the change before promote${m.front.review_brains?.length ? `, once with each brain (${m.front.review_brains.join(', ')}); all must approve` : ''}`);
    if (m.front.bench) env.out.line(`  the bench \`${m.front.bench.command}\` must measure ${thresholdText(m.front.bench)} before promote (its last printed number)`);
    if (m.front.skills?.length) env.out.line(`  skills: ${m.front.skills.join(', ')} (their records get the outcome)`);
    env.out.line(`  the tick takes it one stage at a time: plan, implement, verify, replay, promote (${m.front.promote === 'ask' ? 'you approve the promotion' : 'promoted without asking'}). aos mission show ${m.front.id}`);
  }
  return 0;
}

async function find(home: Home, wanted: string): Promise<string> {
  const ids = await missionIds(home.root);
  const hits = ids.filter((id) => id === wanted || id.startsWith(wanted) || id.startsWith(`m-${wanted}`) || id.endsWith(wanted));
  if (hits.length === 1) return hits[0]!;
  if (!hits.length) throw new UsageError(`no mission "${wanted}" in missions/ (aos mission list shows them)`);
  if (hits.includes(wanted)) return wanted;
  throw new UsageError(`"${wanted}" names ${hits.length} missions: ${hits.join(', ')}`);
}

export async function list(_args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const { missions, problems } = await loadMissions(home.root);
  if (env.out.json) {
    env.out.data({ missions: missions.map((m) => ({ file: m.file, ...m.front })), problems });
    return problems.length ? 1 : 0;
  }
  for (const p of problems) env.out.warn(formatProblem(p));
  if (!missions.length) env.out.line('No missions. aos mission new "<goal>" --repo <path> makes one.');
  else env.out.line(table([['ID', 'STATUS', 'STAGE', 'ROUND', 'GOAL'], ...missions.map((m) => [m.front.id, m.front.status, m.front.stage, `${m.front.round}/${m.front.repair_rounds}`, truncate(m.front.goal, 60)])]));
  return problems.length ? 1 : 0;
}

export async function show(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const m = await readMission(home.root, await find(home, String(args.id)));
  const { missionView } = await import('../flows/mission.js');
  const view = await missionView(home, m);
  if (env.out.json) {
    env.out.data(view);
    return 0;
  }
  env.out.line(`${m.front.id}: ${m.front.goal}`);
  env.out.line(`status ${m.front.status}${m.front.reason ? ` (${m.front.reason})` : ''}; target ${m.front.branch} of ${m.front.repo}; agent ${m.front.agent}; round ${m.front.round}/${m.front.repair_rounds}`);
  const mark = { done: '[x]', current: '[>]', stopped: '[!]', todo: '[ ]' } as const;
  for (const s of view.ladder) env.out.line(`${mark[s.state]} ${s.stage.padEnd(9)} ${s.evidence.join(', ')}`);
  env.out.line(`contract: ${view.contract.join(', ')}`);
  return 0;
}

async function setStatus(args: Args, env: Env, to: 'stopped' | 'active'): Promise<number> {
  const home = await openHome(env);
  const id = await find(home, String(args.id));
  const { setMissionStatus } = await import('../flows/mission.js');
  const m = await locked(home, env, `mission ${to === 'stopped' ? 'stop' : 'resume'}`, () => setMissionStatus(home, env, id, to));
  if (env.out.json) env.out.data({ id: m.front.id, status: m.front.status, stage: m.front.stage });
  else env.out.line(to === 'stopped' ? `Stopped ${id} at ${m.front.stage}; aos mission resume ${id} goes on from there.` : `Resumed ${id} at ${m.front.stage}; the next tick advances it.`);
  return 0;
}

export const stop = (args: Args, env: Env) => setStatus(args, env, 'stopped');
export const resume = (args: Args, env: Env) => setStatus(args, env, 'active');
