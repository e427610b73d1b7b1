import { join } from 'node:path';
import { ConfigSchema, type Config } from '../core/schemas.js';
import { parseYaml } from '../core/yaml.js';
import { normalizeText, findConflictMarker } from '../core/frontmatter.js';
import { validate } from '../core/validate.js';
import { ValidationError, type Problem } from '../errors.js';
import { readRegular } from './files.js';
import { CONFIG_FILE } from './find.js';

export async function readConfig(root: string): Promise<{ config?: Config; problems: Problem[] }> {
  let raw: string;
  try {
    raw = await readRegular(join(root, CONFIG_FILE), CONFIG_FILE);
  } catch (err) {
    return { problems: [{ file: CONFIG_FILE, expected: 'a readable file', found: (err as Error).message }] };
  }
  return parseConfig(raw);
}

export function parseConfig(raw: string): { config?: Config; problems: Problem[] } {
  const { text } = normalizeText(raw);
  const conflict = findConflictMarker(CONFIG_FILE, text);
  if (conflict) return { problems: [conflict] };
  const { yaml, problems } = parseYaml(CONFIG_FILE, text);
  if (!yaml) return { problems };
  const result = validate(ConfigSchema, yaml.data ?? {}, CONFIG_FILE, yaml);
  return { config: result.value, problems: result.problems };
}

/** Every command but doctor needs a valid aos.yaml to do anything safely. */
export async function loadConfig(root: string): Promise<Config> {
  const { config, problems } = await readConfig(root);
  if (!config) throw new ValidationError(problems);
  return config;
}
