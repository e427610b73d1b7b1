// An agent whose front matter names a `brain:` profile thinks with that CLI program. When the
// profile supports MCP, each call starts the program with `aos mcp --agent <id>` attached, so the
// brain acts through aos's tools with exactly the agent's capabilities.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { brainArgv, brainSpec, mcpArgs, MCP_TOOLS_NOTE, PROFILES } from '../core/agents/brains.js';
import { lockToken } from '../core/agents/mcpscope.js';
import { parseLockInfo } from '../core/runs/lock.js';
import { ModelError, type ModelRequest } from '../core/runs/transcript.js';
import type { Env } from '../env.js';
import { isErrno } from '../errors.js';
import type { AgentFront, Config } from '../core/docs/schemas.js';
import { chooseProvider, type ProviderChoice } from './provider.js';

const DEFAULT_TIMEOUT_S = 300;

/**
 * The agent's own brain when it names one, else aos.yaml's model (with the agent's model override).
 * The caller passes what the model needs of the home, the lock's path included: the model layer
 * never opens the home's files on its own.
 */
export async function agentProvider(home: { root: string; config: Config }, env: Env, agent: { id: string; file: string; front: AgentFront }, lockPath: string): Promise<ProviderChoice> {
  const field = agent.front.brain;
  if (!field) return chooseProvider(home.config, env, home.root, agent.front.model);
  const spec = brainSpec(field);
  if ('error' in spec) return { missing: `${agent.file}: ${spec.error}` };
  const model = agent.front.model;
  const check = brainArgv(spec, { model });
  if ('error' in check) return { missing: `${agent.file}: ${check.error}` };
  const script = join(env.packageRoot, 'dist', 'aos.js');

  const argv = async (req: ModelRequest): Promise<string[]> => {
    if (!spec.mcp) return check;
    // The tick (or aos run) holds the home's lock while the brain runs; the token lets the brain's
    // `aos mcp` write under it instead of waiting for a lock its own parent holds.
    const held = await readOwnLock(lockPath, env);
    const args = mcpArgs(script, { home: home.root, agent: agent.id, run: req.run, lockToken: held });
    // The brain's environment is scrubbed; the device name must still reach its aos mcp's commits.
    const device = env.vars.AOS_DEVICE ? { AOS_DEVICE: env.vars.AOS_DEVICE } : undefined;
    const built = brainArgv(spec, { model, mcp: { command: env.execPath ?? 'node', args, env: device } });
    if ('error' in built) throw new ModelError('failed', built.error, false);
    return built;
  };
  const { createCommandProvider } = await import('./command.js');
  return {
    provider: createCommandProvider({
      argv,
      model: model ?? spec.profile,
      output: PROFILES[spec.profile].output === 'codex-jsonl' ? 'codex-jsonl' : PROFILES[spec.profile].output === 'text' ? 'text' : 'auto',
      toolsNote: spec.mcp ? MCP_TOOLS_NOTE : undefined,
      setting: `brain in ${agent.file}`,
      timeoutSetting: `brain.timeout_seconds in ${agent.file}`,
      timeoutMs: (spec.timeoutSeconds ?? home.config.model.timeout_seconds ?? DEFAULT_TIMEOUT_S) * 1000,
      cwd: home.root,
      vars: env.vars,
    }),
  };
}

/** The lock token when this process holds the home's lock, else undefined (the brain's aos mcp then takes the lock itself). */
async function readOwnLock(lockPath: string, env: Env): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const info = parseLockInfo(text);
  return info && info.pid === env.pid && info.host === env.hostname ? lockToken(text) : undefined;
}
