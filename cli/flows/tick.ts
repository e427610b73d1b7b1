// The heartbeat (DESIGN.md section 3): with the lock held, recover from any crash, commit the
// owner's hand edits, create due schedule items, then serve the inbox in order within the tick's
// time budget, each run committed by its agent.
import { join } from 'node:path';
import type { PlannedScheduleItem } from '../core/runs/tickplan.js';
import { scheduling } from '../core/runs/schedulekeys.js';
import { dueSchedules } from './dueschedules.js';
import { agentIdentity } from '../core/docs/commit.js';
import type { Problem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents, loadInbox, doneFolders, type Agent } from '../home/store.js';
import { createExclusive, exists, isErrno, listNames } from '../home/files.js';
import { appendLog } from '../home/log.js';
import { readCreated } from '../home/heartbeat.js';
import { moveUnsupported, unsupportedInboxFiles } from '../home/unsupported.js';
import { commit, commitOwnerEdits, pendingOwnerEdits } from '../git/git.js';
import { finishOwnRebase } from '../git/ownrebase.js';
import { readJournals } from '../home/journal.js';
import { homeUnchanged, recordUnchanged, forgetUnchanged } from '../home/idlestamp.js';
import type { RunReport } from './execute.js';
import { fileGoalItems } from './drills.js';
import { ignoreTempFiles, removeStrayTempFiles } from './upkeep.js';
import { treeStatus } from '../git/read.js';
import { keepLastGoodConfig } from '../home/config.js';
import { writeHeldAnswers } from './held.js';
import { listHeld } from '../home/held.js';

export interface TickReport {
  recovered: string[];
  ownerEdits: string[];
  /** Files the inbox cannot take, moved to inbox/unsupported/ (then committed with the hand edits), and why. */
  unsupported: { from: string; to: string; why?: string }[];
  /** Files that became items (dropped in inbox/, or new in a watched folder), or were refused once (issue 20). */
  filed?: import('./watch.js').Filed[];
  scheduled: string[];
  runs: RunReport[];
  /** Items not run this tick, and why. */
  waiting: { item: string; reason: string }[];
  problems: Problem[];
  /** Set when items wait for a model. */
  noModel?: string;
  /** The model provider failed this tick: its items wait, none counted an attempt (flows/outage.ts). */
  outage?: import('./outage.js').OutageReport['outage'];
  stoppedEarly?: string;
  /** Missions advanced this tick, one stage each (flows/mission.ts). */
  missions?: import('./mission.js').MissionStep[];
  /** Chain runs moved this tick (issue 20, flows/chains.ts), one line each. */
  chains?: string[];
}

