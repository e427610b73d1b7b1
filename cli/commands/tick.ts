import type { Args, Env } from '../env.js';
import { formatProblem } from '../errors.js';
import { openHome, type Home } from '../home/home.js';
import { acquireLock, inspectLock } from '../home/lock.js';
import { notify } from '../home/notify.js';
import { writeLastTick } from '../home/heartbeat.js';
import { tickOutcome } from '../core/runs/heartbeat.js';
import { outageLine } from '../core/runs/outage.js';
import { planTick, tick as runTick, type TickPlan, type TickReport } from '../flows/tick.js';
import type { ForeseenChain } from '../flows/chains.js';
import type { ForeseenFile } from '../flows/watch.js';

function summary(r: TickReport): string[] {
  const lines: string[] = [];
  for (const n of r.recovered) lines.push(`recovered: ${n}`);
  for (const u of r.unsupported) lines.push(`moved ${u.from} to ${u.to}: ${u.why ? `not sent to the model: ${u.why}` : 'the inbox takes only .md items'} (the file is kept there)`);
  for (const f of r.filed ?? []) lines.push(f.item ? `filed ${f.item} from ${f.source}` : f.run ? `started chain ${f.chain} run ${f.run} from ${f.source}` : `not filed ${f.source}: ${f.refused} (the file stays where it is)`);
  if (r.ownerEdits.length) lines.push(`committed your hand edits (${r.ownerEdits.length} file${r.ownerEdits.length === 1 ? '' : 's'})`);
  for (const id of r.scheduled) lines.push(`scheduled ${id}`);
  for (const c of r.chains ?? []) lines.push(c);
  for (const run of r.runs) {
    const text = run.text.split('\n')[0]!.slice(0, 100);
    lines.push(`${run.outcome.padEnd(10)} ${run.item} by ${run.agent} (${run.run}): ${text}`);
  }
  for (const w of r.waiting) lines.push(`waiting    ${w.item}: ${w.reason}`);
  for (const m of r.missions ?? []) lines.push(`mission    ${m.id}: ${m.note}`);
  if (r.noModel) lines.push(`No model: ${r.noModel}. Nothing is lost: the items stay in inbox/ until a model is configured.`);
  if (r.stoppedEarly) lines.push(r.stoppedEarly);
  return lines;
}

function planLines(p: TickPlan, lock: string | undefined): string[] {
  const lines = ['Dry run: nothing was changed.'];
  if (lock) lines.push(lock);
  for (const r of p.recover) lines.push(`would recover: ${r}`);
  for (const h of p.held) {
    lines.push(
      h.gone
        ? `would drop the held answer of run ${h.run}: ${h.item} is gone (the answer stays in ${h.record})`
        : `would write first: the held answer of run ${h.run} to ${h.item}, without asking the model again (held: ${h.reason}; until that is fixed it stays held)`,
    );
  }
  if (p.ownerEdits.length) lines.push(`would commit your hand edits (${p.ownerEdits.length} file${p.ownerEdits.length === 1 ? '' : 's'}): ${p.ownerEdits.join(', ')}`);
  for (const f of p.files ?? []) lines.push(`would file ${f} as an item carrying it (inbox/files/)`);
  for (const u of p.unsupported) lines.push(`would move ${u} to inbox/unsupported/ (the inbox takes only .md items)`);
  if (p.sync) lines.push('would pull before the runs and push after them (sync.auto)');
  for (const s of p.scheduled) lines.push(`would schedule ${s.id} for ${s.agent} (${s.slot})`);
  for (const w of p.watched ?? []) lines.push(watchedLine(w));
  for (const c of p.chains ?? []) lines.push(chainLine(c));
  let n = 0;
  for (const r of p.runs) {
    if (!('agent' in r)) lines.push('refused' in r ? `would refuse ${r.item}: ${r.refused}` : `waiting    ${r.item}: ${r.wait}`);
    else lines.push(`would run ${String(++n).padStart(2)}. ${r.item} by ${r.agent} (${r.via}${'classifier' in r ? `; ${r.classifier}` : ''})`);
  }
  for (const m of p.missions ?? []) lines.push(`would take mission ${m.id} through ${m.stage}`);
  if (!p.recover.length && !p.held.length && !p.ownerEdits.length && !p.unsupported.length && !p.files?.length && !p.scheduled.length && !p.runs.length && !p.missions?.length && !p.chains?.length && !p.watched?.length) lines.push('Nothing to do.');
  return lines;
}

function watchedLine(w: ForeseenFile): string {
  if (w.would === 'file') return `would file ${w.source} for ${w.agent} (a watched folder; the source stays)`;
  if (w.would === 'start') return `would start a run of chain ${w.chain} for ${w.source} (a watched folder; step 1 by ${w.agent})`;
  if (w.would === 'finish') return `would finish chain ${w.chain} run ${w.run} for ${w.source} (an interrupted tick decided on it)`;
  return `would not file ${w.source}: ${w.why} (the file stays where it is)`;
}

