// aos memory show --agent <id> [slug]: an agent's private long-term memory (memory/agents/<id>/),
// its index or one topic. The owner reads every agent's: the capability gate is for agents.
import { join } from 'node:path';
import type { Env } from '../env.js';
import { UsageError, UserError } from '../errors.js';
import type { Home } from '../home/home.js';
import { readIfExists } from '../home/files.js';
import { TOPIC_SLUG } from '../core/memory/memlint.js';
import { parseIndex } from '../core/memory/memindex.js';

export async function showPrivate(home: Home, env: Env, agent: string, wanted: string): Promise<void> {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(agent)) throw new UsageError(`--agent: expected an agent id, found "${agent}"`);
  const dir = `memory/agents/${agent}`;
  const slug = wanted.replace(/\.md$/, '');
  if (slug && slug !== 'MEMORY') {
    if (!TOPIC_SLUG.test(slug)) throw new UsageError(`"${wanted}": expected a topic name such as prefers-trains`);
    const file = `${dir}/${slug}.md`;
    const text = await readIfExists(join(home.root, file));
    if (text === undefined) throw new UserError(`no private memory "${slug}" of ${agent}: expected a file ${file} (aos memory show --agent ${agent} lists the index)`);
    if (env.out.json) return env.out.data({ agent, slug, file, text });
    return env.out.line(`${file}\n\n${text.trimEnd()}`);
  }
  const file = `${dir}/MEMORY.md`;
  const text = await readIfExists(join(home.root, file));
  if (env.out.json) return env.out.data({ agent, file, exists: text !== undefined, entries: text === undefined ? [] : parseIndex(text).filter((l) => l.slug).map((l) => ({ slug: l.slug, line: l.text })) });
  if (text === undefined) return env.out.line(`${agent} has no private memory yet (${file}); an agent with memory:private:write keeps one with its remember tool.`);
  env.out.line(`${file}\n\n${text.trimEnd()}`);
}
