import { resolve } from 'node:path';
import type { Args, Env } from '../env.js';
import { initHome } from '../flows/init.js';
import { configuredUserName } from '../git/read.js';

/** The owner is whoever already told git (or the system) their name: never the starter's example. */
async function defaultOwner(env: Env): Promise<string> {
  return (await configuredUserName(env.cwd, env.vars)) ?? (env.vars.USER?.trim() || 'owner');
}

export async function init(args: Args, env: Env): Promise<void> {
  const dir = resolve(env.cwd, (args.dir as string | undefined) ?? '.');
  const timezone = (args.timezone as string | undefined) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const owner = (args.owner as string | undefined) ?? (await defaultOwner(env));
  const result = await initHome(env, dir, { owner, timezone });
  if (env.out.json) return env.out.data(result);
  env.out.line(`New home in ${result.root} (${result.files.length} files, first commit ${result.commit?.slice(0, 7)}).`);
  env.out.line('Next: cd there, add work with `aos inbox add "..."`, and see `aos status`.');
}
