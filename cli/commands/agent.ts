import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { AGENT_ID } from '../core/docs/ids.js';
import { setFrontMatterFields } from '../core/docs/frontmatter.js';
import { agentTemplate } from '../core/agents/agents.js';
import { openHome, type Home } from '../home/home.js';
import { createExclusive, isErrno, writeAtomic } from '../home/files.js';
import { loadAgents, type Agent } from '../home/store.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';

function view(a: Agent) {
  return { id: a.id, file: a.file, ...a.front };
}

export async function list(_args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const { agents, problems } = await loadAgents(home.root, home.docs);
  await home.docs.save();
  if (env.out.json) return env.out.data({ agents: agents.map(view), problems });
  for (const p of problems) env.out.warn(`disabled ${formatProblem(p)}`);
  const rows = agents.map((a) => [a.id, a.front.status, truncate(a.front.role, 60), truncate(a.front.handles.join(', '), 40)]);
  env.out.line(table([['ID', 'STATUS', 'ROLE', 'HANDLES'], ...rows]));
  if (problems.length) env.out.line(`\n${problems.length} agent file(s) are invalid and disabled; see above, or run aos doctor.`);
}

async function findAgent(home: Home, id: string): Promise<Agent> {
  const { agents, problems } = await loadAgents(home.root, home.docs);
  const agent = agents.find((a) => a.id === id);
  if (agent) return agent;
  const bad = problems.filter((p) => p.file === `agents/${id}.md`);
  if (bad.length) throw new UserError(`agents/${id}.md is invalid:\n${bad.map(formatProblem).join('\n')}`);
  throw new UsageError(`no agent "${id}": expected one of ${agents.map((a) => a.id).join(', ')}`);
}

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const agent = await findAgent(home, String(args.id));
  if (env.out.json) return env.out.data({ ...view(agent), instructions: agent.body });
  const f = agent.front;
  env.out.line(`${f.name} (${agent.id}, ${f.status}) — ${f.role}`);
  env.out.line(`file:         ${agent.file}`);
  if (f.model) env.out.line(`model:        ${f.model}`);
  if (f.brain) env.out.line(`brain:        ${f.brain.profile}${f.brain.program ? ` (${[f.brain.program].flat().join(' ')})` : ''}${f.brain.mcp === false ? ', without aos mcp' : ''}`);
  env.out.line(`handles:      ${f.handles.join(', ') || '-'}`);
  env.out.line(`capabilities: ${f.capabilities.join('  ') || '-'}`);
  for (const s of f.schedule) env.out.line(`schedule:     ${s.cron}  ${s.task} (missed: ${s.missed})`);
  const budget = Object.entries(f.budget).map(([k, v]) => `${k} ${v}`).join(', ');
  env.out.line(`budget:       ${budget || '-'}`);
  env.out.line(`\n${agent.body.trimEnd()}`);
}

export async function create(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const id = String(args.id);
  if (!AGENT_ID.test(id)) throw new UsageError(`agent id "${id}": expected lowercase letters, digits and dashes (up to 40)`);
  const file = `agents/${id}.md`;
  await commitHandEditsFirst(home, env, 'agent new');
  const handles = ((args.handles as string[] | undefined) ?? []).flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean);
  try {
    await createExclusive(join(home.root, file), agentTemplate(id, args.role as string | undefined, handles));
  } catch (err) {
    if (isErrno(err, 'EEXIST')) throw new UserError(`${file} already exists; nothing was changed`);
    throw err;
  }
  const sha = await commitAsOwner(home, env, 'agent new', {
    subject: `agent: new ${id}`,
    trailers: { 'Aos-Kind': 'agent-new', 'Aos-Agent': id },
    paths: [file],
  });
  if (env.out.json) return env.out.data({ id, file, commit: sha ?? null });
  env.out.line(`Created ${file}${sha ? '' : ` (${LEFT_FOR_TICK})`}: edit its role, capabilities and instructions to fit.`);
}

async function setStatus(args: Args, env: Env, status: 'active' | 'paused'): Promise<void> {
  const home = await openHome(env);
  const agent = await findAgent(home, String(args.id));
  if (agent.front.status === status) {
    if (env.out.json) return env.out.data({ id: agent.id, status, changed: false });
    return env.out.line(`${agent.id} is already ${status}.`);
  }
  const path = join(home.root, agent.file);
  await commitHandEditsFirst(home, env, `agent ${status === 'paused' ? 'pause' : 'resume'}`);
  await writeAtomic(path, setFrontMatterFields(agent.file, await fs.readFile(path, 'utf8'), { status }));
  const verb = status === 'paused' ? 'pause' : 'resume';
  const sha = await commitAsOwner(home, env, `agent ${verb}`, {
    subject: `agent: ${verb} ${agent.id}`,
    trailers: { 'Aos-Kind': `agent-${verb}`, 'Aos-Agent': agent.id },
    paths: [agent.file],
  });
  if (env.out.json) return env.out.data({ id: agent.id, status, changed: true, commit: sha ?? null });
  env.out.line(`${agent.id} is now ${status}${sha ? '' : ` (${LEFT_FOR_TICK})`}.`);
}

export const pause = (args: Args, env: Env) => setStatus(args, env, 'paused');
export const resume = (args: Args, env: Env) => setStatus(args, env, 'active');
