// `aos run <agent> "task"`: one run now, in the foreground, streaming the answer. The task becomes
// an inbox item like any other, so it is recorded, logged and committed exactly like a tick's run.
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { itemTooLarge } from '../core/runs/inbox.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import { localTime } from '../core/docs/time.js';
import { quoteSubject } from '../core/docs/commit.js';
import { openHome } from '../home/home.js';
import { acquireLock, lockPath } from '../home/lock.js';
import { createItem } from '../home/items.js';
import { loadAgents, loadInbox } from '../home/store.js';
import { commit, commitOwnerEdits } from '../git/git.js';
import { agentProvider } from '../model/brains.js';
import { executeRun, type RunReport } from '../flows/execute.js';
import { spentToday } from '../flows/spend.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import { overBudget } from '../flows/serve.js';
import { recover } from '../flows/recover.js';
import { clearOutage } from '../home/outage.js';

export async function run(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const id = String(args.agent);
  const words = (args.task as string[] | undefined) ?? [];
  const text = (words.length ? words.join(' ') : await env.readStdin()).trim();
  if (!text) throw new UsageError('nothing to do: give the task as an argument or on stdin');
  const tooLarge = itemTooLarge(words.length ? 'the task' : 'the task on stdin', text, home.config.inbox.max_item_kb);
  if (tooLarge) throw new UserError(formatProblem(tooLarge));
  const { agents } = await loadAgents(home.root, home.docs);
  const agent = agents.find((a) => a.id === id);
  if (!agent) throw new UsageError(`no agent "${id}": expected one of ${agents.map((a) => a.id).join(', ')}`);
  if (agent.front.status !== 'active') throw new UserError(`${id} is ${agent.front.status}; aos agent resume ${id} first`);
  const { caps, errors } = parseCapabilities(agent.front.capabilities);
  if (errors.length) throw new UserError(`${agent.file}: ${id} is disabled until its capabilities are fixed: ${errors.join('; ')}`);
  const choice = await agentProvider(home, env, agent, lockPath(home.root));
  if ('missing' in choice) throw new UserError(`cannot run ${id}: ${choice.missing}`);

  const over = overBudget(agent, await spentToday(home, env, id));
  if (over) throw new UserError(`cannot run ${id} now: ${over} (budget in ${agent.file})`);

  const stop = env.catchStop?.();
  const got = await acquireLock(home.root, env, { command: 'run', staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) {
    stop?.dispose();
    throw new UserError(`a tick is working in this home (pid ${got.heldBy?.pid ?? '?'}); try again in a moment, or add the task with aos inbox add`);
  }
  try {
    await recover(home, env, { tookOver: Boolean(got.lock.tookOver) });
    await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
    const at = env.now();
    const created = await createItem(home.root, env, { text, created: localTime(at, home.config.owner.timezone).iso, to: id }, at);
    await commit(home.root, env.vars, {
      who: home.owner,
      subject: `inbox: add ${quoteSubject(text)} for ${id}`,
      trailers: { 'Aos-Kind': 'inbox-add', 'Aos-Item': created.id, 'Aos-Device': home.device },
      paths: [created.file],
    }, home.redact);
    const item = (await loadInbox(home.root, home.docs)).items.find((i) => i.id === created.id);
    if (!item) throw new Error(`the item just written (${created.file}) did not load back`);
    const stream = !env.out.json;
    let streamed = false;
    const report = await executeRun({
      home,
      env,
      agent,
      caps,
      item,
      trigger: 'run',
      kind: 'run',
      provider: choice.provider,
      deadline: at.getTime() + home.config.tick.budget_seconds * 1000,
      spent: await spentToday(home, env, id),
      onText: stream
        ? (delta) => {
            streamed = true;
            env.out.write(delta);
          }
        : undefined,
      onRetry: (m) => env.out.warn(m),
      ...(stop ? { stop: stop.signal } : {}),
    });
    await home.docs.save();
    // A model that answered ends an outage the ticks recorded (a new key tried by hand, say).
    if (report.answered) await clearOutage(home.root);
    if (report.outcome === 'cancelled') {
      if (streamed) env.out.line('');
      if (env.out.json) env.out.data(report);
      env.out.warn(cancelledLine(report));
      return stop?.exitCode() ?? 130;
    }
    if (env.out.json) {
      env.out.data(report);
    } else {
      if (streamed) env.out.line('');
      if (report.outcome !== 'done' || !streamed) env.out.line(report.outcome === 'done' ? report.text : `${report.outcome}: ${report.text}`);
      env.out.warn(`(${report.run}; ${report.itemFile})`);
    }
    return report.outcome === 'failed' || report.outcome === 'unavailable' ? 1 : 0;
  } finally {
    await got.lock.release();
    stop?.dispose();
  }
}

/** The one line a stopped run prints: what was kept, and how to run it again. */
function cancelledLine(r: RunReport): string {
  const committed = r.commit ? `committed ${r.commit.slice(0, 7)}` : 'not committed';
  return `aos: ${r.text}: the run is cancelled and kept (${runRecordPath(r.run)}, ${committed}); ${r.itemFile} waits with status cancelled: set it back to new to run it again`;
}
