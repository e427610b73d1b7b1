// aos chain run|list|show (issue 20): start a run of a declared chain, and see runs step by step.
// A run is a file (chains/runs/<run>.md); each step an ordinary inbox item the tick files and runs.
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { openHome } from '../home/home.js';
import { chainByName, loadChains, loadRuns, startRun, type ChainRun } from '../home/chains.js';
import { appendLog } from '../home/log.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';
import { doneFolders, findDone } from '../home/store.js';
import { readIfExists } from '../home/files.js';
import { join } from 'node:path';

export async function run(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const name = String(args.name ?? '');
  const words = (args.input as string[] | undefined) ?? [];
  const chain = await chainByName(home.root, name);
  const input = words.length ? words.join(' ') : (chain.def.input ?? '');
  await commitHandEditsFirst(home, env, 'chain run');
  const started = (await startRun(home, env, chain, 'manual', input))!;
  const log = await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'chain', agent: 'owner', ref: started.run, body: `Started chain ${chain.name} (run ${started.run})${input ? ` with ${JSON.stringify(truncate(input, 100))}` : ''}.` });
  const sha = await commitAsOwner(home, env, 'chain run', {
    subject: `chain ${chain.name}: start run ${started.run}`,
    trailers: { 'Aos-Kind': 'chain', 'Aos-Chain': chain.name, 'Aos-Chain-Run': started.run },
    paths: [started.file, log],
  });
  if (env.out.json) return env.out.data({ run: started.run, file: started.file, chain: chain.name, committed: sha ?? null });
  env.out.line(`Started ${chain.name} as run ${started.run} (${started.file}); the next tick files step 1 (${chain.def.steps[0]!.name}, for ${chain.def.steps[0]!.agent}).${sha ? '' : ` (${LEFT_FOR_TICK})`}`);
}

export async function list(_args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const { chains, problems } = await loadChains(home.root);
  const runs = await loadRuns(home.root);
  const all = [...problems, ...runs.problems];
  const newest = [...runs.runs].reverse();
  // The watchers that start each chain (aos.yaml's watch.folders with chain:): the link lives there.
  const watchedBy = (chain: string) => home.config.watch.folders.filter((w) => w.chain === chain).map((w) => w.folder);
  if (env.out.json) {
    env.out.data({
      chains: [...chains.values()].map((c) => ({ name: c.name, file: c.file, description: c.def.description ?? null, trigger: c.def.trigger ?? null, watched: watchedBy(c.name), steps: c.def.steps.map((s) => ({ name: s.name, agent: s.agent, approve: s.approve })) })),
      runs: newest.map(runView),
      problems: all,
    });
  } else {
    if (!chains.size && !all.length) env.out.line('No chains: declare one in chains/<name>.yaml (see docs/decisions.md, "Chains").');
    if (chains.size) env.out.line(table([['CHAIN', 'STEPS', 'TRIGGER'], ...[...chains.values()].map((c) => [c.name, c.def.steps.map((s) => `${s.name}${s.approve ? '*' : ''}`).join(' → '), [triggerText(c.def.trigger), ...watchedBy(c.name).map((f) => `files in ${f}`)].join('; ')])]));
    if (newest.length) {
      env.out.line('');
      env.out.line(table([['RUN', 'STATUS', 'STEP', 'STARTED'], ...newest.map((r) => [r.front.run, r.front.status, stepAt(r), r.front.started])]));
    }
    for (const p of all) env.out.warn(formatProblem(p));
  }
  // A broken chain file needs the owner: exit 1, having shown the rest.
  return all.length ? 1 : 0;
}

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const id = String(args.run ?? '');
  const { runs, problems } = await loadRuns(home.root);
  const matches = runs.filter((r) => r.front.run === id || r.front.run.startsWith(id));
  if (!matches.length) {
    const bad = problems.find((p) => p.file.includes(id));
    if (bad) throw new UserError(`${bad.file} is invalid:\n${formatProblem(bad)}`);
    throw new UsageError(`no chain run "${id}" in chains/runs/ (aos chain list shows them)`);
  }
  if (matches.length > 1) throw new UsageError(`"${id}" names ${matches.length} runs: ${matches.map((m) => m.front.run).join(', ')}`);
  const r = matches[0]!;
  const folders = await doneFolders(home.root);
  const steps = [];
  for (const s of r.front.steps) {
    const file = (await readIfExists(join(home.root, `inbox/${s.item}.md`))) !== undefined ? `inbox/${s.item}.md` : await findDone(home.root, s.item, folders);
    steps.push({ ...s, file: file ?? null });
  }
  if (env.out.json) return env.out.data({ ...runView(r), input: r.input, steps });
  env.out.line(`${r.front.run} · chain ${r.front.chain} · ${r.front.status}${r.front.reason ? ` (${r.front.reason})` : ''}`);
  env.out.line(`started ${r.front.started} by ${r.front.trigger}${r.front.updated ? `, updated ${r.front.updated}` : ''}; input: ${truncate(r.input || '(none)', 100)}`);
  if (r.front.attachment) env.out.line(`file: ${r.front.attachment} (from ${r.front.source ?? 'a watched folder'}), attached to step 1's item`);
  env.out.line('');
  env.out.line(table([['#', 'STEP', 'AGENT', 'STATUS', 'ITEM'], ...steps.map((s, i) => [String(i + 1), s.name, s.agent, `${s.status}${s.approval && s.status === 'asked' ? ` (${s.approval})` : ''}`, s.file ?? s.item])]));
}

function runView(r: ChainRun) {
  return { run: r.front.run, chain: r.front.chain, status: r.front.status, reason: r.front.reason ?? null, trigger: r.front.trigger, attachment: r.front.attachment ?? null, source: r.front.source ?? null, started: r.front.started, updated: r.front.updated ?? null, file: r.file, steps: r.front.steps };
}

function stepAt(r: ChainRun): string {
  const i = r.front.steps.findIndex((s) => s.status !== 'done');
  if (i < 0) return `${r.front.steps.length}/${r.front.steps.length}`;
  return `${i + 1}/${r.front.steps.length} ${r.front.steps[i]!.name} (${r.front.steps[i]!.status})`;
}

function triggerText(t: { topic?: string; schedule?: string; watch?: string } | undefined): string {
  if (!t) return 'aos chain run';
  // A chain's own watch: starts nothing (a watcher's chain: does), so it is shown as the owner wrote it.
  if (t.topic) return `event ${t.topic}`;
  if (t.schedule) return `schedule "${t.schedule}"`;
  return `watch ${t.watch}`;
}
