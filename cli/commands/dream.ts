import type { Args, Env } from '../env.js';
import { openHome } from '../home/home.js';
import { acquireLock } from '../home/lock.js';
import { loadAgents } from '../home/store.js';
import { commitOwnerEdits } from '../git/git.js';
import { chooseProvider } from '../model/provider.js';
import { applyDream, describeOp, gather, lastDream, notDue, planDream, DREAMER, type DreamPlan } from '../flows/dream.js';

function report(plan: DreamPlan): string[] {
  return [
    `gathered ${plan.gathered} log entries${plan.consolidated ? '' : plan.rejected ? ` (${plan.rejected}: not counted as a dream, they are offered to the next one)` : plan.gathered ? ' (no model: left for a dream with one)' : ''}`,
    ...plan.applied.map((op) => `applied  ${describeOp(op)}`),
    ...plan.refused.map((r) => `refused  ${JSON.stringify(r.op).slice(0, 100)}: ${r.reason}`),
    ...plan.pruned.map((p) => `pruned   ${p}`),
    ...(plan.refusedAll ? [`REFUSED the whole dream: ${plan.refusedAll}`] : []),
  ];
}

export async function dream(args: Args, env: Env): Promise<number> {
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
    if (!nothing && !args['dry-run']) sha = await applyDream(home, env, plan);
    if (env.out.json) {
      env.out.data({ ...plan, writes: [...plan.writes.keys()], committed: sha ?? null, dry_run: Boolean(args['dry-run']), model: provider ? provider.model : null });
    } else if (nothing) {
      env.out.line(entries.length && !provider ? `Nothing to prune; ${entries.length} log entries wait for a dream with a model (${'missing' in choice ? choice.missing : ''}).` : 'Nothing new since the last dream.');
    } else {
      env.out.line(report(plan).join('\n'));
      if (args['dry-run']) env.out.line('(dry run: nothing written)');
    }
    if (plan.refusedAll) env.out.warn(`the dream was refused: ${plan.refusedAll}`);
    return plan.refusedAll ? 1 : 0;
  } finally {
    await got.lock.release();
  }
}
