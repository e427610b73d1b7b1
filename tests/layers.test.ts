// The layer map of docs/architecture.md, enforced: every import in cli/ (static, dynamic, type-only
// and re-exports) is an arrow from one layer to another, and only the arrows the map allows may
// exist. core/ must also stay pure: no filesystem, processes, clock or environment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import fg from 'fast-glob';

type Layer = 'entry' | 'commands' | 'mcp' | 'flows' | 'model' | 'tools' | 'home' | 'git' | 'core' | 'base';

/** What each layer may import besides itself. The reasons are in docs/architecture.md. */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  entry: ['commands', 'home', 'core', 'base'],
  commands: ['mcp', 'flows', 'model', 'tools', 'home', 'git', 'core', 'base'],
  mcp: ['flows', 'tools', 'home', 'git', 'core', 'base'],
  flows: ['model', 'tools', 'home', 'git', 'core', 'base'],
  model: ['core', 'base'],
  tools: ['home', 'git', 'core', 'base'],
  home: ['core', 'base'],
  git: ['core', 'base'],
  core: ['base'],
  base: [],
};

/** Node modules core may not touch: core is state in, decisions out. */
/** Pure helpers of impure modules core may name (node:net's address parsers open no socket). */
const PURE_NAMES: Record<string, string[]> = { net: ['isIP', 'isIPv4', 'isIPv6'] };
const IMPURE_MODULES = ['fs', 'fs/promises', 'child_process', 'os', 'process', 'http', 'https', 'net', 'dns', 'tls', 'dgram', 'worker_threads', 'readline', 'tty', 'cluster', 'vm'];
/** Text in core that reads the clock or the environment instead of taking them as arguments. */
const IMPURE_CALLS = [/\bDate\.now\(/, /\bnew Date\(\s*\)/, /\bprocess\.(env|cwd|argv|exit|stdout|stderr|stdin|pid|platform)\b/, /\bMath\.random\(/];

const ENTRY_FILES = new Set(['cli/aos.ts', 'cli/dispatch.ts', 'cli/yargs.ts', 'cli/fastargs.ts', 'cli/table.ts', 'cli/completion.ts']);
const BASE_FILES = new Set(['cli/errors.ts', 'cli/env.ts', 'cli/output.ts']);
/** core may use only the error classes of base (not env.ts: the env is passed in as values). */
const CORE_MAY_USE_FROM_BASE = new Set(['cli/errors.ts']);

export function layerOf(file: string): Layer {
  if (ENTRY_FILES.has(file)) return 'entry';
  if (BASE_FILES.has(file)) return 'base';
  const folder = file.split('/')[1];
  if (folder === 'commands' || folder === 'mcp' || folder === 'flows' || folder === 'model' || folder === 'tools' || folder === 'home' || folder === 'git' || folder === 'core') return folder;
  if (folder === 'types') return 'base'; // ambient declarations for untyped packages
  throw new Error(`${file}: in no layer of docs/architecture.md (add it to the map)`);
}

/** Every module specifier a source file names: import/export … from, import '…', import('…'). */
export function specifiers(source: string): string[] {
  return imports(source).map((i) => i.spec);
}

/** Each import with the names it takes (empty when not a plain named import). */
export function imports(source: string): { spec: string; names: string[] }[] {
  const found: { spec: string; names: string[] }[] = [];
  const patterns = [/\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      const named = /^import\s*\{([^}]*)\}\s*from/.exec(m[0]);
      found.push({ spec: m[1]!, names: named ? named[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!).filter(Boolean) : [] });
    }
  }
  return found;
}

/** The forbidden arrows in a set of files: `from -> to (what)`. Pure, so it is tested on its own below. */
export function forbiddenArrows(files: { path: string; source: string }[]): string[] {
  const bad: string[] = [];
  for (const { path, source } of files) {
    const from = layerOf(path);
    for (const { spec, names } of imports(source)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(path), spec)).replace(/\.js$/, '.ts');
        const to = layerOf(target);
        if (to === from) continue;
        if (from === 'core' && to === 'base' && CORE_MAY_USE_FROM_BASE.has(target)) continue;
        if (from === 'core' || !MAY_IMPORT[from].includes(to)) bad.push(`${path}: ${from} -> ${to} (${spec})`);
      } else if (from === 'core') {
        const name = spec.replace(/^node:/, '');
        const pureOnly = names.length > 0 && names.every((n) => PURE_NAMES[name]?.includes(n));
        if (IMPURE_MODULES.includes(name) && !pureOnly) bad.push(`${path}: core -> ${spec} (core is pure)`);
      }
    }
    if (from === 'core') {
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const re of IMPURE_CALLS) if (re.test(code)) bad.push(`${path}: core reads ${re.source.replace(/\\/g, '')} (pass it in)`);
    }
  }
  return bad;
}

const root = join(dirname(new URL(import.meta.url).pathname), '..');

function cliFiles(): { path: string; source: string }[] {
  return fg.sync('cli/**/*.ts', { cwd: root }).sort().map((path) => ({ path, source: readFileSync(join(root, path), 'utf8') }));
}

test('the checker finds each kind of forbidden arrow (so a pass below means something)', () => {
  const bad = forbiddenArrows([
    { path: 'cli/core/a.ts', source: "import { promises } from 'node:fs';\nimport { x } from '../home/files.js';\nconst t = Date.now();" },
    { path: 'cli/git/git.ts', source: "import { redact } from '../home/secrets.js';" },
    { path: 'cli/tools/goals.ts', source: "const m = await import('../flows/goallog.js');" },
    { path: 'cli/home/x.ts', source: "import type { CommitSpec } from '../git/git.js';" },
    { path: 'cli/mcp/server.ts', source: "export { itemView } from '../commands/inbox.js';" },
    { path: 'cli/model/brains.ts', source: "import { LOCK_FILE } from '../home/lock.js';" },
    { path: 'cli/core/b.ts', source: "import { Env } from '../env.js';\nimport { connect, isIP } from 'node:net';" },
  ]);
  assert.equal(bad.length, 10, bad.join('\n'));
  for (const want of ['core -> node:fs', 'core -> home', 'Date.now', 'git -> home', 'tools -> flows', 'home -> git', 'mcp -> commands', 'model -> home', 'core -> base', 'core -> node:net']) {
    assert.ok(bad.some((b) => b.includes(want)), `expected an arrow naming ${want} in:\n${bad.join('\n')}`);
  }
  assert.equal(forbiddenArrows([
    { path: 'cli/commands/x.ts', source: "import { a } from '../flows/tick.js';\nimport b from 'yaml';" },
    { path: 'cli/core/c.ts', source: "import { isIPv4 } from 'node:net';\nimport { createHash } from 'node:crypto';\nimport { UserError } from '../errors.js';\n// Date.now() in a comment is fine" },
    { path: 'cli/flows/f.ts', source: "import { commit } from '../git/git.js';\nimport { Home } from '../home/home.js';" },
  ]), []);
});

test('every file of cli/ is in a layer, and no import crosses the layer map', () => {
  const files = cliFiles();
  assert.ok(files.length > 100, `found only ${files.length} files under cli/`);
  const bad = forbiddenArrows(files);
  assert.equal(bad, [], `forbidden imports (docs/architecture.md says which arrows may exist):\n${bad.join('\n')}`);
});

test('the map in docs/architecture.md names every layer the test knows', () => {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  for (const layer of Object.keys(MAY_IMPORT)) assert.ok(doc.includes(`**${layer}**`), `docs/architecture.md does not describe the layer ${layer}`);
  assert.ok(relative(root, join(root, 'cli')) === 'cli');
});

test.run();
