// Sold jobs as inbox items (issue 21): the A2A server writes one per accepted task and watches for
// the tick to finish it. The item is an ordinary file in inbox/, so a crash of the server loses
// nothing: the tick still runs it (under the job profile) and records it in the ledger.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { itemId } from '../core/docs/ids.js';
import { frontMatterText, parseFrontMatter, renderDocument } from '../core/docs/frontmatter.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';
import { createExclusive, isErrno } from './files.js';
import { findDone } from './store.js';

export interface NewJob {
  text: string;
  created: string;
  client: string;
  skill: string;
  /** "USD 0.005" */
  price: string;
  agent: string;
  /** The A2A task id, so the item and the task can be matched by hand. */
  task: string;
}

export async function createJobItem(root: string, env: Env, job: NewJob): Promise<{ id: string; file: string }> {
  const refusal = markerRefusal('the task', job.text);
  if (refusal) throw new UserError(`${refusal}; nothing was added`);
  for (let attempt = 0; ; attempt++) {
    const id = itemId(env.now(), env.randomBytes(4));
    const file = `inbox/${id}.md`;
    const front = frontMatterText({ id, from: `a2a:${job.client}`, to: job.agent, kind: 'job', priority: 'normal', created: job.created, status: 'new', skill: job.skill, price: job.price, tags: [`a2a-task-${job.task}`] });
    try {
      await createExclusive(join(root, file), renderDocument(front, job.text.trim() + '\n'));
      return { id, file };
    } catch (err) {
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
}

export type JobState =
  | { state: 'waiting'; status: string }
  | { state: 'done' | 'failed'; file: string; result: string }
  | { state: 'gone' };

/** Where a job's item is now: still in the inbox (with its status), finished (with its result), or gone. */
export async function jobState(root: string, id: string): Promise<JobState> {
  const inInbox = `inbox/${id}.md`;
  let raw: string | undefined;
  try {
    raw = await fs.readFile(join(root, inInbox), 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  if (raw !== undefined) {
    const status = String(parseFrontMatter(inInbox, raw).data?.status ?? 'new');
    if (status === 'failed' || status === 'cancelled') return { state: 'failed', file: inInbox, result: String(parseFrontMatter(inInbox, raw).data?.error ?? status) };
    return { state: 'waiting', status };
  }
  const done = await findDone(root, id);
  if (!done) return { state: 'gone' };
  const text = await fs.readFile(join(root, done), 'utf8');
  const parsed = parseFrontMatter(done, text);
  const result = /\n## Result\r?\n\r?\n([\s\S]*)$/.exec(parsed.body)?.[1]?.trim() ?? '';
  return { state: parsed.data?.status === 'failed' ? 'failed' : 'done', file: done, result };
}
