// Sync as the tick and `aos sync` use it: commit, pull, claim items before running them, push.
// Loaded only when sync is asked for (aos sync) or on (sync.auto), so an unsynced tick costs nothing more.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { agentIdentity } from '../core/docs/commit.js';
import { claimPath, claimableName, isGeneratedItem, judgeClaim, renderClaim } from '../core/runs/sync.js';
import { localTime } from '../core/docs/time.js';
import type { Env } from '../env.js';
import { UserError, type Problem } from '../errors.js';
import type { Home } from '../home/home.js';
import { appendLog } from '../home/log.js';
import { readIfExists, writeAtomic } from '../home/files.js';
import { loadClaims, readClaim, readSyncState, writeSyncState } from '../home/syncstate.js';
import { loadInbox, type InboxItem } from '../home/store.js';
import { findDone } from '../home/items.js';
import { commit, commitOwnerEdits } from '../git/git.js';
import { gitRead } from '../git/run.js';
import { finishOwnRebase } from '../git/ownrebase.js';
import { SyncConflict, dropLastCommit, fetchRemote, pullRepo, refuseGitInProgress, refuseMarkersInHead, pushHead, reachedRemote, rebaseOnto, syncGit, syncRepo, syncTarget, type SyncResult, type SyncTarget } from '../git/sync.js';

async function remember(home: Home, env: Env, t: SyncTarget | undefined, error?: unknown): Promise<void> {
  const prev = await readSyncState(home.root);
  const at = env.now().toISOString();
  await writeSyncState(
    home.root,
    error
      ? { ...prev, last_error: (error as Error).message.split('\n')[0], last_error_at: at }
      : { last_sync: at, remote: t?.remote, branch: t?.branch },
  );
}

async function target(home: Home, env: Env): Promise<SyncTarget | undefined> {
  return syncTarget(home.root, env.vars, home.config.sync);
}

/** `aos sync`: the owner's pending edits become their commit, then fetch, rebase, push. */
export async function syncHome(home: Home, env: Env): Promise<SyncResult & { committed: string[]; held: Problem[]; recovered: string[] }> {
  const t = await target(home, env);
  if (!t) {
    throw new UserError(
      `this home has no git remote${home.config.sync.remote ? ` named "${home.config.sync.remote}" (sync.remote in aos.yaml)` : ' (origin)'}; add one with: git remote add origin <url>`,
    );
  }
  const recovered = await finishOwnRebase(home.root, env.vars, home.owner);
  refuseGitInProgress(home.root);
  const edits = await commitOwnerEdits(home.root, env.vars, home.owner, home.device, home.redact);
  try {
    const r = await syncRepo(home.root, env.vars, home.owner, t, home.config.sync.push_retries);
    await remember(home, env, t);
    return { ...r, committed: edits?.files ?? [], held: edits?.held ?? [], recovered };
  } catch (err) {
    await remember(home, env, t, err);
    throw err;
  }
}

export interface ClaimAnswer {
  ok: boolean;
  reason?: string;
}

/** What the tick holds while sync.auto is on: the target, and why claiming is impossible if it is. */
export class TickSync {
  private blocked?: string;
  /** HEAD right after a pull that left this device level with the remote. */
  private pulledAt?: string;
  constructor(
    private home: Home,
    private env: Env,
    private t: SyncTarget,
    private problems: Problem[],
  ) {}

  private problem(err: unknown): void {
    if (err instanceof SyncConflict) {
      for (const file of err.files) {
        this.problems.push({ file, expected: `no conflict with ${this.t.remote}/${this.t.branch}`, found: 'edits here and there that git cannot combine', hint: 'run aos sync to see how to resolve it; items wait until then' });
      }
    } else this.problems.push({ file: 'sync', expected: `a sync with ${this.t.remote}/${this.t.branch}`, found: (err as Error).message.split('\n')[0]!, hint: 'items wait: a device that cannot claim does not run them' });
    const why = err instanceof SyncConflict ? `a conflict in ${err.files.join(', ')}` : (err as Error).message.split('\n')[0]!.slice(0, 160);
    this.blocked ??= `waits for sync (${why}): without a claim two devices could run it`;
  }

  /** Fetch and rebase before the tick collects work. */
  async pull(): Promise<void> {
    try {
      refuseGitInProgress(this.home.root);
      await pullRepo(this.home.root, this.env.vars, this.home.owner, this.t);
      // A claim's push carries every local commit with it, so markers committed with plain git stop claims here.
      await refuseMarkersInHead(this.home.root, this.env.vars);
      const head = (await gitRead(this.home.root, this.env.vars, ['rev-parse', 'HEAD'])).trim();
      // An empty remote has no tracking ref yet: then the push has something to do.
      const remote = (await gitRead(this.home.root, this.env.vars, ['rev-parse', '-q', '--verify', this.t.ref], { exit1Empty: true })).trim();
      if (head === remote) this.pulledAt = head;
      await remember(this.home, this.env, this.t);
      await this.sweep();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      this.problem(err);
      await remember(this.home, this.env, this.t, err);
    }
  }

