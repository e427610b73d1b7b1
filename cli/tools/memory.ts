// The memory tools: search memory, read one topic.
import * as v from 'valibot';
import { checkSimple } from '../core/agents/capabilities.js';
import { DOC_TYPES } from '../core/memory/searchdocs.js';
import { defineTool, text } from './define.js';
import { join } from 'node:path';
import { INDEX_FILE } from '../core/docs/textchecks.js';
import { TOPIC_SLUG, topicFile } from '../core/memory/memlint.js';
import { readIfExists } from '../home/files.js';
import { ToolError } from './runctx.js';
import { rateOrRefuse } from './capuse.js';
import { memoryRead } from '../core/agents/mcpscope.js';
import { UsageError } from '../errors.js';

/** The file a memory read reads (`aos can`'s argument): a topic's by its slug (or its path), the index for "*" or MEMORY. */
function memoryFile(argument: string): string {
  if (argument === '*' || argument === 'MEMORY' || argument === INDEX_FILE) return INDEX_FILE;
  const slug = argument.replace(/^memory\//, '').replace(/\.md$/, '');
  if (!TOPIC_SLUG.test(slug)) throw new UsageError(`"${argument}": expected a topic such as prefers-trains (or memory/prefers-trains.md), or * for the index`);
  return topicFile(slug);
}

export const searchMemoryTool = defineTool({
  name: 'search_memory',
  description: 'Search memory: the memory topics, the daily log, handled inbox items and goals. Returns ranked hits with file, line and a snippet; read one topic in full with read_memory.',
  input: v.strictObject({ query: text(500), type: v.optional(v.picklist(DOC_TYPES)), limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))) }),
  offered: (caps) => checkSimple(caps, 'memory', '*', 'read').allowed,
  can: { argument: 'the query', judge: (q) => ({ capability: checkSimple(q.caps, 'memory', '*', 'read') }), call: (query) => ({ query }) },
  async run({ query, limit, type }, ctx) {
    const spend = await rateOrRefuse(ctx, checkSimple(ctx.agent.caps, 'memory', '*', 'read').reason);
    const { searchMemory } = await import('../home/searchindex.js');
    const hits = await searchMemory(ctx.home.root, query, { types: type ? [type] : undefined, limit: limit ?? 5 });
    await spend();
    if (!hits.length) return `Nothing matches "${query}".`;
    return hits.map((h) => `${h.file}:${h.line} [${h.type} ${h.date}${h.status && h.status !== 'active' ? ` ${h.status}` : ''}] ${h.title}\n  ${h.snippet}`).join('\n');
  },
});

export const readMemoryTool = defineTool({
  name: 'read_memory',
  description: 'Read one memory topic in full (front matter and text), e.g. one search_memory brought up; without a slug, the memory index (memory/MEMORY.md).',
  input: v.strictObject({ slug: v.optional(v.pipe(v.string(), v.regex(TOPIC_SLUG, 'a topic name such as prefers-trains (lowercase letters, digits, dashes)'), v.description('the topic, e.g. prefers-trains; omit it for the index'))) }),
  offered: (caps) => checkSimple(caps, 'memory', '*', 'read').allowed,
  can: {
    argument: 'a topic (prefers-trains or memory/prefers-trains.md), or * for the index',
    // As aos mcp's memory_read judges it: memory:*:read, then the policy for the file read.
    judge: (q) => memoryRead(q.caps, memoryFile(q.argument)),
    call: (argument) => {
      const file = memoryFile(argument);
      return file === INDEX_FILE ? {} : { slug: file.replace(/^memory\//, '').replace(/\.md$/, '') };
    },
  },
  async run({ slug }, ctx) {
    const granted = checkSimple(ctx.agent.caps, 'memory', '*', 'read');
    if (!granted.allowed) throw new ToolError('refused: no memory:*:read capability');
    const file = slug ? topicFile(slug) : INDEX_FILE;
    // The policy judges it as the file read it is, as aos mcp's memory_read does.
    await ctx.gate({ tool: 'read_memory', kind: 'file', resource: file, verb: 'read', input: { slug }, grant: granted.reason });
    const text = await readIfExists(join(ctx.home.root, file));
    if (text === undefined) throw new ToolError(slug ? `no memory "${slug}": there is no ${file} (read_memory without a slug gives the index; search_memory finds topics)` : `${file}: there is no memory index yet`);
    return `${file}:\n${text}`;
  },
});
