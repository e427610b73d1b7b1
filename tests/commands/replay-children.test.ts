// A run that delegates gets a fresh child id in every execution; the replay masks it in the tool
// results and in the request hash alike, so a faithful replay reports no divergence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aosAsync } from '../helpers.js';
import { addItem, tick, withModel } from '../model-helpers.js';

test('replay of a run that delegated: no divergence', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'delegate', input: { to: 'researcher', task: 'Look up the train times.' } }] },
    { text: 'I asked the researcher; waiting for the times.' },
    { text: 'The 07:05 is fastest.' },
    { text: 'Take the 07:05.' },
  ] }, async ({ server, home, env }) => {
    addItem(home, 'Plan the trip to Porto', 'chief');
    const t = await tick(home, server);
    assert.is(t.code, 0, t.stderr);
    const runs = JSON.parse((await aosAsync(['runs', '--json', '--agent', 'chief', '--home', home], { env })).stdout).runs as { run: string; started: string; outcome: string }[];
    assert.ok(runs.length >= 1, 'the chief ran');
    // The run that delegated ended waiting for its child. (Not the smallest id: the resumed run can
    // start in the same second, and the id's tail after the time is random.)
    const first = runs.find((r) => r.outcome === 'waiting')!.run;
    const r = await aosAsync(['replay', first, '--json', '--home', home], { env });
    assert.is(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.ok(report.steps.length >= 3, r.stdout);
    assert.is(report.divergedAt, null, r.stdout);
  });
});

test.run();
