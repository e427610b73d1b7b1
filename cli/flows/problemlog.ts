// Bad files in the day's log (issue 14 item 2): each tick names them on stderr (exit 1, cron mails
// it); the log, which `aos log` and the agents read, gets each one once, when it is first seen,
// not every five minutes. What was last seen is local state (.aos/noted-problems.json): a file
// fixed and broken again is noted again.
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import { formatProblem, isErrno, type Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { exists, readIfExists, writeAtomic } from '../home/files.js';

const NOTED_FILE = '.aos/noted-problems.json';

export async function noteBadFiles(home: Home, env: Env, problems: readonly Problem[]): Promise<void> {
  const path = join(home.root, NOTED_FILE);
  const before = await readIfExists(path);
  if (before === undefined && !problems.length) return;
  // Only problems of a file in the home: an unreachable remote or an outage is not a bad file.
  const bad: Problem[] = [];
  for (const p of problems) if (!p.file.startsWith('/') && !p.file.includes('..') && (await existsQuietly(join(home.root, p.file)))) bad.push(p);
  const key = (p: Problem) => `${p.file}\t${p.expected}`;
  const keys = [...new Set(bad.map(key))].sort();
  const seen = new Set<string>(before ? (JSON.parse(before) as string[]) : []);
  const fresh = bad.filter((p, i) => !seen.has(key(p)) && bad.findIndex((q) => key(q) === key(p)) === i);
  if (fresh.length) {
    const { appendLog } = await import('../home/log.js');
    const { commit } = await import('../git/git.js');
    const body = `aos skips ${fresh.length === 1 ? 'a file it cannot use' : `${fresh.length} files it cannot use`} until fixed (aos doctor names each):\n\n${fresh.map((p) => `- ${formatProblem(p)}`).join('\n')}`;
    const log = await appendLog(home, home.config.owner.timezone, env.now(), { kind: 'problem', agent: 'aos', body });
    await commit(home.root, env.vars, { who: agentIdentity('aos'), subject: `aos: noted ${fresh.length} file(s) it skips`, trailers: { 'Aos-Kind': 'problem', 'Aos-Device': home.device }, paths: [log] }, home.redact);
  }
  if (before === undefined ? keys.length : JSON.stringify(keys) !== JSON.stringify([...seen].sort())) await writeAtomic(path, JSON.stringify(keys) + '\n');
}

async function existsQuietly(path: string): Promise<boolean> {
  try {
    return await exists(path);
  } catch (err) {
    if (isErrno(err, 'ENOTDIR') || isErrno(err, 'EACCES')) return false;
    throw err;
  }
}
