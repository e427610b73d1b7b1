// The owner's own changes made through aos (inbox add, agent new/pause/resume) are committed at
// once when no tick is running; a running tick owns git's index and commits them as hand edits.
import type { Env } from '../env.js';
import type { CommitSpec } from '../core/docs/commit.js';
import { commit, commitOwnerEdits } from '../git/git.js';
import { finishOwnRebase } from '../git/ownrebase.js';
import { acquireLock } from '../home/lock.js';
import type { Home } from '../home/home.js';

/** The commit's hash, or undefined when a tick holds the lock (or there was nothing to commit). */
/** `who` defaults to the owner; a caller acting for the owner (an MCP client) may name itself. */
export async function commitAsOwner(home: Home, env: Env, command: string, spec: Omit<CommitSpec, 'who'> & { who?: CommitSpec['who'] }): Promise<string | undefined> {
  const result = await acquireLock(home.root, env, { command, staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in result)) return undefined;
  try {
    // Never onto a rebase aos left half-done (a killed tick): ended first, as the tick does.
    await finishOwnRebase(home.root, env.vars, home.owner);
    return await commit(home.root, env.vars, { ...spec, who: spec.who ?? home.owner, trailers: { ...spec.trailers, 'Aos-Device': home.device } }, home.redact);
  } finally {
    await result.lock.release();
  }
}

export const LEFT_FOR_TICK = 'a tick is running; it will commit this as your edit';

/**
 * The owner's hand edits committed as the owner's, before a command writes anything of its own, so
 * no aos commit takes in a change the owner made by hand (a goal file rewritten, then `goal log`).
 * Under a running tick nothing is done: the tick owns git's index and commits them itself.
 * First, with the lock held, a rebase aos started and a killed tick left half-done is ended the way
 * the tick ends it (git/ownrebase.ts: aborted, the owner's files kept); one the owner started is
 * left alone. Returns what that recovery did, for the command to tell.
 */
export async function commitHandEditsFirst(home: Home, env: Env, command: string): Promise<string[]> {
  const result = await acquireLock(home.root, env, { command, staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in result)) return [];
  try {
    const recovered = await finishOwnRebase(home.root, env.vars, home.owner);
    await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
    return recovered;
  } finally {
    await result.lock.release();
  }
}
