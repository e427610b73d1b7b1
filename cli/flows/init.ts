// `aos init`: a new home from the starter files that also make up the project's own top level,
// written and committed (a flow: it needs both the store and git).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError, ValidationError } from '../errors.js';
import { parseConfig } from '../home/config.js';
import { timeZoneProblem } from '../core/docs/time.js';
import { TEMP_IGNORE_LINE } from '../core/docs/tempfiles.js';
import type { Env } from '../env.js';
import { ownerIdentity } from '../core/docs/commit.js';
import { createExclusive, exists, listNames } from '../home/files.js';
import { CONFIG_FILE } from '../home/find.js';
import { writeCreated } from '../home/heartbeat.js';
import { initRepo, commit } from '../git/git.js';
import { deviceName } from '../core/runs/sync.js';
import { withStarterModel } from './initmodel.js';

const STARTER_FOLDERS = ['agents', 'memory', 'goals', 'systemd'];
const STARTER_FILES = [CONFIG_FILE, 'crontab.example', 'inbox/welcome.md'];
const EMPTY_FOLDERS = ['inbox/approvals', 'inbox/done', 'logs'];

export const HOME_GITATTRIBUTES = `# Daily logs are append-only: a merge keeps the lines of both sides.
logs/**/*.md merge=union
# Run records are written whole, once, by one device: a line-by-line union would corrupt them.
logs/runs/** merge=text
`;
export const HOME_GITIGNORE = `# Local only: the lock, caches, anything that can be rebuilt.
.aos/
# aos's own atomic-write temp files (a write killed half-way leaves one; the next tick removes it).
${TEMP_IGNORE_LINE}
# Editor leftovers (vim swap files, emacs locks and backups): never hand edits to commit.
.*.swp
.#*
*~
`;

async function starterFiles(packageRoot: string): Promise<string[]> {
  const files = [...STARTER_FILES];
  for (const folder of STARTER_FOLDERS) {
    for (const e of await listNames(join(packageRoot, folder))) if (e.isFile) files.push(`${folder}/${e.name}`);
  }
  return files;
}

/** aos.yaml with this owner's name and time zone; comments and layout stay as in the starter. */
function personalise(configText: string, owner?: string, timezone?: string): string {
  const doc = parseDocument(configText);
  if (owner) doc.setIn(['owner', 'name'], owner);
  if (timezone) doc.setIn(['owner', 'timezone'], timezone);
  return doc.toString();
}

export interface InitResult {
  root: string;
  files: string[];
  commit?: string;
}

/** A new home has no secrets loaded yet (nothing has opened it): its first commit is as written. */
const noSecretsYet = (text: string): string => text;

export async function initHome(env: Env, dir: string, opts: { owner?: string; timezone?: string; model?: Record<string, unknown> }): Promise<InitResult> {
  if (await exists(join(dir, CONFIG_FILE))) {
    throw new UserError(`${dir} is already a home (it holds ${CONFIG_FILE}); nothing was changed`);
  }
  const createdAt = env.now();
  const sources = await starterFiles(env.packageRoot);
  const planned = new Map<string, string>();
  for (const f of sources) {
    const text = await fs.readFile(join(env.packageRoot, f), 'utf8');
    planned.set(f, f === CONFIG_FILE ? personalise(text, opts.owner, opts.timezone) : text);
  }
  if (opts.model) planned.set(CONFIG_FILE, withStarterModel(planned.get(CONFIG_FILE)!, opts.model));
  const { config, problems } = await parseConfig(planned.get(CONFIG_FILE)!);
  if (!config) throw new ValidationError(problems);
  const zone = timeZoneProblem(config.owner.timezone);
  if (zone) throw new ValidationError([zone]);
  planned.set('.gitattributes', HOME_GITATTRIBUTES);
  planned.set('.gitignore', HOME_GITIGNORE);
  for (const folder of EMPTY_FOLDERS) planned.set(`${folder}/.gitkeep`, '');

  const clashes = [];
  for (const f of planned.keys()) if (await exists(join(dir, f))) clashes.push(f);
  if (clashes.length) {
    throw new UserError(`${dir} already has ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? ' …' : ''}; aos init never overwrites (nothing was changed)`);
  }
  for (const [f, text] of planned) await createExclusive(join(dir, f), text);

  if (!(await exists(join(dir, '.git')))) await initRepo(dir, env.vars);
  const files = [...planned.keys()];
  const sha = await commit(dir, env.vars, {
    who: ownerIdentity(config.owner),
    subject: 'aos init: a new home',
    trailers: { 'Aos-Kind': 'init', 'Aos-Device': deviceName(env.vars.AOS_DEVICE, env.hostname, config.devices) },
    paths: files,
  }, noSecretsYet);
  // Schedule slots before this moment never fire (the first tick would file yesterday's brief).
  await writeCreated(dir, createdAt);
  return { root: dir, files, commit: sha };
}
