// aos mcp [--agent id]: the MCP server over stdio (cli/mcp/server.ts). The SDK loads only here.
import type { Args, Env } from '../env.js';
import { UsageError } from '../errors.js';
import { AGENT_ID } from '../core/docs/ids.js';

export async function mcp(args: Args, env: Env): Promise<void> {
  const agent = args.agent === undefined ? undefined : String(args.agent);
  if (agent !== undefined && !AGENT_ID.test(agent)) throw new UsageError(`--agent: expected an agent id (lowercase letters, digits, dashes), found "${agent}"`);
  const { serveMcp } = await import('../mcp/server.js');
  await serveMcp(env, {
    agent,
    run: args.run === undefined ? undefined : String(args.run),
    underLock: args['under-lock'] === undefined ? undefined : String(args['under-lock']),
    lockWaitMs: waitMs(env.vars.AOS_MCP_LOCK_WAIT_MS),
  });
}

/** AOS_MCP_LOCK_WAIT_MS: how long a write waits for the home's lock (default 10 s). */
function waitMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`AOS_MCP_LOCK_WAIT_MS: expected a number of milliseconds, found "${value}"`);
  return n;
}
