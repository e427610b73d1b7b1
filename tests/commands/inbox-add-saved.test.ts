// Issue 14 item 9: once `aos inbox add` has the item safely on disk it exits 0, and says on stderr
// what did not happen (the commit), so nobody adds the item a second time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, newHome, read } from '../helpers.js';

test('the commit fails after the item is written: exit 0, the item is there, stderr says it was not committed', () => {
  const home = newHome();
  // A young index lock with no holder: git refuses to commit, aos does not touch it.
  writeFileSync(join(home, '.git/index.lock'), '');
  const r = aos(['inbox', 'add', 'book the train to Porto'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const file = /Added (inbox\/\S+\.md)/.exec(r.stdout)?.[1];
  assert.ok(file, r.stdout);
  assert.match(read(home, file!), /book the train to Porto/);
  assert.match(r.stderr, /not committed/);
  assert.match(r.stderr, /index\.lock/);
  assert.match(r.stderr, /Do not add it again/);
  assert.not.match(git(home, ['log', '--format=%s']), /book the train/);

  const j = aos(['inbox', 'add', 'second item', '--json'], { cwd: home });
  assert.is(j.code, 0, j.stderr);
  const out = json(j);
  assert.is(out.committed, null);
  assert.match(out.not_committed, /not committed/);
  assert.ok(existsSync(join(home, out.file)));

  // Once git can commit again, the next tick commits both as the owner's edits.
  rmSync(join(home, '.git/index.lock'));
  const t = aos(['tick'], { cwd: home });
  assert.match(t.stdout, /committed your hand edits/, t.stdout + t.stderr);
  assert.is(git(home, ['status', '--porcelain', '--', 'inbox']), '');
});

test('when the commit works nothing is said on stderr', () => {
  const home = newHome();
  const r = aos(['inbox', 'add', 'all fine'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(git(home, ['log', '-n1', '--format=%s']), /inbox: add/);
});

test.run();
