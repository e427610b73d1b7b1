import type { Args, Env } from '../env.js';
import { UsageError, UserError } from '../errors.js';
import { openHome } from '../home/home.js';
import { acquireLock } from '../home/lock.js';
import { loadAgents } from '../home/store.js';
import { commitOwnerEdits } from '../git/git.js';
import { chooseProvider } from '../model/provider.js';
import { describeOp, gather, lastDream, notDue, planDream, DREAMER, type DreamPlan } from '../flows/dream.js';

function report(plan: DreamPlan): string[] {
  return [
    `gathered ${plan.gathered} log entries${plan.consolidated ? '' : plan.rejected ? ` (${plan.rejected}: not counted as a dream, they are offered to the next one)` : plan.gathered ? ' (no model: left for a dream with one)' : ''}`,
    ...plan.applied.map((op) => `applied  ${describeOp(op)}`),
    ...plan.refused.map((r) => `refused  ${JSON.stringify(r.op).slice(0, 100)}: ${r.reason}`),
    ...plan.pruned.map((p) => `pruned   ${p}`),
    ...(plan.refusedAll ? [`REFUSED the whole dream: ${plan.refusedAll}`] : []),
  ];
}

const ACTIONS: Record<string, (args: Args, env: Env) => Promise<void>> = { show, merge, drop, revert };

