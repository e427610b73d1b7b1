// The send_message tool: a short message to the owner (the log) or to another agent (an inbox item).
import * as v from 'valibot';
import { checkMessage } from '../core/agents/capabilities.js';
import { AGENT_ID } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { markerRefusal } from '../core/docs/frontmatter.js';
import { appendLog } from '../home/log.js';
import { createItem, updateItem } from '../home/items.js';
import { treeAllows } from './delegate.js';
import { defineTool, text } from './define.js';
import { ToolError, agentIds, touch } from './runctx.js';
import { rateOrRefuse } from './capuse.js';

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
    const spend = await rateOrRefuse(ctx, verdict.reason);
    const now = ctx.env.now();
    if (to === 'owner') {
      const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, now, { kind: 'message', agent: ctx.agent.id, ref: ctx.run, body: text });
      await touch(ctx, file);
      ctx.messages.push(text);
      await spend();
      return `Sent to the owner (${file}).`;
    }
    // An item for another agent is a delegation that awaits no answer: without counting it on the
    // tree, "message 10 helpers, each messages 10 more" would multiply past the tree's limits.
    const tree = await treeAllows(ctx, 'message');
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const created = localTime(now, ctx.home.config.owner.timezone).iso;
    const item = await createItem(ctx.home.root, ctx.env, { text, created, from: ctx.agent.id, to, kind: 'message', parent: ctx.item.id, chain: ctx.item.chain, root: tree.root, trace: ctx.item.trace }, now);
    await updateItem(ctx.home, tree.file, { tree_delegations: tree.delegations + 1 });
    await touch(ctx, item.file, tree.file);
    await spend();
    return `Sent to ${to} as inbox item ${item.id}.`;
  },
});
