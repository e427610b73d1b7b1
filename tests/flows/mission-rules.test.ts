// Issue 17: the rulebook is checked where a change enters a mission. A write_file into the mission's
// worktree under node_modules/ is refused on the spot, and the mission is refused naming the path and
// the rule; a change of 81 files (over the 80-file limit) is refused at the implement commit, naming
// the limit and the files. Nothing is committed on the mission branch and main is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, read } from '../helpers.js';
import { withModel } from '../model-helpers.js';
import { BROKEN_ADD, FIXED_ADD, addCoder, newMission, show, targetRepo, tickOk } from '../mission-helpers.js';

test('a write into node_modules/ is refused by the rulebook and the mission with it, naming the path and rule', async () => {
  await withModel({
    replies: [
      { text: '1. Vendor left-pad and fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'node_modules/left-pad/index.js', content: 'module.exports = (s) => s;\n' } }, { name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'wrote node_modules/left-pad and fixed add.js' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo);
    await tickOk(home, server);
    const r = await tickOk(home, server);
    assert.match(r.stdout, /implement refused: refused by the rulebook: node_modules\/left-pad\/index\.js: node-modules \(dependencies\)/, r.stdout);
    // The model was told at once, naming the path and the rule.
    const results = JSON.stringify(server.requests[2]!.body.messages);
    assert.match(results, /refused by the rulebook: node_modules\/left-pad\/index.js: node-modules/);
    assert.not.ok(existsSync(join(front.worktree, 'node_modules')), 'nothing was written under node_modules/');
    const s = show(home, id);
    assert.is(s.status, 'refused');
    assert.match(s.reason, /node_modules\/left-pad\/index\.js/);
    assert.match(read(home, `missions/${id}/risk.md`), /## Refused by the rulebook\n\n- node_modules\/left-pad\/index\.js: node-modules/);
    assert.is(git(repo, ['rev-parse', `aos/mission/${id}`]).trim(), front.base, 'nothing committed on the mission branch');
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
    // A refused mission stays where it is.
    const again = await tickOk(home, server);
    assert.not.match(again.stdout, /mission /);
  });
});

test('a change of 81 files is refused at the implement commit, naming the limit and the files', async () => {
  const writes = Array.from({ length: 81 }, (_, i) => ({ name: 'write_file', input: { path: `src/part${i + 1}.js`, content: `exports.n = ${i + 1};\n` } }));
  await withModel({
    replies: [{ text: '1. Split add into 81 modules.' }, { tools: writes }, { text: 'wrote 81 files' }],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo);
    await tickOk(home, server);
    const r = await tickOk(home, server);
    assert.match(r.stdout, /implement refused: refused by the rulebook: max-files: 81 files changed, over the limit of 80 files per change/, r.stdout);
    const s = show(home, id);
    assert.is(s.status, 'refused');
    assert.match(s.reason, /src\/part1\.js, .*src\/part81\.js/);
    assert.is(git(repo, ['rev-parse', `aos/mission/${id}`]).trim(), front.base);
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
    assert.is(git(home, ['status', '--porcelain']), '');
    // Resumed, the stage starts again from the last commit: the refused files are dropped.
    assert.ok(existsSync(join(front.worktree, 'src/part81.js')), 'the refused change is kept for the owner to look at');
    assert.is(aos(['mission', 'resume', id, '--home', home]).code, 0);
    assert.not.ok(existsSync(join(front.worktree, 'src')));
    assert.is(show(home, id).stage, 'implement');
  });
});

test.run();
