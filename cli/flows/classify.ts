// routing.classify (issue 20): one short call to a cheap model picks the agent for an item no
// handles: hint matches, remembered by the subject's hash in .aos/route-cache.json so the same
// subject is never asked twice. Any failure leaves the default route: classification only helps.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import type { Agent } from '../home/store.js';
import { isErrno, writeAtomic } from '../home/files.js';
import { classifyKey, classifyPrompt, PICK_TOOL, readPick, routedBy, type Candidate } from '../core/agents/classify.js';
import { chooseProvider } from '../model/provider.js';
import { callWithRetry, retryClock } from '../model/retry.js';
import { ModelError } from '../core/runs/transcript.js';
import { parseCapabilities } from '../core/agents/capabilities.js';
import type { PlannedRun } from '../core/runs/runplan.js';

const CACHE_FILE = '.aos/route-cache.json';
/** The cheap model asked when routing.model names none. */
export const DEFAULT_CLASSIFY_MODEL = 'claude-haiku-4-5';

export type Classified = { agent: string; why: string; cached: boolean } | { error: string };

type Cache = Record<string, { agent: string; why: string }>;

async function readCache(root: string): Promise<Cache> {
  try {
    const c = JSON.parse(await fs.readFile(join(root, CACHE_FILE), 'utf8')) as { routes?: Cache };
    return c.routes && typeof c.routes === 'object' ? c.routes : {};
  } catch (err) {
    if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return {};
    throw err;
  }
}

/** The agents a classifier may pick: active, able to run (the caller's roster says which are disabled). */
export function candidatesOf(agents: readonly Agent[], disabled: (id: string) => boolean): Candidate[] {
  return agents.filter((a) => a.front.status === 'active' && !disabled(a.id)).map((a) => ({ id: a.id, role: a.front.role }));
}

/** The classifier's answer without asking it: a cached pick as is, else the model it would ask (or why it cannot be used). */
async function fromCache(root: string, subject: string, candidates: Candidate[]): Promise<{ hit?: { agent: string; why: string }; cache: Cache; key: string } | { error: string }> {
  if (candidates.length < 2) return { error: 'fewer than two agents to choose from' };
  const key = classifyKey(subject, candidates);
  const cache = await readCache(root);
  const hit = cache[key];
  return { cache, key, ...(hit && candidates.some((c) => c.id === hit.agent) ? { hit } : {}) };
}

export async function classify(home: Home, env: Env, subject: string, candidates: Candidate[], deadline: number): Promise<Classified> {
  const found = await fromCache(home.root, subject, candidates);
  if ('error' in found) return found;
  const { cache, key, hit } = found;
  if (hit) return { ...hit, cached: true };
  const model = home.config.routing.model ?? DEFAULT_CLASSIFY_MODEL;
  const choice = await chooseProvider(home.config, env, home.root, model);
  if ('missing' in choice) return { error: choice.missing };
  const p = classifyPrompt(subject, candidates);
  let turn;
  try {
    turn = await callWithRetry(
      choice.provider,
      { model: choice.provider.model, system: { stable: p.system, dynamic: '' }, tools: [p.tool], toolChoice: PICK_TOOL, messages: [{ role: 'user', content: p.user }], maxTokens: 200 },
      { deadline, maxAttempts: 1 + Math.min(1, home.config.model.max_retries), ...retryClock(env) },
    );
  } catch (err) {
    if (err instanceof ModelError) return { error: `the classifier could not be asked: ${err.message}` };
    throw err;
  }
  const call = turn.content.find((b) => b.type === 'tool_use' && b.name === PICK_TOOL);
  const pick = readPick(call?.type === 'tool_use' ? call.input : undefined, candidates);
  if ('error' in pick) return pick;
  cache[key] = pick;
  await writeAtomic(join(home.root, CACHE_FILE), JSON.stringify({ version: 1, routes: cache }, null, 1) + '\n');
  return { ...pick, cached: false };
}

/** The agent for an item no hint matched, and the routed_by line to record: the pick, or the default agent and why. */
export async function classifyItem(home: Home, env: Env, agents: readonly Agent[], disabled: (id: string) => boolean, subject: string, deadline: number): Promise<{ agent: string; routedBy: string; cached?: boolean; why: string; picked: boolean }> {
  const c = await classify(home, env, subject, candidatesOf(agents, disabled), deadline);
  if ('error' in c) return { agent: home.config.default_agent, why: c.error, picked: false, routedBy: `default: ${home.config.default_agent} (${c.error})` };
  return { agent: c.agent, why: c.why, cached: c.cached, picked: true, routedBy: routedBy(c.agent, c.why, c.cached) };
}

/**
 * For `aos tick --dry-run`: the route the classifier would give an item no hint matched, never
 * calling a model. A cached decision is shown as it is (the tick would take it); otherwise the
 * model it would ask; or why the classifier cannot be used (the default agent then).
 */
export async function foreseeClassify(home: Home, agents: readonly Agent[], disabled: (id: string) => boolean, subject: string): Promise<{ agent: string; routedBy: string } | { ask: string } | { error: string }> {
  const found = await fromCache(home.root, subject, candidatesOf(agents, disabled));
  if ('error' in found) return found;
  if (found.hit) return { agent: found.hit.agent, routedBy: routedBy(found.hit.agent, found.hit.why, true) };
  return { ask: home.config.routing.model ?? DEFAULT_CLASSIFY_MODEL };
}

/** A planned run as `aos tick --dry-run` shows it: with the classifier's route when no hint matched. */
export type RoutedRun = PlannedRun | { item: string; agent: string; via: 'default' | 'classify'; classifier: string };

/** The planned runs with the classifier's say for each item routed to the default agent (routing.classify on); no model is called. */
export async function foreseeRoutes(home: Home, agents: readonly Agent[], subjects: ReadonlyMap<string, string>, runs: readonly PlannedRun[]): Promise<RoutedRun[]> {
  const disabled = new Set(agents.filter((a) => parseCapabilities(a.front.capabilities).errors.length).map((a) => a.id));
  const out: RoutedRun[] = [];
  for (const r of runs) {
    const subject = subjects.get(r.item);
    if (!('agent' in r) || r.via !== 'default' || subject === undefined) {
      out.push(r);
      continue;
    }
    const f = await foreseeClassify(home, agents, (id) => disabled.has(id), subject);
    if ('agent' in f) out.push({ item: r.item, agent: f.agent, via: 'classify', classifier: f.routedBy });
    else if ('ask' in f) out.push({ ...r, classifier: `would ask ${f.ask} (not called in a dry run); ${r.agent} until it answers` });
    else out.push({ ...r, classifier: `default: ${r.agent} (${f.error})` });
  }
  return out;
}
