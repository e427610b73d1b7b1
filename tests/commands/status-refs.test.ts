// aos status answers "last dream" (and "last tick" in a clone without a heartbeat file) from git's
// history, kept under the refs it was read at (issue 24): whatever moves a ref — a commit, a new
// branch, packed refs, a reset — is seen by the very next status. Real homes, the built CLI, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, newHome, write } from '../helpers.js';

const CACHE = '.aos/cache/last-commits.json';
function view(home: string): { last_dream: string | null; last_tick: string | null } {
  const r = aos(['status', '--json'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  return json(r);
}

test('each move of a ref is seen by the next status, and an unmoved home answers the same', () => {
  const home = newHome();
  // No heartbeat file: last_tick comes from git too.
  rmSync(join(home, '.aos/last-tick.json'), { force: true });
  assert.is(view(home).last_dream, null);
  assert.ok(existsSync(join(home, CACHE)), 'the answer is kept');
  const at = (iso: string) => new Date(iso).getTime();

  // A commit on the current branch.
  process.env.GIT_COMMITTER_DATE = '2026-11-02T10:00:00Z';
  try {
    git(home, ['commit', '-q', '--allow-empty', '-m', 'dream', '-m', 'Aos-Kind: dream']);
  } finally {
    delete process.env.GIT_COMMITTER_DATE;
  }
  let v = view(home);
  assert.ok(v.last_dream, 'a dream commit on the branch is seen');
  const first = v.last_dream!;
  assert.equal(view(home), v, 'unchanged refs: the same answer');

  // A newer one on another branch only (status reads --all).
  const other = join(home, '.git/refs/heads');
  git(home, ['branch', 'elsewhere']);
  git(home, ['checkout', '-q', 'elsewhere']);
  git(home, ['commit', '-q', '--allow-empty', '-m', 'tick', '-m', 'Aos-Kind: tick']);
  git(home, ['checkout', '-q', '-']);
  v = view(home);
  assert.ok(v.last_tick, 'a tick commit on another branch is seen');
  assert.ok(existsSync(other));

  // Packed refs, then the branch reset back past the dream commit.
  git(home, ['pack-refs', '--all']);
  assert.equal(view(home), v, 'packing refs moves nothing');
  git(home, ['branch', '-D', 'elsewhere']);
  git(home, ['reset', '-q', '--hard', 'HEAD~1']);
  v = view(home);
  assert.is(v.last_dream, null, `the dream commit is gone from every ref (was ${first})`);
  assert.is(v.last_tick, null);
  assert.ok(at(first) > 0);
});

test('a damaged or foreign cache file is only a lost shortcut', () => {
  const home = newHome();
  git(home, ['commit', '-q', '--allow-empty', '-m', 'dream', '-m', 'Aos-Kind: dream']);
  const right = view(home).last_dream;
  assert.ok(right);
  for (const text of ['{"key": "[1,', 'null', '{"key": "x", "last": {"dream": "1999-01-01T00:00:00Z"}}']) {
    write(home, CACHE, text);
    assert.is(view(home).last_dream, right, text);
  }
});

test.run();
