import { resolve, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Env } from '../env.js';

import { CONFIG_FILE } from '../core/docs/configfile.js';

export { CONFIG_FILE };

/** The home: --home, then AOS_HOME, then the nearest parent folder holding aos.yaml. */
export function findHome(env: Env): string {
  const given = env.homeFlag ?? env.vars.AOS_HOME;
  if (given) {
    const root = resolve(env.cwd, given);
    if (!existsSync(join(root, CONFIG_FILE))) {
      const from = env.homeFlag ? '--home' : 'AOS_HOME';
      throw new UserError(`${from} points at ${root}, which holds no ${CONFIG_FILE} (expected a home made by "aos init")`);
    }
    return root;
  }
  const found = nearestHome(env.cwd);
  if (found) return found;
  throw new UserError(`no home found: expected ${CONFIG_FILE} in ${env.cwd} or a parent folder (make one with "aos init DIR", or pass --home / set AOS_HOME)`);
}

/** The home when one is named (--home, AOS_HOME: it must exist) or found above the working folder; else undefined. */
export function findHomeIfAny(env: Env): string | undefined {
  return env.homeFlag ?? env.vars.AOS_HOME ? findHome(env) : nearestHome(env.cwd);
}

function nearestHome(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
