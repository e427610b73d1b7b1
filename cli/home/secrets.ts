// Secrets come from the environment or from files outside the home (aos.yaml `secrets:` names
// them), never from the repository. Opening the home builds its redactor (home.redact), and every
// writer of logs, run records, approval files, agent-written files and commit messages passes its
// text through it.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { makeRedactor, type Redact, type Secret } from '../core/docs/redact.js';

/** Keys aos itself uses: redacted whether or not aos.yaml names them. */
const BUILT_IN = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

export interface Secrets {
  /** Every known secret value in the text replaced by its name. */
  redact: Redact;
  /** A secret's value, for the tools that send it (never shown to the model). */
  secret(name: string): string | undefined;
}

/**
 * Reads every secret aos.yaml names: `NAME: env` (the variable NAME), `NAME: env:OTHER` (the
 * variable OTHER) or `NAME: /abs/path` / `~/path` (the file's text, trimmed). A file inside the home
 * is refused: it would be committed.
 */
export function loadSecrets(root: string, spec: Readonly<Record<string, string>> | undefined, vars: Readonly<Record<string, string | undefined>>): Secrets {
  const found: Secret[] = [];
  for (const name of BUILT_IN) if (vars[name]) found.push({ name, value: vars[name]! });
  for (const [name, source] of Object.entries(spec ?? {})) {
    const value = readSecret(root, name, source, vars);
    if (value !== undefined) found.push({ name, value });
  }
  const values = new Map(found.map((s) => [s.name, s.value]));
  return { redact: makeRedactor(found), secret: (name) => values.get(name) };
}

function readSecret(root: string, name: string, source: string, vars: Readonly<Record<string, string | undefined>>): string | undefined {
  if (source === 'env' || source.startsWith('env:')) return vars[source === 'env' ? name : source.slice(4)] || undefined;
  const path = source.startsWith('~/') ? join(vars.HOME ?? '/nonexistent', source.slice(2)) : source;
  if (!isAbsolute(path)) throw new UserError(`aos.yaml secrets.${name}: expected "env", "env:VARIABLE" or an absolute path (or ~/path), found ${JSON.stringify(source)}`);
  const rel = relative(resolve(root), resolve(path));
  if (!rel.startsWith('..') && !isAbsolute(rel)) throw new UserError(`aos.yaml secrets.${name}: ${source} is inside the home, where it would be committed; keep secret files outside it`);
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch (err) {
    // A missing secret file is an absent secret: the tool that needs it says so when it is used.
    // One that exists but cannot be read (permissions, a folder) is a mistake to show, not to hide.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UserError(`aos.yaml secrets.${name}: ${source} cannot be read (${code ?? (err as Error).message}); expected a readable file holding the secret`);
  }
}
