// The sync part of aos status: what this device knows (home/syncstate.ts) and how far it is ahead
// of and behind the remote as last fetched (git). Local reads only, no network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { isErrno } from '../home/files.js';
import { loadClaims, readSyncState } from '../home/syncstate.js';
import { gitRead } from '../git/run.js';

export interface SyncView {
  device: string;
  auto: boolean;
  remote: string | null;
  branch: string | null;
  /** Against the remote as last fetched (status does not fetch). */
  ahead: number | null;
  behind: number | null;
  last_sync: string | null;
  last_error: string | null;
  /** Claims other devices hold, and whether they are past the timeout. */
  claims: { item: string; device: string; since: string; stale: boolean }[];
  /** Claim files that are not claims: their items wait until the file is fixed or deleted. */
  unreadable_claims: string[];
}

/** false when .git/config names no remote at all (most homes): status then spawns no git for sync. */
async function mayHaveRemote(root: string): Promise<boolean> {
  try {
    return /^\s*\[remote\s+"/m.test(readFileSync(join(root, '.git', 'config'), 'utf8'));
  } catch (err) {
    // .git is a file (a worktree, a submodule): git knows where the config is.
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return true;
    throw err;
  }
}

export async function syncView(home: Home, env: Env): Promise<SyncView> {
  const t = (await mayHaveRemote(home.root)) ? await (await import('../git/sync.js')).syncTarget(home.root, env.vars, home.config.sync) : undefined;
  let ahead: number | null = null;
  let behind: number | null = null;
  // Never fetched (or an empty remote): no tracking ref, and nothing to count against.
  if (t && (await gitRead(home.root, env.vars, ['rev-parse', '-q', '--verify', t.ref], { exit1Empty: true })).trim()) {
    const counts = (await gitRead(home.root, env.vars, ['rev-list', '--left-right', '--count', `HEAD...${t.ref}`])).trim().split(/\s+/);
    [ahead, behind] = counts.map(Number) as [number, number];
  }
  const state = await readSyncState(home.root);
  const timeout = home.config.sync.claim_timeout_minutes * 60_000;
  const all = await loadClaims(home.root);
  const claims = all.flatMap((c) =>
    'unreadable' in c || c.device === home.device ? [] : [{ item: c.item, device: c.device, since: c.claimed, stale: env.now().getTime() - Date.parse(c.claimed) >= timeout }],
  );
  return {
    device: home.device,
    auto: home.config.sync.auto,
    remote: t?.remote ?? null,
    branch: t?.branch ?? null,
    ahead,
    behind,
    last_sync: state.last_sync ?? null,
    last_error: state.last_error ? `${state.last_error} (${state.last_error_at})` : null,
    claims,
    unreadable_claims: all.filter((c) => 'unreadable' in c).map((c) => c.file),
  };
}

export function syncLines(s: SyncView): string[] {
  if (!s.remote) return [`Sync: no remote${s.auto ? ' — sync.auto is on but there is nothing to sync with (git remote add origin <url>)' : ''} (device ${s.device})`];
  const pos = s.ahead === null ? 'not fetched yet' : `${s.ahead} ahead, ${s.behind} behind`;
  const lines = [`Sync: ${s.remote}/${s.branch} as ${s.device}${s.auto ? ' (auto)' : ''}: ${pos}; last sync ${s.last_sync ?? 'never'}`];
  if (s.last_error) lines.push(`  last attempt failed: ${s.last_error}`);
  for (const f of s.unreadable_claims) lines.push(`  ${f} is not a readable claim: its item waits until you fix or delete it`);
  for (const c of s.claims) lines.push(`  ${c.item} claimed by ${c.device} since ${c.since}${c.stale ? ' (stale: the next tick here takes it over)' : ''}`);
  return lines;
}
