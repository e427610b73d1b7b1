// An agent's private long-term memory (issue 22): memory/agents/<id>/, one topic per file with its
// line in that folder's MEMORY.md, like shared memory. `remember` writes a topic and its index
// line; `recall` reads the index or one topic. Both are judged by checkPrivateMemory: an agent's
// own memory needs memory:private:…, another agent's an explicit {agent:…}; shared grants
// (memory:*:read) and file grants never reach it.
import * as v from 'valibot';
import { join } from 'node:path';
import { checkPrivateMemory, PRIVATE_MEMORY } from '../core/agents/capabilities.js';
import { MEMORY_TYPES } from '../core/docs/schemas.js';
import { frontMatterText, renderDocument } from '../core/docs/frontmatter.js';
import { slugify } from '../core/docs/ids.js';
import { localTime } from '../core/docs/time.js';
import { indexLine, upsertEntry } from '../core/memory/memindex.js';
import { TOPIC_SLUG } from '../core/memory/memlint.js';
import { readIfExists, writeAtomic } from '../home/files.js';
import { defineTool, text } from './define.js';
import { ToolError, touch } from './runctx.js';

export function privateDir(agent: string): string {
  return `${PRIVATE_MEMORY}/${agent}`;
}

export function privateIndex(agent: string): string {
  return `${privateDir(agent)}/MEMORY.md`;
}

const grants = (action: 'read' | 'write') => (caps: Parameters<typeof checkPrivateMemory>[0]) => caps.some((c) => c.kind === 'memory' && c.resources.includes('private') && c.actions.includes(action));

export const rememberTool = defineTool({
  name: 'remember',
  description: 'Keep something in your private long-term memory (only you, and agents the owner grants, can read it): a topic file and its line in your private index. Use it for what you will need in later runs.',
  input: v.strictObject({
    title: text(80),
    description: v.pipe(text(150), v.description('one line: what it is')),
    body: text(4000),
    type: v.optional(v.picklist(MEMORY_TYPES)),
    slug: v.optional(v.pipe(v.string(), v.regex(TOPIC_SLUG, 'lowercase letters, digits and dashes'))),
  }),
  offered: grants('write'),
  can: { argument: 'the topic (a slug)', judge: (q) => ({ capability: checkPrivateMemory(q.caps, q.agent, q.agent, 'write') }), call: (slug) => ({ title: slug, description: 'aos can', body: 'aos can', slug }) },
  async run(input, ctx) {
    const self = ctx.agent.id;
    const verdict = checkPrivateMemory(ctx.agent.caps, self, self, 'write');
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    const slug = input.slug ?? slugify(input.title);
    if (!TOPIC_SLUG.test(slug)) throw new ToolError(`refused: "${slug}" is not a topic name; give a slug of lowercase letters, digits and dashes`);
    const file = `${privateDir(self)}/${slug}.md`;
    const date = localTime(ctx.env.now(), ctx.home.config.owner.timezone).date;
    const existing = await readIfExists(join(ctx.home.root, file));
    const created = existing ? (/^created: (\S+)$/m.exec(existing)?.[1] ?? date) : date;
    const front = { title: input.title, type: input.type ?? 'fact', description: input.description, created, updated: date, status: 'active', sources: [`run ${ctx.run}`] };
    const index = (await readIfExists(join(ctx.home.root, privateIndex(self)))) ?? `# Private memory of ${self}\n`;
    await touch(ctx, file, privateIndex(self));
    await writeAtomic(join(ctx.home.root, file), renderDocument(frontMatterText(front), `${input.body.trim()}\n`));
    await writeAtomic(join(ctx.home.root, privateIndex(self)), upsertEntry(index, slug, indexLine(slug, input.title, input.description)));
    return `${existing ? 'Updated' : 'Remembered'} ${file} and its line in ${privateIndex(self)}.`;
  },
});

export const recallTool = defineTool({
  name: 'recall',
  description: 'Read your private long-term memory: without a slug, its index; with one, that topic. `agent` reads another agent\'s, when the owner granted it.',
  input: v.strictObject({
    slug: v.optional(v.pipe(v.string(), v.regex(TOPIC_SLUG, 'a topic name such as prefers-trains'))),
    agent: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'an agent id'))),
  }),
  offered: grants('read'),
  can: {
    argument: 'whose private memory: an agent id, or - for its own',
    judge: (q) => ({ capability: checkPrivateMemory(q.caps, q.agent, q.argument === '-' ? q.agent : q.argument, 'read') }),
    call: (agent) => (agent === '-' ? {} : { agent }),
  },
  async run({ slug, agent }, ctx) {
    const owner = agent ?? ctx.agent.id;
    const verdict = checkPrivateMemory(ctx.agent.caps, ctx.agent.id, owner, 'read');
    if (!verdict.allowed) throw new ToolError(`refused: ${verdict.reason}`);
    const file = slug ? `${privateDir(owner)}/${slug}.md` : privateIndex(owner);
    const found = await readIfExists(join(ctx.home.root, file));
    if (found === undefined) throw new ToolError(slug ? `no private memory "${slug}" of ${owner} (recall without a slug gives the index)` : `${owner} has no private memory yet`);
    return `${file}:\n${found}`;
  },
});
