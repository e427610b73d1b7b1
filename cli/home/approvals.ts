// Approvals on disk: the files the owner answers (inbox/approvals/, committed) and the local ledger
// of what runs on this device asked for (.aos/approvals/, never committed or synced). An answer
// counts only when the ledger knows the question.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { suffix } from '../core/docs/ids.js';
import { stamp, localTime } from '../core/docs/time.js';
import { setFrontMatterFields } from '../core/docs/frontmatter.js';
import { APPROVAL_ID, renderApproval, type LedgerEntry, type NewApproval } from '../core/agents/approval.js';
import type { PastAnswer } from '../core/agents/policy.js';
import type { Env } from '../env.js';
import { createExclusive, isErrno, writeAtomic } from './files.js';
import type { HomeWriter } from './home.js';

const LEDGER = '.aos/approvals';

export const approvalFile = (id: string) => `inbox/approvals/${id}.md`;

/** Where an answered approval goes once aos has acted on it: inbox/approvals/done/YYYY/MM/<id>.md. */
export function approvalDonePath(id: string, date: string): string {
  return `inbox/approvals/done/${date.slice(0, 4)}/${date.slice(5, 7)}/${id}.md`;
}

export async function readLedger(root: string, id: string): Promise<LedgerEntry | undefined> {
  if (!APPROVAL_ID.test(id)) return undefined;
  try {
    return JSON.parse(await fs.readFile(join(root, LEDGER, `${id}.json`), 'utf8')) as LedgerEntry;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export async function writeLedger(root: string, entry: LedgerEntry): Promise<void> {
  await fs.mkdir(join(root, LEDGER), { recursive: true });
  await writeAtomic(join(root, LEDGER, `${entry.id}.json`), JSON.stringify(entry, null, 2) + '\n');
}

/** Every answer given on this device, for trust. */
export async function answerHistory(root: string): Promise<PastAnswer[]> {
  let names: string[];
  try {
    names = await fs.readdir(join(root, LEDGER));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const out: PastAnswer[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const e = await readLedger(root, name.slice(0, -5));
    if (!e?.answered) continue;
    if (e.state === 'performed' || e.state === 'performing') out.push({ pattern: e.pattern, answer: 'approved', at: e.answered });
    else if (e.state === 'denied') out.push({ pattern: e.pattern, answer: 'denied', at: e.answered });
  }
  return out;
}

/** Writes the ledger entry first, then the file the owner answers: a crash leaves a question aos knows, never an answer it does not. */
export async function createApproval(
  home: HomeWriter,
  env: Env,
  a: Omit<NewApproval, 'id' | 'created'> & { tool_use_id: string; pattern: string; tool: string },
  timeZone: string,
): Promise<{ id: string; file: string }> {
  const { root } = home;
  const at = env.now();
  for (let attempt = 0; ; attempt++) {
    const id = `ap-${stamp(at)}-${suffix(env.randomBytes(4))}`;
    const file = approvalFile(id);
    const created = localTime(at, timeZone).iso;
    const ledger: LedgerEntry = { id, hash: a.hash, run: a.run, agent: a.agent, item: a.item, tool: a.tool, tool_use_id: a.tool_use_id, pattern: a.pattern, created, state: 'asked' };
    if ((await readLedger(root, id)) && attempt < 5) continue;
    await writeLedger(root, ledger);
    try {
      await fs.mkdir(join(root, 'inbox/approvals'), { recursive: true });
      await createExclusive(join(root, file), home.redact(renderApproval({ ...a, id, created })));
      return { id, file };
    } catch (err) {
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
}

/** Sets the approval's final status and moves it out of the way; returns its new place. */
export async function closeApproval(root: string, file: string, id: string, date: string, fields: Record<string, unknown>): Promise<string> {
  const raw = await fs.readFile(join(root, file), 'utf8');
  const target = approvalDonePath(id, date);
  await fs.mkdir(join(root, target, '..'), { recursive: true });
  await writeAtomic(join(root, target), setFrontMatterFields(file, raw, fields));
  await fs.rm(join(root, file), { force: true });
  return target;
}
