// aos trace <item>: the tree of a piece of work — the item, every item runs made from it
// (delegations, messages, spawned work) and every run of each: agent and brain, outcome, tokens, time.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Args, Env } from '../env.js';
import { UserError } from '../errors.js';
import { buildTrace, formatTrace, traceRootFor, type TraceItem, type TraceRun } from '../core/runs/trace.js';
import { parseRunRecord } from '../core/runs/runrecord.js';
import { openHome } from '../home/home.js';
import { listRecords } from '../home/records.js';
import { loadDone, loadInbox, type InboxItem } from '../home/store.js';

function asTraceItem(i: InboxItem): TraceItem {
  const f = i.front;
  return {
    id: i.id,
    file: i.file,
    parent: f.parent,
    trace: f.trace,
    root: f.root,
    kind: f.kind,
    from: f.from ?? 'owner',
    to: f.to,
    handled_by: f.handled_by,
    status: f.status,
    subject: i.subject,
    created: f.created,
    finished: f.finished,
  };
}

export async function trace(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const wanted = String(args.item);
  const [pending, done] = await Promise.all([loadInbox(home.root, home.docs), loadDone(home.root, home.docs)]);
  await home.docs.save();
  const items = [...pending.items, ...done.items].map(asTraceItem);
  const matches = items.filter((i) => i.id === wanted || i.id.startsWith(wanted));
  const exact = items.find((i) => i.id === wanted);
  if (!exact && matches.length > 1) throw new UserError(`"${wanted}" matches ${matches.length} items (${matches.slice(0, 3).map((i) => i.id).join(', ')} …): give more of the id`);
  const item = exact ?? matches[0];
  if (!item) throw new UserError(`no item "${wanted}" in inbox/ or inbox/done/ (aos inbox list --all lists them)`);
  const rootId = traceRootFor(item);
  const skeleton = buildTrace(rootId, items, []);
  if (!skeleton) throw new UserError(`item ${item.id} belongs to the work of ${rootId}, whose file is gone from inbox/ and inbox/done/`);
  const members = new Set<string>();
  const collect = (n: typeof skeleton.root) => (members.add(n.item.id), n.children.forEach(collect));
  collect(skeleton.root);
  const runs: TraceRun[] = [];
  const problems: string[] = [];
  for (const file of await listRecords(home.root)) {
    const raw = await fs.readFile(join(home.root, file), 'utf8');
    // Most records are of other work: look for the item line before parsing the whole record.
    const itemLine = /^item: "?([^"\n]+)"?$/m.exec(raw.slice(0, 2000));
    if (!itemLine || !members.has(itemLine[1]!.trim())) continue;
    try {
      const f = parseRunRecord(file, raw).front;
      runs.push({ run: f.run, item: f.item!, agent: f.agent, provider: f.provider, model: f.model, outcome: f.outcome, started: f.started, ended: f.ended, usage: f.usage, cost_usd: f.cost_usd });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const { runCommitOrder } = await import('../git/read.js');
  const t = buildTrace(rootId, items, runs, await runCommitOrder(home.root, env.vars))!;
  if (env.out.json) return env.out.data({ ...t, problems });
  for (const p of problems) env.out.warn(`skipped ${p}`);
  for (const line of formatTrace(t)) env.out.line(line);
}
