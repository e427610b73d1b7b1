import { loadSecrets } from './secrets.js';
import type { Env } from '../env.js';
import type { Config } from '../core/schemas.js';
import { ownerIdentity, type Identity } from '../core/commit.js';
import { findHome } from './find.js';
import { loadConfig } from './config.js';
import { DocCache } from './doccache.js';
import { deviceName } from '../core/sync.js';

export interface Home {
  root: string;
  config: Config;
  owner: Identity;
  /** This device's name, for trailers and claims. */
  device: string;
  /** Validated documents from earlier runs; save() it after loading. */
  docs: DocCache;
}

export async function openHome(env: Env): Promise<Home> {
  const root = findHome(env);
  const docs = await DocCache.open(root);
  const config = await loadConfig(root, docs);
  loadSecrets(root, config.secrets, env.vars);
  return { root, config, owner: ownerIdentity(config.owner), device: deviceName(env.vars.AOS_DEVICE, env.hostname, config.devices), docs };
}
