import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { quoteSubject } from '../core/docs/commit.js';
import { openHome } from '../home/home.js';
import { createItem } from '../home/items.js';
import { itemTooLarge, itemView } from '../core/runs/inbox.js';
import { loadInbox, loadDone, loadAgents, } from '../home/store.js';
import { appendLog } from '../home/log.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';

export async function add(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const words = (args.text as string[] | undefined) ?? [];
  const text = (words.length ? words.join(' ') : await env.readStdin()).trim();
  if (!text) throw new UsageError('nothing to add: give the text as an argument or on stdin');
  const tooLarge = itemTooLarge(words.length ? 'the text' : 'the text on stdin', text, home.config.inbox.max_item_kb);
  if (tooLarge) throw new UserError(formatProblem(tooLarge));
  const to = args.to as string | undefined;
  if (to) {
    const { agents } = await loadAgents(home.root, home.docs);
    if (!agents.some((a) => a.id === to)) throw new UsageError(`--to ${to}: expected one of the agents (${agents.map((a) => a.id).join(', ')}), found no agents/${to}.md`);
  }

  await commitHandEditsFirst(home, env, 'inbox add');
  const at = env.now();
  const { iso } = localTime(at, home.config.owner.timezone);
  const { id, file } = await createItem(home.root, env, { text, created: iso, to, priority: args.priority as 'normal' }, at);
  const log = await appendLog(home, home.config.owner.timezone, at, { kind: 'inbox', agent: 'owner', ref: id, body: `Added ${quoteSubject(text, 100)}${to ? ` for ${to}` : ''}.` });

  const sha = await commitAsOwner(home, env, 'inbox add', {
    subject: `inbox: add ${quoteSubject(text)}`,
    trailers: { 'Aos-Kind': 'inbox-add', 'Aos-Item': id },
    paths: [file, log],
  });
  if (env.out.json) return env.out.data({ id, file, committed: sha ?? null });
  env.out.line(`Added ${file}${sha ? '' : ` (${LEFT_FOR_TICK})`}`);
}

export async function list(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const pending = await loadInbox(home.root, home.docs);
  const done = args.all ? await loadDone(home.root, home.docs) : { items: [], problems: [] };
  await home.docs.save();
  const items = [...pending.items, ...done.items];
  const problems = [...pending.problems, ...done.problems];
  if (env.out.json) return env.out.data({ items: items.map(itemView), problems });
  for (const p of problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!items.length) return env.out.line('The inbox is empty.');
  const rows = items.map((i) => [i.id, i.front.status, i.front.priority, i.front.to ?? '-', truncate(i.subject, 60)]);
  env.out.line(table([['ID', 'STATUS', 'PRIORITY', 'TO', 'SUBJECT'], ...rows]));
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
  if (!item) {
    const bad = [...pending.problems, ...done.problems].find((p) => p.file.includes(wanted));
    throw new UserError(bad ? `cannot show it: ${formatProblem(bad)}` : `no inbox item "${wanted}" (aos inbox list shows the ids)`);
  }
  if (env.out.json) return env.out.data({ ...itemView(item), front: item.front, body: item.body });
  env.out.line(`${item.file}\n`);
  env.out.line(item.body.trimEnd());
}
