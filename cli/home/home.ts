import { loadSecrets } from './secrets.js';
import type { Redact } from '../core/docs/redact.js';
import type { Env } from '../env.js';
import { formatProblem, type Problem } from '../errors.js';
import type { Config } from '../core/docs/schemas.js';
import { ownerIdentity, type Identity } from '../core/docs/commit.js';
import { findHome } from './find.js';
import { loadConfig } from './config.js';
import { DocCache } from './doccache.js';
import { deviceName } from '../core/runs/sync.js';

export interface Home {
  root: string;
  config: Config;
  owner: Identity;
  /** This device's name, for trailers and claims. */
  device: string;
  /** Validated documents from earlier runs; save() it after loading. */
  docs: DocCache;
  /** The secret values aos.yaml names (and aos's own keys) replaced by their names: every writer uses it. */
  redact: Redact;
  /** A secret's value, for the tools that send it (never shown to the model). */
  secret(name: string): string | undefined;
  /** Set when aos.yaml is broken and aos runs on the last good copy: what is wrong with it. */
  brokenConfig?: Problem[];
}

/** What a writer of the home's files needs: where the home is, and the redactor its text goes through. */
export type HomeWriter = Pick<Home, 'root' | 'redact'>;

/** `quiet`: the caller reports a broken aos.yaml itself (the tick counts it among its problems). */
export async function openHome(env: Env, opts: { quiet?: boolean } = {}): Promise<Home> {
  const root = findHome(env);
  const docs = await DocCache.open(root);
  const { config, broken } = await loadConfig(root, docs);
  if (broken && !opts.quiet) for (const p of broken) env.out.warn(`aos: running on the last good aos.yaml: ${formatProblem(p)}`);
  const { redact, secret } = loadSecrets(root, config.secrets, env.vars);
  return { root, config, owner: ownerIdentity(config.owner), device: deviceName(env.vars.AOS_DEVICE, env.hostname, config.devices), docs, redact, secret, ...(broken ? { brokenConfig: broken } : {}) };
}
