// The delegate tool: hand part of an item's work to another agent as a child inbox item.
import * as v from 'valibot';
import { checkDelegate, delegateLimits, type Capability } from '../core/agents/capabilities.js';
import { AGENT_ID } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { appendLog } from '../home/log.js';
import { createItem, updateItem } from '../home/items.js';
import { defineTool, text } from './define.js';
import { ToolError, agentIds, touch, type RunCtx } from './runctx.js';
import { rateOrRefuse } from './capuse.js';
import { activeAgents } from './canspec.js';
import { treeRefusal } from '../core/agents/delegtree.js';
import { readTree, type TreeCounts } from '../home/tree.js';

const hasDelegate = (caps: readonly Capability[]) => delegateLimits(caps) !== undefined;

export const delegateTool = defineTool({
  name: 'delegate',
  description:
    'Hand part of this work to another agent. It becomes an inbox item for that agent; this item waits, and you are resumed with the results when every delegated item has finished. End your turn after delegating.',
  input: v.strictObject({ to: v.pipe(v.string(), v.regex(AGENT_ID, 'an agent id'), v.description('agent id')), task: text(20000) }),
  offered: hasDelegate,
  can: {
    argument: 'the agent id',
    judge: async (q) => {
      if (q.argument === q.agent) return { capability: { allowed: false, reason: 'an agent cannot delegate to itself' } };
      const verdict = checkDelegate(q.caps, q.argument, [q.agent], 0);
      if (verdict.allowed && !(await activeAgents(q)).some((a) => a.id === q.argument)) return { capability: { allowed: false, reason: `there is no active agent "${q.argument}"` } };
      return { capability: verdict };
    },
    call: (to) => ({ to, task: 'aos can' }),
  },
  async run({ to, task }, ctx) {
    if (to === ctx.agent.id) throw new ToolError('refused: an agent cannot delegate to itself');
    const marker = markerRefusal('task', task);
    if (marker) throw new ToolError(`refused: ${marker}`);
    const verdict = checkDelegate(ctx.agent.caps, to, ctx.item.chain, ctx.item.children.length + ctx.children.length);
    if (!verdict.allowed) {
      if (verdict.reason.startsWith('delegation loop')) {
        const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, ctx.env.now(), {
          kind: 'refused',
          agent: ctx.agent.id,
          ref: ctx.run,
          body: `Stopped a ${verdict.reason} (item ${ctx.item.id}).`,
        });
        await touch(ctx, file);
      }
      throw new ToolError(`refused: ${verdict.reason}`);
    }
    const spend = await rateOrRefuse(ctx, verdict.reason);
    const tree = await treeAllows(ctx, 'delegation');
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const created = localTime(ctx.env.now(), ctx.home.config.owner.timezone).iso;
    const child = await createItem(ctx.home.root, ctx.env, { text: task, created, from: ctx.agent.id, to, kind: 'delegation', parent: ctx.item.id, chain: ctx.item.chain, root: tree.root, trace: ctx.item.trace });
    ctx.children.push(child.id);
    // Recorded on the parent at once: whatever happens to this run, the item waits for its child
    // and a retry does not delegate the same work again. The tree's count is on its root.
    const counted = { tree_delegations: tree.delegations + 1 };
    await updateItem(ctx.home, ctx.item.file, { children: [...ctx.item.children, ...ctx.children], ...(tree.file === ctx.item.file ? counted : {}) });
    if (tree.file !== ctx.item.file) await updateItem(ctx.home, tree.file, counted);
    await touch(ctx, child.file, tree.file);
    await spend();
    return `Delegated to ${to} as inbox item ${child.id}. This item now waits; you will be resumed with the result.`;
  },
});

/**
 * The delegation tree's counts when one more item (a delegation, or a message to another agent)
 * fits in it under this agent's limits; else refused (and logged).
 */
export async function treeAllows(ctx: RunCtx, what: 'delegation' | 'message'): Promise<TreeCounts & { file: string }> {
  const tree = await readTree(ctx.home.root, ctx.item.root ?? ctx.item.id, ctx.item);
  const refusal = tree.file ? treeRefusal({ ...tree, depth: ctx.item.chain.length }, ctx.agent.treeLimits) : `the root item ${tree.root} of this delegation tree is gone from inbox/ and inbox/done/, so the tree takes no more delegations`;
  if (!refusal) return tree as TreeCounts & { file: string };
  const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, ctx.env.now(), { kind: 'refused', agent: ctx.agent.id, ref: ctx.run, body: `Stopped a ${what}: ${refusal} (item ${ctx.item.id}).` });
  await touch(ctx, file);
  throw new ToolError(`refused: ${refusal}`);
}
