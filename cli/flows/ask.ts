// One model call with no tools, for answers aos checks itself (a goal's skill tree, the brief):
// retried like any call, within a time budget; a failed call is a UserError saying what failed.
import { ModelError, type Provider, type Usage } from '../core/runs/transcript.js';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';
import type { Home } from '../home/home.js';
import { callWithRetry, retryClock } from '../model/retry.js';

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
