// Defects, round three: `aos tick --dry-run` names the answers held in .aos/held (their item could
// not be written) that the next tick would write first, changing nothing; the real tick then writes
// exactly those, without asking the model again. The held answer is made for real: the item is
// edited into invalid YAML while the fake Messages API is answering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, json, read, write } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

test('--dry-run says which held answer the next tick writes first, and which it drops; the tick does so', async () => {
  await withModel({ replies: [{ text: 'Garage tidied.', delayMs: 1500 }, { text: 'Shed painted.', delayMs: 1500 }] }, async ({ home, server, env }) => {
    const garage = addItem(home, 'Tidy the garage');
    const shed = addItem(home, 'Paint the shed');
    const running = tick(home, server);
    await server.waitForRequests(1, 60_000);
    write(home, `inbox/${garage}.md`, `---\nid: ${garage}\nstatus: [running\n---\nTidy the garage\n`);
    await server.waitForRequests(2, 60_000);
    write(home, `inbox/${shed}.md`, `---\nid: ${shed}\nstatus: [running\n---\nPaint the shed\n`);
    const first = await running;
    assert.is(first.code, 1, first.stdout + first.stderr);
    assert.is(readdirSync(join(home, '.aos/held')).length, 2, 'both answers are held');
    const runOf = (id: string) => JSON.parse(read(home, `.aos/held/${id}.json`)).run as string;
    const garageRun = runOf(garage);
    const shedRun = runOf(shed);

    // The owner fixes the garage item and removes the shed one.
    write(home, `inbox/${garage}.md`, `---\nid: ${garage}\nfrom: owner\nstatus: new\n---\nTidy the garage\n`);
    git(home, ['rm', '-qf', `inbox/${shed}.md`]);
    git(home, ['commit', '-qm', 'owner: drop the shed']);

    const head = git(home, ['rev-parse', 'HEAD']);
    const dry = await aosAsync(['tick', '--dry-run', '--home', home], { env });
    assert.is(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, new RegExp(`would write first: the held answer of run ${garageRun} to inbox/${garage}\\.md, without asking the model again \\(held: it does not parse`));
    assert.match(dry.stdout, new RegExp(`would drop the held answer of run ${shedRun}: inbox/${shed}\\.md is gone`));
    assert.not.match(dry.stdout, /Nothing to do/);
    const plan = json(await aosAsync(['tick', '--dry-run', '--json', '--home', home], { env }));
    assert.equal(
      plan.held.map((h: { item: string; run: string; gone: boolean }) => [h.item, h.run, h.gone]).sort(),
      [[`inbox/${garage}.md`, garageRun, false], [`inbox/${shed}.md`, shedRun, true]].sort(),
    );
    assert.is(git(home, ['rev-parse', 'HEAD']), head, 'the dry run committed nothing');
    assert.is(readdirSync(join(home, '.aos/held')).length, 2, 'the dry run wrote and dropped nothing');

    const real = await tick(home, server);
    assert.is(real.code, 0, real.stdout + real.stderr);
    assert.is(server.requests.length, 2, 'the model was not asked again');
    assert.match(read(home, doneFile(home, garage)!), /## Result\n\nGarage tidied\./);
    assert.equal(readdirSync(join(home, '.aos/held')), []);
    const after = await aosAsync(['tick', '--dry-run', '--home', home], { env });
    assert.not.match(after.stdout, /held answer/);
  });
});

test.run();
