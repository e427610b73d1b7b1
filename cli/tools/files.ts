// File tools: paths relative to the home, checked against the agent's grants, then opened once, one
// folder at a time, never through a symbolic link, and the opened descriptor's real path checked
// before anything is read or written through it: swapping a folder for a link meanwhile reaches nothing.
import * as v from 'valibot';
import { constants, existsSync, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFile, normalizeHomePath, type Capability } from '../core/agents/capabilities.js';
import { nameProblem } from '../core/agents/confine.js';
import { tempName } from '../core/docs/tempfiles.js';
import { isErrno, randomBytes, writeAtomic } from '../home/files.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { markerChecked } from '../core/runs/sync.js';
import { defineTool } from './define.js';
import { isOutsidePath, outsideDecision, readCapped, readOutside, writeOutside } from './outside.js';
import { ToolError, touch, workRoot, type RunCtx } from './runctx.js';
import { refusedBy, type CanQuery } from './canspec.js';
import type { Asked } from '../core/agents/verdict.js';

const LIST_MAX = 500;

/** Refuses a path any of whose existing components is a symbolic link. */
async function noLinks(root: string, rel: string): Promise<void> {
  let at = root;
  for (const seg of rel.split('/')) {
    at = join(at, seg);
    try {
      if ((await fs.lstat(at)).isSymbolicLink()) throw new ToolError(`refused: ${rel} goes through a symbolic link`);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
  }
}

const WRITABLE_NAME = /^[\p{L}\p{N}._\-/ ]+$/u;

/**
 * Everything the file tools check before they touch a path, for the tools and for `aos can`: the
 * grant, then the path on disk (no symbolic link on the way, no hard-linked or odd target for writes).
 * Returns the canonical path, or throws ToolError with the reason.
 */
export async function fileDecision(caps: readonly Capability[], root: string, path: string, action: 'read' | 'write'): Promise<{ path: string; reason: string }> {
  if (isOutsidePath(caps, path)) return outsideDecision(caps, root, path, action);
  const verdict = checkFile(caps, path, action);
  if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
  const norm = normalizeHomePath(path);
  const rel = 'path' in norm ? norm.path : path;
  if (action === 'write' && (!WRITABLE_NAME.test(rel) || rel.split('/').some((s) => s.startsWith('-') || s.endsWith(' ') || s.endsWith('.')))) {
    throw new ToolError(`refused: "${rel}" has characters or a shape aos does not write (use letters, digits, . _ - and /)`);
  }
  // After the write shape (its words stay for what it covers): what no device may name, read or write.
  const badName = nameProblem(rel);
  if (badName) throw new ToolError(`refused: ${badName}`);
  await noLinks(root, rel);
  const st = await fs.lstat(join(root, rel)).catch((err: unknown) => (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') ? undefined : Promise.reject(err)));
  if (action === 'write' && st && !st.isFile()) throw new ToolError(`refused: ${rel} exists and is not a regular file`);
  // A hard link's other name may be anywhere: reading it reads that file, writing it in place changes it.
  if (st?.isFile() && st.nlink > 1) throw new ToolError(`refused: ${rel} is hard-linked elsewhere`);
  return { path: rel, reason: verdict.reason };
}

// ---- open once, verify what was opened ----

const PROC_FD = '/proc/self/fd';
/** Paths through /proc/self/fd/N name the opened folder itself, not whatever its name leads to now. */
const viaFd = (h: FileHandle, name?: string) => `${PROC_FD}/${h.fd}${name === undefined ? '' : `/${name}`}`;

/** The real path of what a descriptor holds must be exactly where the checked path leads. */
async function verifyOpened(h: FileHandle, expected: string, rel: string): Promise<void> {
  const real = await fs.readlink(viaFd(h));
  if (real !== expected) throw new ToolError(`refused: ${rel} changed while it was opened (it led to ${real})`);
}

/** Opens the folders of `segs` one at a time from the real home, never following a link; creates missing ones when asked. */
async function openFolder(homeReal: string, segs: readonly string[], rel: string, create: boolean): Promise<FileHandle> {
  let h = await fs.open(homeReal, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    for (const seg of segs) {
      const at = viaFd(h, seg);
      const open = () => fs.open(at, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      const next = await open().catch(async (err: unknown) => {
        if (isErrno(err, 'ENOENT') && create) {
          await fs.mkdir(at).catch((e: unknown) => (isErrno(e, 'EEXIST') ? undefined : Promise.reject(e)));
          return open();
        }
        return Promise.reject(err);
      });
      await h.close();
      h = next;
    }
    await verifyOpened(h, join(homeReal, ...segs), rel);
    return h;
  } catch (err) {
    await h.close();
    if (isErrno(err, 'ELOOP') || isErrno(err, 'ENOTDIR')) throw new ToolError(`refused: ${rel} goes through a symbolic link or a file`);
    throw err;
  }
}

/** Reads a checked path through one verified descriptor: no link on the way, a regular file, one name. */
async function readVerified(root: string, rel: string): Promise<string> {
  if (!existsSync(PROC_FD)) return readByName(root, rel);
  const homeReal = await fs.realpath(root);
  const segs = rel.split('/');
  const dir = await openFolder(homeReal, segs.slice(0, -1), rel, false);
  let file: FileHandle;
  try {
    file = await fs.open(viaFd(dir, segs.at(-1)!), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ELOOP')) throw new ToolError(`refused: ${rel} goes through a symbolic link`);
    throw err;
  } finally {
    await dir.close();
  }
  try {
    await verifyOpened(file, join(homeReal, rel), rel);
    const st = await file.stat();
    if (!st.isFile()) throw new ToolError(`${rel} is not a file`);
    if (st.nlink > 1) throw new ToolError(`refused: ${rel} is hard-linked elsewhere`);
    return await readCapped(file, st.size);
  } finally {
    await file.close();
  }
}

/** Where /proc/self/fd is missing (macOS): the checks by name, then the read. */
async function readByName(root: string, rel: string): Promise<string> {
  const st = await fs.stat(join(root, rel));
  if (!st.isFile()) throw new ToolError(`${rel} is not a file`);
  const handle = await fs.open(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await readCapped(handle, st.size);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a checked path through its verified folder: a temp file made in that folder (by its
 * descriptor), the folder verified again, then renamed within it. The rename replaces a link or a
 * file by name and never follows one.
 */
async function writeVerified(root: string, rel: string, text: string): Promise<void> {
  if (!existsSync(PROC_FD)) return writeAtomic(join(root, rel), text);
  const homeReal = await fs.realpath(root);
  const segs = rel.split('/');
  const name = segs.at(-1)!;
  const dir = await openFolder(homeReal, segs.slice(0, -1), rel, true);
  try {
    const st = await fs.lstat(viaFd(dir, name)).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
    if (st && !st.isFile()) throw new ToolError(`refused: ${rel} exists and is not a regular file`);
    if (st && st.nlink > 1) throw new ToolError(`refused: ${rel} is hard-linked elsewhere`);
    // A long name's temp keeps under the 255-byte limit: its start is enough to know whose it is.
    const tmp = tempName(name.length > 50 ? name.slice(0, 50) : name, process.pid, Buffer.from(randomBytes(4)).toString('hex'));
    const file = await fs.open(viaFd(dir, tmp), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o644);
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await verifyOpened(dir, join(homeReal, ...segs.slice(0, -1)), rel);
      await fs.rename(viaFd(dir, tmp), viaFd(dir, name));
    } catch (err) {
      await fs.rm(viaFd(dir, tmp), { force: true });
      throw err;
    }
  } finally {
    await dir.close();
  }
}

async function allowed(ctx: RunCtx, tool: string, path: string, action: 'read' | 'write', input: unknown): Promise<string> {
  const { path: rel, reason } = await fileDecision(ctx.agent.caps, workRoot(ctx), path, action);
  await ctx.gate({ tool, kind: 'file', resource: rel, verb: action, input, grant: reason });
  return rel;
}

/** A file outside the home, under an absolute grant (tools/outside.ts): judged, gated, then read or written. */
async function outsideFile(ctx: RunCtx, tool: string, path: string, action: 'read' | 'write', input: unknown, content?: string): Promise<string> {
  const d = await outsideDecision(ctx.agent.caps, ctx.home.root, path, action);
  await ctx.gate({ tool, kind: 'file', resource: d.path, verb: action, input, grant: d.reason });
  if (action === 'read') return readOutside(d.real);
  await writeOutside(d.real, ctx.home.redact(content ?? ''));
  return `Wrote ${d.path} (${Buffer.byteLength(content ?? '')} bytes), outside the home: not committed.`;
}

/** `aos can` for the file tools: fileDecision, as their runs call it, then the policy on the canonical path. */
async function fileCan(q: CanQuery, action: 'read' | 'write'): Promise<Asked> {
  try {
    const d = await fileDecision(q.caps, q.home.root, q.argument, action);
    return { capability: { allowed: true, reason: d.reason }, action: { kind: 'file', resource: d.path, verb: action } };
  } catch (err) {
    return refusedBy(err);
  }
}

const hasGrant = (caps: readonly Capability[], action: string) => caps.some((c) => c.kind === 'file' && c.actions.includes(action));

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a text file in the home (path relative to the home).',
  input: v.strictObject({ path: v.string() }),
  offered: (caps) => hasGrant(caps, 'read'),
  can: {
    argument: 'a path in the home (or an absolute path a grant names)',
    judge: async (q) => fileCan(q, 'read'),
    call: (path) => ({ path }),
  },
  async run({ path }, ctx) {
    if (isOutsidePath(ctx.agent.caps, path)) return outsideFile(ctx, 'read_file', path, 'read', { path });
    const rel = await allowed(ctx, 'read_file', path, 'read', { path });
    return readVerified(workRoot(ctx), rel);
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List a folder in the home (path relative to the home; folders end with /). Shows only what you may read.',
  input: v.strictObject({ path: v.optional(v.pipe(v.string(), v.description('a folder; the home itself when omitted'))) }),
  offered: (caps) => hasGrant(caps, 'read'),
  can: {
    argument: 'a folder in the home',
    judge: (q) => {
      // As the tool shows a folder: when something inside it could be readable.
      const norm = normalizeHomePath(q.argument || '.');
      if ('error' in norm) return { capability: { allowed: false, reason: norm.error } };
      return { capability: checkFile(q.caps, norm.path === '.' ? 'x' : `${norm.path}/x`, 'read') };
    },
    call: (path) => ({ path }),
  },
  async run({ path }, ctx) {
    const norm = normalizeHomePath(path ?? '.');
    if ('error' in norm) throw new ToolError(`refused: ${norm.error}`);
    const dir = norm.path;
    await noLinks(workRoot(ctx), dir);
    const entries = await fs.readdir(join(workRoot(ctx), dir), { withFileTypes: true });
    const shown: string[] = [];
    for (const e of entries) {
      if (e.name === '.git' || e.name === '.aos' || e.isSymbolicLink()) continue;
      const rel = dir === '.' ? e.name : `${dir}/${e.name}`;
      // A folder is shown when something inside it could be readable.
      const probe = e.isDirectory() ? `${rel}/x` : rel;
      if (checkFile(ctx.agent.caps, probe, 'read').allowed) shown.push(e.isDirectory() ? `${rel}/` : rel);
    }
    if (!shown.length) throw new ToolError(`refused or empty: nothing in ${dir} that you may read`);
    shown.sort();
    return shown.slice(0, LIST_MAX).join('\n') + (shown.length > LIST_MAX ? `\n… and ${shown.length - LIST_MAX} more` : '');
  },
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create or replace a text file in the home (path relative to the home). The run commits it.',
  input: v.strictObject({ path: v.string(), content: v.pipe(v.string(), v.maxLength(1_000_000, 'at most 1,000,000 characters')) }),
  offered: (caps) => hasGrant(caps, 'write'),
  can: {
    argument: 'a path in the home (or an absolute path a grant names)',
    judge: async (q) => fileCan(q, 'write'),
    call: (path) => ({ path, content: 'aos can\n' }),
  },
  async run({ path, content }, ctx) {
    if (isOutsidePath(ctx.agent.caps, path)) return outsideFile(ctx, 'write_file', path, 'write', { path, content }, content);
    const rel = await allowed(ctx, 'write_file', path, 'write', { path, content });
    const marker = markerChecked(rel) ? markerRefusal('content', content) : undefined;
    if (marker) throw new ToolError(`refused: ${marker}`);
    // In a mission's worktree the rulebook judges the path first, and the mission commits the change.
    const junk = ctx.workdir?.refuse?.(rel);
    if (junk) throw new ToolError(`refused by the rulebook: ${junk}`);
    if (!ctx.workdir) await touch(ctx, rel);
    await writeVerified(workRoot(ctx), rel, ctx.home.redact(content));
    return `Wrote ${rel} (${Buffer.byteLength(content)} bytes).`;
  },
});
