// The heartbeat (DESIGN.md section 3): with the lock held, recover from any crash, commit the
// owner's hand edits, create due schedule items, then serve the inbox in order within the tick's
// time budget, each run committed by its agent.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseCapabilities, type Capability } from '../core/capabilities.js';
import { route, workOrder, type RosterEntry } from '../core/route.js';
import { dueSlots, scheduleKey } from '../core/schedule.js';
import { localTime, stamp } from '../core/time.js';
import { agentIdentity } from '../core/commit.js';
import { renderItem } from '../core/inbox.js';
import { parseRunRecord, runRecordPath, type RecordEntry } from '../core/runrecord.js';
import type { Problem } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadAgents, loadInbox, doneFolders, type Agent, type InboxItem } from '../home/store.js';
import { createExclusive, isErrno, listNames } from '../home/files.js';
import { findDone } from '../home/items.js';
import { appendLog } from '../home/log.js';
import { commit, commitOwnerEdits } from '../git/git.js';
import { chooseProvider } from '../model/provider.js';
import { executeRun, spentToday, type RunReport } from './execute.js';
import { recover } from './recover.js';

export interface TickReport {
  recovered: string[];
  ownerEdits: string[];
  scheduled: string[];
  runs: RunReport[];
  /** Items not run this tick, and why. */
  waiting: { item: string; reason: string }[];
  problems: Problem[];
  /** Set when items wait for a model. */
  noModel?: string;
  stoppedEarly?: string;
}

interface Ready {
  agent: Agent;
  caps: Capability[];
}

/** Run at most this many items in one tick, whatever the time budget says. */
const MAX_RUNS_PER_TICK = 50;

export async function tick(home: Home, env: Env, opts: { tookOver: boolean; deadline: number }): Promise<TickReport> {
  const report: TickReport = { recovered: [], ownerEdits: [], scheduled: [], runs: [], waiting: [], problems: [] };
  const rec = await recover(home, env, { tookOver: opts.tookOver });
  report.recovered = rec.notes;
  const edits = await commitOwnerEdits(home.root, env.vars, home.owner, home.device);
  if (edits) report.ownerEdits = edits.files;

  const agents = await loadAgents(home.root, home.docs);
  report.problems.push(...agents.problems);
  const ready = new Map<string, Ready>();
  const roster: RosterEntry[] = agents.agents.map((a) => {
    const { caps, errors } = parseCapabilities(a.front.capabilities);
    if (errors.length) report.problems.push(...errors.map((e) => ({ file: a.file, field: 'capabilities', expected: 'valid capabilities (the agent is disabled until fixed)', found: e })));
    else ready.set(a.id, { agent: a, caps });
    return { id: a.id, handles: a.front.handles, status: a.front.status, disabled: errors.length ? errors[0] : undefined };
  });

  report.scheduled = await createScheduleItems(home, env, agents.agents.filter((a) => a.front.status === 'active' && ready.has(a.id)));

  const seen = new Set<string>();
  let providerChoice: Awaited<ReturnType<typeof chooseProvider>> | undefined;
  for (let round = 0; round < MAX_RUNS_PER_TICK; round++) {
    const inbox = await loadInbox(home.root, home.docs);
    if (round === 0) report.problems.push(...inbox.problems);
    const folders = await doneFolders(home.root);
    const candidates: (InboxItem & { resuming: boolean })[] = [];
    for (const item of inbox.items) {
      // Once per status: an item that failed or paused waits for the next tick; a parent whose children just finished goes on.
      if (seen.has(`${item.id}:${item.front.status}`)) continue;
      const s = item.front.status;
      if (s === 'new') candidates.push({ ...item, resuming: Boolean(item.front.checkpoint) });
      else if (s === 'waiting' && (await childrenFinished(home.root, item, folders))) candidates.push({ ...item, resuming: true });
    }
    const next = workOrder(candidates)[0];
    if (!next) break;
    seen.add(`${next.id}:${next.front.status}`);
    if (env.now().getTime() >= opts.deadline) {
      report.stoppedEarly = "the tick's time budget ran out; the rest waits for the next tick";
      break;
    }
    const r = route({ to: next.front.to, subject: next.subject }, roster, home.config.default_agent);
    if ('wait' in r) {
      report.waiting.push({ item: next.id, reason: r.wait });
      continue;
    }
    const target = ready.get(r.agent)!;
    providerChoice ??= await chooseProvider(home.config, env, home.root);
    const choice = target.agent.front.model ? await chooseProvider(home.config, env, home.root, target.agent.front.model) : providerChoice;
    if ('missing' in choice) {
      report.noModel = choice.missing;
      report.waiting.push({ item: next.id, reason: `waits for a model (${r.agent})` });
      continue;
    }
    const spent = await spentToday(home, env, r.agent);
    const b = target.agent.front.budget;
    if ((b.tokens_per_day !== undefined && spent.tokens >= b.tokens_per_day) || (b.usd_per_day !== undefined && spent.usd >= b.usd_per_day)) {
      report.waiting.push({ item: next.id, reason: `${r.agent}'s daily budget is spent; it runs tomorrow` });
      continue;
    }
    const resume = next.resuming ? await resumeFrom(home, next, folders) : undefined;
    report.runs.push(
      await executeRun({
        home,
        env,
        agent: target.agent,
        caps: target.caps,
        item: next,
        trigger: resume ? (next.front.status === 'waiting' ? 'reply' : 'resume') : (next.front.kind ?? 'task') === 'task' ? 'inbox' : next.front.kind!,
        kind: 'tick',
        provider: choice.provider,
        deadline: opts.deadline,
        spent,
        resume,
      }),
    );
  }
  await home.docs.save();
  return report;
}

