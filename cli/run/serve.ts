// Serving the inbox: route each due item, run it within the budgets, and go on until nothing is
// due, the tick's time is up, or the per-tick cap is reached. Loaded only when there is work.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseCapabilities, type Capability } from '../core/capabilities.js';
import { route, workOrder, type RosterEntry } from '../core/route.js';
import { parseRunRecord, runRecordPath, type RecordEntry } from '../core/runrecord.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadInbox, doneFolders, type Agent, type InboxItem } from '../home/store.js';
import { isErrno } from '../home/files.js';
import { findDone } from '../home/items.js';
import { chooseProvider } from '../model/provider.js';
import { executeRun, spentToday } from './execute.js';
import type { TickReport } from './tick.js';

interface Ready {
  agent: Agent;
  caps: Capability[];
}

/** Run at most this many items in one tick, whatever the time budget says. */
const MAX_RUNS_PER_TICK = 50;

export async function serve(home: Home, env: Env, agents: Agent[], report: TickReport, deadline: number): Promise<void> {
  const ready = new Map<string, Ready>();
  const roster: RosterEntry[] = agents.map((a) => {
    const { caps, errors } = parseCapabilities(a.front.capabilities);
    if (errors.length) report.problems.push(...errors.map((e) => ({ file: a.file, field: 'capabilities', expected: 'valid capabilities (the agent is disabled until fixed)', found: e })));
    else ready.set(a.id, { agent: a, caps });
    return { id: a.id, handles: a.front.handles, status: a.front.status, disabled: errors.length ? errors[0] : undefined };
  });

  const seen = new Set<string>();
  let providerChoice: Awaited<ReturnType<typeof chooseProvider>> | undefined;
  for (let round = 0; round < MAX_RUNS_PER_TICK; round++) {
    const inbox = await loadInbox(home.root, home.docs);
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
    if (env.now().getTime() >= deadline) {
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
        deadline: deadline,
        spent,
        resume,
      }),
    );
  }
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

