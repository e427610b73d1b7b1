// Which model an agent talks to, from aos.yaml (and the agent's own `model:` override).
import type { Provider } from '../core/runs/transcript.js';
import type { Config } from '../core/docs/schemas.js';
import type { Env } from '../env.js';

export type ProviderChoice = { provider: Provider } | { missing: string };

const DEFAULT_TIMEOUT_S = 120;

export const HOW_TO_CONFIGURE =
  'set model.provider in aos.yaml: "anthropic" (with ANTHROPIC_API_KEY in the environment) or "command" (any CLI brain; see docs/providers.md)';

export async function chooseProvider(config: Config, env: Env, root: string, agentModel?: string): Promise<ProviderChoice> {
  const m = config.model;
  const timeoutMs = (m.timeout_seconds ?? DEFAULT_TIMEOUT_S) * 1000;
  if (m.provider === 'anthropic') {
    const apiKey = env.vars.ANTHROPIC_API_KEY;
    if (!apiKey) return { missing: 'model.provider is anthropic but ANTHROPIC_API_KEY is not set in the environment' };
    const model = agentModel ?? m.model;
    if (!model) return { missing: 'model.provider is anthropic but no model is named (model.model in aos.yaml, e.g. claude-sonnet-4-6)' };
    const { createAnthropicProvider } = await import('./anthropic.js');
    return { provider: createAnthropicProvider({ apiKey, baseURL: env.vars.ANTHROPIC_BASE_URL || undefined, model, timeoutMs }) };
  }
  if (m.provider === 'command') {
    if (!m.command) return { missing: 'model.provider is command but model.command is not set (a list, program first)' };
    const { createCommandProvider } = await import('./command.js');
    return { provider: createCommandProvider({ argv: m.command, model: agentModel ?? m.model, timeoutMs, cwd: root, vars: env.vars }) };
  }
  return { missing: `no model is configured; ${HOW_TO_CONFIGURE}` };
}
