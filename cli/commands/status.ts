import type { Args, Env } from '../env.js';
import { bar, goalStart, paceText, summarize } from '../core/goals/goals.js';
import { openHome } from '../home/home.js';
import { loadAgents, loadInbox, loadApprovals, loadGoals, countDone, UNSUPPORTED_FOLDER } from '../home/store.js';
import { listNames } from '../home/files.js';
import { join } from 'node:path';
import { inspectLock } from '../home/lock.js';
import { readCreated, readLastTick } from '../home/heartbeat.js';
import { heartbeatWarning } from '../core/runs/heartbeat.js';
import { homeUnchanged } from '../home/idlestamp.js';
import { pendingChanges } from '../git/read.js';
import { lastCommitByKindCached } from '../git/lastcommits.js';
import { table, truncate } from '../output.js';
import { syncView, syncLines } from '../flows/syncview.js';
import { readOutage } from '../home/outage.js';
import { outageLine } from '../core/runs/outage.js';
import { recentFlags } from '../home/flags.js';
import { heldProblem, listHeld } from '../home/held.js';
import { spendOn } from '../core/report/usage.js';
import { budgetText } from '../core/report/format.js';
import { localTime } from '../core/docs/time.js';
import { usd } from '../core/economy/money.js';

export async function status(_args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const { root, config } = home;
  const [agents, inbox, approvals, goals, done, lock, last, edits, sync, lastTick, created, flagged, held] = await Promise.all([
    loadAgents(root, home.docs),
    loadInbox(root, home.docs),
    loadApprovals(root, home.docs),
    loadGoals(root, home.docs),
    countDone(root),
    inspectLock(root, env, config.tick.lock_stale_minutes),
    lastCommitByKindCached(root, env.vars),
    // A home unchanged since a clean tick has nothing uncommitted: git status is not started.
    homeUnchanged(root).then((quiet) => (quiet ? [] : pendingChanges(root, env.vars))),
    syncView(home, env),
    readLastTick(root),
    readCreated(root),
    recentFlags(root, env.now().toISOString().slice(0, 10)),
    listHeld(root),
  ]);
  // Issue 20: files the model cannot take, kept in inbox/unsupported/ (one readdir).
  const kept = (await listNames(join(root, UNSUPPORTED_FOLDER))).filter((e) => e.isFile).map((e) => `${UNSUPPORTED_FOLDER}/${e.name}`);
  await home.docs.save();
  const outage = await readOutage(root);
  // Pace moves by well under 1% a day, so the UTC date serves here and spares this screen the time-zone formatter (~20 ms).
  const today = env.now().toISOString().slice(0, 10);
  // Today's spend per agent against its budget, by the owner's day as the tick's budget check counts
  // it (flows/spend.ts spentToday). Only records since yesterday (UTC) are read, and the time-zone
  // formatter is paid for only when there are any.
  // Parsing records (and the YAML parser it needs) is paid for only when a record is that recent:
  // its file name says when it started, so a home with no run since yesterday reads none.
  const since = new Date(env.now().getTime() - 86_400_000).toISOString().slice(0, 10);
  const recent = (await recordsSince(root, since, today))
    ? await (async () => {
        const { readRuns, spendOfRun } = await import('../home/spends.js');
        return (await readRuns(root, since)).runs.map(spendOfRun);
      })()
    : [];
  const spent = recent.length ? spendOn(recent, localTime(env.now(), config.owner.timezone).date) : new Map<string, { tokens: number; usd: number }>();
  // Issue 21: what selling and buying over A2A came to this month (UTC month, like pace below).
  const month = env.now().toISOString().slice(0, 7);
  const ledger = (await listNames(join(root, 'ledger', month.slice(0, 4), month.slice(5, 7)))).length ? await (await import('../home/ledger.js')).monthNet(root, month) : undefined;
  const pending = inbox.items.filter((i) => i.front.status !== 'done');
  // An item whose answer waits in .aos/held still says `running` in its file: it is not running, it waits for its write.
  const heldIds = new Set(held.held.map((h) => h.itemId));
  const count = (s: string) => pending.filter((i) => i.front.status === s && !heldIds.has(i.id)).length;
  const view = {
    home: root,
    owner: config.owner.name,
    model: config.model.provider === 'none' ? 'none' : `${config.model.provider}${config.model.model ? ' ' + config.model.model : ''}`,
    agents: agents.agents.map((a) => ({ id: a.id, status: a.front.status, role: a.front.role })),
    inbox: { pending: pending.length, new: count('new'), waiting: count('waiting'), running: count('running'), held: heldIds.size, failed: count('failed'), proposed: count('proposed'), done },
    kept_files: kept,
    held_answers: held.held.map((h) => ({ item: h.item, run: h.run, reason: h.reason })),
    spend_today: agents.agents
      .map((a) => ({ agent: a.id, tokens: spent.get(a.id)?.tokens ?? 0, usd: spent.get(a.id)?.usd ?? 0, tokens_per_day: a.front.budget.tokens_per_day ?? null, usd_per_day: a.front.budget.usd_per_day ?? null }))
      .filter((s) => s.tokens || s.usd || s.tokens_per_day !== null || s.usd_per_day !== null),
    approvals: approvals.docs.filter((a) => a.front.status === 'pending').length,
    goals: goals.docs.map((g) => summarize(g.name, g.front, goalStart(g.front.created, g.body), today)),
    // The heartbeat's own record (idle ticks commit nothing); a clone without one falls back to git.
    last_tick: lastTick?.time ?? last.tick ?? null,
    last_tick_outcome: lastTick?.outcome ?? null,
    heartbeat_warning: heartbeatWarning(lastTick, created, env.now(), config.tick.interval_minutes) ?? null,
    last_dream: last.dream ?? null,
    lock: lock ? { ...lock.holder, stale: lock.verdict.stale } : null,
    uncommitted: edits.length,
    sync,
    model_outage: outage ?? null,
    flagged,
    ledger_this_month: ledger ?? null,
    invalid_files: [...agents.problems, ...inbox.problems, ...approvals.problems, ...goals.problems].map((p) => p.file).filter((f, i, all) => all.indexOf(f) === i),
  };
  if (env.out.json) return env.out.data(view);

  const o = env.out;
  o.line(`aos home ${root} — owner ${view.owner}, model ${view.model}`);
  o.line(`\nAgents (${view.agents.length})`);
  o.line(table(view.agents.map((a) => ['  ' + a.id, a.status, truncate(a.role, 64)])));
  const i = view.inbox;
  o.line(`\nInbox: ${i.pending} pending (${i.new} new, ${i.waiting} waiting, ${i.running} running, ${i.failed} failed${i.held ? `, ${i.held} answered but not yet written` : ''}${i.proposed ? `, ${i.proposed} proposed for you (aos review)` : ''}), ${i.done} done; ${view.approvals} approval(s) waiting`);
  for (const item of pending.slice(0, 5)) o.line(`  ${item.id}  ${truncate(item.subject, 70)}`);
  if (pending.length > 5) o.line(`  … and ${pending.length - 5} more (aos inbox list)`);
  if (kept.length) o.line(`  ${kept.length} file${kept.length === 1 ? '' : 's'} kept, not sent to the model (${UNSUPPORTED_FOLDER}/; the daily log says why): ${kept.slice(0, 3).map((f) => f.slice(UNSUPPORTED_FOLDER.length + 1)).join(', ')}${kept.length > 3 ? ' …' : ''}`);
  if (view.spend_today.length) {
    o.line('\nSpend today (aos usage for more)');
    o.line(table(view.spend_today.map((s) => ['  ' + s.agent, budgetText(s.tokens, s.tokens_per_day ?? undefined, 'tokens'), budgetText(s.usd, s.usd_per_day ?? undefined, 'usd')])));
  }
  if (view.goals.length) {
    o.line('\nGoals');
    o.line(table(view.goals.map((g) => ['  ' + g.goal, g.progress === null ? '-' : `${bar(g.progress)} gap ${Math.round(g.gap! * 100)}%`, g.deadline ?? '', g.status, paceText(g.pace)])));
  }
  o.line(`\nLast tick: ${view.last_tick ?? 'never'}${view.last_tick_outcome ? ` (${view.last_tick_outcome})` : ''}   last dream: ${view.last_dream ?? 'never'}`);
  if (lock) {
    const h = lock.holder;
    const who = h ? `${h.command} (pid ${h.pid} on ${h.host}, since ${h.started})` : 'unreadable';
    o.line(`Lock: held by ${who}${lock.verdict.stale ? ` — stale: ${lock.verdict.reason}` : ''}`);
  } else o.line('Lock: free');
  for (const l of syncLines(sync)) o.line(l);
  if (ledger) o.line(`Ledger ${ledger.month}: earned ${usd(ledger.earned_micros)}, costs ${usd(ledger.cost_micros)}, net ${usd(ledger.net_micros)} (${ledger.jobs} job${ledger.jobs === 1 ? '' : 's'}; aos ledger)`);
  if (view.uncommitted) o.line(`Uncommitted hand edits: ${view.uncommitted} file(s) (the next tick commits them as yours)`);
  if (outage) o.warn(`Model: ${outageLine(outage)}`);
  for (const h of held.held) { const p = heldProblem(h); o.warn(`${p.file}: ${p.found}${p.hint ? ` (${p.hint})` : ''}`); }
  if (view.heartbeat_warning) o.warn(`warning: ${view.heartbeat_warning}`);
  for (const f of flagged.slice(0, 5)) o.warn(`flagged ${f.item} (${f.when}): ${f.what}`);
  if (view.invalid_files.length) o.warn(`${view.invalid_files.length} invalid file(s) skipped: ${view.invalid_files.join(', ')} — run aos doctor`);
}

/** Whether any run record started on or after `since` (YYYY-MM-DD): its name says, no file is read. */
async function recordsSince(root: string, since: string, today: string): Promise<boolean> {
  const day = since.replace(/-/g, '');
  for (const d of new Set([since, today])) {
    const names = await listNames(join(root, 'logs/runs', d.slice(0, 4), d.slice(5, 7)));
    if (names.some((n) => /^r-\d{8}T/.test(n.name) && n.name.slice(2, 10) >= day)) return true;
  }
  return false;
}