function chainLine(c: ForeseenChain): string {
  if (c.would === 'start') return `would start a run of chain ${c.chain} (${c.trigger})`;
  if (c.would === 'file') return `would file step ${c.step} (${c.name}) of chain ${c.chain} run ${c.run} for ${c.agent} as ${c.item}`;
  if (c.would === 'ask') return `would ask your approval ${c.approval} before step ${c.step} (${c.name}) of chain ${c.chain} run ${c.run}`;
  if (c.would === 'wait') return `waiting    chain ${c.chain} run ${c.run}: ${c.reason}`;
  return `would end chain ${c.chain} run ${c.run}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`;
}

/** `aos tick --dry-run`: the plan, read without the lock (taking it would write a file). */
async function dryRun(home: Home, env: Env): Promise<number> {
  const lock = await inspectLock(home.root, env, home.config.tick.lock_stale_minutes);
  const h = lock?.holder;
  const note = lock?.verdict.stale
    ? `a stale lock (${lock.verdict.reason}): the tick would take it over`
    : h
      ? `another aos is working in this home (${h.command}, pid ${h.pid} on ${h.host} since ${h.started}): a tick now would do nothing`
      : lock
        ? 'the home is locked: a tick now would do nothing'
        : undefined;
  const plan = await planTick(home, env, { staleLock: Boolean(lock?.verdict.stale) });
  if (env.out.json) env.out.data({ dry_run: true, lock: note ?? null, ...plan });
  else {
    env.out.line(planLines(plan, note).join('\n'));
    for (const p of plan.problems) env.out.warn(`skipped ${formatProblem(p)}`);
  }
  return plan.problems.length ? 1 : 0;
}

export async function tick(args: Args, env: Env): Promise<number> {
  // A broken aos.yaml is among the tick's problems (exit 1), so openHome need not warn as well.
  const home = await openHome(env, { quiet: !args['dry-run'] });
  if (args['dry-run']) return dryRun(home, env);
  const start = env.now().getTime();
  const stop = env.catchStop?.();
  const got = await acquireLock(home.root, env, { command: 'tick', staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) {
    const h = got.heldBy;
    const msg = h ? `another aos is working in this home (${h.command}, pid ${h.pid} on ${h.host} since ${h.started}); this tick does nothing` : 'the home is locked; this tick does nothing';
    // Another aos working is still a heartbeat: cron started this tick.
    await writeLastTick(home.root, { time: env.now().toISOString(), outcome: 'locked', runs: 0 });
    if (env.out.json) env.out.data({ skipped: msg });
    else env.out.line(msg);
    stop?.dispose();
    return 0;
  }
  let report: TickReport;
  try {
    const took = got.lock.tookOver;
    report = await runTick(home, env, { tookOver: Boolean(took), deadline: start + home.config.tick.budget_seconds * 1000, ...(stop ? { stop: stop.signal } : {}) });
    if (took) report.recovered.unshift(`took over a stale lock (${took.reason})`);
  } catch (err) {
    await writeLastTick(home.root, { time: env.now().toISOString(), outcome: 'error', runs: 0 });
    throw err;
  } finally {
    await got.lock.release();
    stop?.dispose();
  }
  const stopped = stop?.exitCode();
  if (stopped !== undefined) {
    const kept = report.runs.map((r) => `${r.run} (${r.outcome})`);
    env.out.warn(`aos: tick stopped by ${String(stop!.signal.reason)}: ${kept.length ? `kept and committed ${kept.join(', ')}` : 'no run was under way'}; the lock is released and the rest waits for the next tick`);
  }
  const attention = report.runs.some((r) => r.attention) || report.problems.length > 0 || Boolean(report.outage);
  const did = (report.filed?.length ?? 0) + report.runs.length + report.scheduled.length + report.ownerEdits.length + report.recovered.length + report.unsupported.length;
  await writeLastTick(home.root, { time: env.now().toISOString(), outcome: tickOutcome({ attention, did }), runs: report.runs.length });
  const tell = [
    ...report.runs.flatMap((r) => r.messages.map((m) => `${r.agent}: ${m}`)),
    ...report.runs.filter((r) => r.attention).map((r) => `${r.agent} failed ${r.item}: ${r.text}`),
  ];
  const notifyProblem = tell.length ? await notify(home.config, env.vars, tell.join('\n')) : undefined;
  if (notifyProblem) env.out.warn(notifyProblem);
  if (env.out.json) {
    env.out.data({ ...report, runs: report.runs.map(({ text, ...r }) => ({ ...r, text: text.slice(0, 2000) })) });
  } else {
    const lines = summary(report);
    if (lines.length) env.out.line(lines.join('\n'));
    else if (env.isTTY) env.out.line('Nothing to do.');
    for (const p of report.problems) env.out.warn(`skipped ${formatProblem(p)}`);
    for (const r of report.runs.filter((x) => x.attention)) env.out.warn(`failed: ${r.item} (${r.agent}, ${r.run}): ${r.text}`);
    if (report.outage) env.out.warn(`aos: ${outageLine(report.outage)}`);
  }
  return stopped ?? (attention ? 1 : 0);
}
