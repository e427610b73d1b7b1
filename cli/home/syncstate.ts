// What this device knows about syncing, for aos status: when it last synced (.aos/sync.json, local
// only) and the claims in inbox/claims/. How far it is ahead and behind is git's: flows/syncview.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClaim, type Claim } from '../core/runs/sync.js';
import { isErrno, listNames, readIfExists, writeAtomic } from './files.js';

export const SYNC_STATE_FILE = '.aos/sync.json';
export const CLAIMS_FOLDER = 'inbox/claims';

export interface SyncState {
  /** The last sync that reached the remote (a fetch, and a push when there was something to push). */
  last_sync?: string;
  remote?: string;
  branch?: string;
  /** Why the last attempt failed, if it did. */
  last_error?: string;
  last_error_at?: string;
}

export async function readSyncState(root: string): Promise<SyncState> {
  try {
    return JSON.parse(readFileSync(join(root, SYNC_STATE_FILE), 'utf8')) as SyncState;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return {};
    throw err;
  }
}

export async function writeSyncState(root: string, state: SyncState): Promise<void> {
  await writeAtomic(join(root, SYNC_STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

/**
 * Every claim file; an unreadable one (it does not parse, or the system refuses to read it: EACCES,
 * EIO, …) is listed with its file and why, so it can be shown and fixed while the rest goes on.
 * One gone between the listing and the read (another process released it) is simply not there.
 */
export async function loadClaims(root: string): Promise<(Claim & { file: string } | { file: string; unreadable: true; reason: string })[]> {
  const out: (Claim & { file: string } | { file: string; unreadable: true; reason: string })[] = [];
  for (const e of await listNames(join(root, CLAIMS_FOLDER))) {
    if (!e.isFile || !e.name.endsWith('.md')) continue;
    const file = `${CLAIMS_FOLDER}/${e.name}`;
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      out.push({ file, unreadable: true, reason: unreadableReason(err) });
      continue;
    }
    const claim = parseClaim(text);
    out.push(claim ? { ...claim, file } : { file, unreadable: true, reason: 'something else' });
  }
  return out;
}

export async function readClaim(root: string, file: string): Promise<Claim | 'unreadable' | undefined> {
  let text: string | undefined;
  try {
    text = await readIfExists(join(root, file));
  } catch {
    // Refused by the system (EACCES, EIO, a folder): unreadable, like one that does not parse.
    return 'unreadable';
  }
  return text === undefined ? undefined : (parseClaim(text) ?? 'unreadable');
}

/** Why a claim file could not be read, in the owner's words: the system's refusal and its code. */
function unreadableReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const what = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EISDIR' ? 'a folder' : (e.message ?? String(err)).split('\n')[0];
  return `a file aos may not read (${what}${e.code ? `, ${e.code}` : ''}): fix its owner or mode`;
}
