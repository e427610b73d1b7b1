// Tools that work with the home's own records: the log, memory, other agents and the owner.
import * as v from 'valibot';
import { checkDelegate, checkMessage, checkSimple, delegateLimits, type Capability } from '../core/agents/capabilities.js';
import { DOC_TYPES } from '../core/memory/searchdocs.js';
import { AGENT_ID } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { appendLog } from '../home/log.js';
import { createItem, updateItem } from '../home/items.js';
import { loadAgents } from '../home/store.js';
import { defineTool } from './define.js';
import { join } from 'node:path';
import { INDEX_FILE } from '../core/docs/textchecks.js';
import { TOPIC_SLUG, topicFile } from '../core/memory/memlint.js';
import { readIfExists } from '../home/files.js';
import { ToolError, touch, type RunCtx } from './runctx.js';
import { treeRefusal } from '../core/agents/delegtree.js';
import { readTree, type TreeCounts } from '../home/tree.js';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'a non-empty text'), v.maxLength(max, `at most ${max} characters`));

export const noteTool = defineTool({
  name: 'note',
  description: "Note an observation in today's log (a lasting fact about the owner, a decision, a lesson). The nightly dream turns notes into memories.",
  input: v.strictObject({ text: text(4000) }),
  // Every agent may write its own observations to the log: it is how memory is made.
  offered: () => true,
  async run({ text }, ctx) {
    const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, ctx.env.now(), { kind: 'note', agent: ctx.agent.id, ref: ctx.run, body: text });
    await touch(ctx, file);
    return `Noted in ${file}.`;
  },
});

export const searchMemoryTool = defineTool({
  name: 'search_memory',
  description: 'Search memory: the memory topics, the daily log, handled inbox items and goals. Returns ranked hits with file, line and a snippet; read one topic in full with read_memory.',
  input: v.strictObject({ query: text(500), type: v.optional(v.picklist(DOC_TYPES)), limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))) }),
  offered: (caps) => checkSimple(caps, 'memory', '*', 'read').allowed,
  async run({ query, limit, type }, ctx) {
    const { searchMemory } = await import('../home/searchindex.js');
    const hits = await searchMemory(ctx.home.root, query, { types: type ? [type] : undefined, limit: limit ?? 5 });
    if (!hits.length) return `Nothing matches "${query}".`;
    return hits.map((h) => `${h.file}:${h.line} [${h.type} ${h.date}${h.status && h.status !== 'active' ? ` ${h.status}` : ''}] ${h.title}\n  ${h.snippet}`).join('\n');
  },
});

export const readMemoryTool = defineTool({
  name: 'read_memory',
  description: 'Read one memory topic in full (front matter and text), e.g. one search_memory brought up; without a slug, the memory index (memory/MEMORY.md).',
  input: v.strictObject({ slug: v.optional(v.pipe(v.string(), v.regex(TOPIC_SLUG, 'a topic name such as prefers-trains (lowercase letters, digits, dashes)'), v.description('the topic, e.g. prefers-trains; omit it for the index'))) }),
  offered: (caps) => checkSimple(caps, 'memory', '*', 'read').allowed,
  async run({ slug }, ctx) {
    if (!checkSimple(ctx.agent.caps, 'memory', '*', 'read').allowed) throw new ToolError('refused: no memory:*:read capability');
    const file = slug ? topicFile(slug) : INDEX_FILE;
    // The policy judges it as the file read it is, as aos mcp's memory_read does.
    await ctx.gate({ tool: 'read_memory', kind: 'file', resource: file, verb: 'read', input: { slug } });
    const text = await readIfExists(join(ctx.home.root, file));
    if (text === undefined) throw new ToolError(slug ? `no memory "${slug}": there is no ${file} (read_memory without a slug gives the index; search_memory finds topics)` : `${file}: there is no memory index yet`);
    return `${file}:\n${text}`;
  },
});

async function agentIds(ctx: RunCtx): Promise<string[]> {
  return (await loadAgents(ctx.home.root, ctx.home.docs)).agents.filter((a) => a.front.status === 'active').map((a) => a.id);
}

