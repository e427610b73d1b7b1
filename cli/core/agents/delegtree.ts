// Limits on a whole tree of delegations, rooted at the item someone outside the agents (the owner,
// a schedule, a goal) gave: each agent's own `agent:delegate{max,depth}` counts per item, so "spawn
// 10 helpers, each spawns 10 more" would make 110 items; the tree's limits stop it at the total.
// A message to another agent (send_message) is counted like a delegation: it makes an item as well.
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

/**
 * The limits that hold when this agent adds to a tree: its front matter's `budget.tree_delegations`,
 * `tree_depth` and `tree_tokens` may lower aos's, never raise them (a tree is only as open as the
 * strictest agent adding to it at that moment).
 */
export function agentTreeLimits(budget: { tree_delegations?: number; tree_depth?: number; tree_tokens?: number } | undefined): TreeLimits {
  const lower = (own: number | undefined, max: number) => (own === undefined ? max : Math.min(own, max));
  return {
    delegations: lower(budget?.tree_delegations, TREE_MAX_DELEGATIONS),
    depth: lower(budget?.tree_depth, TREE_MAX_DEPTH),
    tokens: lower(budget?.tree_tokens, TREE_MAX_TOKENS),
  };
}

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
