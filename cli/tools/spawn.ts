// agent:spawn{max:N}: an agent makes an ephemeral child agent for one task. The child's agent file
// holds a subset of the parent's capabilities (checked by core/agents/capsubset.ts, never more than
// the parent holds), it gets one inbox item (a delegation: the parent's item waits for it as for any
// delegated work), and flows/spawned.ts removes its file once that item is done; its run records stay.
import * as v from 'valibot';
import { join } from 'node:path';
import { checkSpawn, delegatedCapabilities } from '../core/agents/capsubset.js';
import { suffix } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { frontMatterText, markerRefusal, renderDocument } from '../core/docs/frontmatter.js';
import { createExclusive } from '../home/files.js';
import { createItem, updateItem } from '../home/items.js';
import { defineTool } from './define.js';
import { ToolError, touch } from './runctx.js';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'a non-empty text'), v.maxLength(max, `at most ${max} characters`));

export const spawnTool = defineTool({
  name: 'spawn_agent',
  description:
    'Make a short-lived helper agent for one task, with some of your own capabilities (never more than you hold). ' +
    'It gets the task as an inbox item; this item waits, and you are resumed with its result. The helper is removed when its task is done. End your turn after spawning.',
  input: v.strictObject({
    task: text(20000),
    capabilities: v.pipe(v.array(v.pipe(v.string(), v.maxLength(500))), v.maxLength(20), v.description('a subset of your capabilities, written the same way, e.g. "file:notes/**:read"')),
    instructions: v.optional(v.pipe(text(8000), v.description("the helper's instructions; a plain default when omitted"))),
  }),
  offered: (caps) => caps.some((c) => c.kind === 'agent' && c.actions.includes('spawn')),
  can: {
    argument: 'a capability the helper would hold, as written in an agent file',
    judge: (q) => {
      const may = checkSpawn(q.caps, 0);
      if (!may.allowed) return { capability: may };
      const sub = delegatedCapabilities([q.argument], q.caps);
      return { capability: 'error' in sub ? { allowed: false, reason: sub.error } : { allowed: true, reason: `${may.reason}; "${q.argument}" is within the parent's` } };
    },
    call: (capability) => ({ task: 'aos can', capabilities: [capability] }),
  },
  async run({ task, capabilities, instructions }, ctx) {
    const marker = markerRefusal('task', task) ?? (instructions ? markerRefusal('instructions', instructions) : undefined);
    if (marker) throw new ToolError(`refused: ${marker}`);
    // Every child of the item counts, delegated or spawned: max bounds what one item may fan out to.
    const verdict = checkSpawn(ctx.agent.caps, ctx.item.children.length + ctx.children.length);
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    const granted = delegatedCapabilities(capabilities, ctx.agent.caps);
    if ('error' in granted) throw new ToolError(`refused: ${granted.error}`);
    ctx.lastRule = verdict.reason.replace(/^granted by /, '');
    const id = `${ctx.agent.id.slice(0, 28)}-sp-${suffix(ctx.env.randomBytes(6), 6)}`;
    const created = localTime(ctx.env.now(), ctx.home.config.owner.timezone).iso;
    const child = await createItem(ctx.home.root, ctx.env, { text: task, created, from: ctx.agent.id, to: id, kind: 'delegation', parent: ctx.item.id, chain: ctx.item.chain, trace: ctx.item.trace });
    await touch(ctx, child.file);
    const file = `agents/${id}.md`;
    const front = frontMatterText({
      name: `Helper of ${ctx.agent.id}`,
      role: `spawned by ${ctx.agent.id} for one task (item ${child.id})`,
      capabilities,
      spawned: { by: ctx.agent.id, item: child.id },
    });
    await touch(ctx, file);
    await createExclusive(join(ctx.home.root, file), ctx.home.redact(renderDocument(front, instructions ?? `You were spawned by ${ctx.agent.id} to do one task. Do it with the tools you have, then finish with the result.`)));
    ctx.children.push(child.id);
    await updateItem(ctx.home, ctx.item.file, { children: [...ctx.item.children, ...ctx.children] });
    return `Spawned ${id} for inbox item ${child.id} with ${granted.caps.length} capabilities. This item now waits; you will be resumed with the result.`;
  },
});
