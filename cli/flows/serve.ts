// Serving the inbox: route each due item, run it within the budgets, and go on until nothing is
// due, the tick's time is up, or the per-tick cap is reached. Loaded only when there is work; the run's
// own code (execute, run records, brains, approvals) loads only for an item that gets that far.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseCapabilities, type Capability } from '../core/agents/capabilities.js';
import { route, workOrder, type RosterEntry } from '../core/agents/route.js';
import { planRuns, type PlannedRun, type RunCandidate } from '../core/runs/runplan.js';
import type { PlannedScheduleItem } from '../core/runs/tickplan.js';
import { itemTooLarge } from '../core/runs/itemsize.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadInbox, doneFolders, findDone, type Agent, type InboxItem } from '../home/store.js';
import { isErrno } from '../home/files.js';
import { UserError, type Problem } from '../errors.js';
import { chooseProvider } from '../model/provider.js';
import { lockPath } from '../home/lock.js';
import { commitOwnerEdits } from '../git/git.js';
import type { RunSpec } from './execute.js';
import { budgetSpent, type Spend } from '../core/runs/outcome.js';
import type { AnsweredApproval } from './approve.js';
import type { ApprovalFront } from '../core/docs/schemas.js';
import type { TickReport } from './tick.js';
import type { TickSync } from './sync.js';
import { noteRun, providerDown } from './outage.js';
import { settleRun } from './held.js';
import { DATA_NOTE, dataBlock } from '../core/agents/datablock.js';

interface Ready {
  agent: Agent;
  caps: Capability[];
}

/** Run at most this many items in one tick, whatever the time budget says. */
const MAX_RUNS_PER_TICK = 50;

/** The roster for routing, and the agents able to run with their parsed capabilities; a bad capability disables its agent and is a problem. */
function rosterOf(agents: Agent[], problems: Problem[]): { roster: RosterEntry[]; ready: Map<string, Ready> } {
  const ready = new Map<string, Ready>();
  const roster: RosterEntry[] = agents.map((a) => {
    const { caps, errors } = parseCapabilities(a.front.capabilities);
    if (errors.length) problems.push(...errors.map((e) => ({ file: a.file, field: 'capabilities', expected: 'valid capabilities (the agent is disabled until fixed)', found: e })));
    else ready.set(a.id, { agent: a, caps });
    return { id: a.id, handles: a.front.handles, status: a.front.status, disabled: errors.length ? errors[0] : undefined };
  });
  return { roster, ready };
}

