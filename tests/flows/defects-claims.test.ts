// Defects, round three: a claim file aos may not read. loadClaims let the raw EACCES escape (aos
// doctor crashed); it now lists the claim as unreadable, naming it, and the rest goes on. The failure
// is real: the whole home belongs to the unprivileged user `nobody`, one claim file to root with mode
// 0600, and aos runs as nobody (setpriv). As root, chmod alone does not stop a read, hence setpriv.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AOS, bareEnv, newHome, write } from '../helpers.js';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e));
}

const can = isRoot && Boolean(SETPRIV);
test(`a claim file aos may not read is named by aos doctor, which goes on with the rest${can ? '' : ' (skipped: needs root and setpriv)'}`, () => {
  if (!can) return;
  const home = newHome();
  const claim = (item: string, device: string) => `---\nitem: ${item}\ndevice: ${device}\nclaimed: 2026-11-21T10:00:00.000Z\n---\n`;
  write(home, 'inbox/claims/20261121T100000-good.md', claim('20261121T100000-good', 'laptop'));
  write(home, 'inbox/claims/20261121T100001-shut.md', claim('20261121T100001-shut', 'desktop'));
  write(home, 'inbox/claims/20261121T100002-junk.md', 'not a claim\n');
  const env = bareEnv();
  chownTree(home);
  chownTree(env.HOME!);
  // The temp folder above the home (mkdtemp's 0700) must let nobody through.
  chmodSync(dirname(home), 0o711);
  const shut = join(home, 'inbox/claims/20261121T100001-shut.md');
  chownSync(shut, 0, 0);
  chmodSync(shut, 0o600);

  const r = spawnSync(SETPRIV!, ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, AOS, 'doctor', '--json', '--home', home], {
    env: { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
    encoding: 'utf8',
    cwd: home,
    timeout: 60_000,
  });
  assert.not.match(r.stderr, /internal error|\n\s+at /, r.stderr);
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.trim(), `doctor reports instead of stopping at the claim: ${r.stderr}`);
  const problems = JSON.parse(r.stdout).problems as { file: string; found: string }[];
  const named = problems.find((p) => p.file === 'inbox/claims/20261121T100001-shut.md');
  assert.ok(named, r.stdout);
  assert.match(named!.found, /permission denied, EACCES/);
  assert.ok(problems.some((p) => p.file === 'inbox/claims/20261121T100002-junk.md'), 'the claim that does not parse is named too');
  assert.not.ok(problems.some((p) => p.file === 'inbox/claims/20261121T100000-good.md'), 'the readable claim is fine');
});

test.run();
