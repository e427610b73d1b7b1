// Limits on a whole tree of delegations, rooted at the item someone outside the agents (the owner,
// a schedule, a goal) gave: each agent's own `agent:delegate{max,depth}` counts per item, so "spawn
// 10 helpers, each spawns 10 more" would make 110 items; the tree's limits stop it at the total.
// The root item keeps the tree's counts in its front matter (tree_delegations, tree_tokens); each
// item of the tree names its root. Pure.
import { MAX_CHAIN } from './capabilities.js';

/** Delegations (items made by delegate) in one tree, however they are spread over its items. */
export const TREE_MAX_DELEGATIONS = 10;
/** Tokens all runs of one tree may spend before it may delegate no more. */
export const TREE_MAX_TOKENS = 2_000_000;
/** Agents one line of work passes through (the chain), the tree's depth. */
export const TREE_MAX_DEPTH = MAX_CHAIN;

export interface TreeState {
  root: string;
  /** Delegations made in the tree so far. */
  delegations: number;
  /** Tokens the tree's runs have spent so far. */
  tokens: number;
  /** The chain of the item that wants to delegate (its agents, this one last). */
  depth: number;
}

export interface TreeLimits {
  delegations: number;
  tokens: number;
  depth: number;
}

export const TREE_LIMITS: TreeLimits = { delegations: TREE_MAX_DELEGATIONS, tokens: TREE_MAX_TOKENS, depth: TREE_MAX_DEPTH };

/** Why one more delegation in this tree is refused, or undefined when it may go ahead. */
export function treeRefusal(tree: TreeState, limits: TreeLimits = TREE_LIMITS): string | undefined {
  if (tree.delegations >= limits.delegations) return `the delegation tree of item ${tree.root} already holds ${tree.delegations} delegations, the most one tree may make (${limits.delegations})`;
  if (tree.depth >= limits.depth) return `the delegation tree of item ${tree.root} is ${tree.depth} agents deep, the deepest a tree may go (${limits.depth})`;
  if (tree.tokens >= limits.tokens) return `the delegation tree of item ${tree.root} has spent ${tree.tokens} tokens, the most one tree may spend before delegating more (${limits.tokens})`;
  return undefined;
}

/** The root an item belongs to: its own id unless it was made inside a tree. */
export function treeRoot(item: { id: string; front: { root?: string } }): string {
  return item.front.root ?? item.id;
}
