// What doctor names of a sync a crash cut short (issue 14): aos's own rebase left half-done, and
// claims of this device that were committed but never reached the remote. Both are ended by the
// next tick; doctor reads only.
import type { Config } from '../core/docs/schemas.js';
import { deviceName } from '../core/runs/sync.js';
import type { Env } from '../env.js';
import type { Problem } from '../errors.js';
import { loadClaims } from '../home/syncstate.js';
import { inspectOwnRebase, OWN_REBASE_HELP } from '../git/ownrebase.js';
import { reachedRemote, syncTarget } from '../git/sync.js';

export async function syncFaults(root: string, env: Env, config: Config | undefined): Promise<Problem[]> {
  const problems: Problem[] = [];
  const rebase = await inspectOwnRebase(root);
  if (rebase.kind === 'half-done') {
    problems.push({
      file: rebase.dir,
      expected: 'no rebase left half-done',
      found: `a rebase aos started to sync onto ${rebase.target}, cut off (the tick or sync running it was killed)`,
      hint: `the next aos tick or aos sync aborts it and keeps every file you edited meanwhile; do not run git rebase --abort yourself (it drops those edits); ${OWN_REBASE_HELP}`,
    });
  } else if (rebase.kind === 'rescue-pending') {
    problems.push({ file: '.aos/rebase-rescue', expected: 'no files waiting to be put back', found: 'your files, copied aside before an interrupted sync rebase was aborted', hint: `the next aos tick or aos sync puts them back; ${OWN_REBASE_HELP}` });
  }
  const t = config && (await syncTarget(root, env.vars, config.sync));
  if (!t) return problems;
  const device = deviceName(env.vars.AOS_DEVICE, env.hostname, config.devices);
  for (const c of await loadClaims(root)) {
    if ('unreadable' in c || c.device !== device || (await reachedRemote(root, env.vars, t, c.file))) continue;
    problems.push({
      file: c.file,
      expected: `a claim that ${t.remote}/${t.branch} holds (a claim counts only once pushed)`,
      found: `a claim of this device (${device}) that never reached ${t.remote}/${t.branch}: a tick was killed between its commit and its push`,
      hint: 'no other device can see it; the next tick pushes it before the item runs, or gives the item up if another device claimed it first; see docs/recovery.md#unpushed-claim',
    });
  }
  return problems;
}
