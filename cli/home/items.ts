// Inbox items on disk: create one with a fresh id, change its status fields in place, move it to done.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { itemId } from '../core/docs/ids.js';
import { renderItem, type NewItem } from '../core/runs/inbox.js';
import { markerRefusal, setFrontMatterFields } from '../core/docs/frontmatter.js';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';
import { createExclusive, ensureFolder, isErrno, writeAtomic } from './files.js';
import type { HomeWriter } from './home.js';

/** Writes a new item under a fresh id; the exclusive create means a clash can never overwrite. */
export async function createItem(root: string, env: Env, item: Omit<NewItem, 'id'>, at = env.now()): Promise<{ id: string; file: string }> {
  const refusal = markerRefusal('the text', item.text);
  if (refusal) throw new UserError(`${refusal}; nothing was added`);
  for (let attempt = 0; ; attempt++) {
    const id = itemId(at, env.randomBytes(4));
    const file = `inbox/${id}.md`;
    try {
      await createExclusive(join(root, file), renderItem({ ...item, id }));
      return { id, file };
    } catch (err) {
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
}

/** Sets (or, with undefined, removes) front matter fields, keeping the rest of the file as written. */
export async function updateItem(home: HomeWriter, file: string, fields: Record<string, unknown>): Promise<void> {
  const path = join(home.root, file);
  const raw = await fs.readFile(path, 'utf8');
  await writeAtomic(path, home.redact(setFrontMatterFields(file, raw, fields)));
}

/**
 * Moves an item to done with its fields set and the result appended. The new file is written
 * before the old one goes, so a crash in between leaves a duplicate to notice, never a loss.
 */
export async function finishItem(home: HomeWriter, file: string, target: string, fields: Record<string, unknown>, result: string): Promise<void> {
  const { root } = home;
  const raw = await fs.readFile(join(root, file), 'utf8');
  const updated = setFrontMatterFields(file, raw, fields);
  const eol = updated.includes('\r\n') ? '\r\n' : '\n';
  const body = updated.replace(/(\r?\n)*$/, '') + `${eol}${eol}## Result${eol}${eol}${result.trim().replace(/\r?\n/g, eol)}${eol}`;
  await refuseLinkedFolders(root, target);
  await ensureFolder(join(root, target, '..'));
  await writeAtomic(join(root, target), home.redact(body));
  try {
    // unlink, not rm: rm answers an immutable file's EPERM by trying rmdir, and reports ENOTDIR.
    await fs.unlink(join(root, file)).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
  } catch (err) {
    // The item cannot go (an immutable file, a folder aos may not write): take the copy back, so the
    // item is in one place, as it was, and the caller holds the answer.
    await fs.rm(join(root, target), { force: true });
    throw err;
  }
}

/**
 * aos writes nothing through a symbolic link on the way to a file (inbox/done linked elsewhere
 * would put items outside the home, and git refuses paths beyond a link): refused, naming the link.
 */
async function refuseLinkedFolders(root: string, file: string): Promise<void> {
  const parts = file.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    let st;
    try {
      st = await fs.lstat(join(root, folder));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    if (st.isSymbolicLink()) throw new UserError(`${folder} is a symbolic link: aos writes no file through a link (it could put files outside the home, and git refuses them); replace it with a folder (see docs/recovery.md#bad-files)`);
  }
}

// Kept in store.ts, which loads no YAML: serve looks up done children on every tick with work.
export { findDone } from './store.js';

// In their own module, which loads no YAML: every tick that is not quiet looks for them (issue 24).
export { unsupportedInboxFiles, moveUnsupported } from './unsupported.js';
