import type { Config } from '../core/docs/schemas.js';
import { ValidationError, type Problem } from '../errors.js';
import { readDoc } from './documents.js';
import type { DocCache } from './doccache.js';
import { CONFIG_FILE } from './find.js';
import { join } from 'node:path';
import { readIfExists, writeAtomic } from './files.js';
import { BAD_CONFIG_HELP, BAD_CONFIG_HINT, LAST_GOOD_CONFIG } from '../core/docs/configfile.js';

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

/**
 * Every command but doctor needs a valid aos.yaml to do anything safely. A broken one is run around
 * with the last copy that validated (its problems returned, for the caller to say loudly); with no
 * such copy, nothing runs.
 */
export async function loadConfig(root: string, cache: DocCache): Promise<{ config: Config; broken?: Problem[] }> {
  const { config, problems } = await readConfig(root, cache);
  if (config) return { config };
  const lastGood = await readIfExists(join(root, LAST_GOOD_CONFIG));
  const fallback = lastGood === undefined ? undefined : (await parseConfig(lastGood)).config;
  if (!fallback) {
    const err = new ValidationError(problems);
    err.message += `\naos cannot run until ${CONFIG_FILE} is fixed: there is no last good copy in ${LAST_GOOD_CONFIG} (${BAD_CONFIG_HELP})`;
    throw err;
  }
  return { config: fallback, broken: problems.map((p) => ({ ...p, hint: `${p.hint ? `${p.hint}; ` : ''}${BAD_CONFIG_HINT}` })) };
}

/** Copies aos.yaml to the last-good copy when it changed and still validates (the tick calls it). */
export async function keepLastGoodConfig(root: string): Promise<void> {
  const text = await readIfExists(join(root, CONFIG_FILE));
  if (text === undefined || text === (await readIfExists(join(root, LAST_GOOD_CONFIG)))) return;
  // Checked again here: the owner may have edited it since it was read.
  if ((await parseConfig(text)).config) await writeAtomic(join(root, LAST_GOOD_CONFIG), text);
}