export async function serve(home: Home, env: Env, agents: Agent[], report: TickReport, deadline: number, claims?: TickSync, stop?: AbortSignal): Promise<void> {
  const { roster, ready } = rosterOf(agents, report.problems);

  const seen = new Set<string>();
  const waitingReported = new Set<string>();
  let providerChoice: Awaited<ReturnType<typeof chooseProvider>> | undefined;
  // The inbox as last read, valid until this tick writes (a run, a claim). An item that only waits
  // changes nothing on disk, so the next one is taken from the same reading: re-reading the whole
  // inbox after each waiting item made a tick over n waiting items cost n² file reads.
  let view: PendingView | undefined;
  for (let runs = 0; runs < MAX_RUNS_PER_TICK; ) {
    // What the owner added or edited while the last run worked (aos inbox add leaves it to the
    // tick) is committed as the owner's before an agent takes it up, never inside an agent's commit.
    if (runs > 0 && !view) {
      const edits = await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
      if (edits) {
        report.ownerEdits.push(...edits.files);
        reportOnce(report.problems, edits.held);
      }
    }
    if (view) for (const effect of view.repeated) effect(report);
    else view = await readPending(home, report, seen, waitingReported);
    const { pending, folders } = view;
    // Only items taken from this reading join `seen` while it lasts, so a cursor finds the next one.
    while (view.at < view.ordered.length && seen.has(`${view.ordered[view.at]!.id}:${view.ordered[view.at]!.front.status}`)) view.at++;
    const next = view.ordered[view.at];
    if (!next) break;
    seen.add(`${next.id}:${next.front.status}`);
    if (stop?.aborted) {
      report.stoppedEarly = `stopped by ${String(stop.reason)}; the rest waits for the next tick`;
      break;
    }
    if (env.now().getTime() >= deadline) {
      report.stoppedEarly = "the tick's time budget ran out; the rest waits for the next tick";
      break;
    }
    let r = route({ to: next.front.to, subject: next.subject }, roster, home.config.default_agent);
    if ('wait' in r) {
      report.waiting.push({ item: next.id, reason: r.wait });
      continue;
    }
    // routing.classify (issue 20): no hint matched, so a cheap model picks by role (once per subject).
    let routedBy: Record<string, string> | undefined;
    if (r.via === 'default' && home.config.routing.classify) {
      const c = await (await import('./classify.js')).classifyItem(home, env, agents, (id) => !ready.has(id), next.subject, deadline);
      r = { agent: c.agent, via: 'default' };
      // A pick is kept as the item's to: (a resumed run stays with its agent); a failed ask is only noted.
      routedBy = c.picked ? { to: c.agent, routed_by: c.routedBy } : { routed_by: c.routedBy };
    }
    const target = ready.get(r.agent)!;
    providerChoice ??= await chooseProvider(home.config, env, home.root);
    const choice = target.agent.front.brain
      ? await (await import('../model/brains.js')).agentProvider(home, env, target.agent, lockPath(home.root))
      : target.agent.front.model ? await chooseProvider(home.config, env, home.root, target.agent.front.model) : providerChoice;
    if ('missing' in choice) {
      report.noModel = choice.missing;
      report.waiting.push({ item: next.id, reason: `waits for a model (${r.agent})` });
      continue;
    }
    // One failed call to a provider that is down is enough for this tick (flows/outage.ts).
    if (providerDown(report, choice.provider.name)) continue;
    const { executeRun } = await import('./execute.js');
    const { spentToday } = await import('./spend.js');
    const spent = await spentToday(home, env, r.agent);
    reportOnce(report.problems, spent.damaged);
    const over = overBudget(target.agent, spent);
    if (over) {
      report.waiting.push({ item: next.id, reason: `${over}; it runs tomorrow` });
      continue;
    }
    if (claims) view = undefined;
    const claim = await claims?.claim(next, r.agent);
    if (claim && !claim.ok) {
      report.waiting.push({ item: next.id, reason: claim.reason! });
      continue;
    }
    // A claim can outlast the tick's time (pushes refused while other devices push): a run begun now
    // would only checkpoint, leaving a run record of nothing and the item to resume on any device.
    if (claims && env.now().getTime() >= deadline) {
      await claims.release(next, r.agent);
      report.stoppedEarly = "the tick's time budget ran out while claiming; the rest waits for the next tick";
      break;
    }
    let resume = next.resuming ? await resumeFrom(home, next, r.agent, pending, folders, report) : undefined;
    // An answer is only given to the run that asked: without its record there is no call to answer.
    if (next.answer && resume?.entries) resume = { ...resume, approval: next.answer };
    if (routedBy) await (await import('../home/items.js')).updateItem(home, next.file, routedBy);
    runs++;
    view = undefined;
    const settled = await settleRun(executeRun({
        home,
        env,
        agent: target.agent,
        caps: target.caps,
        item: next,
        trigger: resume ? (resume.approval ? 'approval' : next.front.status === 'waiting' || next.front.children?.length ? 'reply' : 'resume') : (next.front.kind ?? 'task') === 'task' ? 'inbox' : next.front.kind!,
        kind: 'tick',
        provider: choice.provider,
        deadline,
        spent,
        resume,
        ...(stop ? { stop } : {}),
      }), report.problems);
    for (const ran of settled) noteRun(report, choice.provider.name, ran);
    await claims?.release(next, r.agent);
  }
}

type Candidate = InboxItem & { resuming: boolean; answer?: AnsweredApproval };

interface PendingView {
  pending: Map<string, InboxItem>;
  folders: string[];
  /** The items that may run now, in work order; those taken this tick are skipped by `seen`. */
  ordered: Candidate[];
  /** Where in `ordered` the next item not yet taken is. */
  at: number;
  /**
   * What reading reported that reading again would report again (an approval still pending or
   * unreadable is named on every pass over the inbox): replayed when the reading is reused.
   */
  repeated: ((report: TickReport) => void)[];
}