export async function tick(home: Home, env: Env, opts: { tookOver: boolean; deadline: number; stop?: AbortSignal }): Promise<TickReport> {
  const report: TickReport = { recovered: [], ownerEdits: [], unsupported: [], scheduled: [], runs: [], waiting: [], problems: [] };
  // Before anything commits: a sync's rebase a killed tick left half-done is aos's to end (issue 14).
  report.recovered.push(...(await finishOwnRebase(home.root, env.vars, home.owner)));
  if (await needsRecovery(home, opts.tookOver)) {
    const { recover } = await import('./recover.js');
    const rec = await recover(home, env, { tookOver: opts.tookOver });
    report.recovered.push(...rec.notes);
  }
  // Nothing changed since a tick that left the home clean: no hand edit, stray temp file or unsupported
  // file to look for (home/idlestamp.ts).
  const quiet = await homeUnchanged(home.root);
  // One git status (with the ignored files) finds both the stray temp files and the hand edits.
  let changed: string[] | undefined;
  if (!quiet) {
    const tree = await treeStatus(home.root, env.vars);
    const temps = await removeStrayTempFiles(home, env, tree.temps);
    report.recovered.push(...temps.lines);
    // Before the hand edits, so a dropped file is committed once, where it is kept: as an item's
    // attachment when the model can take it (issue 20), else in inbox/unsupported/.
    const dropped = (await unsupportedInboxFiles(home.root)).length ? await (await import('./watch.js')).takeInboxFiles(home, env) : undefined;
    if (dropped?.filed.length) report.filed = dropped.filed;
    report.unsupported = (await moveUnsupported(home.root)).map((u) => ({ ...u, ...(dropped?.refused.get(u.from) ? { why: dropped.refused.get(u.from) } : {}) }));
    // The status stands for the tree the hand-edit check would see when aos changed nothing since but
    // the temp files it removed (gone, so git would not list them); a moved or filed file asks again.
    if (!dropped && !report.unsupported.length) {
      const removed = new Set(temps.removed);
      changed = tree.changed.filter((p) => !removed.has(p));
    }
  }
  const edits = quiet ? undefined : await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact, changed);
  if (edits) {
    report.ownerEdits = edits.files;
    report.problems.push(...edits.held);
  }
  // A broken aos.yaml: every tick says so (and exits 1) until it is fixed, whether or not it is committed.
  if (home.brokenConfig) report.problems.push(...home.brokenConfig.filter((p) => !edits?.held.some((h) => h.file === p.file && h.line === p.line)));
  else await keepLastGoodConfig(home.root);
  const ignored = await ignoreTempFiles(home, env);
  if (ignored) report.recovered.push(ignored);
  // sync.auto: pull before collecting work, claim each item before it runs, push at the end.
  const synced = home.config.sync.auto ? await (await import('./sync.js')).startTickSync(home, env, report.problems) : undefined;

  // Answers held for an item aos could not write go out first: such an item is never asked again.
  report.recovered.push(...(await writeHeldAnswers(home, env, report.problems)));
  const agents = await loadAgents(home.root, home.docs);
  report.problems.push(...agents.problems);
  report.scheduled = await createScheduleItems(home, env, agents.agents, report.problems);
  report.scheduled.push(...(await fileGoalItems(home, env, agents.agents, report.problems)));
  if (home.config.watch.folders.length) (report.filed ??= []).push(...(await (await import('./watch.js')).fileWatchedItems(home, env, agents.agents, report.problems)));
  // Chains: a step finished since the last tick gets its successor filed before the inbox is read.
  await moveChains(home, env, report);
  const inbox = await loadInbox(home.root, home.docs);
  report.problems.push(...inbox.problems);
  // The common case under cron: nothing to run, so the model, run and tool code never loads.
  if (inbox.items.some((i) => i.front.status === 'new' || i.front.status === 'waiting') && !opts.stop?.aborted) {
    const { serve } = await import('./serve.js');
    await serve(home, env, agents.agents, report, opts.deadline, synced, opts.stop);
    await (await import('./outage.js')).settleOutage(home, env, report);
    if (report.runs.length) await moveChains(home, env, report);
  }
  // Missions go one stage further each tick; the common case (no missions/ folder) loads nothing.
  if (!opts.stop?.aborted && (await exists(join(home.root, 'missions')))) {
    report.missions = await (await import('./mission.js')).advanceMissions(home, env, report, opts.deadline);
  }
  await synced?.push();
  await home.docs.save();
  if (!quiet) await (edits?.held.length ? forgetUnchanged(home.root) : recordUnchanged(home.root));
  return report;
}

/** Brings chain runs forward (and starts scheduled ones); the chain code loads only when chains/ holds something. */
async function moveChains(home: Home, env: Env, report: TickReport): Promise<void> {
  if (!(await listNames(join(home.root, 'chains'))).length) return;
  const moved = await (await import('./chains.js')).advanceChains(home, env);
  if (moved.moved.length) (report.chains ??= []).push(...moved.moved);
  for (const p of moved.problems) if (!report.problems.some((q) => q.file === p.file && q.expected === p.expected && q.line === p.line)) report.problems.push(p);
}

