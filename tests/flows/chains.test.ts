// Issue 20, chains: chains/<name>.yaml runs capture → analyse → post across ticks, each step an
// ordinary item; it survives a SIGKILL of the tick right after a step's item is done and before the
// next is filed, asks the owner before the post step, and a broken chain file is named while the
// others go on. The built CLI, the real SDK against the fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, json, read, write } from '../helpers.js';
import { doneFile, envFor, tick, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';
import { aosIn, approvals, setUp } from '../chain-helpers.js';


function spawnTick(home: string, server: FakeServer) {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

/** The requests whose task (first message) is the given step of the run. */
function asked(server: FakeServer, step: string): number {
  return server.requests.filter((q) => JSON.stringify(q.body.messages[0]).includes(`.${step}`) && JSON.stringify(q.body.messages[0]).includes('Step ')).length;
}


test('capture → analyse → post across ticks: killed after a step is done and before the next is filed, nothing lost or run twice; the post step waits for aos approve', async () => {
  await withModel({
    replies: [{ text: 'FACTS: the launch is on Monday; price 10 EUR.' }, { hang: true }],
    // The slow item, resumed after the kill, gets this.
    whenEmpty: { text: 'Slow task done.' },
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    setUp(home);
    let r = await aosIn(home, ['chain', 'run', 'capture-post', 'the launch page', '--json']);
    assert.is(r.code, 0, r.stderr);
    const { run, file } = json(r);
    assert.match(read(home, file), /^status: running$/m);
    assert.is(git(home, ['status', '--porcelain']), '', 'the run is committed');
    const step = (n: number, name: string) => `${run}.${n}-${name}`;

    // Other work queued behind step 1 (an agent's item, so it sorts after the step): its model call
    // hangs, and the tick is killed there, after step 1 is done and committed and before the tick's
    // end would file step 2: the worst point between two steps.
    const slow = '29991231T000000-slow';
    write(home, `inbox/${slow}.md`, `---\nid: ${slow}\nfrom: chief\nto: chief\nkind: task\ncreated: 2026-11-21T10:00:00+00:00\nstatus: new\n---\nA slow task\n`);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'slow item']);
    const { child, exited } = spawnTick(home, server);
    await server.waitForRequests(2, 60_000);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    assert.ok(doneFile(home, step(1, 'capture')), 'step 1 is done');
    assert.not.ok(existsSync(join(home, `inbox/${step(2, 'analyse')}.md`)), 'step 2 not yet filed: killed in between');
    assert.is(asked(server, '1-capture'), 1);

    // The next tick recovers, files step 2 from step 1's result, runs it, and stops before the post step.
    server.push({ text: 'Analysis: worth posting. Launch Monday, 10 EUR.' });
    const calls = () => server.requests.length;
    r = await tick(home, server, ['--json']);
    const before = calls();
    assert.is(r.code, 0, r.stderr);
    assert.ok(doneFile(home, step(2, 'analyse')), 'step 2 ran');
    const analyse = read(home, doneFile(home, step(2, 'analyse'))!);
    assert.match(analyse, /<untrusted-data source="result of step capture">\nFACTS: the launch is on Monday; price 10 EUR\.\n<\/untrusted-data>/, 'step 1\'s result, as data');
    assert.match(analyse, /^chain_run: /m);
    assert.is(asked(server, '1-capture'), 1, 'step 1 was not run again');
    assert.is(asked(server, '2-analyse'), 1);
    assert.not.ok(existsSync(join(home, `inbox/${step(3, 'post')}.md`)), 'the post step waits for the owner');
    const [ap] = approvals(home);
    assert.ok(ap, 'an approval was asked');
    const question = read(home, `inbox/approvals/${ap}.md`);
    assert.match(question, /^action: chain-step$/m);
    assert.match(question, /Post this summary:[\s\S]*Analysis: worth posting/);
    let shown = json(await aosIn(home, ['chain', 'show', run, '--json']));
    assert.is(shown.status, 'waiting');
    assert.equal(shown.steps.map((s: { status: string }) => s.status), ['done', 'done', 'asked']);
    assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');

    // Unanswered, another tick asks nothing and files nothing; the question is not asked twice.
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(calls(), before);
    assert.equal(approvals(home), [ap]);

    r = await aosIn(home, ['approve', ap!]);
    assert.is(r.code, 0, r.stderr);
    server.push({ text: 'Posted: Launch Monday, 10 EUR.' });
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.ok(doneFile(home, step(3, 'post')), 'the post step ran after the approval');
    assert.is(asked(server, '3-post'), 1);
    assert.match(read(home, doneFile(home, step(3, 'post'))!), /Posted: Launch Monday/);
    assert.equal(approvals(home), [], 'the approval is filed away');
    shown = json(await aosIn(home, ['chain', 'show', run, '--json']));
    assert.is(shown.status, 'done');
    assert.equal(shown.steps.map((s: { status: string }) => s.status), ['done', 'done', 'done']);
    const list = json(await aosIn(home, ['chain', 'list', '--json']));
    assert.equal(list.runs.map((x: { run: string; status: string }) => [x.run, x.status]), [[run, 'done']]);
    // Each step ran exactly once, in its own commit by its agent.
    for (const [n, name, who] of [[1, 'capture', 'researcher'], [2, 'analyse', 'chief'], [3, 'post', 'poster']] as const) {
      const commits = git(home, ['log', '--format=%an', `--grep=Aos-Item: ${step(n, name)}`, '--grep=Aos-Outcome: done', '--all-match']).split('\n').filter(Boolean);
      assert.equal(commits, [who], `${name}: ${commits.join(', ')}`);
    }
    r = await tick(home, server);
    assert.is(calls(), before + 1, 'a finished run does nothing more');
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('a step whose result fails its condition stops the run there; a denied approval stops it too', async () => {
  await withModel({ replies: [{ text: 'FACTS: nothing new.' }, { text: 'Not interesting.' }] }, async ({ server, home }) => {
    setUp(home);
    const { run } = json(await aosIn(home, ['chain', 'run', 'capture-post', 'a dull page', '--json']));
    await tick(home, server);
    await tick(home, server);
    const shown = json(await aosIn(home, ['chain', 'show', run, '--json']));
    assert.is(shown.status, 'stopped');
    assert.match(shown.reason, /step 2 \(analyse\)'s result does not meet its condition \(contains "worth posting"\)/);
    assert.equal(shown.steps.map((s: { status: string }) => s.status), ['done', 'done', 'skipped']);
    assert.equal(approvals(home), []);
    assert.is(server.requests.length, 2);
  });
  await withModel({ replies: [{ text: 'FACTS: big news.' }, { text: 'worth posting: big news.' }] }, async ({ server, home }) => {
    setUp(home);
    const { run } = json(await aosIn(home, ['chain', 'run', 'capture-post', 'a big page', '--json']));
    await tick(home, server);
    await tick(home, server);
    const [ap] = approvals(home);
    const r = await aosIn(home, ['deny', ap!]);
    assert.is(r.code, 0, r.stderr);
    await tick(home, server);
    const shown = json(await aosIn(home, ['chain', 'show', run, '--json']));
    assert.is(shown.status, 'stopped');
    assert.match(shown.reason, /the owner denied step 3 \(post\)/);
    assert.not.ok(existsSync(join(home, `inbox/${run}.3-post.md`)));
    assert.equal(approvals(home), []);
    assert.is(server.requests.length, 2, 'the post step never ran');
  });
});

test.run();
