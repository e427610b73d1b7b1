// The send_message tool: a short message to the owner (the log) or to another agent (an inbox item).
// Issue 20 gives it kinds: a request (work), a response (threaded to its request by in_reply_to),
// an event (a topic, delivered to every subscriber: home/events.ts), a stream (chunks appended to
// one item that its recipient handles once the final chunk closes it). `to: "*"` or `role:<word>`
// broadcasts, bounded by agent:broadcast{max:N}.
import * as v from 'valibot';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { checkBroadcast, checkMessage, type Capability } from '../core/agents/capabilities.js';
import { AGENT_ID } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { markerRefusal, setFrontMatterFields } from '../core/docs/frontmatter.js';
import { BROADCAST_TO, TOPIC, broadcastRecipients, isBroadcast, reservedTopic } from '../core/events/topics.js';
import { appendLog } from '../home/log.js';
import { createItem, updateItem } from '../home/items.js';
import { emitEvent } from '../home/events.js';
import { isErrno, readIfExists, writeAtomic } from '../home/files.js';
import { findDone, loadAgents } from '../home/store.js';
import { treeAllows } from './delegate.js';
import { defineTool, text } from './define.js';
import { ToolError, agentIds, touch, type RunCtx } from './runctx.js';
import { rateOrRefuse } from './capuse.js';
import { activeAgents } from './canspec.js';

const ITEM_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const TO = new RegExp(`${AGENT_ID.source}|${BROADCAST_TO.source}`);

const canSend = (caps: readonly Capability[]) => caps.some((c) => (c.kind === 'inbox' && c.actions.includes('write')) || (c.kind === 'agent' && (c.actions.includes('message') || c.actions.includes('broadcast'))));

