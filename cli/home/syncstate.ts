// What this device knows about syncing, for aos status: when it last synced (.aos/sync.json, local
// only) and the claims in inbox/claims/. How far it is ahead and behind is git's: flows/syncview.ts.
import { promises as fs } from 'node:fs';
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
    return JSON.parse(await fs.readFile(join(root, SYNC_STATE_FILE), 'utf8')) as SyncState;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return {};
    throw err;
  }
}

export async function writeSyncState(root: string, state: SyncState): Promise<void> {
  await writeAtomic(join(root, SYNC_STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

/** Every claim file; an unreadable one is listed with its file so it can be shown and fixed. */
export async function loadClaims(root: string): Promise<(Claim & { file: string } | { file: string; unreadable: true })[]> {
  const out: (Claim & { file: string } | { file: string; unreadable: true })[] = [];
  for (const e of await listNames(join(root, CLAIMS_FOLDER))) {
    if (!e.isFile || !e.name.endsWith('.md')) continue;
    const file = `${CLAIMS_FOLDER}/${e.name}`;
    const claim = parseClaim(await fs.readFile(join(root, file), 'utf8'));
    out.push(claim ? { ...claim, file } : { file, unreadable: true });
  }
  return out;
}

export async function readClaim(root: string, file: string): Promise<Claim | 'unreadable' | undefined> {
  const text = await readIfExists(join(root, file));
  return text === undefined ? undefined : (parseClaim(text) ?? 'unreadable');
}
