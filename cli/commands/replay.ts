// `aos replay <run>`: re-executes a run in a scratch worktree at the commit before it, with the
// recorded model turns (or, with --live, the current model), and reports where it diverges.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Args, Env } from '../env.js';
import { UserError } from '../errors.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import { runRecordPath, capResult, type RecordEntry } from '../core/runs/runrecord.js';
import { compareRuns, type Divergence } from '../core/runs/divergence.js';
import { openHome, type Home } from '../home/home.js';
import { DocCache } from '../home/doccache.js';
import { loadAgents, loadInbox } from '../home/store.js';
import { gitRead } from '../git/run.js';
import { addWorktree, removeWorktree } from '../git/git.js';
import { createReplayProvider } from '../model/replay.js';
import { chooseProvider } from '../model/provider.js';
import { executeRun } from '../flows/execute.js';
import { findRecord, readRecord } from '../home/records.js';

export async function replay(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const file = await findRecord(home.root, String(args.run));
  const rec = await readRecord(home.root, file);
  const f = rec.front;
  const sha = (await gitRead(home.root, env.vars, ['log', '--all', '-n1', '--format=%H', '--fixed-strings', `--grep=Aos-Run: ${f.run}`])).trim();
  if (!sha) throw new UserError(`run ${f.run} has no commit (it may still be running, or was never committed); nothing to replay from`);
  // A resumed run starts from the conversation its earlier run recorded.
  let prefix = 0;
  if (f.resumes) {
    try {
      prefix = (await readRecord(home.root, runRecordPath(f.resumes))).entries.length;
    } catch {
      throw new UserError(`run ${f.run} resumes ${f.resumes}, whose record cannot be read; it cannot be replayed`);
    }
  }
  const note = rec.entries[prefix]?.type === 'user' && f.resumes ? rec.entries[prefix] : undefined;
  const recorded = rec.entries.slice(prefix + (note ? 1 : 0));
  const dir = join(mkdtempSync(join(tmpdir(), 'aos-replay-')), 'home');
  await addWorktree(home.root, env.vars, dir, `${sha}^`);
  try {
    const scratch: Home = { ...home, root: dir, docs: DocCache.none() };
    const { agents } = await loadAgents(dir, scratch.docs);
    const agent = agents.find((a) => a.id === f.agent);
    if (!agent) throw new UserError(`agents/${f.agent}.md did not exist before run ${f.run}; nothing to replay`);
    const item = (await loadInbox(dir, scratch.docs)).items.find((i) => i.id === f.item);
    if (!item) throw new UserError(`item ${f.item ?? '?'} was not in inbox/ before run ${f.run}; nothing to replay`);
    const { caps, errors } = parseCapabilities(agent.front.capabilities);
    if (errors.length) throw new UserError(`${agent.file}: ${errors.join('; ')}`);
    let provider;
    if (args.live) {
      const choice = await chooseProvider(home.config, env, dir, agent.front.model);
      if ('missing' in choice) throw new UserError(`--live needs a model: ${choice.missing}`);
      provider = choice.provider;
    } else {
      provider = createReplayProvider(recorded, f.model);
    }
    const started = new Date(f.started);
    const frozen: Env = { ...env, now: () => (args.live ? new Date() : started) };
    const report = await executeRun({
      home: scratch,
      env: frozen,
      agent,
      caps,
      item,
      trigger: 'replay',
      kind: 'run',
      provider,
      deadline: Date.now() + home.config.tick.budget_seconds * 1000,
      spent: { tokens: 0, usd: 0 },
      resume: f.resumes ? { run: f.resumes, entries: rec.entries.slice(0, prefix), note: note && typeof note.content === 'string' ? note.content : undefined } : undefined,
      replay: { run: f.run },
    });
    const again = await readRecord(dir, runRecordPath(f.run));
    const fresh = again.entries.slice(prefix + (note ? 1 : 0));
    const divergence = compareRuns(recorded, fresh, { live: Boolean(args.live), cap: capResult });
    return print(env, f.run, sha, divergence, report.outcome, f.outcome, Boolean(args.live), recorded, fresh);
  } finally {
    await removeWorktree(home.root, env.vars, dir).catch(() => rmSync(dir, { recursive: true, force: true }));
  }
}

function print(env: Env, run: string, sha: string, d: Divergence, outcome: string, was: string, live: boolean, recorded: RecordEntry[], fresh: RecordEntry[]): number {
  const view = { run, from_commit: `${sha.slice(0, 12)}^`, mode: live ? 'live' : 'recorded', recorded_outcome: was, replay_outcome: outcome, ...d };
  if (env.out.json) {
    env.out.data(view);
  } else {
    env.out.line(`Replayed ${run} (${live ? 'against the current model' : 'with its recorded model turns'}) from ${view.from_commit} in a scratch worktree.`);
    for (const s of d.steps) env.out.line(`turn ${s.turn}: ${s.same ? 'same' : 'DIFFERS'}: ${s.what}`);
    env.out.line(`outcome: recorded ${was}, replay ${outcome}`);
    env.out.line(d.divergedAt === null ? 'No divergence.' : `Diverges at turn ${d.divergedAt}: ${d.reason}`);
    if (live) env.out.line(`(recorded ${recorded.filter((e) => e.type === 'model').length} model turns, live ${fresh.filter((e) => e.type === 'model').length})`);
  }
  return 0;
}
