import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { quoteSubject } from '../core/docs/commit.js';
import { openHome, type Home } from '../home/home.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import type { Problem } from '../errors.js';
import { createItem } from '../home/items.js';
import { itemTooLarge, itemView } from '../core/runs/inbox.js';
import { loadInbox, loadDone, loadAgents, loadApprovals, type InboxItem } from '../home/store.js';
import { appendLog } from '../home/log.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';
import { redactItemText } from '../core/docs/secretscan.js';

export async function add(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const words = (args.text as string[] | undefined) ?? [];
  const typed = (words.length ? words.join(' ') : await env.readStdin()).trim();
  if (!typed) throw new UsageError('nothing to add: give the text as an argument or on stdin');
  // A secret typed into an item would be committed and sent to the model: it is replaced first.
  const { text, redacted } = redactItemText(typed, home.redact);
  if (redacted.length) env.out.warn(`aos: redacted from the item before saving it: ${redacted.join(', ')} (aos.yaml secrets: gives agents a secret without writing it down)`);
  const tooLarge = itemTooLarge(words.length ? 'the text' : 'the text on stdin', text, home.config.inbox.max_item_kb);
  if (tooLarge) throw new UserError(formatProblem(tooLarge));
  const to = args.to as string | undefined;
  if (to) {
    const { agents, problems } = await loadAgents(home.root, home.docs);
    // The file may be there but invalid: say what is wrong with it, not that it is missing.
    const broken = problems.filter((p) => p.file === `agents/${to}.md`);
    if (broken.length) throw new UserError(`--to ${to}: ${broken.map(formatProblem).join("; ")}; nothing was added (aos doctor checks every file)`);
    if (!agents.some((a) => a.id === to)) throw new UsageError(`--to ${to}: expected one of the agents (${agents.map((a) => a.id).join(', ')}), found no agents/${to}.md`);
  }

  // The owner's words come first: when git cannot commit the earlier hand edits, the item is still
  // saved (the commit below says what did not happen), never refused for a fault that is not its own.
  const earlier = await commitHandEditsFirst(home, env, 'inbox add').then(
    (recovered) => {
      for (const note of recovered) env.out.warn(`aos: recovered: ${note}`);
      return undefined;
    },
    (err: unknown) => {
      if (err instanceof UserError) return err;
      throw err;
    },
  );
  if (earlier) env.out.warn(`aos: your earlier hand edits were not committed (${earlier.message.split('\n')[0]}); the next tick commits them`);
  const at = env.now();
  const { iso } = localTime(at, home.config.owner.timezone);
  const { id, file } = await createItem(home.root, env, { text, created: iso, to, priority: args.priority as 'normal' }, at);
  // The item is safely on disk from here: a failure below is reported, never an exit 1 that invites a second add.
  let sha: string | undefined;
  let notDone: string | undefined;
  try {
    const log = await appendLog(home, home.config.owner.timezone, at, { kind: 'inbox', agent: 'owner', ref: id, body: `Added ${quoteSubject(text, 100)}${to ? ` for ${to}` : ''}.` });
    sha = await commitAsOwner(home, env, 'inbox add', {
      subject: `inbox: add ${quoteSubject(text)}`,
      trailers: { 'Aos-Kind': 'inbox-add', 'Aos-Item': id },
      paths: [file, log],
    });
  } catch (err) {
    if (!(err instanceof UserError) && !(err instanceof Error && 'code' in err)) throw err;
    notDone = `${file} is saved, but it was not committed (${err.message.split('\n')[0]}); the next tick commits it as your edit and runs it. Do not add it again.`;
  }
  if (notDone) env.out.warn(`aos: ${notDone}`);
  if (env.out.json) return env.out.data({ id, file, committed: sha ?? null, ...(notDone ? { not_committed: notDone } : {}) });
  env.out.line(`Added ${file}${sha || notDone ? '' : ` (${LEFT_FOR_TICK})`}`);
}

