// One model call with no tools, for answers aos checks itself (a goal's skill tree, the brief):
// retried like any call, within a time budget; a failed call is a UserError saying what failed.
import { ModelError, type Provider, type Usage } from '../core/runs/transcript.js';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { callWithRetry, retryClock } from '../model/retry.js';
import { loadAgents } from '../home/store.js';
import { lockPath } from '../home/lock.js';

export async function askOnce(home: Home, env: Env, provider: Provider, system: { stable: string; dynamic: string }, user: string, budgetMs: number): Promise<{ text: string; usage: Usage }> {
  const start = env.now().getTime();
  try {
    const turn = await callWithRetry(
      provider,
      { model: provider.model, system, tools: [], messages: [{ role: 'user', content: user }], maxTokens: home.config.model.max_tokens ?? 8192 },
      { deadline: start + budgetMs, ...retryClock(env), maxAttempts: home.config.model.max_retries + 1 },
    );
    const text = turn.content
      .filter((b) => b.type === 'text')
      .map((b) => (b as { text: string }).text)
      .join('\n');
    return { text, usage: turn.usage };
  } catch (err) {
    if (err instanceof ModelError) throw new UserError(`the model call failed: ${err.message}`);
    throw err;
  }
}

export type CoordinatorAnswer = { writer: string; text: string; usage: Usage } | { fallback: string; usage?: Usage } | undefined;

/**
 * One call to the coordinator (the default agent), with its own brain when it has one, else
 * aos.yaml's model: what the brief and the weekly review are written with. Undefined when no model
 * is configured at all; `fallback` says why a configured one gave no answer.
 */
export async function askCoordinator(home: Home, env: Env, dynamic: string, user: string, budgetMs: number): Promise<CoordinatorAnswer> {
  const writer = home.config.default_agent;
  const agent = (await loadAgents(home.root, home.docs)).agents.find((a) => a.id === writer);
  if (home.config.model.provider === 'none' && !agent?.front.brain) return undefined;
  const choice = agent
    ? await (await import('../model/brains.js')).agentProvider(home, env, agent, lockPath(home.root))
    : await (await import('../model/provider.js')).chooseProvider(home.config, env, home.root);
  if ('missing' in choice) return { fallback: choice.missing };
  try {
    const r = await askOnce(home, env, choice.provider, { stable: agent?.body.trim() ?? 'You coordinate the owner’s agents.', dynamic }, user, budgetMs);
    return r.text.trim() ? { writer, text: r.text, usage: r.usage } : { fallback: 'the model answered with no text', usage: r.usage };
  } catch (err) {
    // askOnce says a failed model call as a UserError: the caller falls back to its plain text.
    if (!(err instanceof UserError)) throw err;
    return { fallback: err.message };
  }
}
