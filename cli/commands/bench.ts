// aos bench show: benchmark results in benchmarks/, each printed with the configuration that made
// it (the mode first). A result without its configuration is refused, naming the file.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem, type Problem } from '../errors.js';
import { readDisclosure, score, scoreLine, type Disclosure } from '../core/arena/disclosure.js';
import { openHome } from '../home/home.js';
import { listNames } from '../home/files.js';

export const RESULTS_FOLDER = 'benchmarks';

export async function show(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const wanted = args.result === undefined ? undefined : String(args.result).replace(/^benchmarks\//, '').replace(/\.md$/, '');
  const names = (await listNames(join(home.root, RESULTS_FOLDER))).filter((e) => e.isFile && e.name.endsWith('.md')).map((e) => e.name.slice(0, -3)).sort();
  const chosen = wanted === undefined ? names : names.filter((n) => n === wanted || n.endsWith(`-${wanted}`));
  if (wanted !== undefined && !chosen.length) throw new UserError(`no result "${wanted}" in ${RESULTS_FOLDER}/ (aos bench show lists them)`);
  const results: (Disclosure & { file: string })[] = [];
  const refused: Problem[] = [];
  for (const name of chosen) {
    const file = `${RESULTS_FOLDER}/${name}.md`;
    const r = readDisclosure(file, await fs.readFile(join(home.root, file), 'utf8'));
    if (r.disclosure) results.push({ ...r.disclosure, file });
    else refused.push(...r.problems);
  }
  if (env.out.json) {
    env.out.data({ results: results.map((d) => ({ ...d, score: score(d) })), refused });
  } else {
    for (const p of refused) env.out.warn(`refused ${formatProblem(p)}`);
    if (!results.length && !refused.length) env.out.line(`No results in ${RESULTS_FOLDER}/ yet.`);
    for (const d of results) env.out.line(scoreLine(d));
  }
  // Asked for one result and it was refused: that is an error, not a listing with a warning.
  return wanted !== undefined && refused.length ? 1 : 0;
}

/** aos bench run <suite>: the suite's tasks as missions, driven here, and a disclosed result. */
export async function run(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const suite = String(args.suite ?? '').trim();
  if (!suite) throw new UsageError('aos bench run <suite>: the suite is missing (a folder of bench/missions/)');
  const mode = (args.mode ?? 'full-loop') as 'single-model' | 'full-loop';
  const num = (name: string, dflt: number, min: number): number => {
    const raw = args[name];
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} "${String(raw)}": expected a whole number of ${min} or more`);
    return n;
  };
  // single-model: one model, one attempt per stage; the configuration says so whatever else was asked.
  const candidates = mode === 'single-model' ? 1 : num('candidates', 1, 1);
  const repairRounds = mode === 'single-model' ? 0 : num('repair-rounds', home.config.mission?.repair_rounds ?? 2, 0);
  const brains = args.brains === undefined ? undefined : String(args.brains).split(',').map((b) => b.trim()).filter(Boolean);
  const { acquireLock } = await import('../home/lock.js');
  const got = await acquireLock(home.root, env, { command: 'bench run', staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) throw new UserError(`another aos is working in this home${got.heldBy ? ` (${got.heldBy.command}, pid ${got.heldBy.pid})` : ''}; try again when it is done`);
  try {
    const { runBench } = await import('../flows/benchrun.js');
    const minutes = num('minutes', 60, 1);
    const r = await runBench(home, env, {
      suite, mode, candidates, repairRounds,
      ...(brains ? { brains } : {}),
      ...(args.agent !== undefined ? { agent: String(args.agent) } : {}),
      maxSteps: num('max-steps', 30, 1),
      deadline: env.now().getTime() + minutes * 60_000,
    }, (line) => { if (!env.out.json) env.out.line(`  ${line}`); });
    if (env.out.json) env.out.data({ file: r.file, ...r.disclosure, score: score(r.disclosure) });
    else env.out.line(`${r.file}: ${scoreLine(r.disclosure)}`);
    return 0;
  } finally {
    await got.lock.release();
  }
}
