// Ledger files on disk (core/economy/ledger.ts decides what they say): written once each with an
// exclusive create, so a job is never recorded twice and two devices never write one file; read
// back for `aos ledger` and `aos status`, a damaged one named rather than guessed at.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { frontMatterText, parseFrontMatter, renderDocument } from '../core/docs/frontmatter.js';
import { ledgerBody, ledgerFields, ledgerPath, LedgerSchema, sumLedger, type LedgerRecord, type NewLedgerRecord } from '../core/economy/ledger.js';
import type { Problem } from '../errors.js';
import type { Vars } from '../env.js';
import { createExclusive, ensureFolder, isErrno, listNames, monthFiles } from './files.js';
import type { HomeWriter } from './home.js';

/** Writes a job's record; returns its path. A record already there (a retried run) is kept as it is. */
export async function writeLedgerRecord(home: HomeWriter, rec: NewLedgerRecord): Promise<string> {
  const fields = ledgerFields(rec);
  const file = ledgerPath(rec.date, rec.job);
  await ensureFolder(join(home.root, file, '..'));
  try {
    await createExclusive(join(home.root, file), home.redact(renderDocument(frontMatterText(fields), ledgerBody(fields))));
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
  }
  return file;
}

/** Every record of the ledger, and the files that could not be read as one. */
export async function readLedger(root: string, month?: string): Promise<{ records: (LedgerRecord & { file: string })[]; problems: Problem[] }> {
  const records: (LedgerRecord & { file: string })[] = [];
  const problems: Problem[] = [];
  const files = month ? (await listNames(join(root, 'ledger', month.replace('-', '/')))).filter((e) => e.isFile && e.name.endsWith('.md')).map((e) => `ledger/${month.replace('-', '/')}/${e.name}`) : await monthFiles(root, 'ledger', /\.md$/);
  for (const file of files) {
    let raw: string;
    try {
      raw = await fs.readFile(join(root, file), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    const parsed = parseFrontMatter(file, raw);
    const checked = v.safeParse(LedgerSchema, parsed.data ?? {});
    if (parsed.problems.length || !checked.success) {
      problems.push(...parsed.problems, ...(checked.success ? [] : checked.issues.slice(0, 1).map((i) => ({ file, field: v.getDotPath(i) ?? undefined, expected: `a ledger record (${i.expected ?? i.message})`, found: String(i.received), hint: 'not counted until fixed' }))));
      continue;
    }
    records.push({ ...checked.output, file });
  }
  return { records, problems };
}

/** Runs the owner's settlement command with the record's path; why it failed, or undefined. Never fatal: the record is written. */
export function settlementHook(root: string, argv: readonly string[] | undefined, vars: Vars, file: string): Promise<string | undefined> {
  if (!argv?.length) return Promise.resolve(undefined);
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG']) if (vars[k]) env[k] = vars[k]!;
  return new Promise((resolve) => {
    execFile(argv[0]!, [...argv.slice(1), join(root, file)], { env, cwd: root, timeout: 30_000 }, (err, _out, stderr) => {
      resolve(err ? `settlement command ${argv[0]} failed: ${String(stderr).trim() || err.message}` : undefined);
    });
  });
}

/** This month's earnings, costs and net (for `aos status`); undefined when the month has no job. */
export async function monthNet(root: string, month: string): Promise<{ month: string; jobs: number; earned_micros: number; cost_micros: number; net_micros: number } | undefined> {
  const { records } = await readLedger(root, month);
  return sumLedger(records).months[0];
}
