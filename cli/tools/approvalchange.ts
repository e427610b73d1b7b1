// The change a file write asked for approval would make, read from the home as it is now, so the
// approval file shows the owner the diff (core/agents/approvaldiff.ts) and not just the path.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { renderWriteChange } from '../core/agents/approvaldiff.js';
import { runRecordPath } from '../core/runs/runrecord.js';
import { isErrno } from '../home/files.js';
import type { Action } from './runctx.js';

/** Above this the file as it is now is not read for a diff: the write is shown as a whole new text. */
const BEFORE_MAX_BYTES = 2 * 1024 * 1024;

/** The approval's "## The change" section for a file write that carries its whole new text; else undefined. */
export async function writeChangeSection(root: string, action: Action, run: string): Promise<string | undefined> {
  if (action.kind !== 'file' || action.verb !== 'write') return undefined;
  const after = (action.input as { content?: unknown } | undefined)?.content;
  if (typeof after !== 'string') return undefined;
  const file = join(root, action.resource);
  const st = await fs.lstat(file).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
  const before = st?.isFile() && st.size <= BEFORE_MAX_BYTES ? await fs.readFile(file, 'utf8') : undefined;
  return renderWriteChange({ path: action.resource, before, after, keptIn: `the ${action.tool} call of ${runRecordPath(run)}` });
}
