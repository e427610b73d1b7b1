// The README's quick start, as a new owner runs it: the no-link form (node …/dist/aos.js) on a clone
// of this repository's own home; the main job, aos tick, says what waits without a model and
// handles the welcome item with one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, ROOT, aosAsync, bareEnv, read, tempDir } from '../helpers.js';
import { doneFile, withModel } from '../model-helpers.js';

function cloneOfThisHome(): string {
  const dir = join(tempDir('aos-quickstart-'), 'aos');
  const r = spawnSync('git', ['clone', '-q', '--no-hardlinks', ROOT, dir], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return dir;
}

test('the README says npm link is needed and gives the no-link form', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Commands'));
  assert.match(quick, /npm link\s+# puts `aos` on your PATH: every command below needs it/);
  assert.match(quick, /node \/path\/to\/aos\/dist\/aos\.js tick/);
  assert.match(quick, /aos tick/);
  assert.match(quick, /aos completion bash/);
});

test('aos tick on the repository\'s own home, no model: exit 0, the welcome item waits and it says why', async () => {
  const home = cloneOfThisHome();
  // The no-link form, from inside the home, as the README gives it.
  const r = await aosAsync(['tick'], { cwd: home, env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /waiting\s+welcome: waits for a model \(chief\)/);
  assert.match(r.stdout, /No model: no model is configured; set model\.provider in aos\.yaml/);
  assert.ok(AOS.endsWith('dist/aos.js'));
});

test('aos tick on the repository\'s own home with a model: the chief handles the welcome item', async () => {
  await withModel({ home: cloneOfThisHome(), replies: [], whenEmpty: { text: 'Welcome! Add work with aos inbox add.' } }, async ({ home, env }) => {
    const r = await aosAsync(['tick'], { cwd: home, env });
    assert.is(r.code, 0, r.stderr);
    const done = doneFile(home, 'welcome');
    assert.ok(done, r.stdout);
    assert.match(read(home, done!), /Welcome! Add work with aos inbox add\./);
  });
});

test.run();
