import { resolve } from 'node:path';
import type { Args, Env } from '../env.js';
import { initHome } from '../flows/init.js';
import { configuredUserName } from '../git/read.js';

/** The owner is whoever already told git (or the system) their name: never the starter's example. */
async function defaultOwner(env: Env): Promise<string> {
  return (await configuredUserName(env.cwd, env.vars)) ?? (env.vars.USER?.trim() || 'owner');
}
import { chooseStarterModel, resolveModelChoice, type InitModelChoice } from '../core/agents/startermodel.js';
import { findModelFacts } from '../flows/initmodel.js';
import { UserError } from '../errors.js';

export async function init(args: Args, env: Env): Promise<void> {
  const dir = resolve(env.cwd, (args.dir as string | undefined) ?? '.');
  const timezone = (args.timezone as string | undefined) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const owner = (args.owner as string | undefined) ?? (await defaultOwner(env));
  const model = await starterModel(args.model as InitModelChoice | undefined, env);
  const result = await initHome(env, dir, { owner, timezone, model: model.setting });
  if (env.out.json) return env.out.data({ ...result, model: { kind: model.kind, said: model.said } });
  env.out.line(`New home in ${result.root} (${result.files.length} files, first commit ${result.commit?.slice(0, 7)}).`);
  env.out.line(model.said);
  env.out.line('Next: cd there, add work with `aos inbox add "..."`, and see `aos status`.');
}

/** The home's model: looked for only when the owner (or a terminal) asks for one, so cron's init stays silent and quick. */
async function starterModel(asked: InitModelChoice | undefined, env: Env) {
  const wanted = resolveModelChoice(asked, env.isTTY);
  const facts = wanted === 'none' ? { apiKey: false, programs: [], ollamaModels: [] } : await findModelFacts(env.vars);
  const chosen = chooseStarterModel(asked, env.isTTY, facts);
  if ('error' in chosen) throw new UserError(chosen.error);
  return chosen;
}
