// `aos tick --dry-run` foresees chains and the classifier (issue 20): the chain runs a due schedule
// would start, the step a run would file next, the approval it would ask or waits for; and for an
// item no hint matches with routing.classify on, the cached pick as it is or the model the tick would
// ask, never calling it. Every dry run changes nothing on disk and calls no model. Real CLI, real
// git, the fake Messages API counting requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, git, json, write } from '../helpers.js';
import { addItem, envFor, tick, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';
import { changedFiles, snapshot } from '../inprocess-helpers.js';

/** A dry run (text and --json), asserting it changed no file and called no model. */
async function dryRun(home: string, server: FakeServer): Promise<{ text: string; plan: any }> {
  const before = snapshot(home);
  const calls = server.requests.length;
  const r = await aosAsync(['tick', '--home', home, '--dry-run'], { env: envFor(server) });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const j = await aosAsync(['tick', '--home', home, '--dry-run', '--json'], { env: envFor(server) });
  assert.is(j.code, 0, j.stderr);
  const after = snapshot(home);
  assert.equal(changedFiles(before, after), [], 'a dry run changes nothing');
  assert.is(server.requests.length, calls, 'a dry run calls no model');
  return { text: r.stdout, plan: json(j) };
}

const POST = `description: Post after the owner says yes
steps:
  - name: post
    agent: chief
    task: "Post this: {{input}}"
    approve: true
`;
const NIGHTLY = `trigger:
  schedule: "0 0 * * *"
input: the day's notes
steps:
  - name: sweep
    agent: researcher
    task: "Sweep {{input}}"
`;

test('dry run shows the run a due schedule would start, the approval a run would ask, then waits for, then the step it would file', async () => {
  await withModel({ replies: [], whenEmpty: { text: 'Swept.' } }, async ({ server, home, env }) => {
    write(home, 'chains/post-it.yaml', POST);
    write(home, 'chains/nightly.yaml', NIGHTLY);
    // The home was made two days ago: last midnight's slot is due.
    write(home, '.aos/created', new Date(Date.now() - 2 * 86_400_000).toISOString() + '\n');
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'chains']);
    const started = json(await aosAsync(['chain', 'run', 'post-it', 'the launch note', '--json', '--home', home], { env }));
    const run = started.run as string;

    let d = await dryRun(home, server);
    assert.match(d.text, /would start a run of chain nightly \(schedule:\S+\)/);
    const ask = new RegExp(`would ask your approval (ap-\\S+) before step 1 \\(post\\) of chain post-it run ${run.replace(/\./g, '\\.')}`);
    assert.match(d.text, ask);
    const approval = ask.exec(d.text)![1]!;
    assert.equal(d.plan.chains.map((c: any) => [c.chain, c.would]), [['nightly', 'start'], ['post-it', 'ask']]);
    assert.equal(d.plan.chains[1], { chain: 'post-it', run, would: 'ask', step: 1, name: 'post', approval });

    // The tick does what was shown: starts nightly (and runs its step), asks the approval.
    const t = await tick(home, server);
    assert.is(t.code, 0, t.stdout + t.stderr);
    assert.is(server.requests.length, 1, "nightly's step ran");
    assert.ok(readdirSync(join(home, 'inbox/approvals')).includes(`${approval}.md`), 'the approval the dry run named');

    d = await dryRun(home, server);
    assert.match(d.text, new RegExp(`waiting {4}chain post-it run ${run.replace(/\./g, '\\.')}: step 1 \\(post\\) waits for the owner's approval ${approval}`));
    assert.not.match(d.text, /would start a run of chain nightly/, 'the slot was taken');
    assert.equal(d.plan.chains.map((c: any) => [c.chain, c.would]), [['post-it', 'wait']]);

    assert.is(aos(['approve', approval, '--home', home], { env }).code, 0);
    d = await dryRun(home, server);
    assert.match(d.text, new RegExp(`would file step 1 \\(post\\) of chain post-it run ${run.replace(/\./g, '\\.')} for chief as ${run.replace(/\./g, '\\.')}\\.1-post`));
    assert.equal(d.plan.chains, [{ chain: 'post-it', run, would: 'file', step: 1, name: 'post', agent: 'chief', item: `${run}.1-post` }]);
  });
});

const CLASSIFY = 'routing:\n  classify: true\n';
const SUBJECT = 'Compare the published evidence on intermittent fasting and sleep';

test('dry run with routing.classify: a new subject says which model the tick would ask (never asked); a cached pick is shown as the route', async () => {
  await withModel({ yaml: CLASSIFY, replies: [{ tools: [{ name: 'pick_agent', input: { agent: 'researcher', why: 'it weighs published studies' } }] }, { text: 'Findings.' }] }, async ({ server, home }) => {
    const first = addItem(home, SUBJECT);
    let d = await dryRun(home, server);
    assert.match(d.text, new RegExp(`would run  1\\. ${first} by chief \\(default; would ask claude-haiku-4-5 \\(not called in a dry run\\); chief until it answers\\)`));
    assert.equal(d.plan.runs, [{ item: first, agent: 'chief', via: 'default', classifier: 'would ask claude-haiku-4-5 (not called in a dry run); chief until it answers' }]);

    const t = await tick(home, server);
    assert.is(t.code, 0, t.stdout + t.stderr);
    assert.is(server.requests.length, 2, 'the tick asked the classifier and ran the item');

    const second = addItem(home, SUBJECT.toLowerCase());
    d = await dryRun(home, server);
    assert.match(d.text, new RegExp(`would run  1\\. ${second} by researcher \\(classify; classify \\(cached\\): researcher: it weighs published studies\\)`));
    assert.equal(d.plan.runs, [{ item: second, agent: 'researcher', via: 'classify', classifier: 'classify (cached): researcher: it weighs published studies' }]);
    // A hint still wins, and an item with to: is its agent's: the classifier is not named for them.
    const hinted = addItem(home, 'find the receipts from March');
    d = await dryRun(home, server);
    assert.ok(d.plan.runs.some((r: any) => r.item === hinted && r.via === 'handles' && !('classifier' in r)), JSON.stringify(d.plan.runs));
  });
});

test.run();
