// Issue 18: the dual review and the gates survive kill -9. The tick is killed while the second of two
// reviews waits for its model (the first already approved), and again while the bench gate runs.
// Each time the next tick goes on where it was cut: the finished review is never asked again, the
// cut one resumes from its record, the gates run once more and the mission is promoted once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, read } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';
import { FIXED_ADD, addCoderAndCritic, newMission, show, stageCommits, targetRepo, tickOk } from '../mission-helpers.js';

function killTickWhen(home: string, server: FakeServer, ready: () => boolean | Promise<boolean>): Promise<void> {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return (async () => {
    for (let i = 0; i < 600 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  })();
}

test('kill -9 during the second of two reviews and during the bench: nothing finished runs twice, the mission is promoted once', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'fixed' },
      { text: 'APPROVE\nCorrect.' },
      { hang: true },
    ],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    addCoderAndCritic(home);
    const repo = targetRepo();
    // The bench sleeps the first time it runs (it leaves a marker in the worktree), so the tick can be killed inside it.
    const bench = 'test -f .slept || { touch .slept; sleep 60; }; echo measured 5';
    const { id, front } = newMission(home, server, repo, ['--review', 'critic', '--review-brains', 'anthropic:critic-model-a,anthropic:critic-model-b', '--bench', bench, '--bench-min', '3', '--promote', 'auto']);
    for (let i = 0; i < 6 && show(home, id).stage !== 'review'; i++) await tickOk(home, server);
    assert.is(show(home, id).stage, 'review');
    assert.is(server.requests.length, 3);

    // Killed while the second review's model call is in flight; the first review's verdict is committed.
    await killTickWhen(home, server, () => server.requests.length >= 5);
    const cut = show(home, id);
    assert.equal(cut.reviews.map((r: any) => r.verdict ?? null), ['approve', null]);
    assert.equal(server.requests.map((r) => r.body.model).slice(3), ['critic-model-a', 'critic-model-b']);

    server.push({ text: 'APPROVE\nFine.' });
    let r = await tickOk(home, server);
    assert.match(r.stdout, /review: critic approved the change; next: promote/, r.stdout);
    assert.is(server.requests.length, 6, 'the first review was not asked again; the cut one asked once more');
    assert.is(server.requests[5]!.body.model, 'critic-model-b');
    assert.match(read(home, `missions/${id}/review.md`), /## Round 0: approved by all 2/);

    // Killed while the bench runs.
    await killTickWhen(home, server, () => existsSync(join(front.worktree, '.slept')));
    assert.equal([show(home, id).stage, show(home, id).status], ['promote', 'active']);
    assert.is(git(repo, ['show', 'main:add.js']) === FIXED_ADD, false, 'nothing promoted while the bench was cut');
    r = await tickOk(home, server);
    assert.match(r.stdout, /promote: promoted into main/, r.stdout);
    assert.match(read(home, `missions/${id}/gates.md`), /must measure at least 3: passed, measured 5/);
    assert.not.ok(existsSync(join(front.worktree, '.slept')), 'what the bench left is cleaned');
    assert.is(git(repo, ['show', 'main:add.js']), FIXED_ADD);
    assert.is(server.requests.length, 6, 'no model call was made twice');
    assert.is(stageCommits(home, id).filter((s) => s === 'promote').length, 1, 'promoted once');
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test.run();