async function childrenFinished(root: string, item: InboxItem, folders: string[]): Promise<boolean> {
  for (const child of item.front.children ?? []) {
    if (!(await findDone(root, child, folders)) && !(await isFailed(root, child))) return false;
  }
  return true;
}

async function isFailed(root: string, id: string): Promise<boolean> {
  try {
    return /^status:\s*failed\s*$/m.test(await fs.readFile(join(root, `inbox/${id}.md`), 'utf8'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** The conversation so far, from the item's last run record, plus the results of its delegated work. */
async function resumeFrom(home: Home, item: InboxItem, folders: string[]): Promise<{ run: string; entries: RecordEntry[]; note?: string } | undefined> {
  const run = item.front.checkpoint;
  if (!run) return undefined;
  const file = runRecordPath(run);
  let entries: RecordEntry[];
  try {
    entries = parseRunRecord(file, await fs.readFile(join(home.root, file), 'utf8')).entries;
  } catch {
    return undefined; // the record is gone or damaged: start the item afresh rather than guess
  }
  const last = entries[entries.length - 1];
  if (!item.front.children?.length || last?.type !== 'model') return { run, entries };
  const parts: string[] = [];
  for (const child of item.front.children) {
    const done = await findDone(home.root, child, folders);
    if (done) {
      const text = await fs.readFile(join(home.root, done), 'utf8');
      const handler = /^handled_by:\s*(\S+)/m.exec(text)?.[1] ?? 'an agent';
      const result = text.split(/\r?\n## Result\r?\n/).slice(1).join('\n## Result\n').trim();
      parts.push(`### ${child} (done by ${handler})\n\n${result || '(no result text)'}`);
    } else {
      const text = await fs.readFile(join(home.root, `inbox/${child}.md`), 'utf8').catch(() => '');
      parts.push(`### ${child} (failed)\n\n${/^error:\s*(.*)$/m.exec(text)?.[1] ?? 'no reason recorded'}`);
    }
  }
  return { run, entries, note: `The work you delegated has finished. Results:\n\n${parts.join('\n\n')}\n\nContinue with the original item and give your answer.` };
}

/** Creates one inbox item per due schedule slot; the slot's id makes a second tick (or device) unable to create it again. */
async function createScheduleItems(home: Home, env: Env, agents: Agent[]): Promise<string[]> {
  const withSchedules = agents.filter((a) => a.front.schedule.length);
  if (!withSchedules.length) return [];
  const tz = home.config.owner.timezone;
  const now = env.now();
  const names = (await listNames(join(home.root, 'inbox'))).map((e) => e.name);
  for (const folder of await doneFolders(home.root)) names.push(...(await listNames(join(home.root, folder))).map((e) => e.name));
  const created: string[] = [];
  const logs = new Set<string>();
  for (const agent of withSchedules) {
    for (const entry of agent.front.schedule) {
      const key = scheduleKey(agent.id, entry);
      const last = names
        .filter((n) => n.endsWith(`-${key}.md`))
        .map((n) => n.slice(0, 15))
        .sort()
        .pop();
      const lastFired = last ? new Date(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6, 8)}T${last.slice(9, 11)}:${last.slice(11, 13)}:${last.slice(13, 15)}Z`) : undefined;
      const { fire, missed } = dueSlots(entry, tz, lastFired, now);
      for (const slot of fire) {
        const id = `${stamp(slot)}-${key}`;
        const file = `inbox/${id}.md`;
        const slotIso = localTime(slot, tz).iso;
        const note = missed && slot === fire[fire.length - 1] ? `\n\n(${missed} earlier slot${missed === 1 ? ' was' : 's were'} missed while aos was not running.)` : '';
        try {
          await createExclusive(
            join(home.root, file),
            renderItem({ id, text: entry.task + note, created: localTime(now, tz).iso, from: 'schedule', to: agent.id, kind: 'schedule', slot: slotIso }),
          );
        } catch (err) {
          if (isErrno(err, 'EEXIST')) continue;
          throw err;
        }
        created.push(id);
        logs.add(await appendLog(home.root, tz, now, { kind: 'schedule', agent: agent.id, ref: id, body: `Scheduled "${entry.cron}" for ${slotIso}: ${entry.task}` }));
        await commit(home.root, env.vars, {
          who: agentIdentity(agent.id),
          subject: `${agent.id}: scheduled work for ${slotIso}`,
          trailers: { 'Aos-Kind': 'schedule', 'Aos-Agent': agent.id, 'Aos-Item': id, 'Aos-Device': home.device },
          paths: [file, ...logs],
        });
      }
    }
  }
  return created;
}
