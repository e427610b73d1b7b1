// One queue per repository for everything that commits into it in this process. Runs in progress at
// once (the arena's candidates under arena.parallel) would otherwise hold git's index lock together
// (the second commit fails) or stage each other's files between an `add` and its `commit`. Reentrant:
// a caller that holds the queue (commitRun around its log flush and commit) calls commit() inside it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';

const tails = new Map<string, Promise<unknown>>();
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Runs fn alone among the commits into root in this process, after every earlier one. */
export async function inCommitQueue<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(root);
  const mine = held.getStore();
  if (mine?.has(key)) return fn();
  const before = tails.get(key) ?? Promise.resolve();
  const turn = before.catch(() => undefined).then(() => held.run(new Set([...(mine ?? []), key]), fn));
  const tail = turn.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await turn;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