/** A crash leaves a journal, git's index lock, or an item marked running. */
async function needsRecovery(home: Home, tookOver: boolean): Promise<boolean> {
  return (await crashTraces(home, tookOver)).length > 0;
}

/** What a crash left behind, each named; empty when the tick has nothing to recover. */
async function crashTraces(home: Home, tookOver: boolean): Promise<string[]> {
  const traces = tookOver ? ['a stale lock, taken over first'] : [];
  for (const j of await readJournals(home.root)) traces.push(`an unfinished run's journal (run ${j.run})`);
  if (await exists(join(home.root, '.git/index.lock'))) traces.push("git's index lock (.git/index.lock)");
  const running = (await loadInbox(home.root, home.docs)).items.filter((i) => i.front.status === 'running');
  if (running.length) traces.push(`item${running.length === 1 ? '' : 's'} marked running: ${running.map((i) => i.id).join(', ')}`);
  return traces;
}

export interface TickPlan {
  /** What a crash left that the tick would recover from. */
  recover: string[];
  /**
   * Answers held in .aos/held (their item could not be written), oldest item first: the tick tries
   * these before any item runs. `gone`: the item was removed, so the tick would drop the held answer.
   */
  held: { item: string; run: string; record: string; reason: string; gone: boolean }[];
  /** The owner's hand edits the tick would commit. */
  ownerEdits: string[];
  /** Files in inbox/ the tick would move to inbox/unsupported/. */
  unsupported: string[];
  /** Files in inbox/ the tick would file as items carrying them (issue 20). */
  files?: string[];
  /** sync.auto: the tick would pull first and push at the end. */
  sync: boolean;
  scheduled: { id: string; agent: string; slot: string }[];
  /** The pending items in the order the tick would take them, each with its agent (and the classifier's route) or why it waits. */
  runs: import('./classify.js').RoutedRun[];
  /** New or changed files in watched folders: the item or chain run each would become, or why not (flows/watch.ts). */
  watched?: import('./watch.js').ForeseenFile[];
  /** Chain runs the tick would start or move, and steps waiting for an approval (flows/chains.ts). */
  chains?: import('./chains.js').ForeseenChain[];
  /** Active missions, each at the stage the tick would take it through. */
  missions?: { id: string; stage: string }[];
  problems: Problem[];
}

/**
 * What a tick would do now, read without writing anything: no lock, no commit, no cache. Goal drills
 * are not foreseen, and the runs are those known before any runs (a run may delegate more work).
 */
