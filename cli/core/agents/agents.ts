import { renderDocument, frontMatterText } from '../docs/frontmatter.js';

/** A new agent's file: safe defaults (read memory only) that the owner widens on purpose. */
export function agentTemplate(id: string, role: string | undefined, handles: string[]): string {
  const name = id.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => (dash ? ' ' : '') + c.toUpperCase());
  const front = frontMatterText({
    name,
    role: role ?? `Describe in one line what ${name} does.`,
    handles,
    capabilities: ['memory:*:read'],
    schedule: [],
    budget: { tokens_per_day: 100000, usd_per_day: 0.5 },
    status: 'active',
  });
  const body = `You are ${name}. Say here how you work: what you do first, what you never do, how you answer,
and when you hand work to another agent.
`;
  return renderDocument(front, body);
}
