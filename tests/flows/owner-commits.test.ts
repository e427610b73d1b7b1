// The owner's words are committed as the owner's (issue 15 extras): an item added while a tick works
// is not taken into an agent's commit, and a command that commits takes the owner's hand edits
// first, as the owner's own commit. Real CLI, fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, aosAsync, git, read, write } from '../helpers.js';
import { addItem, envFor, withModel } from '../model-helpers.js';

test('an item added during a running tick is committed as the owner\'s, before the agent that runs it commits', async () => {
  await withModel({ replies: [{ text: 'First done.', delayMs: 2500 }, { text: 'Second done.' }] }, async ({ server, home, env }) => {
    addItem(home, 'Find the first thing.');
    const running = aosAsync(['tick', '--home', home], { env });
    await server.waitForRequests(1, 60_000);
    const added = aos(['inbox', 'add', 'Find the second thing.', '--home', home], { env });
    assert.is(added.code, 0, added.stderr);
    assert.match(added.stdout, /a tick is running/);
    const file = /Added (inbox\/\S+\.md)/.exec(added.stdout)![1]!;
    const r = await running;
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 2, 'the tick ran the new item too');
    const creator = git(home, ['log', '--format=%an|%B', '--diff-filter=A', '--', file]).trim();
    assert.match(creator, /^Tess\|/, `the item is the owner's: ${creator}`);
    assert.match(creator, /Aos-Kind: owner-edit/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('a command that commits takes the owner\'s hand edits first, as the owner\'s own commit', async () => {
  await withModel({}, async ({ home }) => {
    write(home, 'agents/chief.md', read(home, 'agents/chief.md').replace('You are the chief.', 'You are the chief. Be brief.'));
    const r = aos(['agent', 'pause', 'chief', '--home', home], { env: envFor(undefined) });
    assert.is(r.code, 0, r.stderr);
    const pause = git(home, ['show', '--format=%an', 'HEAD', '--', 'agents/chief.md']);
    assert.not.match(pause, /^\+.*Be brief/m, 'the pause commit holds only the pause');
    assert.match(pause, /\+status: paused/);
    const before = git(home, ['show', '--format=%an|%B', 'HEAD~1']);
    assert.match(before, /^Tess\|owner: hand edits/);
    assert.match(before, /\+You are the chief\. Be brief\./);
  });
});

test.run();
