// Issue 17: a mission driven end to end by the fake Messages API on a small real repository: plan,
// implement (the model writes the fix with write_file), verify (`node --test` really runs, in
// bubblewrap), replay (the implement run again from its record gives the same tree), promote (after
// `aos approve`, main has the fix). And a mission whose change keeps breaking the tests stops as
// failed after its repair rounds, main untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, read } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import { ADD_TEST, BROKEN_ADD, FIXED_ADD, WRONG_ADD, addCoder, newMission, show, stageCommits, targetRepo, tickOk } from '../mission-helpers.js';

test('plan -> implement -> verify -> replay -> promote: main gets the fix after the owner approves', async () => {
  await withModel({
    replies: [
      { text: '1. Change add.js so add() adds.\n2. Run node --test.\nRisk: add() is used by its test only.' },
      { tools: [{ name: 'run_shell', input: { command: 'cat add.js' } }, { name: 'read_file', input: { path: 'add.test.js' } }, { name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'add.js: add() now adds.' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo);
    assert.is(front.stage, 'plan');
    assert.is(front.status, 'active');
    assert.is(front.base, git(repo, ['rev-parse', 'HEAD']).trim());
    assert.match(read(home, `missions/${id}/mission.md`), /goal: fix add\(\) so its test passes/);

    let r = await tickOk(home, server);
    assert.match(r.stdout, new RegExp(`mission +${id}: plan: plan written`));
    assert.match(read(home, `missions/${id}/plan.md`), /Change add.js so add\(\) adds/);
    assert.match(read(home, `missions/${id}/risk.md`), /add\(\) is used by its test only/);

    r = await tickOk(home, server);
    assert.match(r.stdout, /implement: change committed/, r.stdout);
    // The model's path was the worktree's add.js: the target's own working tree is untouched.
    assert.is(read(repo, 'add.js'), BROKEN_ADD);
    assert.is(git(repo, ['status', '--porcelain']), '');
    const branch = `aos/mission/${id}`;
    assert.is(git(repo, ['show', `${branch}:add.js`]), FIXED_ADD);
    assert.match(git(repo, ['log', '-1', '--format=%B', branch]), new RegExp(`Aos-Mission: ${id}\\nAos-Stage: implement`));
    // The agent's shell ran in the worktree and its paths were the worktree's.
    const results = JSON.stringify(server.requests[2]!.body.messages);
    assert.match(results, /\$ cat add.js\\nexit code 0[^"]*a - b/);
    assert.match(results, /test\('add adds'/);
    assert.match(results, /Wrote add.js/);

    r = await tickOk(home, server);
    assert.match(r.stdout, /verify: every check passed/, r.stdout);
    const v = read(home, `missions/${id}/verification.md`);
    assert.match(v, /`node --test`: exit code 0, \d+ ms, output sha256:[0-9a-f]{64}/);
    assert.match(v, /# pass 1/);

    const asked = server.requests.length;
    r = await tickOk(home, server);
    if (!/replay: the replay reproduced/.test(r.stdout)) console.log(read(home, `missions/${id}/verification.md`), r.stderr);
    assert.match(r.stdout, /replay: the replay reproduced the same change/, r.stdout);
    assert.is(server.requests.length, asked, 'the replay asks the model nothing: it answers from the record');
    assert.match(read(home, `missions/${id}/verification.md`), /## Replay at .*: same diff/);

    r = await tickOk(home, server);
    const ap = /aos approve (ap-\S+)\)/.exec(r.stdout)?.[1];
    assert.ok(ap, r.stdout);
    assert.is(read(repo, 'add.js'), BROKEN_ADD, 'nothing promoted before the owner approves');
    assert.is(show(home, id).stage, 'promote');
    const a = aos(['approve', ap!, '--home', home], { env: envFor(server) });
    assert.is(a.code, 0, a.stderr);

    r = await tickOk(home, server);
    assert.match(r.stdout, /promote: promoted into main/, r.stdout);
    assert.is(read(repo, 'add.js'), FIXED_ADD);
    assert.is(git(repo, ['show', 'main:add.js']), FIXED_ADD);
    assert.is(git(repo, ['status', '--porcelain']), '');
    assert.match(git(repo, ['log', '--format=%s', '--fixed-strings', `--grep=Aos-Mission: ${id}`, 'main']), /implement/);
    assert.equal(stageCommits(home, id), ['new', 'plan', 'plan', 'implement', 'implement', 'verify', 'replay', 'promote', 'promote']);
    const s = show(home, id);
    assert.is(s.status, 'promoted');
    assert.is(s.stage, 'done');
    assert.equal(s.ladder.map((x: any) => x.state), ['done', 'done', 'done', 'done', 'done']);
    for (const f of ['plan.md', 'progress.md', 'verification.md', 'risk.md', 'architecture.md']) assert.ok(s.contract.includes(`missions/${id}/${f}`), f);
    assert.match(read(home, `missions/${id}/progress.md`), /promote: promoted into main/);
    assert.is(git(home, ['status', '--porcelain']), '');
    const list = json(aos(['mission', 'list', '--home', home, '--json']));
    assert.equal(list.missions.map((m: any) => [m.id, m.status]), [[id, 'promoted']]);
  });
});

test('a change that keeps breaking the tests goes back to implement with the failures, then stops as failed; main untouched', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: WRONG_ADD } }] },
      { text: 'changed add.js' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: 'exports.add = (a, b) => 0;\n' } }] },
      { text: 'changed add.js again' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--repair-rounds', '1']);
    await tickOk(home, server); // plan
    await tickOk(home, server); // implement
    let r = await tickOk(home, server); // verify: fails
    assert.match(r.stdout, /checks failed; back to implement \(repair round 1 of 1\)/, r.stdout);
    assert.match(read(home, `missions/${id}/verification.md`), /`node --test`: exit code 1/);
    assert.match(read(home, `missions/${id}/verification.md`), /# fail 1/);
    r = await tickOk(home, server); // implement again, told the failures
    const repairTask = JSON.stringify(server.requests[server.requests.length - 2]!.body.messages[0]);
    assert.match(repairTask, /The checks failed on your last change/);
    assert.match(repairTask, /exit code 1/);
    r = await tickOk(home, server); // verify: fails, no rounds left
    assert.match(r.stdout, /checks failed; no repair rounds left/, r.stdout);
    const s = show(home, id);
    assert.is(s.status, 'failed');
    assert.is(s.stage, 'verify');
    assert.match(s.reason, /checks still fail after 1 repair round/);
    const v = read(home, `missions/${id}/verification.md`);
    assert.match(v, /Latest: FAILED/);
    assert.match(v, /## Round 1: failed/);
    assert.match(v, /## Round 0: failed/);
    assert.match(v, /AssertionError|Expected values to be strictly equal/);
    // Nothing reached main, and later ticks leave the failed mission alone.
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
    assert.is(read(repo, 'add.test.js'), ADD_TEST);
    const asked = server.requests.length;
    r = await tickOk(home, server);
    assert.not.match(r.stdout, /mission /);
    assert.is(server.requests.length, asked);
    // The owner may grant one more round: the mission goes back to implement, told the failures.
    const resumed = json(aos(['mission', 'resume', id, '--home', home, '--json']));
    assert.equal(resumed, { id, status: 'active', stage: 'implement' });
    assert.is(show(home, id).round, 2);
  });
});

test.run();
