// File tools: paths relative to the home, checked against the agent's grants, walked component by
// component so no symbolic link leads anywhere the grant did not name.
import * as v from 'valibot';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { checkFile, normalizeHomePath, type Capability } from '../core/agents/capabilities.js';
import { isErrno, writeAtomic } from '../home/files.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { markerChecked } from '../core/runs/sync.js';
import { defineTool } from './define.js';
import { isOutsidePath, outsideDecision, readCapped, readOutside, writeOutside } from './outside.js';
import { ToolError, touch, type RunCtx } from './runctx.js';

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
  await noLinks(root, rel);
  if (action === 'write') {
    const st = await fs.lstat(join(root, rel)).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
    if (st && !st.isFile()) throw new ToolError(`refused: ${rel} exists and is not a regular file`);
    // Writing a hard-linked file in place would change the other name too, wherever it is.
    if (st && st.nlink > 1) throw new ToolError(`refused: ${rel} is hard-linked elsewhere`);
  }
  return { path: rel, reason: verdict.reason };
}

async function allowed(ctx: RunCtx, tool: string, path: string, action: 'read' | 'write', input: unknown): Promise<string> {
  const { path: rel, reason } = await fileDecision(ctx.agent.caps, ctx.home.root, path, action);
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

const hasGrant = (caps: readonly Capability[], action: string) => caps.some((c) => c.kind === 'file' && c.actions.includes(action));

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a text file in the home (path relative to the home).',
  input: v.strictObject({ path: v.string() }),
  offered: (caps) => hasGrant(caps, 'read'),
  async run({ path }, ctx) {
    if (isOutsidePath(ctx.agent.caps, path)) return outsideFile(ctx, 'read_file', path, 'read', { path });
    const rel = await allowed(ctx, 'read_file', path, 'read', { path });
    const st = await fs.stat(join(ctx.home.root, rel));
    if (!st.isFile()) throw new ToolError(`${rel} is not a file`);
    return readCapped(await fs.open(join(ctx.home.root, rel), 'r'), st.size);
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description: 'List a folder in the home (path relative to the home; folders end with /). Shows only what you may read.',
  input: v.strictObject({ path: v.optional(v.pipe(v.string(), v.description('a folder; the home itself when omitted'))) }),
  offered: (caps) => hasGrant(caps, 'read'),
  async run({ path }, ctx) {
    const norm = normalizeHomePath(path ?? '.');
    if ('error' in norm) throw new ToolError(`refused: ${norm.error}`);
    const dir = norm.path;
    await noLinks(ctx.home.root, dir);
    const entries = await fs.readdir(join(ctx.home.root, dir), { withFileTypes: true });
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
  async run({ path, content }, ctx) {
    if (isOutsidePath(ctx.agent.caps, path)) return outsideFile(ctx, 'write_file', path, 'write', { path, content }, content);
    const rel = await allowed(ctx, 'write_file', path, 'write', { path, content });
    const marker = markerChecked(rel) ? markerRefusal('content', content) : undefined;
    if (marker) throw new ToolError(`refused: ${marker}`);
    await touch(ctx, rel);
    await writeAtomic(join(ctx.home.root, rel), ctx.home.redact(content));
    return `Wrote ${rel} (${Buffer.byteLength(content)} bytes).`;
  },
});