async function readPending(home: Home, report: TickReport, seen: Set<string>, waitingReported: Set<string>): Promise<PendingView> {
  const inbox = await loadInbox(home.root, home.docs);
  const folders = await doneFolders(home.root);
  const pending = new Map(inbox.items.map((i) => [i.id, i]));
  const candidates: Candidate[] = [];
  const repeated: PendingView['repeated'] = [];
  for (const item of inbox.items) {
    // Once per status: an item that failed or paused waits for the next tick; a parent whose children just finished goes on.
    if (seen.has(`${item.id}:${item.front.status}`)) continue;
    const s = item.front.status;
    if (s !== 'new' && s !== 'waiting') continue;
    const tooLarge = itemTooLarge(item.file, item.body, home.config.inbox.max_item_kb);
    if (tooLarge) {
      reportOnce(report.problems, [tooLarge]);
      continue;
    }
    let answer: AnsweredApproval | undefined;
    if (s === 'waiting' && item.front.approval !== undefined) {
      const said: TickReport = { ...report, waiting: [], problems: [] };
      answer = await approvalAnswer(home, item, said);
      if (said.waiting.length || said.problems.length) {
        const effect = (r: TickReport) => {
          r.waiting.push(...said.waiting.map((w) => ({ ...w })));
          r.problems.push(...said.problems.map((p) => ({ ...p })));
        };
        effect(report);
        repeated.push(effect);
      }
      if (!answer) continue;
    }
    const open = await openChildren(home.root, item, pending, folders);
    if (open.length) {
      if (!waitingReported.has(item.id)) report.waiting.push({ item: item.id, reason: `waits for delegated work: ${open.join(', ')}` });
      waitingReported.add(item.id);
      continue;
    }
    candidates.push({ ...item, answer, resuming: Boolean(item.front.checkpoint) || Boolean(item.front.children?.length) || Boolean(answer) });
  }
  return { pending, folders, ordered: workOrder(candidates), at: 0, repeated };
}

/**
 * For `aos tick --dry-run`: the pending items and the schedule items about to be created, in the
 * order serve would take them, with their agents; read only, with the same checks serve makes first.
 */
export async function planServe(home: Home, env: Env, agents: Agent[], pending: InboxItem[], scheduled: PlannedScheduleItem[], problems: Problem[]): Promise<PlannedRun[]> {
  const { roster } = rosterOf(agents, problems);
  const folders = await doneFolders(home.root);
  const byId = new Map(pending.map((i) => [i.id, i]));
  const candidates: RunCandidate[] = [];
  for (const item of pending) {
    // approvalAnswer reports into a tick report; here its waiting reason becomes the item's.
    const scratch: TickReport = { recovered: [], ownerEdits: [], unsupported: [], scheduled: [], runs: [], waiting: [], problems };
    const answer = item.front.status === 'waiting' && item.front.approval !== undefined ? await approvalAnswer(home, item, scratch) : undefined;
    const open = await openChildren(home.root, item, byId, folders);
    const blocked =
      item.front.status === 'waiting' && item.front.approval !== undefined && !answer
        ? (scratch.waiting[0]?.reason ?? `its approval ${item.front.approval} cannot be read`)
        : open.length
          ? `waits for delegated work: ${open.join(', ')}`
          : undefined;
    const tooLarge = itemTooLarge(item.file, item.body, home.config.inbox.max_item_kb);
    if (tooLarge) reportOnce(problems, [tooLarge]);
    candidates.push({ id: item.id, subject: item.subject, front: item.front, resuming: Boolean(item.front.checkpoint) || Boolean(item.front.children?.length) || Boolean(answer), blocked, ...(tooLarge ? { refused: `${tooLarge.found}, over the cap of ${home.config.inbox.max_item_kb} KB (inbox.max_item_kb): never sent to the model, the file stays` } : {}) });
  }
  for (const p of scheduled) candidates.push({ id: p.id, subject: p.item.text, front: { from: 'schedule', kind: 'schedule', priority: 'normal', created: p.item.created, to: p.agent }, resuming: false });
  const spent: Record<string, string | undefined> = {};
  for (const a of agents) {
    const b = a.front.budget;
    if (b.tokens_per_day === undefined && b.usd_per_day === undefined) continue;
    // The run records' parser (YAML) loads only when an agent has a budget to check.
    const { spentToday } = await import('./spend.js');
    const today = await spentToday(home, env, a.id);
    reportOnce(problems, today.damaged);
    spent[a.id] = overBudget(a, today);
  }
  return planRuns(candidates, roster, home.config.default_agent, spent, MAX_RUNS_PER_TICK);
}

/**
 * The owner's answer to the approval an item waits for; undefined while it is pending (or unreadable:
 * reported, and the item keeps waiting). A file that is gone counts as an answer: the run hears why.
 */