export const sendMessageTool = defineTool({
  name: 'send_message',
  description:
    'Send a short message. To the owner ("owner": it goes to the daily log) or to another agent (it becomes an inbox item for that agent); no reply is awaited. ' +
    'kind: "request" asks for work; "response" answers a request (in_reply_to: its item id, default the item you are handling; to: default its sender); ' +
    '"event" announces something under a topic (like research.done) to every agent subscribed to it (leave out to); ' +
    '"stream" sends a chunk of a long answer: the first chunk (to: an agent) returns a stream id, later chunks name it in stream:, and final: true closes it. ' +
    'to: "*" or "role:<word>" sends one item to every active agent (or those whose role has that word), if you may broadcast.',
  input: v.strictObject({
    to: v.optional(v.pipe(v.string(), v.regex(TO, 'owner, an agent id, "*" or "role:<word>"'))),
    text: text(8000),
    kind: v.optional(v.picklist(['request', 'response', 'event', 'stream'])),
    topic: v.optional(v.pipe(v.string(), v.regex(TOPIC, 'a topic like research.done'))),
    in_reply_to: v.optional(v.pipe(v.string(), v.regex(ITEM_REF, 'an item id'))),
    stream: v.optional(v.pipe(v.string(), v.regex(ITEM_REF, 'a stream id returned by its first chunk'))),
    final: v.optional(v.boolean()),
  }),
  offered: canSend,
  can: {
    argument: 'who: owner, an agent id, "*" or "role:<word>"',
    judge: async (q) => {
      const to = q.argument;
      if (to === q.agent) return { capability: { allowed: false, reason: 'a message to yourself is a note (use the note tool)' } };
      if (isBroadcast(to)) {
        const recipients = broadcastRecipients(await activeAgents(q), to, q.agent);
        if (!recipients.length) return { capability: { allowed: false, reason: `no active agent ${to === '*' ? 'besides you' : `has the role word "${to.slice(5)}"`}; nothing was sent` } };
        return { capability: checkBroadcast(q.caps, recipients.length) };
      }
      const verdict = checkMessage(q.caps, to);
      if (verdict.allowed && to !== 'owner' && !(await activeAgents(q)).some((a) => a.id === to)) return { capability: { allowed: false, reason: `there is no active agent "${to}"` } };
      return { capability: verdict };
    },
    call: (to) => ({ to, text: 'aos can' }),
  },
  async run(input, ctx) {
    const marker = markerRefusal('text', input.text);
    if (marker) throw new ToolError(`refused: ${marker}`);
    if (input.kind === 'event') return sendEvent(input, ctx);
    if (input.kind === 'stream') return sendChunk(input, ctx);
    let to = input.to;
    let inReplyTo: string | undefined;
    if (input.kind === 'response') {
      inReplyTo = input.in_reply_to ?? ctx.item.id;
      const request = await findItem(ctx, inReplyTo);
      if (!request) throw new ToolError(`refused: no item ${inReplyTo} to respond to (in_reply_to names a request's item id)`);
      to ??= /^from:\s*(\S+)/m.exec(request)?.[1] ?? 'owner';
    }
    if (!to) throw new ToolError('refused: say who the message is for (to: owner, an agent id, "*" or "role:<word>")');
    if (to === ctx.agent.id) throw new ToolError('refused: a message to yourself is a note (use the note tool)');
    if (isBroadcast(to)) return broadcast(to, input.text, input.kind ?? 'message', ctx);
    const verdict = checkMessage(ctx.agent.caps, to);
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    const spend = await rateOrRefuse(ctx, verdict.reason);
    const now = ctx.env.now();
    if (to === 'owner') {
      const file = await appendLog(ctx.home, ctx.home.config.owner.timezone, now, { kind: 'message', agent: ctx.agent.id, ref: inReplyTo ?? ctx.run, body: input.text });
      await touch(ctx, file);
      ctx.messages.push(input.text);
      await spend();
      return `Sent to the owner (${file}).`;
    }
    // An item for another agent is a delegation that awaits no answer: without counting it on the
    // tree, "message 10 helpers, each messages 10 more" would multiply past the tree's limits.
    const tree = await treeAllows(ctx, 'message');
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const created = localTime(now, ctx.home.config.owner.timezone).iso;
    const item = await createItem(ctx.home.root, ctx.env, { text: input.text, created, from: ctx.agent.id, to, kind: input.kind ?? 'message', parent: ctx.item.id, chain: ctx.item.chain, root: tree.root, trace: ctx.item.trace, ...(inReplyTo ? { in_reply_to: inReplyTo } : {}) }, now);
    await updateItem(ctx.home, tree.file, { tree_delegations: tree.delegations + 1 });
    await touch(ctx, item.file, tree.file);
    await spend();
    return `Sent to ${to} as inbox item ${item.id}${inReplyTo ? ` (in reply to ${inReplyTo})` : ''}.`;
  },
});

type Input = { to?: string; text: string; topic?: string; stream?: string; final?: boolean };

/** One item per recipient, all or none: over the cap nothing is filed. */
async function broadcast(to: string, text: string, kind: 'message' | 'request' | 'response', ctx: RunCtx): Promise<string> {
  const { agents } = await loadAgents(ctx.home.root, ctx.home.docs);
  const roster = agents.map((a) => ({ id: a.id, status: a.front.status, role: a.front.role, subscribes: a.front.subscribes ?? [] }));
  const recipients = broadcastRecipients(roster, to, ctx.agent.id);
  if (!recipients.length) throw new ToolError(`refused: no active agent ${to === '*' ? 'besides you' : `has the role word "${to.slice(5)}"`}; nothing was sent`);
  const verdict = checkBroadcast(ctx.agent.caps, recipients.length);
  if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
  const spend = await rateOrRefuse(ctx, verdict.reason);
  const now = ctx.env.now();
  const created = localTime(now, ctx.home.config.owner.timezone).iso;
  const ids: string[] = [];
  for (const r of recipients) {
    const item = await createItem(ctx.home.root, ctx.env, { text, created, from: ctx.agent.id, to: r, kind, parent: ctx.item.id, chain: ctx.item.chain, trace: ctx.item.trace }, now);
    ids.push(`${r} (${item.id})`);
    await touch(ctx, item.file);
  }
  await spend();
  return `Sent to ${recipients.length} agent${recipients.length === 1 ? '' : 's'} (${to}): ${ids.join(', ')}.`;
}

