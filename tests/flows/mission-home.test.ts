// Issue 17: any git repository can be a mission's target, the home itself included. The mission's
// worktree is a worktree of the home under .aos/ (never in the home's commits); the fix is promoted
// into the home's main by a merge commit (the home moves on with every stage commit), without asking
// (--promote auto), and the home's own files stay committed and clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, read, write } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import { ADD_TEST, BROKEN_ADD, FIXED_ADD, addCoder, stageCommits, tickOk } from '../mission-helpers.js';

test('a mission on the home itself: promoted by a merge commit into the home, the home clean', async () => {
  await withModel({
    replies: [
      { text: '1. Fix projects/add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'projects/add.js', content: FIXED_ADD } }] },
      { text: 'fixed projects/add.js' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    write(home, 'projects/add.js', BROKEN_ADD);
    write(home, 'projects/add.test.js', ADD_TEST);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'a project with a failing test']);
    const r0 = aos(['mission', 'new', 'fix projects/add.js', '--check', 'node --test projects/add.test.js', '--promote', 'auto', '--home', home, '--json'], { env: envFor(server) });
    assert.is(r0.code, 0, r0.stderr);
    const m = json(r0);
    assert.is(m.repo, git(home, ['rev-parse', '--show-toplevel']).trim());
    assert.is(m.merge, 'merge');
    assert.ok(m.worktree.startsWith(`${m.repo}/.aos/missions/`), m.worktree);
    const notes: string[] = [];
    for (let i = 0; i < 5; i++) notes.push((await tickOk(home, server)).stdout);
    assert.match(notes.join('\n'), /promote: promoted into main/, notes.join('\n'));
    assert.is(read(home, 'projects/add.js'), FIXED_ADD);
    assert.is(git(home, ['status', '--porcelain']), '');
    const merge = git(home, ['log', '--merges', '--format=%H%n%B', '--fixed-strings', `--grep=Aos-Mission: ${m.id}`]);
    assert.match(merge, /Aos-Stage: promote/);
    assert.match(git(home, ['log', '--format=%B', '--fixed-strings', `--grep=Aos-Mission: ${m.id}`]), /Aos-Stage: implement\nAos-Run: r-/);
    assert.equal(stageCommits(home, m.id).slice(-4), ['verify', 'replay', 'promote', 'promote']);
    assert.is(git(home, ['ls-files', '.aos']), '', "the worktree is not in the home's commits");
  });
});

test.run();
