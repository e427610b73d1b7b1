// Issue 15 (inbox size cap in the plan): `aos tick --dry-run` says which items the tick would refuse
// for being over inbox.max_item_kb, and why, instead of listing them as runs; the real tick then
// refuses exactly those. Real CLI, real git, the fake Messages API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { git, json, read } from '../helpers.js';
import { addItem, tick, withModel } from '../model-helpers.js';

test('dry run: the oversize item is named as refused with its size and the cap; the small one would run; the tick agrees', async () => {
  await withModel({ yaml: 'inbox:\n  max_item_kb: 1\n', replies: [{ text: 'done' }] }, async ({ server, home }) => {
    const big = addItem(home, 'x'.repeat(1500), 'chief');
    const small = addItem(home, 'A short task', 'chief');
    const head = git(home, ['rev-parse', 'HEAD']);
    const before = read(home, `inbox/${big}.md`);

    const dry = await tick(home, server, ['--dry-run']);
    assert.is(dry.code, 1, 'a refused item is a problem, as in the real tick');
    assert.match(dry.stdout, new RegExp(`would refuse ${big}: 2 KB, over the cap of 1 KB \\(inbox\\.max_item_kb\\): never sent to the model, the file stays`));
    assert.match(dry.stdout, new RegExp(`would run  1\\. ${small} by chief`));
    assert.not.match(dry.stdout, new RegExp(`would run .*${big}`));
    assert.match(dry.stderr, new RegExp(`inbox/${big}\\.md: expected an item of at most 1 KB`));
    const plan = json(await tick(home, server, ['--dry-run', '--json']));
    assert.equal(plan.runs.find((r: { item: string }) => r.item === big), { item: big, refused: '2 KB, over the cap of 1 KB (inbox.max_item_kb): never sent to the model, the file stays' });
    assert.is(git(home, ['rev-parse', 'HEAD']), head, 'a dry run changes nothing');
    assert.is(server.requests.length, 0);

    // The tick does what the plan said: the small one runs, the big one is refused and stays.
    const r = await tick(home, server);
    assert.is(r.code, 1);
    assert.is(server.requests.length, 1);
    assert.match(r.stderr, new RegExp(`inbox/${big}\\.md: expected an item of at most 1 KB`));
    assert.is(read(home, `inbox/${big}.md`), before);
  });
});

test.run();