export async function dream(args: Args, env: Env): Promise<number> {
  if (args.action !== undefined) {
    const act = ACTIONS[String(args.action)];
    if (!act) throw new UsageError(`aos dream ${String(args.action)}: expected show, merge, drop or revert (then the dream's date), or nothing to dream now`);
    if (args.date === undefined && args.action === 'show') return list(env);
    if (args.date === undefined) throw new UsageError(`aos dream ${String(args.action)} <date>: which dream branch (aos dream show lists them)`);
    await act(args, env);
    return 0;
  }
  const home = await openHome(env);
  const got = await acquireLock(home.root, env, { command: 'dream', staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) {
    env.out.line(`another aos is working in this home (${got.heldBy?.command ?? '?'}, pid ${got.heldBy?.pid ?? '?'}); the dream waits for next time`);
    return 0;
  }
  try {
    if (!args['dry-run']) await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
    const last = await lastDream(home, env);
    if (args['if-due']) {
      const why = await notDue(home, env, last);
      if (why) {
        if (env.out.json) env.out.data({ due: false, reason: why });
        else if (env.isTTY) env.out.line(`Not due: ${why}.`);
        return 0;
      }
    }
    const entries = await gather(home, env, last);
    const { agents } = await loadAgents(home.root, home.docs);
    const dreamer = agents.find((a) => a.id === DREAMER);
    // The dream uses aos.yaml's provider; a brain: agent's model: names the brain's model, not one for that provider.
    const choice = await chooseProvider(home.config, env, home.root, dreamer?.front.brain ? undefined : dreamer?.front.model);
    const provider = 'provider' in choice ? choice.provider : undefined;
    const plan = await planDream(home, env, entries, provider, env.isTTY && !env.out.json ? (t) => env.out.warn(t) : undefined);
    await home.docs.save();
    const nothing = !plan.writes.size && !(plan.consolidated && plan.gathered) && !plan.refusedAll && !plan.rejected;
    let sha: string | undefined;
    let gated: import('../flows/dreamgate.js').GatedDream | undefined;
    if (!nothing && !args['dry-run']) {
      const { gatedDream } = await import('../flows/dreamgate.js');
      gated = await gatedDream(home, env, plan);
      sha = gated.merged;
    }
    if (env.out.json) {
      const { attempted: _a, indexBefore: _i, ...shown } = plan;
      env.out.data({ ...shown, writes: [...plan.writes.keys()], committed: sha ?? null, branch: gated?.branch ?? null, gates: gated?.gates ?? [], branches_pruned: gated?.pruned ?? [], dry_run: Boolean(args['dry-run']), model: provider ? provider.model : null });
    } else if (nothing) {
      env.out.line(entries.length && !provider ? `Nothing to prune; ${entries.length} log entries wait for a dream with a model (${'missing' in choice ? choice.missing : ''}).` : 'Nothing new since the last dream.');
    } else {
      env.out.line(report(plan).join('\n'));
      if (args['dry-run']) env.out.line('(dry run: nothing written)');
    }
    if (plan.refusedAll) env.out.warn(`the dream was refused: ${plan.refusedAll}`);
    if (gated?.gates.length) env.out.warn(`the dream waits on branch ${gated.branch}, not merged: ${gated.gates.join('; ')} (aos dream show|merge|drop ${gated.branch.slice(6)})`);
    return plan.refusedAll || gated?.gates.length ? 1 : 0;
  } finally {
    await got.lock.release();
  }
}

async function withLock<T>(env: Env, command: string, fn: (home: Awaited<ReturnType<typeof openHome>>) => Promise<T>): Promise<T> {
  const home = await openHome(env);
  const got = await acquireLock(home.root, env, { command, staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) throw new UserError(`another aos is working in this home (${got.heldBy?.command ?? '?'}, pid ${got.heldBy?.pid ?? '?'}); try again when it is done`);
  try {
    return await fn(home);
  } finally {
    await got.lock.release();
  }
}

/** aos dream show, no date: every dream branch, held ones first (they wait for the owner). */
async function list(env: Env): Promise<number> {
  const { listDreams } = await import('../flows/dreamgate.js');
  const home = await openHome(env);
  const dreams = await listDreams(home, env);
  if (env.out.json) {
    env.out.data(dreams);
    return 0;
  }
  if (!dreams.length) {
    env.out.line('No dream branches (each dream makes dream/<date>; merged ones older than 30 days are removed by the next dream).');
    return 0;
  }
  const order = { held: 0, merged: 1, reverted: 2 };
  for (const d of [...dreams].sort((a, b) => order[a.state] - order[b.state] || b.name.localeCompare(a.name))) {
    env.out.line(`dream/${d.name} · ${d.commit.slice(0, 10)} · ${d.state}${d.merged ? ` (${d.merged.slice(0, 10)})` : ''} · gates: ${d.gates}`);
  }
  const held = dreams.filter((d) => d.state === 'held').length;
  if (held) env.out.line(`\n${held} held: aos dream show <date> for the change, then aos dream merge or drop <date>.`);
  return 0;
}

async function show(args: Args, env: Env): Promise<void> {
  const { showDream } = await import('../flows/dreamgate.js');
  const home = await openHome(env);
  const s = await showDream(home, env, String(args.date));
  if (env.out.json) return env.out.data(s);
  env.out.line(`${s.branch} · ${s.commit.slice(0, 10)} · ${s.merged ? `merged (${s.merged.slice(0, 10)})` : 'not merged'} · gates: ${s.gates}`);
  env.out.line(s.subject);
  for (const f of s.files) env.out.line(`  ${f.status} ${f.path}`);
  if (s.diff.trim()) env.out.line(`\n${s.diff.trimEnd()}`);
}

async function merge(args: Args, env: Env): Promise<void> {
  const { mergeDream } = await import('../flows/dreamgate.js');
  const sha = await withLock(env, 'dream merge', async (home) => {
    await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
    return mergeDream(home, env, String(args.date));
  });
  if (env.out.json) return env.out.data({ merged: String(args.date), commit: sha ?? null });
  env.out.line(sha ? `Merged dream/${String(args.date)} (${sha.slice(0, 10)}).` : `dream/${String(args.date)} changes nothing on the main branch.`);
}

async function drop(args: Args, env: Env): Promise<void> {
  const { dropDream } = await import('../flows/dreamgate.js');
  const sha = await withLock(env, 'dream drop', (home) => dropDream(home, env, String(args.date)));
  if (env.out.json) return env.out.data({ dropped: String(args.date), commit: sha });
  env.out.line(`Dropped dream/${String(args.date)} (was ${sha.slice(0, 10)}; git branch dream/${String(args.date)} ${sha.slice(0, 10)} brings it back while git keeps the object).`);
}

async function revert(args: Args, env: Env): Promise<void> {
  const { revertDream } = await import('../flows/dreamgate.js');
  const r = await withLock(env, 'dream revert', async (home) => {
    await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
    return revertDream(home, env, String(args.date));
  });
  if (env.out.json) return env.out.data({ reverted: String(args.date), commit: r.commit ?? null, restored: r.restored, kept: r.kept });
  env.out.line(`Reverted dream/${String(args.date)}: restored ${r.restored.join(', ') || 'nothing'}${r.kept.length ? `; kept (changed since): ${r.kept.join(', ')}` : ''}.`);
}
