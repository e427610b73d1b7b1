// Issue 18: a critic reviews the arena's winner before promote. Two candidates (c1 fixes add(), c2's
// fix fails the check); c1 wins and is verified and replayed; the critic (another agent, its run
// reading the diff, unable to write) asks for one change; the findings go back to the implementing
// agent as a repair round; the repaired change is verified, replayed (both implement runs from their
// records) and reviewed again; the critic approves; after `aos approve` main has the repaired change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, read, write } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import { CRITIC, FIXED_ADD, WRONG_ADD, addCoder, addCoderAndCritic, newMission, show, stageCommits, targetRepo, tickOk } from '../mission-helpers.js';

const COMMENTED_ADD = `// add() adds its two arguments.\n${FIXED_ADD}`;

test('the arena winner is reviewed, the critic asks for one repair, the repaired change is approved and promoted', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'c1 fixed add' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: WRONG_ADD } }] },
      { text: 'c2 changed add' },
      { text: 'CHANGES\nadd.js: say in a comment what add() does.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: COMMENTED_ADD } }] },
      { text: 'comment added' },
      { text: 'APPROVE\nClear and tested.' },
    ],
  }, async ({ server, home }) => {
    addCoderAndCritic(home);
    const repo = targetRepo();
    const same = aos(['mission', 'new', 'fix add', '--repo', repo, '--review', 'coder', '--home', home], { env: envFor(server) });
    assert.is(same.code, 2);
    assert.match(same.stderr, /the critic must be another agent/);

    const { id } = newMission(home, server, repo, ['--candidates', '2', '--review', 'critic']);
    assert.equal(show(home, id).ladder.map((s: any) => s.stage), ['plan', 'implement', 'verify', 'replay', 'review', 'promote']);
    const outs: string[] = [];
    for (let i = 0; i < 12 && show(home, id).approval === undefined && show(home, id).status === 'active'; i++) outs.push((await tickOk(home, server)).stdout);
    const all = outs.join('\n');
    assert.match(all, /arena: c1 won of 2/, all);
    assert.match(all, /review: the critic asked for changes; back to implement \(repair round 1 of 2\)/, all);
    assert.match(all, /review: critic approved the change; next: promote/, all);
    assert.is(server.requests.length, 9);
    // The critic read the winner's diff, and its findings went to the implementing agent.
    assert.match(JSON.stringify(server.requests[5]!.body.messages[0]), /\+exports\.add = \(a, b\) => a \+ b;/);
    const repair = JSON.stringify(server.requests[6]!.body.messages[0]);
    assert.match(repair, /The critic reviewed your last change and asks for this/);
    assert.match(repair, /say in a comment what add\(\) does/);
    const review = read(home, `missions/${id}/review.md`);
    assert.match(review, /Latest: APPROVED by critic/);
    assert.match(review, /## Round 1: approved/);
    assert.match(review, /## Round 0: changes asked/);
    assert.match(read(home, `missions/${id}/verification.md`), /## Round 1: passed/);

    const ap = show(home, id).approval;
    assert.ok(ap);
    assert.is(aos(['approve', ap, '--home', home], { env: envFor(server) }).code, 0);
    const p = await tickOk(home, server);
    assert.match(p.stdout, /promote: promoted into main/, p.stdout);
    assert.is(git(repo, ['show', 'main:add.js']), COMMENTED_ADD);
    assert.is(git(repo, ['branch', '--list', `aos/mission/${id}/*`, '--format=%(refname:short)']).trim(), `aos/mission/${id}/c1`);
    const stages = stageCommits(home, id);
    assert.is(stages.filter((s) => s === 'review').length, 4, 'two reviews, each a start and a verdict');
    assert.is(show(home, id).status, 'promoted');
  });
});