export async function list(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const pending = await loadInbox(home.root, home.docs);
  const done = args.all ? await loadDone(home.root, home.docs) : { items: [], problems: [] };
  await home.docs.save();
  const problems = [...pending.problems, ...done.problems];
  const items = [...(await inTickOrder(home, env, pending.items, problems)), ...done.items];
  if (env.out.json) return env.out.data({ items: items.map(itemView), problems });
  for (const p of problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!items.length) return env.out.line('The inbox is empty.');
  const rows = items.map((i) => [i.id, i.front.status, i.front.priority, i.front.to ?? '-', truncate(i.subject, 60)]);
  env.out.line(table([['ID', 'STATUS', 'PRIORITY', 'TO', 'SUBJECT'], ...rows]));
}

/**
 * Pending items in the order the next tick takes them (the tick's own plan, so the two never
 * disagree); items it would not take (running, failed) follow, by id.
 */
async function inTickOrder(home: Home, env: Env, items: InboxItem[], problems: Problem[]): Promise<InboxItem[]> {
  const pending = items.filter((i) => i.front.status === 'new' || i.front.status === 'waiting');
  if (pending.length < 2) return [...pending, ...items.filter((i) => !pending.includes(i))];
  const agents = await loadAgents(home.root, home.docs);
  const { planServe } = await import('../flows/serve.js');
  const plan = await planServe(home, env, agents.agents, pending, [], problems);
  const rank = new Map(plan.map((p, n) => [p.item, n]));
  const last = plan.length;
  return [...items].sort((a, b) => (rank.get(a.id) ?? last) - (rank.get(b.id) ?? last) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const wanted = String(args.id);
  const [pending, done] = await Promise.all([loadInbox(home.root, home.docs), loadDone(home.root, home.docs)]);
  const matches = [...pending.items, ...done.items].filter((i) => i.id === wanted || i.name === wanted || i.id.startsWith(wanted));
  if (matches.length > 1 && !matches.some((m) => m.id === wanted)) {
    throw new UsageError(`"${wanted}" matches ${matches.length} items (${matches.slice(0, 3).map((m) => m.id).join(', ')} …): give more of the id`);
  }
  const item = matches.find((m) => m.id === wanted) ?? matches[0];
  // An approval, or the one a waiting item asks: its file in full, the change it would make included.
  const approvals = item?.front.approval || (!item && wanted.startsWith('ap-')) ? (await loadApprovals(home.root, home.docs)).docs : [];
  const asked = approvals.find((d) => d.front.status === 'pending' && (item ? d.front.id === item.front.approval : d.front.id.startsWith(wanted)));
  if (!item && asked) {
    if (env.out.json) return env.out.data({ approval: asked.front.id, file: asked.file, front: asked.front, body: asked.body });
    return env.out.line(`${asked.file}\n\n${asked.body.trimEnd()}`);
  }
  if (!item) {
    const bad = [...pending.problems, ...done.problems].find((p) => p.file.includes(wanted));
    throw new UserError(bad ? `cannot show it: ${formatProblem(bad)}` : `no inbox item "${wanted}" (aos inbox list shows the ids)`);
  }
  const run = item.front.run;
  const record = run && /^r-\d{8}T\d{6}-[a-z0-9]+$/.test(run) ? runRecordPath(run) : undefined;
  if (env.out.json) return env.out.data({ ...itemView(item), handled_by: item.front.handled_by ?? null, run: run ?? null, record: record ?? null, front: item.front, body: item.body, ...(asked ? { approval: { id: asked.front.id, file: asked.file, body: asked.body } } : {}) });
  env.out.line(`${item.file}`);
  // Who handled it and where its run is written, so the owner can follow it without opening the front matter.
  const handled = item.front.handled_by ? `${item.front.status} by ${item.front.handled_by}` : `status ${item.front.status}${item.front.to ? `, for ${item.front.to}` : ''}`;
  env.out.line(`${handled}${run ? `, run ${run}${record ? ` (${record})` : ''}` : ''}\n`);
  env.out.line(item.body.trimEnd());
  if (asked) env.out.line(`\nWaits for your answer to ${asked.front.id} (${asked.file}): aos approve ${asked.front.id}, or aos deny ${asked.front.id}.\n\n${asked.body.trimEnd()}`);
}