export async function planTick(home: Home, env: Env, opts: { staleLock: boolean }): Promise<TickPlan> {
  const problems: Problem[] = [];
  const recover = await crashTraces(home, opts.staleLock);
  // The tick writes held answers first (flows/held.ts), so the plan names them first.
  const waiting = await listHeld(home.root);
  problems.push(...waiting.problems);
  const held = await Promise.all(
    waiting.held.map(async (h) => ({ item: h.item, run: h.run, record: h.record, reason: h.reason, gone: !(await exists(join(home.root, h.item))) })),
  );
  const edits = await pendingOwnerEdits(home.root, env.vars, { readOnly: true });
  if (edits) problems.push(...edits.held);
  const agents = await loadAgents(home.root, home.docs);
  problems.push(...agents.problems);
  const schedules = scheduling(agents.agents).length
    ? (await import('../core/runs/tickplan.js')).planSchedules({ timeZone: home.config.owner.timezone, agents: agents.agents, itemNames: await itemNames(home.root), created: await readCreated(home.root) }, env.now())
    : { create: [], problems: [] };
  problems.push(...schedules.problems);
  const due: PlannedScheduleItem[] = [];
  for (const p of schedules.create) if (!(await exists(join(home.root, p.file)))) due.push(p);
  const inbox = await loadInbox(home.root, home.docs);
  const dropped = await unsupportedInboxFiles(home.root);
  problems.push(...inbox.problems.filter((p) => !dropped.includes(p.file)));
  // Issue 20: a dropped file the model can take would become an item; only the rest would be moved.
  const files = dropped.length ? await (await import('../home/attachments.js')).attachable(home.root, home.config, dropped) : [];
  const unsupported = dropped.filter((f) => !files.includes(f));
  const pending = inbox.items.filter((i) => i.front.status === 'new' || i.front.status === 'waiting');
  const planned = pending.length || due.length ? await (await import('./serve.js')).planServe(home, env, agents.agents, pending, due, problems) : [];
  // Issue 20: the classifier's route (a cached pick, or the model it would ask: never called here), and the chains' moves.
  const runs = home.config.routing.classify ? await (await import('./classify.js')).foreseeRoutes(home, agents.agents, new Map(pending.map((i) => [i.id, i.subject])), planned) : planned;
  const watched = home.config.watch.folders.length ? await (await import('./watch.js')).foreseeWatched(home, env, agents.agents, problems) : [];
  const chains = (await listNames(join(home.root, 'chains'))).length ? await (await import('./chains.js')).foreseeChains(home, env) : undefined;
  if (chains) for (const p of chains.problems) if (!problems.some((q) => q.file === p.file && q.expected === p.expected && q.line === p.line)) problems.push(p);
  let missions: TickPlan['missions'];
  if (await exists(join(home.root, 'missions'))) {
    const found = await (await import('../home/missions.js')).loadMissions(home.root);
    problems.push(...found.problems);
    missions = found.missions.filter((m) => m.front.status === 'active').map((m) => ({ id: m.front.id, stage: m.front.stage }));
  }
  return { recover, held, ownerEdits: edits?.files ?? [], unsupported, ...(files.length ? { files } : {}), sync: home.config.sync.auto, scheduled: due.map((p) => ({ id: p.id, agent: p.agent, slot: p.slot })), runs, ...(watched.length ? { watched } : {}), ...(chains?.chains.length ? { chains: chains.chains } : {}), ...(missions ? { missions } : {}), problems };
}

/** The names of the items pending and handled, which say when each schedule entry last fired. */
async function itemNames(root: string): Promise<string[]> {
  const names = (await listNames(join(root, 'inbox'))).map((e) => e.name);
  for (const folder of await doneFolders(root)) names.push(...(await listNames(join(root, folder))).map((e) => e.name));
  return names;
}

/** Writes the planned schedule items, each with its log entry and a commit by its agent; one already there is skipped. */
async function createScheduleItems(home: Home, env: Env, agents: Agent[], problems: Problem[]): Promise<string[]> {
  // The common case: no schedules, so no folder is listed.
  if (!scheduling(agents).length) return [];
  const tz = home.config.owner.timezone;
  const now = env.now();
  const plan = await dueSchedules(home.root, { timeZone: tz, agents, created: await readCreated(home.root) }, () => itemNames(home.root), now);
  problems.push(...plan.problems);
  if (!plan.create.length) return [];
  const { renderItem } = await import('../core/runs/inbox.js');
  const created: string[] = [];
  const logs = new Set<string>();
  for (const p of plan.create) {
    try {
      await createExclusive(join(home.root, p.file), renderItem(p.item));
    } catch (err) {
      if (isErrno(err, 'EEXIST')) continue;
      throw err;
    }
    created.push(p.id);
    logs.add(await appendLog(home, tz, now, { kind: 'schedule', agent: p.agent, ref: p.id, body: p.logBody }));
    await commit(home.root, env.vars, {
      who: agentIdentity(p.agent),
      subject: p.commitSubject,
      trailers: { 'Aos-Kind': 'schedule', 'Aos-Agent': p.agent, 'Aos-Item': p.id, 'Aos-Device': home.device },
      paths: [p.file, ...logs],
    }, home.redact);
  }
  return created;
}
