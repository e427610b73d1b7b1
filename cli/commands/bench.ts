// aos bench show: benchmark results in benchmarks/, each printed with the configuration that made
// it (the mode first). A result without its configuration is refused, naming the file.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Args, Env } from '../env.js';
import { UserError, formatProblem, type Problem } from '../errors.js';
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
