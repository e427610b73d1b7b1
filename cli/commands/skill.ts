// aos skill list|show|enable|retire: the gated skills in skills/. Only the owner switches one on,
// and only after its track record holds enough promoted missions (core/skills/skills.ts).
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import type { Args, Env } from '../env.js';
import { UsageError, UserError, formatProblem } from '../errors.js';
import { setFrontMatterFields } from '../core/docs/frontmatter.js';
import { localTime } from '../core/docs/time.js';
import { canEnable, failures, successes, triggerWords, type Skill } from '../core/skills/skills.js';
import { openHome, type Home } from '../home/home.js';
import { writeAtomic } from '../home/files.js';
import { loadSkills, skillFile } from '../home/skills.js';
import { lastWriters } from '../git/read.js';
import { commitAsOwner, commitHandEditsFirst, LEFT_FOR_TICK } from '../flows/ownercommit.js';
import { table, truncate } from '../output.js';

function view(s: Skill, agentChanged: boolean) {
  return {
    id: s.id,
    file: s.file,
    name: s.front.name,
    description: s.front.description,
    status: s.front.status,
    // An enabled skill an agent's run changed afterwards is not offered until the owner enables it again.
    offered: s.front.status === 'enabled' && !agentChanged,
    when: triggerWords(s.front),
    successes: successes(s.front),
    failures: failures(s.front),
    record: s.front.record,
    proposed_by: s.front.proposed_by ?? null,
    from_mission: s.front.from_mission ?? null,
    created: s.front.created,
    enabled: s.front.enabled ?? null,
  };
}

async function agentChangedSkills(home: Home, env: Env): Promise<Set<string>> {
  const writers = await lastWriters(home.root, env.vars, 'skills');
  return new Set([...writers].filter(([, w]) => w.agent).map(([file]) => file));
}

export async function list(_args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const { skills, problems } = await loadSkills(home.root, home.docs);
  const changed = await agentChangedSkills(home, env);
  await home.docs.save();
  if (env.out.json) return env.out.data({ skills: skills.map((s) => view(s, changed.has(s.file))), problems, min_successes: home.config.skills.min_successes });
  for (const p of problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!skills.length) return env.out.line('No skills yet. An agent proposes one after a promoted mission (status candidate); aos skill enable switches it on.');
  const rows = skills.map((s) => {
    const status = s.front.status === 'enabled' && changed.has(s.file) ? 'enabled (changed by an agent: not offered)' : s.front.status;
    return [s.id, status, `${successes(s.front)}/${s.front.record.length}`, truncate(s.front.description, 60)];
  });
  env.out.line(table([['ID', 'STATUS', 'RECORD', 'DESCRIPTION'], ...rows]));
  env.out.line(`\nRECORD is promoted missions / missions that used it; enabling needs ${home.config.skills.min_successes} (skills.min_successes).`);
}

async function findSkill(home: Home, id: string): Promise<Skill> {
  const { skills, problems } = await loadSkills(home.root, home.docs);
  const skill = skills.find((s) => s.id === id);
  if (skill) return skill;
  const bad = problems.filter((p) => p.file === skillFile(id));
  if (bad.length) throw new UserError(`${skillFile(id)} is invalid:\n${bad.map(formatProblem).join('\n')}`);
  throw new UsageError(`no skill "${id}"${skills.length ? `: expected one of ${skills.map((s) => s.id).join(', ')}` : ' (skills/ holds none)'}`);
}

export async function show(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const skill = await findSkill(home, String(args.id));
  const changed = (await agentChangedSkills(home, env)).has(skill.file);
  const v = view(skill, changed);
  if (env.out.json) return env.out.data({ ...v, procedure: skill.body });
  env.out.line(`${v.name} (${v.id}, ${v.status}${v.status === 'enabled' && !v.offered ? ', changed by an agent since it was enabled: not offered' : ''}) — ${v.description}`);
  env.out.line(`file:     ${v.file}`);
  env.out.line(`when:     ${v.when.join(', ') || '-'}`);
  if (v.proposed_by) env.out.line(`proposed: by ${v.proposed_by}${v.from_mission ? ` after mission ${v.from_mission}` : ''}, ${v.created}`);
  env.out.line(`record:   ${v.successes} promoted, ${v.failures} not (enabling needs ${home.config.skills.min_successes})`);
  for (const r of skill.front.record) env.out.line(`  ${r.date}  ${r.mission}  ${r.outcome}`);
  env.out.line(`\n${skill.body.trimEnd()}`);
}

async function setStatus(args: Args, env: Env, to: 'enabled' | 'retired'): Promise<void> {
  const home = await openHome(env);
  const skill = await findSkill(home, String(args.id));
  const changed = (await agentChangedSkills(home, env)).has(skill.file);
  // Enabling a skill an agent changed after (or into) `enabled` is how the owner accepts the change;
  // the record is asked for all the same.
  if (skill.front.status === to && !(to === 'enabled' && changed)) {
    if (env.out.json) return env.out.data({ id: skill.id, status: to, changed: false });
    return env.out.line(`${skill.id} is already ${to}.`);
  }
  if (to === 'enabled') {
    const verdict = canEnable(skill, home.config.skills.min_successes);
    if (!verdict.ok) throw new UserError(`${verdict.why}; nothing was changed (aos skill show ${skill.id} shows its record)`);
  }
  const verb = to === 'enabled' ? 'enable' : 'retire';
  await commitHandEditsFirst(home, env, `skill ${verb}`);
  const path = join(home.root, skill.file);
  const fields: Record<string, unknown> = { status: to };
  if (to === 'enabled') fields.enabled = localTime(env.now(), home.config.owner.timezone).date;
  await writeAtomic(path, setFrontMatterFields(skill.file, await fs.readFile(path, 'utf8'), fields));
  const sha = await commitAsOwner(home, env, `skill ${verb}`, {
    subject: `skill: ${verb} ${skill.id}`,
    trailers: { 'Aos-Kind': `skill-${verb}`, 'Aos-Skill': skill.id },
    paths: [skill.file],
  });
  if (env.out.json) return env.out.data({ id: skill.id, status: to, changed: true, commit: sha ?? null });
  env.out.line(`${skill.id} is now ${to}${sha ? '' : ` (${LEFT_FOR_TICK})`}${to === 'enabled' ? ': agents see it when a task matches its words' : ''}.`);
}

export const enable = (args: Args, env: Env) => setStatus(args, env, 'enabled');
export const retire = (args: Args, env: Env) => setStatus(args, env, 'retired');