test('review_brains: two independent reviews, one per model; one asks for a change, the repair is reviewed by both again and promoted', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'fixed add' },
      { text: 'CHANGES\nadd.js: say in a comment what add() does.' },
      { text: 'APPROVE\nCorrect.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: COMMENTED_ADD } }] },
      { text: 'comment added' },
      { text: 'APPROVE\nNow documented.' },
      { text: 'APPROVE\nStill correct.' },
    ],
  }, async ({ server, home }) => {
    addCoderAndCritic(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo, ['--review', 'critic', '--review-brains', 'anthropic:critic-model-a,anthropic:critic-model-b', '--promote', 'auto']);
    assert.equal(front.review_brains, ['anthropic:critic-model-a', 'anthropic:critic-model-b']);
    const outs: string[] = [];
    for (let i = 0; i < 14 && show(home, id).status === 'active'; i++) outs.push((await tickOk(home, server)).stdout);
    const all = outs.join('\n');
    assert.is(show(home, id).status, 'promoted', all);
    assert.is(server.requests.length, 9);
    // Each review asked its own model, both reading the same diff; neither saw the other's answer.
    assert.equal(server.requests.map((r) => r.body.model).slice(3, 5), ['critic-model-a', 'critic-model-b']);
    assert.equal(server.requests.map((r) => r.body.model).slice(7, 9), ['critic-model-a', 'critic-model-b']);
    const asked = (i: number) => JSON.stringify(server.requests[i]!.body.messages).replace(/review-0-b\d-[a-z0-9]+/g, 'review-0-b?');
    assert.is(asked(3), asked(4));
    assert.match(asked(3), /\+exports\.add = \(a, b\) => a \+ b;/);
    // One review asking for changes is enough: its findings went back to the implementing agent.
    assert.match(all, /review: the critic asked for changes; back to implement \(repair round 1 of 2\)/, all);
    const repair = JSON.stringify(server.requests[5]!.body.messages[0]);
    assert.match(repair, /say in a comment what add\(\) does/);
    const review = read(home, `missions/${id}/review.md`);
    assert.match(review, /Latest: APPROVED by critic with anthropic:critic-model-a and anthropic:critic-model-b/);
    assert.match(review, /## Round 1: approved by all 2/);
    assert.match(review, /## Round 0: changes asked by 1 of 2/);
    assert.match(review, /### critic with anthropic:critic-model-a \(run r-\S+\): changes asked\n\nCHANGES\nadd\.js: say in a comment/);
    assert.match(review, /### critic with anthropic:critic-model-b \(run r-\S+\): approved\n\nAPPROVE\nCorrect\./);
    assert.is(git(repo, ['show', 'main:add.js']), COMMENTED_ADD);
    assert.is(show(home, id).reviews, undefined, 'the reviews in progress are cleared when the stage settles');
    // Each review's start and verdict is a commit: a killed tick never runs a finished one again.
    assert.is(stageCommits(home, id).filter((s) => s === 'review').length, 2 * (2 * 2) + 2);
  });
});

test('aos.yaml mission.review {agent, brains} is each mission\'s dual review; brains without a critic are refused', async () => {
  await withModel({ replies: [] }, async ({ server, home }) => {
    addCoder(home);
    write(home, 'agents/critic.md', CRITIC);
    const repo = targetRepo();
    const r = aos(['mission', 'new', 'fix add', '--repo', repo, '--review-brains', 'codex,claude', '--home', home], { env: envFor(server) });
    assert.is(r.code, 2);
    assert.match(r.stderr, /--review-brains: name the critic too/);
    write(home, 'aos.yaml', `${read(home, 'aos.yaml')}\nmission:\n  review:\n    agent: critic\n    brains: [codex, claude]\n`);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'a dual review for every mission']);
    const { id, front } = newMission(home, server, repo);
    assert.is(front.review, 'critic');
    assert.equal(front.review_brains, ['codex', 'claude']);
    assert.match(read(home, `missions/${id}/mission.md`), /review_brains:\n {2}- codex\n {2}- claude/);
  });
});

test.run();
