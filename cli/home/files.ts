// Plain-file primitives: atomic replace, exclusive create, reads of files that may be missing, and
// listings that never follow a symbolic link (the store refuses them).
// The calls are synchronous inside async functions (issue 24): aos is a short-lived process that does
// one thing at a time, and each promise of node:fs/promises costs a round trip through libuv's thread
// pool (~50 µs here; an idle tick made ~50 of them) and loads fs/promises with the stream modules it
// pulls in (~1 ms). The functions stay async, so callers need not change and may go on awaiting them.
import { closeSync, constants, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { isErrno } from '../errors.js';
import { tempName } from '../core/docs/tempfiles.js';

// isErrno lives in errors.ts (layers without the store use it too); the store's modules take it from here.
export { isErrno };

/** Random bytes; node:crypto is loaded on first use, since most runs never need it (~5 ms). */
export function randomBytes(n: number): Uint8Array {
  return process.getBuiltinModule('node:crypto').randomBytes(n);
}

// The name is one core/docs/tempfiles.ts recognises: ignored by git, never committed, cleaned by the tick.
// The suffix needs only to differ from other temp files of this process (the pid tells processes
// apart) and the exclusive create below refuses a clash, so Math.random serves: node:crypto cost
// ~5 ms of CPU to load on every tick, for its one write (issue 24).
function tempPath(path: string): string {
  const suffix = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return join(dirname(path), tempName(basename(path), process.pid, suffix));
}

/** Opens a new temp file beside `path`, exclusively; a name already taken (a clash of suffixes) gets another. */
function openTemp(path: string): { tmp: string; fd: number } {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPath(path);
    try {
      return { tmp, fd: openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644) };
    } catch (err) {
      if (!isErrno(err, 'EEXIST') || attempt >= 5) throw err;
    }
  }
}

/**
 * How a whole-file write ends. `durable: false` is for a file whose loss or damage in a power cut
 * costs nothing, because its reader takes a damaged one for none (a cache, the heartbeat, the lock,
 * whose holder a power cut ended anyway): no fsync, which an idle tick paid twice (~0.5 ms each here,
 * far more on a slow disk). Everything a person or git may rely on stays durable.
 */
export interface WriteOptions {
  durable?: boolean;
}

async function writeTemp(path: string, text: string | Uint8Array, opts: WriteOptions = {}): Promise<string> {
  await ensureFolder(dirname(path));
  const { tmp, fd } = openTemp(path);
  try {
    writeFileSync(fd, text, 'utf8');
    if (opts.durable !== false) fsyncSync(fd);
  } catch (err) {
    // A full disk: the half-written temp file goes, and the error names the file it was for.
    closeSync(fd);
    removeFile(tmp);
    throw withPath(err, path);
  }
  closeSync(fd);
  return tmp;
}

/**
 * A failed system call told with its path: a write through an open file (ENOSPC, EDQUOT, EIO)
 * carries none, and without one the owner is shown a stack instead of the file to make room for.
 */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.code === 'string' && e.path === undefined) e.path = path;
  return err;
}

/**
 * mkdir -p that names the real cause: node's recursive mkdir says EEXIST when a file stands where
 * a folder must be, and ENOENT when a parent is read-only or forbidden (EROFS, EACCES). Then the
 * path is made one folder at a time, so the failure is the kernel's own, on the path that caused it.
 */
export async function ensureFolder(dir: string): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
    return;
  } catch (err) {
    if (!isErrno(err, 'EEXIST') && !isErrno(err, 'ENOENT')) throw err;
  }
  const parts = dir.split(/(?=\/)/);
  for (let i = 1; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('');
    try {
      mkdirSync(folder);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      if (!statSync(folder).isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path: folder });
      }
    }
  }
}

/** Replaces a file whole: readers see the old text or the new, never half. */
export async function writeAtomic(path: string, text: string | Uint8Array, opts?: WriteOptions): Promise<void> {
  const tmp = await writeTemp(path, text, opts);
  try {
    renameSync(tmp, path);
  } catch (err) {
    removeFile(tmp);
    throw err;
  }
}

/** Creates a new file whole, failing with EEXIST rather than overwriting anything. */
export async function createExclusive(path: string, text: string, opts?: WriteOptions): Promise<void> {
  const tmp = await writeTemp(path, text, opts);
  try {
    linkSync(tmp, path);
  } finally {
    removeFile(tmp);
  }
}


/**
 * Removes a file, if it is there. Not `rm --force`: node's rmSync loads its recursive-removal module
 * for one file; a folder is an error here, as for unlink(2).
 */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

/** A file's text, or undefined when there is no such file; any other failure is thrown. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    lstatSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Names of entries in a folder, or none when it does not exist. Dotfiles are local noise. */
export async function listNames(dir: string): Promise<{ name: string; isFile: boolean; isDir: boolean; isLink: boolean }[]> {
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, isFile: e.isFile(), isDir: e.isDirectory(), isLink: e.isSymbolicLink() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/** The month folders of a dated tree (base/YYYY/MM: the logs, inbox/done, logs/runs), newest first. */
export async function monthFolders(root: string, base: string): Promise<string[]> {
  const out: string[] = [];
  for (const y of (await listNames(join(root, base))).filter((e) => e.isDir && /^\d{4}$/.test(e.name))) {
    for (const m of (await listNames(join(root, base, y.name))).filter((e) => e.isDir && /^\d{2}$/.test(e.name))) {
      out.push(`${base}/${y.name}/${m.name}`);
    }
  }
  return out.sort().reverse();
}

/** The files in a dated tree's month folders whose names match, newest first; a link is never listed or followed. */
export async function monthFiles(root: string, base: string, name: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const folder of await monthFolders(root, base)) {
    for (const f of await listNames(join(root, folder))) if (f.isFile && name.test(f.name)) out.push(`${folder}/${f.name}`);
  }
  return out.sort().reverse();
}
