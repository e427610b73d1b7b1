// Issue 21: the A2A SDK and express load only in `aos a2a …`: cron's `aos tick` and `aos status`
// never load them, even in a home that sells. Every module file node loads is logged by a loader
// hook, and each is searched for the SDK's protobuf package name and express's own header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AOS, read, tempDir, write } from '../helpers.js';
import { envFor, modelHome } from '../model-helpers.js';
import { SELL_YAML } from '../a2a-helpers.js';

function loadedFiles(args: string[], home: string): string[] {
  const dir = tempDir();
  const log = join(dir, 'loaded.txt');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function load(url, ctx, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, ctx); }\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + join(dir, 'hooks.mjs'))});\n`);
  // CommonJS files (express is one) never pass the ES module hook: require's cache is logged at exit.
  writeFileSync(join(dir, 'cjs.cjs'), `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((f) => require('node:url').pathToFileURL(f).href + '\\n').join('')));\n`);
  const r = spawnSync(process.execPath, ['--require', join(dir, 'cjs.cjs'), '--import', join(dir, 'register.mjs'), AOS, ...args, '--home', home], { env: envFor(undefined, { ACME_KEY: 'k' }), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const files = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((u) => fileURLToPath(u)) : [];
  // The entry runs the folded code of cron's commands (dist/aos-hot.cjs) as a script it reads itself:
  // no hook sees it, and it is loaded whenever the entry is.
  const folded = join(dirname(AOS), 'aos-hot.cjs');
  return files.includes(AOS) && existsSync(folded) ? [...new Set([...files, folded])] : files;
}

const SDK_MARK = 'lf.a2a.v1';
const EXPRESS_MARK = 'x-powered-by';
const holds = (files: string[], mark: string) => files.filter((f) => readFileSync(f, 'utf8').includes(mark));

test('tick and status do not load the A2A SDK or express; a2a card does', () => {
  const home = modelHome();
  write(home, 'aos.yaml', read(home, 'aos.yaml') + SELL_YAML());
  for (const cmd of [['tick'], ['status']]) {
    const files = loadedFiles(cmd, home);
    assert.ok(files.length > 1, `${cmd[0]}: the hook saw the modules`);
    assert.equal(holds(files, SDK_MARK), [], `${cmd[0]} loads no SDK`);
    assert.equal(holds(files, EXPRESS_MARK), [], `${cmd[0]} loads no express`);
  }
  const card = loadedFiles(['a2a', 'card'], home);
  assert.ok(holds(card, SDK_MARK).length > 0, 'the probe finds the SDK where it is loaded');
});

test.run();
