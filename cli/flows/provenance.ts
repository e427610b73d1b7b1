// Where a run's item really came from, and what it carried that the model must not see: the checks
// a run makes on its item before the model does (forged sender, invisible characters), each
// flagged in the daily log (kind "flagged", ref the item) so `aos status` can show it.
import { itemSource } from '../core/runs/itemsource.js';
import { countInvisible, invisibleFlag } from '../core/docs/invisible.js';
import { addedBy } from '../git/read.js';
import { appendLog } from '../home/log.js';
import { updateItem } from '../home/items.js';
import { FLAGGED_KIND } from '../home/flags.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import type { InboxItem } from '../home/store.js';


/**
 * The item as it should run: an item an agent's run committed carries that agent as its sender,
 * whatever its front matter says (the file is corrected and the forgery flagged). Returns the
 * files written.
 */
export async function verifySender(home: Home, env: Env, item: InboxItem, agent: string): Promise<{ item: InboxItem; written: string[] }> {
  const source = itemSource(item.front.from, await addedBy(home.root, env.vars, item.file));
  if (!source.forged) return { item, written: [] };
  await updateItem(home, item.file, { from: source.from });
  const log = await appendLog(home, home.config.owner.timezone, env.now(), {
    kind: FLAGGED_KIND,
    agent,
    ref: item.id,
    body: `Item ${item.id} claimed to come from ${source.forged}, but ${source.from}'s run wrote it; it runs as ${source.from}'s item.`,
  });
  return { item: { ...item, front: { ...item.front, from: source.from } }, written: [item.file, log] };
}

/** Flags a run whose item (or anything else sent to the model) held invisible characters; returns the log file, if written. */
export async function flagInvisible(home: Home, env: Env, item: InboxItem, agent: string, run: string, strippedFromRequests: number): Promise<string | undefined> {
  const inItem = countInvisible(`${item.subject}\n${item.body}`);
  if (!inItem && !strippedFromRequests) return undefined;
  const body = inItem
    ? invisibleFlag(item.id, inItem)
    : `Run ${run} on item ${item.id}: ${strippedFromRequests} invisible character(s) in its context or tool results were stripped before the model saw them.`;
  return appendLog(home, home.config.owner.timezone, env.now(), { kind: FLAGGED_KIND, agent, ref: item.id, body });
}
