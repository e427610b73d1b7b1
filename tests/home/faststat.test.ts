// fastStat (cli/home/faststat.ts) reads a file's lstat through node's own binding, without the
// Stats object: the search scan's signatures and the idle stamp's facts depend on it giving
// exactly lstatSync's numbers, for every kind of path, from the first call on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { fastStat } from '../../cli/home/faststat.js';

test('fastStat gives lstatSync\'s numbers to the bit, for files, folders, links and missing paths', () => {
  const dir = tempDir('aos-faststat-');
  // The first call is on a missing path: it must neither fail nor change what later calls give.
  assert.is(fastStat(join(dir, 'not-yet')), undefined);
  writeFileSync(join(dir, 'a.md'), 'hello\n');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub/b.md'), 'x'.repeat(12345));
  symlinkSync(join(dir, 'a.md'), join(dir, 'link.md'));
  // A time with a fraction no float rounds away, and one far in the past.
  utimesSync(join(dir, 'sub/b.md'), new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
  for (const rel of ['a.md', 'sub', 'sub/b.md', 'link.md', '.']) {
    const want = lstatSync(join(dir, rel));
    const got = fastStat(join(dir, rel));
    assert.ok(got, rel);
    assert.equal({ mode: got!.mode, size: got!.size, ino: got!.ino, mtimeMs: got!.mtimeMs, ctimeMs: got!.ctimeMs }, { mode: want.mode, size: want.size, ino: want.ino, mtimeMs: want.mtimeMs, ctimeMs: want.ctimeMs }, rel);
  }
  assert.is(fastStat(join(dir, 'missing.md')), undefined);
  assert.is(fastStat(join(dir, 'a.md/inside')), undefined, 'a path through a file is missing, not an error');
});

test.run();
