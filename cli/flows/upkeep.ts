// aos's own litter: temp files of writes killed half-way are removed once their writer is gone, and
// the home's .gitignore names them so git never offers them as the owner's work.
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import { ignoresTempFiles, planTempCleanup, tempWriter, TEMP_IGNORE_LINE, type TempFile } from '../core/docs/tempfiles.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { readIfExists, removeFile, writeAtomic } from '../home/files.js';
import { fastStat } from '../home/faststat.js';
import { pidAlive } from '../home/procs.js';
import { tempFiles } from '../git/read.js';
import { commit } from '../git/git.js';

/**
 * The temp files in the home with their age and whether their writer still runs (doctor reads the
 * same). `found`: the temp files git already listed (the tick's treeStatus), else git is asked.
 */
export async function inspectTempFiles(root: string, env: Env, found?: string[]): Promise<TempFile[]> {
  const out: TempFile[] = [];
  for (const path of found ?? (await tempFiles(root, env.vars))) {
    const st = fastStat(join(root, path));
    if (!st) continue; // its write finished meanwhile
    out.push({ path, ageMs: env.now().getTime() - st.mtimeMs, writerAlive: pidAlive(tempWriter(path)!) });
  }
  return out;
}

/** Removes the temp files no writer will finish: the paths removed, and one line for each. */
export async function removeStrayTempFiles(home: Home, env: Env, found?: string[]): Promise<{ removed: string[]; lines: string[] }> {
  const plan = planTempCleanup(await inspectTempFiles(home.root, env, found));
  for (const path of plan.remove) removeFile(join(home.root, path));
  return { removed: plan.remove, lines: plan.remove.map((p) => `removed ${p}, a temp file left by a write that was killed`) };
}

/** Adds the temp files' line to a .gitignore that predates it, in a commit of its own. */
export async function ignoreTempFiles(home: Home, env: Env): Promise<string | undefined> {
  const path = join(home.root, '.gitignore');
  const text = (await readIfExists(path)) ?? '';
  if (ignoresTempFiles(text)) return undefined;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeAtomic(path, `${text}${sep}# aos's own atomic-write temp files (a write killed half-way leaves one; the next tick removes it).\n${TEMP_IGNORE_LINE}\n`);
  await commit(home.root, env.vars, {
    who: agentIdentity('aos'),
    subject: 'aos: .gitignore names its temp files',
    trailers: { 'Aos-Kind': 'upkeep', 'Aos-Device': home.device },
    paths: ['.gitignore'],
  }, home.redact);
  return `added "${TEMP_IGNORE_LINE}" to .gitignore so aos's temp files never reach git`;
}
