// Issue 17: a mission survives kill -9 like an item. The tick is killed in the middle of implement
// (the model's next answer in flight, the fix already written) and in the middle of verify (its check
// running); each time the next tick goes on at the stage that was cut, and no finished stage runs
// again: the plan is asked once, the change committed once, and the mission still gets promoted.
// And the worst point of implement (the run done and paid for, its change not yet committed, here
// by a git index lock left in the worktree): the next tick commits the change without asking again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, read } from '../helpers.js';
import { envFor, tick, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';
import { BROKEN_ADD, FIXED_ADD, addCoder, newMission, show, stageCommits, targetRepo, tickOk } from '../mission-helpers.js';

function spawnTick(home: string, server: FakeServer) {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

async function waitFor(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}

test('kill -9 mid-implement and mid-verify: each resumes at its stage, nothing finished runs twice, the mission is promoted', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { hang: true },
    ],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    // The second check sleeps the first time it runs (it leaves a marker in the worktree), so the tick can be killed inside verify.
    const { id, front } = newMission(home, server, repo, ['--check', "test -f .slept || { touch .slept; sleep 60; }", '--promote', 'auto']);
    await tickOk(home, server); // plan
    assert.is(server.requests.length, 1);

    // Killed in implement: the fix is written into the worktree, the model's next answer in flight.
    let t = spawnTick(home, server);
    await server.waitForRequests(3, 60_000);
    process.kill(-t.child.pid!, 'SIGKILL');
    await t.exited;
    assert.is(read(front.worktree, 'add.js'), FIXED_ADD);
    assert.is(show(home, id).stage, 'implement');

    server.push({ text: 'add.js fixed' });
    let r = await tickOk(home, server);
    assert.match(r.stdout, /interrupted/);
    assert.match(r.stdout, /implement: change committed/, r.stdout);
    assert.is(server.requests.length, 4, 'the plan was not asked again, and the resumed run asked once');
    assert.match(JSON.stringify(server.requests[3]!.body.messages), /Wrote add\.js/);
    assert.is(git(repo, ['rev-list', '--count', `${front.base}..aos/mission/${id}`]).trim(), '1');

    // Killed in verify, while the sleeping check runs.
    t = spawnTick(home, server);
    await waitFor(() => existsSync(join(front.worktree, '.slept')), 'the check to start');
    process.kill(-t.child.pid!, 'SIGKILL');
    await t.exited;
    assert.is(show(home, id).stage, 'verify');
    r = await tickOk(home, server);
    assert.match(r.stdout, /verify: every check passed/, r.stdout);
    assert.not.ok(existsSync(join(front.worktree, '.slept')), 'what the checks left is cleaned after verify');

    r = await tickOk(home, server);
    assert.match(r.stdout, /replay: the replay reproduced the same change/, r.stdout + read(home, `missions/${id}/verification.md`));
    // The cut run and the run that resumed it are both replayed, in order, from their records.
    assert.match(read(home, `missions/${id}/verification.md`), /runs replayed from their records: r-\S+, r-\S+\n/);
    r = await tickOk(home, server);
    assert.match(r.stdout, /promote: promoted into main/, r.stdout);
    assert.is(git(repo, ['show', 'main:add.js']), FIXED_ADD);
    assert.is(server.requests.length, 4, 'no model call was made twice');
    assert.equal(stageCommits(home, id), ['new', 'plan', 'plan', 'implement', 'implement', 'verify', 'replay', 'promote']);
    assert.is(git(repo, ['rev-list', '--count', `${front.base}..main`]).trim(), '1', 'one implement commit reached main');
    assert.is(git(home, ['status', '--porcelain']), '');
    assert.not.equal(BROKEN_ADD, FIXED_ADD);
  });
});

test("the worst point of implement: the run is done and paid for, its change not yet committed; the next tick commits it without asking again", async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'add.js fixed' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo);
    await tickOk(home, server); // plan
    // A git that died in the worktree left its index lock: the implement commit cannot be made.
    const lock = join(repo, '.git/worktrees/worktree/index.lock');
    writeFileSync(lock, '');
    const r = await tick(home, server);
    assert.is(r.code, 1, 'the tick names the mission it could not advance');
    assert.match(r.stdout + r.stderr, new RegExp(`missions/${id}/mission.md`));
    assert.match(r.stdout + r.stderr, /index\.lock/);
    assert.is(server.requests.length, 3);
    const m = show(home, id);
    assert.equal([m.stage, m.status], ['implement', 'active']);
    assert.is(read(front.worktree, 'add.js'), FIXED_ADD, 'the run wrote the fix; its item is done');
    assert.is(git(repo, ['rev-parse', `aos/mission/${id}`]).trim(), front.base);

    rmSync(lock);
    const again = await tickOk(home, server);
    assert.match(again.stdout, /implement: change committed/, again.stdout);
    assert.is(server.requests.length, 3, 'the finished run was not asked again');
    assert.is(git(repo, ['show', `aos/mission/${id}:add.js`]), FIXED_ADD);
    assert.is(show(home, id).stage, 'verify');
    assert.equal(stageCommits(home, id), ['new', 'plan', 'plan', 'implement', 'implement']);
  });
});

test.run();