async function approvalAnswer(home: Home, item: InboxItem, report: TickReport): Promise<AnsweredApproval | undefined> {
  const id = item.front.approval!;
  const run = item.front.checkpoint;
  const { APPROVAL_ID } = await import('../core/agents/approval.js');
  if (!APPROVAL_ID.test(id)) return { id, run };
  const { file, raw } = await (await import('./approve.js')).readAnswer(home, id);
  if (!file || raw === undefined) return { id, run };
  const { parseDoc } = await import('../core/docs/parsedoc.js');
  const parsed = parseDoc('approval', file, raw);
  if (!parsed.doc) {
    report.problems.push(...parsed.problems);
    return undefined;
  }
  const front = parsed.doc.front as ApprovalFront;
  if (front.status === 'pending') {
    report.waiting.push({ item: item.id, reason: `waits for the owner's approval ${id} (aos approve ${id} / aos deny ${id})` });
    return undefined;
  }
  return { id, file, front, run };
}

/** Each run reads the same records again: a damaged one is named once per tick. */
function reportOnce(problems: Problem[], found: Problem[]): void {
  for (const p of found) if (!problems.some((q) => q.file === p.file && q.expected === p.expected)) problems.push(p);
}

/** Why an agent may not start another run today, if it may not. */
export function overBudget(agent: Agent, spent: Spend): string | undefined {
  return budgetSpent(agent.id, agent.front.budget, spent);
}

const CHILD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Children still at work: pending in the inbox and not failed. A child that is nowhere (or not an
 * item id at all: front matter is data, not a path) counts as finished, so a parent never waits forever.
 */
async function openChildren(root: string, item: InboxItem, pending: Map<string, InboxItem>, folders: string[]): Promise<string[]> {
  const open: string[] = [];
  for (const child of item.front.children ?? []) {
    if (!CHILD_ID.test(child)) continue;
    const p = pending.get(child);
    if (p && p.front.status !== 'failed' && !(await findDone(root, child, folders))) open.push(child);
  }
  return open;
}

type Resume = NonNullable<RunSpec['resume']>;

/**
 * The conversation so far, from the item's last run record (only a record of this item, by this
 * agent: a checkpoint field cannot pull another run's transcript in), plus the results of delegated
 * work not yet reported to it.
 */
async function resumeFrom(home: Home, item: InboxItem, agent: string, pending: Map<string, InboxItem>, folders: string[], report: TickReport): Promise<Resume | undefined> {
  let resume: Resume | undefined;
  const run = item.front.checkpoint;
  if (run) {
    const { parseRunRecord, runRecordPath } = await import('../core/runs/runrecord.js');
    try {
      const file = runRecordPath(run);
      const rec = parseRunRecord(file, await fs.readFile(join(home.root, file), 'utf8'));
      if (rec.front.item !== item.id || rec.front.agent !== agent) throw new UserError(`it is the record of ${rec.front.item ?? 'no item'} by ${rec.front.agent}`);
      resume = { run, entries: rec.entries };
    } catch (err) {
      if (!(err instanceof UserError) && !isErrno(err, 'ENOENT')) throw err;
      report.problems.push({
        file: item.file,
        field: 'checkpoint',
        expected: `a run of this item by ${agent} to continue from`,
        found: `${JSON.stringify(run)}: ${isErrno(err, 'ENOENT') ? 'no such record' : (err as Error).message}`,
        hint: 'the item starts afresh',
      });
    }
  }
  const told = JSON.stringify(resume?.entries?.filter((e) => e.type === 'user') ?? []);
  const parts: string[] = [];
  for (const child of (item.front.children ?? []).filter((c) => CHILD_ID.test(c) && !told.includes(`### ${c} (`))) {
    const done = await findDone(home.root, child, folders);
    if (done) {
      const text = await fs.readFile(join(home.root, done), 'utf8');
      const handler = /^handled_by:\s*(\S+)/m.exec(text)?.[1] ?? 'an agent';
      const result = text.split(/\r?\n## Result\r?\n/).slice(1).join('\n## Result\n').trim();
      parts.push(`### ${child} (done by ${handler})\n\n${dataBlock(`result of ${child}`, result || '(no result text)')}`);
    } else {
      const p = pending.get(child);
      parts.push(`### ${child} (${p ? 'failed' : 'missing'})\n\n${p?.front.error ?? 'no result and no reason recorded'}`);
    }
  }
  if (!parts.length) return resume;
  return { ...resume, note: `The work you delegated has finished. ${DATA_NOTE}\n\nResults:\n\n${parts.join('\n\n')}\n\nContinue with the original item and give your answer.` };
}
