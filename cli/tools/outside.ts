// Files outside the home, reached only through an absolute grant (file:/home/user/data/*:read).
// The same confinement as home paths: the path as named and the path as resolved on disk must both
// lie inside the grant (a symbolic link inside the granted folder cannot lead out of it), nothing
// inside the home is reached this way (home paths are named relative to the home, where .git and
// the other protections apply), hard-linked files are refused, and the file is opened once without
// following a final link, then the opened descriptor's real path is checked again before use.
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { checkAbsoluteFile, normalizeAbsolutePath, type Capability } from '../core/agents/capabilities.js';
import { isErrno } from '../home/files.js';
import { ToolError } from './runctx.js';

const READ_MAX_BYTES = 256 * 1024;
const WRITABLE_NAME = /^[\p{L}\p{N}._\- ]+$/u;
const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** Whether a path is one for the absolute grants: an absolute path, and the agent holds an absolute file grant. */
export function isOutsidePath(caps: readonly Capability[], path: unknown): path is string {
  return typeof path === 'string' && path.startsWith('/') && caps.some((c) => c.kind === 'file' && c.resources.some((r) => r.startsWith('/')));
}

const refuse = (why: string): never => {
  throw new ToolError(`refused: ${why}`);
};

/** The grant, then the disk: returns the checked real path. Throws ToolError with the reason. */
export async function outsideDecision(caps: readonly Capability[], homeRoot: string, path: string, action: 'read' | 'write'): Promise<{ path: string; real: string; reason: string }> {
  const verdict = checkAbsoluteFile(caps, path, action);
  if (!verdict.allowed) refuse(verdict.reason);
  const norm = normalizeAbsolutePath(path) as { path: string };
  const homeReal = await fs.realpath(homeRoot).catch(() => homeRoot);
  if (inside(norm.path, homeRoot) || inside(norm.path, homeReal)) refuse(`${norm.path} is inside the home: name it relative to the home`);
  const base = basename(norm.path);
  if (action === 'write' && (!WRITABLE_NAME.test(base) || base.startsWith('-') || base.endsWith(' ') || base.endsWith('.'))) refuse(`"${basename(norm.path)}" has characters aos does not write (use letters, digits, . _ - and spaces)`);
  // Resolved: the file itself for a read, its folder for a write (the file may not exist yet).
  let real: string;
  try {
    real = action === 'read' ? await fs.realpath(norm.path) : join(await fs.realpath(dirname(norm.path)), basename(norm.path));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) refuse(`${norm.path} does not exist`);
    throw err;
  }
  if (inside(real, homeReal)) refuse(`${norm.path} leads into the home (${real}): name it relative to the home`);
  const again = checkAbsoluteFile(caps, real, action);
  if (!again.allowed) refuse(`${norm.path} resolves to ${real}, which no grant names (${again.reason})`);
  const st = await fs.lstat(real).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
  if (st && !st.isFile()) refuse(`${norm.path} is not a regular file`);
  if (st && st.nlink > 1) refuse(`${norm.path} is hard-linked elsewhere`);
  return { path: norm.path, real, reason: verdict.reason };
}

/** Opens without following a final link and confirms what was opened is the checked file. */
async function openChecked(real: string, flags: number, action: 'read' | 'write') {
  let handle;
  try {
    handle = await fs.open(real, flags | constants.O_NOFOLLOW, 0o644);
  } catch (err) {
    if (isErrno(err, 'ELOOP')) refuse(`${real} became a symbolic link`);
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) refuse(`${real} is not a regular file`);
    if (st.nlink > 1) refuse(`${real} is hard-linked elsewhere`);
    // Where /proc is mounted, the descriptor names the file truly opened: a folder swapped for a
    // link between the check and the open shows here.
    const opened = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => real);
    if (opened !== real) refuse(`${real} changed while it was opened (${action}); nothing was done`);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

export async function readOutside(real: string): Promise<string> {
  const handle = await openChecked(real, constants.O_RDONLY, 'read');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  return readCapped(handle, size);
}

/** The text of an open file, its first READ_MAX_BYTES when larger (saying so); closes the handle. */
export async function readCapped(handle: Awaited<ReturnType<typeof fs.open>>, size: number): Promise<string> {
  try {
    const buf = Buffer.alloc(Math.min(size, READ_MAX_BYTES));
    await handle.read(buf, 0, buf.length, 0);
    const text = buf.toString('utf8');
    return size > READ_MAX_BYTES ? `${text}\n… (first ${READ_MAX_BYTES} of ${size} bytes)` : text;
  } finally {
    await handle.close();
  }
}

/** Writes outside the home: not part of the run's commit (git holds only the home), but in its record and audit. */
export async function writeOutside(real: string, content: string): Promise<void> {
  const handle = await openChecked(real, constants.O_WRONLY | constants.O_CREAT, 'write');
  try {
    await handle.truncate(0);
    await handle.write(content, 0, 'utf8');
  } finally {
    await handle.close();
  }
}
