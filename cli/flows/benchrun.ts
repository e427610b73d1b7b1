// aos bench run <suite> (issue 18): a suite is a folder of tasks (bench/missions/<suite>/<task>/ with
// task.md — front matter goal and checks — and repo/, the starting files). Each task becomes a real
// git repository under the home's .aos/bench/, then a mission (promote: auto) driven stage by stage
// here until it ends; the result file benchmarks/<date>-<suite>.md records exactly the configuration
// (disclosureDocument) and each task's outcome and cost. Results are the home's, committed.
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import type { Env } from '../env.js';
import { UsageError, UserError } from '../errors.js';
import { parseFrontMatter } from '../core/docs/frontmatter.js';
import { localTime } from '../core/docs/time.js';
import { agentIdentity } from '../core/docs/commit.js';
import { disclosureDocument, type Disclosure } from '../core/arena/disclosure.js';
import type { Home } from '../home/home.js';
import { exists, writeAtomic } from '../home/files.js';
import { readMission } from '../home/missions.js';
import { readRecord } from '../home/records.js';
import { commit } from '../git/git.js';
import { advanceMission, git, newMission } from './mission.js';

declare const AOS_VERSION: string | undefined;

export interface BenchOptions {
  suite: string;
  mode: 'single-model' | 'full-loop';
  candidates: number;
  brains?: string[];
  repairRounds: number;
  agent?: string;
  /** Stages per task at most (a guard against a mission that never ends). */
  maxSteps: number;
  deadline: number;
}

interface Task {
  name: string;
  goal: string;
  checks: string[];
  dir: string;
}

/** The suite's folder: the home's bench/missions/<suite>, else the one shipped with aos. */
async function suiteDir(home: Home, env: Env, suite: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(suite)) throw new UsageError(`suite "${suite}": expected a folder name of lowercase letters, digits and dashes`);
  for (const root of [home.root, env.packageRoot]) {
    const dir = join(root, 'bench/missions', suite);
    if (await exists(dir)) return dir;
  }
  throw new UserError(`no suite "${suite}" in bench/missions/ of the home or of aos (${join(env.packageRoot, 'bench/missions')})`);
}

async function readTasks(dir: string): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    const file = join(dir, name, 'task.md');
    if (!(await exists(file))) continue;
    const doc = parseFrontMatter(file, await fs.readFile(file, 'utf8'));
    const data = (doc.data ?? {}) as { goal?: unknown; checks?: unknown };
    if (doc.problems.length || typeof data.goal !== 'string' || !Array.isArray(data.checks)) {
      throw new UserError(`${file}: expected front matter with goal: (a text) and checks: (a list of commands)`);
    }
    tasks.push({ name, goal: data.goal, checks: data.checks.map(String), dir: join(dir, name) });
  }
  if (!tasks.length) throw new UserError(`${dir} holds no tasks (each is a folder with task.md and repo/)`);
  return tasks;
}

async function copyTree(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
}

export async function runBench(home: Home, env: Env, o: BenchOptions, progress: (line: string) => void): Promise<{ file: string; disclosure: Disclosure }> {
  const dir = await suiteDir(home, env, o.suite);
  const tasks = await readTasks(dir);
  const date = localTime(env.now(), home.config.owner.timezone).date;
  const results: Disclosure['tasks'] = [];
  const models = new Set<string>();
  for (const t of tasks) {
    // A fresh repository per task and run: the suite's files are never changed.
    const repo = join(home.root, '.aos/bench', o.suite, `${t.name}-${env.now().getTime()}`);
    await fs.mkdir(repo, { recursive: true });
    await copyTree(join(t.dir, 'repo'), repo);
    await git(repo, env, ['init', '-q', '-b', 'main']);
    await git(repo, env, ['add', '-A']);
    await git(repo, env, ['-c', 'user.name=aos', '-c', 'user.email=aos@aos.invalid', 'commit', '-qm', `bench ${o.suite}/${t.name}: start`]);
    let m = await newMission(home, env, {
      goal: t.goal, repo, checks: t.checks, promote: 'auto', merge: 'ff', repairRounds: o.repairRounds,
      ...(o.agent ? { agent: o.agent } : {}),
      ...(o.candidates > 1 ? { candidates: o.candidates } : {}),
      ...(o.brains?.length ? { brains: o.brains } : {}),
    });
    for (let i = 0; i < o.maxSteps && m.front.status === 'active' && m.front.stage !== 'done'; i++) {
      if (env.now().getTime() >= o.deadline) break;
      const step = await advanceMission(home, env, m, o.deadline);
      progress(`${t.name}: ${step.note}`);
      m = await readMission(home.root, m.front.id);
    }
    // A mission the time or the step limit cut counts as stopped: the result says what happened.
    const outcome = m.front.status === 'promoted' ? 'promoted' : m.front.status === 'active' || m.front.status === 'stopped' ? 'stopped' : m.front.status;
    const cost = await missionCost(home, m.front.id);
    for (const x of cost.models) models.add(x);
    results.push({ task: t.name, outcome, tokens: cost.tokens, usd: cost.usd });
    progress(`${t.name}: ${outcome} (mission ${m.front.id})`);
  }
  const disclosure: Disclosure = {
    suite: o.suite,
    date,
    mode: o.mode,
    brains: o.brains?.length ? o.brains : [home.config.model.provider],
    models: models.size ? [...models].sort() : [home.config.model.model ?? '?'],
    candidates: o.candidates,
    repair_rounds: o.repairRounds,
    retries: 0,
    checks: [...new Set(tasks.flatMap((t) => t.checks))],
    aos_version: typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev',
    device: home.device,
    tasks: results,
  };
  const file = `benchmarks/${date}-${o.suite}.md`;
  await fs.mkdir(join(home.root, 'benchmarks'), { recursive: true });
  await writeAtomic(join(home.root, file), disclosureDocument(disclosure));
  await commit(home.root, env.vars, { who: agentIdentity('aos'), subject: `bench: ${o.suite}: ${results.filter((r) => r.outcome === 'promoted').length}/${results.length} promoted (${o.mode})`, trailers: { 'Aos-Kind': 'bench', 'Aos-Device': home.device }, paths: [file] }, home.redact);
  return { file: relative(home.root, join(home.root, file)), disclosure };
}

/** Tokens and USD of every run on the mission's stage items (plan, candidates, repairs, reviews). */
async function missionCost(home: Home, id: string): Promise<{ tokens: number; usd: number | null; models: string[] }> {
  const { listRecords } = await import('../home/records.js');
  let tokens = 0;
  let usd: number | null = 0;
  const models = new Set<string>();
  for (const file of await listRecords(home.root)) {
    const rec = await readRecord(home.root, file).catch(() => undefined);
    if (!rec || !rec.front.item?.startsWith(`${id}-`) || rec.front.trigger === 'replay') continue;
    const u = rec.front.usage;
    tokens += u.input + u.output + u.cache_read + u.cache_write;
    usd = usd === null || rec.front.cost_usd === undefined ? null : usd + rec.front.cost_usd;
    models.add(rec.front.model);
  }
  return { tokens, usd, models: [...models] };
}
