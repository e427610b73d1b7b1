// aos approve / aos deny: the owner's answer to an approval, written into its file and committed.
// With no id, the approvals still waiting are listed. aos acts on the answer at the next tick.
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { setFrontMatterFields } from '../core/docs/frontmatter.js';
import { openHome, type Home } from '../home/home.js';
import { loadApprovals } from '../home/store.js';
import { appendLog } from '../home/log.js';
import { writeAtomic } from '../home/files.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

async function pending(home: Home) {
  const { docs, problems } = await loadApprovals(home.root, home.docs);
  return { waiting: docs.filter((d) => d.front.status === 'pending'), all: docs, problems };
}

async function listPending(home: Home, env: Env): Promise<void> {
  const { waiting, problems } = await pending(home);
  if (env.out.json) return env.out.data({ pending: waiting.map((d) => ({ file: d.file, ...d.front })), problems });
  for (const p of problems) env.out.warn(formatProblem(p));
  if (!waiting.length) return env.out.line('No approvals waiting.');
  env.out.line(table([['ID', 'AGENT', 'ACTION', 'ARGUMENT'], ...waiting.map((d) => [d.front.id, d.front.agent, d.front.action, truncate(d.front.argument, 60)])]));
  env.out.line('aos inbox show <id> shows an approval in full, with the change it would make.');
}

async function answer(args: Args, env: Env, status: 'approved' | 'denied'): Promise<void> {
  const home = await openHome(env);
  const id = args.id === undefined ? undefined : String(args.id);
  if (!id) return listPending(home, env);
  const { all, problems } = await pending(home);
  const matches = all.filter((d) => d.front.id === id || d.front.id.startsWith(id));
  if (!matches.length) {
    const bad = problems.find((p) => p.file.includes(id));
    if (bad) throw new UserError(`${bad.file} is invalid:\n${formatProblem(bad)}`);
    throw new UsageError(`no approval "${id}" in inbox/approvals/ (aos approve with no id lists those waiting)`);
  }
  if (matches.length > 1) throw new UsageError(`"${id}" names ${matches.length} approvals: ${matches.map((m) => m.front.id).join(', ')}`);
  const doc = matches[0]!;
  if (doc.front.status !== 'pending') throw new UserError(`${doc.front.id} is already ${doc.front.status}`);
  await commitHandEditsFirst(home, env, status === 'approved' ? 'approve' : 'deny');
  const at = env.now();
  const tz = home.config.owner.timezone;
  const raw = await fs.readFile(join(home.root, doc.file), 'utf8');
  await writeAtomic(join(home.root, doc.file), setFrontMatterFields(doc.file, raw, { status, answered: localTime(at, tz).iso }));
  const verb = status === 'approved' ? 'Approved' : 'Denied';
  const log = await appendLog(home, tz, at, { kind: 'approval', agent: 'owner', ref: doc.front.id, body: `${verb} ${doc.front.agent}'s ${doc.front.action} ${truncate(doc.front.argument, 200)}.` });
  // approval.answered for its subscribers (issue 20), in the owner's commit below.
  const told = await (await import('../flows/events.js')).announce(home, env, 'approval.answered', `The owner ${status} ${doc.front.id}: ${doc.front.agent}'s ${doc.front.action} ${truncate(doc.front.argument, 200)}.`, { about: doc.front.id, commit: false });
  const sha = await commitAsOwner(home, env, status === 'approved' ? 'approve' : 'deny', {
    subject: `approval: ${status === 'approved' ? 'approve' : 'deny'} ${doc.front.id} (${doc.front.action} by ${doc.front.agent})`,
    trailers: { 'Aos-Kind': status === 'approved' ? 'approve' : 'deny', 'Aos-Approval': doc.front.id },
    paths: [doc.file, log, ...told.files],
  });
  if (env.out.json) return env.out.data({ id: doc.front.id, status, file: doc.file, committed: sha ?? null });
  env.out.line(`${verb} ${doc.front.id}: ${doc.front.action} ${truncate(doc.front.argument, 80)}. The next tick ${status === 'approved' ? 'performs it, once' : 'tells the agent'}.${sha ? '' : ` (${LEFT_FOR_TICK})`}`);
}

export const approve = (args: Args, env: Env) => answer(args, env, 'approved');
export const deny = (args: Args, env: Env) => answer(args, env, 'denied');
