// What doctor checks beyond parsing (issue 14 item 2): the files the tick must write. A pending item
// aos may not write (immutable, another user's, in a folder it may not write), a collection folder
// that is a symbolic link, an answer held for an item: each would stop the tick's work on it, so
// each is named, not "All good".
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import { isErrno, listNames } from './files.js';
import { heldProblem, listHeld } from './held.js';
import { doneFolders } from './store.js';

const FOLDERS = ['inbox', 'inbox/done', 'inbox/approvals', 'inbox/claims', 'agents', 'goals', 'memory', 'logs', 'logs/runs'];

export async function writeProblems(root: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const linked = new Set<string>();
  const months = (await doneFolders(root)).flatMap((m) => [m.slice(0, m.lastIndexOf('/')), m]);
  for (const folder of [...FOLDERS, ...new Set(months)]) {
    const st = await fs.lstat(join(root, folder)).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
    if (!st?.isSymbolicLink()) continue;
    linked.add(folder);
    problems.push({ file: folder, expected: 'a folder', found: 'a symbolic link (aos writes no file through a link: answers to items wait until it is a folder)', hint: 'replace it with a folder and move its files in; see docs/recovery.md#bad-files' });
  }
  if (!linked.has('inbox')) {
    const inboxWritable = await access(join(root, 'inbox'), constants.W_OK);
    if (inboxWritable) problems.push({ file: 'inbox', expected: 'a folder aos can write', found: inboxWritable, hint: 'give the user running aos write access (ls -ld inbox; chown or chmod); see docs/recovery.md#bad-files' });
    for (const e of await listNames(join(root, 'inbox'))) {
      if (!e.isFile || !e.name.endsWith('.md')) continue;
      const denied = await access(join(root, 'inbox', e.name), constants.R_OK | constants.W_OK);
      if (denied) problems.push({ file: `inbox/${e.name}`, expected: 'an item aos can read and write', found: denied, hint: 'chmod u+rw, chown to the user running aos, or chattr -i when lsattr shows "i"; it runs once fixed; see docs/recovery.md#bad-files' });
    }
  }
  const { held, problems: unreadable } = await listHeld(root);
  problems.push(...unreadable, ...held.map(heldProblem));
  return problems;
}

async function access(path: string, mode: number): Promise<string | undefined> {
  try {
    await fs.access(path, mode);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return 'a file that may not be changed (EPERM: its immutable or append-only flag is set)';
    if (code === 'EACCES') return 'permission denied (EACCES)';
    if (code === 'EROFS') return 'a read-only file system (EROFS)';
    if (code === 'ENOENT') return undefined;
    throw err;
  }
}
