// A delegation tree's counts, kept on its root item's front matter (core/agents/delegtree.ts says
// why). Read by the delegate tool before it makes an item; the tokens are added after each run of
// an item in a tree.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseFrontMatter } from '../core/docs/frontmatter.js';
import { isErrno } from './files.js';
import { updateItem } from './items.js';
import { doneFolders } from './store.js';
import type { HomeWriter } from './home.js';

const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface TreeCounts {
  root: string;
  /** The root item's file, or undefined when it is not pending in inbox/ (then the tree is closed). */
  file?: string;
  delegations: number;
  tokens: number;
}

/**
 * The counts of the tree `root` heads; the running item's own file is used when it is the root.
 * A root already in inbox/done still holds its tree's counts: a message (which makes no one wait)
 * can outlive the item it came from, and its recipient adds to the same tree, not a fresh one.
 */
export async function readTree(homeRoot: string, root: string, own: { id: string; file: string }): Promise<TreeCounts> {
  const candidates = root === own.id ? [own.file] : ITEM_ID.test(root) ? [`inbox/${root}.md`] : [];
  let listedDone = false;
  for (let i = 0; i < candidates.length; i++) {
    const file = candidates[i]!;
    let raw: string;
    try {
      raw = await fs.readFile(join(homeRoot, file), 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
      if (!listedDone && root !== own.id) {
        listedDone = true;
        candidates.push(...(await doneFolders(homeRoot)).map((folder) => `${folder}/${root}.md`));
      }
      continue;
    }
    return counts(root, file, raw);
  }
  return { root, delegations: 0, tokens: 0 };
}

function counts(root: string, file: string, raw: string): TreeCounts {
  const data = parseFrontMatter(file, raw).data ?? {};
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return { root, file, delegations: count(data.tree_delegations), tokens: count(data.tree_tokens) };
}

/** Adds a run's tokens to its tree's root; returns the root's file when it was changed. */
export async function addTreeTokens(home: HomeWriter, root: string, own: { id: string; file: string }, tokens: number): Promise<string | undefined> {
  if (tokens <= 0) return undefined;
  const tree = await readTree(home.root, root, own);
  if (!tree.file) return undefined;
  await updateItem(home, tree.file, { tree_tokens: tree.tokens + tokens });
  return tree.file;
}
