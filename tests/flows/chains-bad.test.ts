// Issue 20, chains, the bad cases: a run file a crash left behind is brought up to date without
// filing a step twice, and a broken chain file is named (aos chain list/run, doctor, the tick) while
// the other chains go on. The built CLI, the real SDK against the fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, json, read, write } from '../helpers.js';
import { doneFile, tick, withModel } from '../model-helpers.js';
import { aosIn, approvals, setUp } from '../chain-helpers.js';


test('a run file left behind by a crash (its next step filed, the file not yet updated) is brought up to date: the step is not filed twice', async () => {
  await withModel({ replies: [{ text: 'FACTS: a.' }, { text: 'worth posting: a.' }] }, async ({ server, home }) => {
    setUp(home);
    const { run, file } = json(await aosIn(home, ['chain', 'run', 'capture-post', 'p', '--json']));
    const pending = read(home, file);
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const step2 = `inbox/${run}.2-analyse.md`;
    assert.ok(existsSync(join(home, step2)), 'step 2 filed at the end of the tick that ran step 1');
    // The state a kill leaves between writing step 2's item and writing the run file: the run file
    // still says nothing was filed, and neither is committed.
    write(home, file, pending);
    git(home, ['reset', '-q', 'HEAD~1']);
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.filter((q) => JSON.stringify(q.body.messages[0]).includes('.2-analyse')).length, 1, 'step 2 ran once');
    const step2s = git(home, ['log', '--all', '--format=%H', '--', step2]).split('\n').filter(Boolean);
    assert.ok(step2s.length >= 1);
    assert.ok(doneFile(home, `${run}.2-analyse`));
    const shown = json(await aosIn(home, ['chain', 'show', run, '--json']));
    assert.equal(shown.steps.map((s: { status: string }) => s.status), ['done', 'done', 'asked']);
    assert.is(approvals(home).length, 1);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('a broken chain file is an error naming the file; the other chains list, run and advance', async () => {
  await withModel({ replies: [{ text: 'FACTS: fine.' }] }, async ({ server, home }) => {
    setUp(home);
    write(home, 'chains/broken.yaml', 'steps:\n  - name: one\n    task: "no agent here"\n');
    write(home, 'chains/bad-yaml.yaml', 'steps: [\n');
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'broken chains']);
    let r = await aosIn(home, ['chain', 'list']);
    assert.is(r.code, 1, 'the owner must fix it');
    assert.match(r.stderr, /chains\/broken\.yaml:\d+: steps\.0\.agent: expected a value \(the field is required\), found nothing/);
    assert.match(r.stderr, /chains\/bad-yaml\.yaml/);
    assert.match(r.stdout, /capture-post +capture → analyse → post\*/);
    r = await aosIn(home, ['doctor']);
    assert.is(r.code, 1);
    assert.match(r.stdout + r.stderr, /chains\/broken\.yaml:\d+: steps\.0\.agent/);
    r = await aosIn(home, ['chain', 'run', 'broken']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /chains\/broken\.yaml is not a valid chain:[\s\S]*steps\.0\.agent/);
    assert.not.ok(existsSync(join(home, 'chains/runs')) && readdirSync(join(home, 'chains/runs')).length, 'nothing was started');
    r = await aosIn(home, ['chain', 'run', 'capture-post', 'x', '--json']);
    assert.is(r.code, 0, r.stderr);
    const { run } = json(r);
    r = await tick(home, server);
    assert.is(r.code, 1, 'the tick names the broken files (exit 1) ...');
    assert.match(r.stderr, /chains\/broken\.yaml/);
    assert.ok(doneFile(home, `${run}.1-capture`), '... and the good chain went on');
  });
});

test.run();