const hasDelegate = (caps: readonly Capability[]) => delegateLimits(caps) !== undefined;

export const delegateTool = defineTool({
  name: 'delegate',
  description:
    'Hand part of this work to another agent. It becomes an inbox item for that agent; this item waits, and you are resumed with the results when every delegated item has finished. End your turn after delegating.',
  input: v.strictObject({ to: v.pipe(v.string(), v.regex(AGENT_ID, 'an agent id'), v.description('agent id')), task: text(20000) }),
  offered: hasDelegate,
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
    const tree = await treeAllows(ctx);
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const created = localTime(ctx.env.now(), ctx.home.config.owner.timezone).iso;
    const child = await createItem(ctx.home.root, ctx.env, { text: task, created, from: ctx.agent.id, to, kind: 'delegation', parent: ctx.item.id, chain: ctx.item.chain, root: tree.root });
    ctx.children.push(child.id);
    // Recorded on the parent at once: whatever happens to this run, the item waits for its child
    // and a retry does not delegate the same work again. The tree's count is on its root.
    const counted = { tree_delegations: tree.delegations + 1 };
    await updateItem(ctx.home, ctx.item.file, { children: [...ctx.item.children, ...ctx.children], ...(tree.file === ctx.item.file ? counted : {}) });
    if (tree.file !== ctx.item.file) await updateItem(ctx.home, tree.file, counted);
    await touch(ctx, child.file, tree.file);
    return `Delegated to ${to} as inbox item ${child.id}. This item now waits; you will be resumed with the result.`;
  },
});

/** The delegation tree's counts when one more delegation fits in it; else refused (and logged). */
async function treeAllows(ctx: RunCtx): Promise<TreeCounts & { file: string }> {
  const tree = await readTree(ctx.home.root, ctx.item.root ?? ctx.item.id, ctx.item);
  const refusal = tree.file ? treeRefusal({ ...tree, depth: ctx.item.chain.length }) : `the root item ${tree.root} of this delegation tree is not waiting in inbox/, so the tree takes no more delegations`;
  if (!refusal) return tree as TreeCounts & { file: string };
  const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, ctx.env.now(), { kind: 'refused', agent: ctx.agent.id, ref: ctx.run, body: `Stopped a delegation: ${refusal} (item ${ctx.item.id}).` });
  await touch(ctx, file);
  throw new ToolError(`refused: ${refusal}`);
}

export const sendMessageTool = defineTool({
  name: 'send_message',
  description: 'Send a short message to the owner ("owner": it goes to the daily log) or to another agent (it becomes an inbox item for that agent). No reply is awaited.',
  input: v.strictObject({ to: v.pipe(v.string(), v.regex(AGENT_ID, 'owner or an agent id')), text: text(8000) }),
  offered: (caps) => caps.some((c) => (c.kind === 'inbox' && c.actions.includes('write')) || (c.kind === 'agent' && c.actions.includes('message'))),
  async run({ to, text }, ctx) {
    if (to === ctx.agent.id) throw new ToolError('refused: a message to yourself is a note (use the note tool)');
    const marker = markerRefusal('text', text);
    if (marker) throw new ToolError(`refused: ${marker}`);
    const verdict = checkMessage(ctx.agent.caps, to);
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    const now = ctx.env.now();
    if (to === 'owner') {
      const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, now, { kind: 'message', agent: ctx.agent.id, ref: ctx.run, body: text });
      await touch(ctx, file);
      ctx.messages.push(text);
      return `Sent to the owner (${file}).`;
    }
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const created = localTime(now, ctx.home.config.owner.timezone).iso;
    const item = await createItem(ctx.home.root, ctx.env, { text, created, from: ctx.agent.id, to, kind: 'message', parent: ctx.item.id, chain: ctx.item.chain }, now);
    await touch(ctx, item.file);
    return `Sent to ${to} as inbox item ${item.id}.`;
  },
});