async function sendEvent(input: Input, ctx: RunCtx): Promise<string> {
  if (!input.topic) throw new ToolError('refused: an event needs a topic (like research.done)');
  if (input.to) throw new ToolError('refused: an event goes to the agents subscribed to its topic; leave out to');
  if (reservedTopic(input.topic)) throw new ToolError(`refused: ${input.topic.split('.')[0]}.* topics are aos's own events; pick another topic`);
  const spend = await rateOrRefuse(ctx, undefined);
  const sent = await emitEvent(ctx.home, ctx.env, { topic: input.topic, body: input.text, from: ctx.agent.id, parent: ctx.item.id });
  await touch(ctx, ...sent.files);
  await spend();
  const to = [...sent.items.map((i) => `${i.to} (${i.id})`), ...sent.runs.map((r) => `chain run ${r}`)];
  return to.length ? `Event ${input.topic} sent to ${to.join(', ')}.` : `No agent subscribes to ${input.topic}: the event is logged.`;
}

/**
 * A stream's chunks go into one item, status streaming (never served), each under its own heading;
 * the final chunk makes it new, so its recipient handles the whole stream once.
 */
async function sendChunk(input: Input, ctx: RunCtx): Promise<string> {
  const now = ctx.env.now();
  const tz = ctx.home.config.owner.timezone;
  const at = localTime(now, tz).iso;
  const chunk = (n: number) => `\n### Chunk ${n}${input.final ? ' (final)' : ''} · ${at}\n\n${input.text.trim()}\n`;
  if (!input.stream) {
    const to = input.to;
    if (!to || to === 'owner' || isBroadcast(to)) throw new ToolError('refused: a stream goes to one agent: give to: <agent id> with its first chunk');
    if (to === ctx.agent.id) throw new ToolError('refused: a stream to yourself is a note (use the note tool)');
    const verdict = checkMessage(ctx.agent.caps, to);
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    if (!(await agentIds(ctx)).includes(to)) throw new ToolError(`refused: there is no active agent "${to}"`);
    const spend = await rateOrRefuse(ctx, verdict.reason);
    const item = await createItem(ctx.home.root, ctx.env, { text: `Stream from ${ctx.agent.id}:\n${chunk(1)}`, created: at, from: ctx.agent.id, to, kind: 'stream', parent: ctx.item.id, chain: ctx.item.chain, trace: ctx.item.trace, status: input.final ? 'new' : 'streaming' }, now);
    await touch(ctx, item.file);
    await spend();
    return input.final ? `Sent to ${to} as inbox item ${item.id} (one chunk, closed).` : `Stream ${item.id} opened for ${to}; send the next chunks with stream: "${item.id}", the last with final: true.`;
  }
  const file = `inbox/${input.stream}.md`;
  const raw = await readIfExists(join(ctx.home.root, file));
  if (raw === undefined) throw new ToolError(`refused: no open stream ${input.stream}`);
  if (!/^kind:\s*stream\s*$/m.test(raw) || !/^status:\s*streaming\s*$/m.test(raw)) throw new ToolError(`refused: ${input.stream} is not an open stream (it was closed by its final chunk)`);
  if (/^from:\s*(\S+)/m.exec(raw)?.[1] !== ctx.agent.id) throw new ToolError(`refused: stream ${input.stream} is not yours`);
  const spend = await rateOrRefuse(ctx, undefined);
  const n = (raw.match(/^### Chunk \d+/gm)?.length ?? 0) + 1;
  let next = raw.replace(/\s*$/, '\n') + chunk(n);
  if (input.final) next = setFrontMatterFields(file, next, { status: 'new' });
  await writeAtomic(join(ctx.home.root, file), ctx.home.redact(next));
  await touch(ctx, file);
  await spend();
  return input.final ? `Stream ${input.stream} closed with chunk ${n}; its recipient handles it next.` : `Chunk ${n} added to stream ${input.stream}.`;
}

/** A request's text, pending or done, by its id. */
async function findItem(ctx: RunCtx, id: string): Promise<string | undefined> {
  const pending = await readIfExists(join(ctx.home.root, `inbox/${id}.md`));
  if (pending !== undefined) return pending;
  const done = await findDone(ctx.home.root, id);
  if (!done) return undefined;
  try {
    return await fs.readFile(join(ctx.home.root, done), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}
