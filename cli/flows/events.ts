// aos's own events (issue 20): what happens (an item done or failed, an approval asked or answered,
// a goal's plateau; a mission's stage at the merge) told to the agents that subscribe to it. One
// function, `announce`, takes a topic and a body, delivers (home/events.ts) and commits what it
// wrote in a commit of its own, authored by aos with no run trailer, so the items it files read as
// aos's, never as the forgery of a run. At most once: a crash before the commit loses the event,
// never the thing it reports (that was committed first).
import { agentIdentity } from '../core/docs/commit.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { emitEvent } from '../home/events.js';
import { commit } from '../git/git.js';

export interface Announced {
  files: string[];
  items: { to: string; id: string }[];
  runs: string[];
  commit?: string;
}

/**
 * Emits one of aos's events and commits it. `about` is the item (or approval, goal) it reports,
 * kept on the subscribers' items as their parent. `commit: false` leaves the files to the caller.
 */
export async function announce(home: Home, env: Env, topic: string, body: string, opts: { about?: string; commit?: boolean } = {}): Promise<Announced> {
  const sent = await emitEvent(home, env, { topic, body, from: 'aos', ...(opts.about ? { parent: opts.about } : {}) });
  const out: Announced = { files: sent.files, items: sent.items, runs: sent.runs };
  if (!sent.files.length || opts.commit === false) return out;
  out.commit = await commit(home.root, env.vars, {
    who: agentIdentity('aos'),
    subject: `event ${topic}${opts.about ? ` (${opts.about})` : ''}: to ${[...sent.items.map((i) => i.to), ...sent.runs.map((r) => `chain run ${r}`)].join(', ') || 'no one'}`,
    trailers: { 'Aos-Kind': 'event', 'Aos-Topic': topic, 'Aos-Device': home.device },
    paths: sent.files,
  }, home.redact);
  return out;
}

/**
 * After a run's commit: item.done / item.failed, or approval.asked when it stopped to ask. Not for
 * an event's item (a subscriber to item.done would feed itself) nor a chain's step (the chain
 * goes on by itself).
 */
export async function announceRun(home: Home, env: Env, r: { item: { id: string; subject: string; front: { kind?: string; chain_run?: string } }; agent: string; outcome: string; text: string; approval?: string }): Promise<void> {
  if (r.item.front.kind === 'event' || r.item.front.chain_run) return;
  const excerpt = r.text.trim().slice(0, 1500);
  if (r.outcome === 'done') await announce(home, env, 'item.done', `Item ${r.item.id} ("${r.item.subject}") was done by ${r.agent}.\n\n${excerpt}`, { about: r.item.id });
  else if (r.outcome === 'failed') await announce(home, env, 'item.failed', `Item ${r.item.id} ("${r.item.subject}") failed (${r.agent}): ${excerpt}`, { about: r.item.id });
  else if (r.approval) await announce(home, env, 'approval.asked', `${r.agent} asks the owner's approval ${r.approval} while handling ${r.item.id} ("${r.item.subject}").`, { about: r.approval });
}