  /** Push what the tick committed (fetch, rebase and retry when another device pushed first). */
  async push(): Promise<void> {
    if (this.blocked) return;
    try {
      // Nothing committed since the pull: the fetch a moment ago is answer enough.
      if (this.pulledAt === (await gitRead(this.home.root, this.env.vars, ['rev-parse', 'HEAD'])).trim()) return;
      await syncRepo(this.home.root, this.env.vars, this.home.owner, this.t, this.home.config.sync.push_retries);
      await remember(this.home, this.env, this.t);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      this.problem(err);
      await remember(this.home, this.env, this.t, err);
    }
  }

  /**
   * Claims the item for this device: a claim file committed and pushed. The push is the arbiter:
   * it succeeds only on top of the remote's tip, so of two devices claiming at once one wins. A
   * refused push fetches; if the remote changed the claim or the item meanwhile, the item is left
   * to whoever did; otherwise the claim is rebased and pushed again.
   */
  /**
   * A generated item (a schedule slot's, a drill) created here while another device ran it: the
   * rebase brings the pending copy back next to the handled one. It is the same item, already done,
   * so the copy goes (the handled file keeps the text and the result) instead of running twice.
   */
  private async dropDuplicate(item: InboxItem, agent: string, handled: string): Promise<ClaimAnswer> {
    const { home, env } = this;
    const now = env.now();
    await fs.rm(join(home.root, item.file));
    const log = await appendLog(home, home.config.owner.timezone, now, { kind: 'claim', agent, ref: item.id, body: `Dropped a second copy of ${item.id}: it was already handled (${handled}); a sync had brought the pending copy back.` });
    await commit(home.root, env.vars, {
      who: agentIdentity(agent),
      subject: `${agent}: drops a second copy of ${item.id} (already handled)`,
      trailers: { 'Aos-Kind': 'duplicate', 'Aos-Agent': agent, 'Aos-Item': item.id, 'Aos-Device': home.device },
      paths: [item.file, log],
    }, home.redact);
    return { ok: false, reason: `already handled (${handled}); this second copy was removed` };
  }

  async claim(item: InboxItem, agent: string): Promise<ClaimAnswer> {
    if (this.blocked) return { ok: false, reason: this.blocked };
    const { home, env } = this;
    if (!claimableName(item.name)) return { ok: false, reason: 'its file name has control characters, which a claim cannot hold; rename the file' };
    const handled = isGeneratedItem(item.front) ? await findDone(home.root, item.name) : undefined;
    if (handled) return this.dropDuplicate(item, agent, handled);
    const file = claimPath(item.name);
    const now = env.now();
    const existing = await readClaim(home.root, file);
    const verdict = judgeClaim(existing, home.device, now, home.config.sync.claim_timeout_minutes, item.front.status === 'waiting' && item.front.approval !== undefined);
    if (!verdict.take) return { ok: false, reason: verdict.reason };
    const own = existing && existing !== 'unreadable' && existing.device === home.device ? existing : undefined;
    // A claim of this device that never reached the remote (a crash between its commit and its
    // push) is seen by no other device: it is made again, through the remote, before the item runs.
    if (own && (await reachedRemote(home.root, env.vars, this.t, file))) return { ok: true };
    const tz = home.config.owner.timezone;
    const released = verdict.release ?? own?.released;
    await writeAtomic(join(home.root, file), renderClaim({ item: item.name, device: home.device, claimed: localTime(now, tz).iso, agent, ...(released ? { released } : {}) }));
    const paths = [file];
    if (verdict.release) {
      const body = `Released ${verdict.release}'s claim on ${item.id} (older than ${home.config.sync.claim_timeout_minutes} min, never finished); it runs here once more.`;
      paths.push(await appendLog(home, tz, now, { kind: 'claim', agent, ref: item.id, body }));
    }
    await commit(home.root, env.vars, {
      who: agentIdentity(agent),
      subject: verdict.release ? `${agent}: takes over ${item.id} from ${verdict.release} (stale claim)` : `${agent}: claims ${item.id} on ${home.device}${own ? ' (again: its last claim never reached the remote)' : ''}`,
      trailers: { 'Aos-Kind': 'claim', 'Aos-Agent': agent, 'Aos-Item': item.id, 'Aos-Device': home.device, 'Aos-Released': verdict.release },
      paths,
    }, home.redact);
    const git = await syncGit(home.root, env.vars, home.owner);
    try {
      for (let attempt = 0; attempt <= home.config.sync.push_retries; attempt++) {
        if (await pushHead(git, this.t)) return { ok: true };
        const tip = await fetchRemote(git, this.t);
        if (tip && ((await this.changed(tip, file)) || (await this.changed(tip, item.file)))) {
          await dropLastCommit(home.root, git);
          await rebaseOnto(home.root, git, this.t);
          const winner = await readClaim(home.root, file);
          return { ok: false, reason: winner && winner !== 'unreadable' ? `claimed by ${winner.device} first` : 'another device handled it first' };
        }
        if (tip) await rebaseOnto(home.root, git, this.t);
      }
      await dropLastCommit(home.root, git);
      return { ok: false, reason: `the claim could not be pushed (${this.t.remote} kept moving); it is tried again next tick` };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      if (await this.headIsClaim(item.id)) await dropLastCommit(home.root, git);
      this.problem(err);
      return { ok: false, reason: this.blocked! };
    }
  }

