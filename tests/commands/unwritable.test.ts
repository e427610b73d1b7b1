// Folders aos may not write (issue 15 item 6): one line naming the path and what to do, exit 1,
// never "internal error" and a stack. Tests run as root, where chmod stops nothing, so the child
// runs as `nobody` (setpriv) over a home that nobody owns except one folder root keeps: a real
// EACCES from the kernel. A path whose parent is a file gives a real ENOTDIR for any user.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aos, bareEnv, newHome, tempDir, write } from '../helpers.js';
import { describeFsFailure } from '../../cli/errors.js';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
const NOBODY = 65534;

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isDirectory()) chownTree(join(path, e.name), uid);
    else chownSync(join(path, e.name), uid, uid);
  }
}

const asRoot = process.getuid?.() === 0 && SETPRIV;
test(`inbox add into an inbox/ the user may not write: a user error naming the folder${asRoot ? '' : ' (skipped: needs root and setpriv)'}`, () => {
  if (!asRoot) return;
  const home = newHome();
  const env = bareEnv();
  chownTree(home, NOBODY);
  chownTree(env.HOME!, NOBODY);
  // The home's parent is a private temp folder: nobody must be able to reach the home.
  chmodSync(join(home, '..'), 0o755);
  chownSync(join(home, 'inbox'), 0, 0);
  chmodSync(join(home, 'inbox'), 0o755);
  const r = spawnSync(SETPRIV!, ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, AOS, 'inbox', 'add', 'Call the plumber', '--home', home], {
    env,
    encoding: 'utf8',
    cwd: tempDir(),
  });
  assert.is(r.status, 1, r.stderr);
  assert.not.match(r.stderr, /internal error|    at /);
  assert.match(r.stderr, new RegExp(`^aos: cannot write ${home}/inbox/\\S+\\.md: permission denied \\(EACCES\\); give the user running aos write access`));
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('a home path whose parent is a file: a user error naming the path', () => {
  const dir = tempDir();
  write(dir, 'afile', 'x');
  const r = aos(['init', join(dir, 'afile', 'home'), '--owner', 'Tess', '--timezone', 'UTC']);
  assert.is(r.code, 1, r.stderr);
  assert.not.match(r.stderr, /internal error|    at /);
  assert.match(r.stderr, /^aos: cannot (write|read) \S*afile\S*: a part of the path is a file, not a folder \(ENOTDIR\)/);
});

const err = (code: string, path: string | undefined, syscall = 'open') => Object.assign(new Error(code), { code, syscall, ...(path ? { path } : {}) });
const cases: [string, unknown, RegExp | undefined][] = [
  ['EACCES with a path', err('EACCES', '/h/inbox/x.md'), /^cannot write \/h\/inbox\/x\.md: permission denied \(EACCES\)/],
  ['a temporary name is shown as its file', err('EROFS', '/h/inbox/.x.md.123.0a1b2c3d.tmp'), /^cannot write \/h\/inbox\/x\.md: the file system is read-only/],
  ['ENOSPC', err('ENOSPC', '/h/logs/a.md', 'write'), /no space left.*df -h/],
  ['ENAMETOOLONG', err('ENAMETOOLONG', '/h/x'), /name is too long/],
  ['a listing that may not be read', err('EACCES', '/h/inbox', 'scandir'), /^cannot read \/h\/inbox:/],
  ['no path: a bug, keeps its stack', err('EACCES', undefined), undefined],
  ['ENOENT is not the owner\'s to fix here', err('ENOENT', '/h/x'), undefined],
  ['not an errno error', new Error('boom'), undefined],
];
for (const [name, e, want] of cases) {
  test(`describeFsFailure: ${name}`, () => {
    const got = describeFsFailure(e);
    if (want) assert.match(got ?? '', want);
    else assert.is(got, undefined);
  });
}

test.run();
