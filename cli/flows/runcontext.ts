// What an agent run is given besides its task: the memory index and the topics search ranks for
// the task, its own recent log entries, the skills that match, assembled into the system prompt
// (core/agents/prompt.ts). Split from execute.ts, which runs the model with it.
import { join } from 'node:path';
import { localTime } from '../core/docs/time.js';
import { assembleContext } from '../core/agents/prompt.js';
import { checkPrivateMemory, checkSimple } from '../core/agents/capabilities.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { loadMemories } from '../home/store.js';
import { readLog } from '../home/log.js';
import { readIfExists } from '../home/files.js';
import type { RunSpec } from './execute.js';

// The per-run part of the prompt (log digest, memories for the task): kept small so the cached
// prefix stays most of every request (issue 22).
const CONTEXT_BUDGET_TOKENS = 2500;

async function readText(path: string): Promise<string> {
  return (await readIfExists(path)) ?? '';
}

export async function buildContext(spec: RunSpec, run: string, toolNames: string[], job: boolean) {
  const { home, env, agent, item } = spec;
  const tz = home.config.owner.timezone;
  const now = localTime(env.now(), tz);
  const canReadMemory = checkSimple(spec.caps, 'memory', '*', 'read').allowed;
  const memoryIndex = canReadMemory ? await readText(join(home.root, 'memory/MEMORY.md')) : '';
  // Its own private memory's index joins the stable prefix (it changes only when the agent remembers).
  const privateIndex = checkPrivateMemory(spec.caps, agent.id, agent.id, 'read').allowed ? await readText(join(home.root, `memory/agents/${agent.id}/MEMORY.md`)) : undefined;
  const memories = canReadMemory ? await topMemories(home, `${item.subject}\n${item.body}`.slice(0, 1000)) : [];
  const from = localTime(new Date(env.now().getTime() - 3 * 86400_000), tz).date;
  // A sold job sees nothing of the owner's days: no log, no profile (the client is not the owner).
  const recentLog = job ? [] : (await readLog(home.root, from, now.date))
    .filter((e) => e.agent === agent.id)
    .slice(-20)
    .map((e) => ({ heading: `${e.date} ${e.time} · ${e.kind}${e.ref ? ` · ${e.ref}` : ''}`, body: e.body }));
  const context = assembleContext({
    agent: { id: agent.id, name: agent.front.name, role: agent.front.role, instructions: agent.body },
    owner: { name: home.config.owner.name, timezone: tz, profile: job ? undefined : home.config.owner.profile },
    memoryIndex,
    ...(privateIndex !== undefined ? { privateIndex } : {}),
    memories,
    recentLog,
    skills: await skillsFor(home, env, `${item.subject}\n${item.body}`, spec.skills),
    now: `${now.date} ${now.time.slice(0, 5)}`,
    run,
    toolNames,
    budgetTokens: CONTEXT_BUDGET_TOKENS,
  });
  return { ...context, memoryIndex: privateIndex === undefined ? memoryIndex : `${memoryIndex}\n${privateIndex}` };
}

/**
 * The enabled skills that match the task. An enabled skill whose last commit was an agent's run is
 * left out (an agent cannot switch one on by writing `status: enabled`): git decides, not the file.
 */
async function skillsFor(home: Home, env: Env, task: string, named: readonly string[] = []): Promise<{ id: string; name: string; text: string }[]> {
  const { loadSkills } = await import('../home/skills.js');
  const loaded = (await loadSkills(home.root, home.docs)).skills;
  // A candidate the mission named is tried as if enabled, for this run only; a retired one never.
  const trial = new Set(named);
  const skills = loaded.map((s) => (trial.has(s.id) && s.front.status === 'candidate' ? { ...s, front: { ...s.front, status: 'enabled' as const } } : s));
  const { offeredSkills } = await import('../core/skills/skills.js');
  const candidates = offeredSkills({ skills, agentChanged: new Set(), task, named });
  if (!candidates.length) return [];
  const { lastWriters } = await import('../git/read.js');
  const writers = await lastWriters(home.root, env.vars, 'skills');
  const agentChanged = new Set(skills.filter((s) => writers.get(s.file)?.agent).map((s) => s.id));
  return offeredSkills({ skills, agentChanged, task, named }).map((s) => ({ id: s.id, name: s.front.name, text: s.body }));
}

/** The active memory topics that search ranks highest for the task, read whole. */
async function topMemories(home: Home, query: string): Promise<{ file: string; title: string; text: string }[]> {
  const { searchMemory } = await import('../home/searchindex.js');
  const hits = (await searchMemory(home.root, query, { types: ['memory'], limit: 6 })).filter((h) => (h.status ?? 'active') === 'active').slice(0, 3);
  const { docs } = await loadMemories(home.root, home.docs);
  return hits.flatMap((h) => {
    const doc = docs.find((d) => d.file === h.file);
    return doc ? [{ file: doc.file, title: doc.front.title, text: doc.body }] : [];
  });
}
