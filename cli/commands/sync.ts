import type { Args, Env } from '../env.js';
import { UserError, formatProblem } from '../errors.js';
import { openHome } from '../home/home.js';
import { acquireLock } from '../home/lock.js';

export async function sync(_args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const got = await acquireLock(home.root, env, { command: 'sync', staleMinutes: home.config.tick.lock_stale_minutes });
  if (!('lock' in got)) {
    const h = got.heldBy;
    throw new UserError(`another aos is working in this home${h ? ` (${h.command}, pid ${h.pid} on ${h.host} since ${h.started})` : ''}; nothing was synced, try again when it is done`);
  }
  const { syncHome } = await import('../flows/sync.js');
  const { SyncConflict } = await import('../git/sync.js');
  try {
    const r = await syncHome(home, env);
    if (env.out.json) env.out.data({ ...r, held: r.held.map(formatProblem), device: home.device });
    else {
      for (const n of r.recovered) env.out.line(`recovered: ${n}`);
      if (r.committed.length) env.out.line(`committed your hand edits (${r.committed.length} file${r.committed.length === 1 ? '' : 's'})`);
      env.out.line(`synced with ${r.remote}/${r.branch} as ${home.device}: ${r.pulled} commit(s) pulled, ${r.pushed} pushed${r.retries ? ` (${r.retries} push(es) refused first: another device pushed)` : ''}`);
    }
    // Held back: files with conflict markers stay uncommitted here until the owner resolves them.
    for (const p of r.held) env.out.warn(`not committed: ${formatProblem(p)}`);
    return r.held.length ? 1 : 0;
  } catch (err) {
    if (!(err instanceof SyncConflict)) throw err;
    if (env.out.json) env.out.data({ conflict: err.files, remote: err.target.remote, branch: err.target.branch, device: home.device });
    env.out.warn(err.message);
    return 1;
  } finally {
    await got.lock.release();
  }
}