  /**
   * After the run: the claim file goes, in its own commit (pushed with the run at the end of the
   * tick) — unless the run asked the owner for an approval: this device keeps the item until it has
   * carried out the answer, since only it holds the asked action in its ledger.
   */
  async release(item: InboxItem, agent: string): Promise<void> {
    if (!claimableName(item.name)) return;
    const file = claimPath(item.name);
    const c = await readClaim(this.home.root, file);
    if (!c || c === 'unreadable' || c.device !== this.home.device) return;
    // Gone from inbox/ means handled (moved to done): nothing left to wait for.
    const current = (await readIfExists(join(this.home.root, item.file))) ?? '';
    if (/^approval:\s*\S/m.test(current.split(/\r?\n---\s*(?:\r?\n|$)/)[0] ?? '')) return;
    await fs.rm(join(this.home.root, file), { force: true });
    await commit(this.home.root, this.env.vars, {
      who: agentIdentity(agent),
      subject: `${agent}: releases its claim on ${item.id}`,
      trailers: { 'Aos-Kind': 'claim-release', 'Aos-Agent': agent, 'Aos-Item': item.id, 'Aos-Device': this.home.device },
      paths: [file],
    }, this.home.redact);
  }

  /**
   * Claims whose item is no longer pending (handled, or deleted by the owner) are leftovers of a
   * device that died between its run's commit and the claim's release; any device may remove them,
   * since nobody will run that item again.
   */
  private async sweep(): Promise<void> {
    const { home, env } = this;
    const pending = new Set((await loadInbox(home.root, home.docs)).items.map((i) => i.name));
    const leftovers = (await loadClaims(home.root)).flatMap((c) => ('unreadable' in c || pending.has(c.item) ? [] : [c]));
    if (!leftovers.length) return;
    for (const c of leftovers) await fs.rm(join(home.root, c.file), { force: true });
    await commit(home.root, env.vars, {
      who: agentIdentity('aos'),
      subject: `aos: removes ${leftovers.length} claim${leftovers.length === 1 ? '' : 's'} of finished items`,
      body: leftovers.map((c) => `- ${c.item} (claimed by ${c.device} ${c.claimed})`).join('\n'),
      trailers: { 'Aos-Kind': 'claim-release', 'Aos-Device': home.device },
      paths: leftovers.map((c) => c.file),
    }, home.redact);
    this.pulledAt = undefined;
  }

  private async blob(rev: string, path: string): Promise<string> {
    return (await gitRead(this.home.root, this.env.vars, ['rev-parse', '-q', '--verify', `${rev}:${path}`], { exit1Empty: true })).trim();
  }

  /** Did the remote change this file since this device last had its state (where the two histories part)? */
  private async changed(tip: string, path: string): Promise<boolean> {
    const base = (await gitRead(this.home.root, this.env.vars, ['merge-base', 'HEAD', tip], { exit1Empty: true })).trim();
    return (await this.blob(tip, path)) !== (base ? await this.blob(base, path) : '');
  }

  private async headIsClaim(itemId: string): Promise<boolean> {
    const msg = await gitRead(this.home.root, this.env.vars, ['log', '-1', '--format=%B']);
    return msg.includes('Aos-Kind: claim\n') && msg.includes(`Aos-Item: ${itemId}\n`);
  }

}

/** The tick's sync, when sync.auto is on and the home has a remote; it pulls at once. */
export async function startTickSync(home: Home, env: Env, problems: Problem[]): Promise<TickSync | undefined> {
  const t = await target(home, env);
  if (!t) {
    problems.push({ file: 'aos.yaml', field: 'sync.auto', expected: 'a git remote to sync with (git remote add origin <url>)', found: 'none', hint: 'this tick runs without syncing or claims' });
    return undefined;
  }
  const s = new TickSync(home, env, t, problems);
  await s.pull();
  return s;
}
