// Doctor's checks across files: what one document names must exist in another (agents named by
// aos.yaml, items and goals), and what agents and the policy declare must parse. Pure: documents in,
// problems out, in the order doctor prints them.
import type { Problem } from '../../errors.js';
import { parseCapabilities } from '../agents/capabilities.js';
import { parsePolicy, type PolicyInput } from '../agents/policy.js';
import { cronProblem } from '../runs/schedule.js';

export interface CrossCheckDocs {
  /** aos.yaml, when it could be read. */
  config?: { default_agent: string; policy?: PolicyInput };
  agents: readonly { id: string; file: string; front: { schedule: readonly { cron: string }[]; capabilities: readonly string[] } }[];
  inbox: readonly { file: string; front: { to?: string } }[];
  goals: readonly { file: string; front: { owner: string } }[];
}

export function crossCheck(docs: CrossCheckDocs): Problem[] {
  const problems: Problem[] = [];
  const agentIds = new Set(docs.agents.map((a) => a.id));
  const { config } = docs;
  if (config && !agentIds.has(config.default_agent)) {
    problems.push({ file: 'aos.yaml', field: 'default_agent', expected: `an agent in agents/ (${[...agentIds].join(', ')})`, found: `"${config.default_agent}"` });
  }
  for (const i of docs.inbox) {
    if (i.front.to && !agentIds.has(i.front.to)) problems.push({ file: i.file, field: 'to', expected: 'an agent in agents/', found: `"${i.front.to}"` });
  }
  for (const a of docs.agents) {
    a.front.schedule.forEach((entry, n) => {
      const bad = cronProblem(entry.cron);
      if (bad) problems.push({ file: a.file, field: `schedule.${n}.cron`, expected: 'a valid cron expression', found: `"${entry.cron}": ${bad}` });
    });
    for (const error of parseCapabilities(a.front.capabilities).errors) {
      problems.push({ file: a.file, field: 'capabilities', expected: 'kind:resource:actions{constraints} (the agent is disabled until fixed)', found: error });
    }
  }
  for (const g of docs.goals) {
    if (!agentIds.has(g.front.owner)) problems.push({ file: g.file, field: 'owner', expected: 'an agent in agents/', found: `"${g.front.owner}"` });
  }
  for (const error of config ? parsePolicy(config.policy).errors : []) {
    problems.push({ file: 'aos.yaml', field: 'policy', expected: 'rules like "shell:git push *", "http:*:post" or "file:agents/**:write" (until fixed, no action a rule could cover runs)', found: error });
  }
  return problems;
}
