import type { Config } from '../core/docs/schemas.js';
import { ValidationError, type Problem } from '../errors.js';
import { readDoc } from './documents.js';
import type { DocCache } from './doccache.js';
import { CONFIG_FILE } from './find.js';

export async function readConfig(root: string, cache: DocCache): Promise<{ config?: Config; problems: Problem[] }> {
  const { doc, problems } = await readDoc<Config>(root, CONFIG_FILE, 'config', cache);
  return { config: doc?.front, problems };
}

/** aos.yaml text that is not on disk yet (aos init checks what it is about to write). */
export async function parseConfig(raw: string): Promise<{ config?: Config; problems: Problem[] }> {
  const { parseDoc } = await import('../core/docs/parsedoc.js');
  const { doc, problems } = parseDoc('config', CONFIG_FILE, raw);
  return { config: doc?.front as Config | undefined, problems };
}

/** Every command but doctor needs a valid aos.yaml to do anything safely. */
export async function loadConfig(root: string, cache: DocCache): Promise<Config> {
  const { config, problems } = await readConfig(root, cache);
  if (!config) throw new ValidationError(problems);
  return config;
}
