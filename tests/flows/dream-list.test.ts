// Dream branches as the owner sees them: `aos dream show` without a date lists every dream branch
// with its state (held, merged, reverted); the brief names held dreams; a dream removes the branches
// of merged nights older than 30 days (main holds what they did) and never a held one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aosAsync, git, type Result } from '../helpers.js';
import { type FakeServer } from '../fake-anthropic.js';
import { envFor, note, today, withModel } from '../model-helpers.js';
import { addDays } from '../../cli/core/docs/time.js';

const gt = (home: string, args: string[]) => git(home, args).trim();
const dream = (home: string, server: FakeServer): Promise<Result> => aosAsync(['dream', '--home', home], { env: envFor(server) });
const propose = (operations: unknown[]) => ({ tools: [{ name: 'propose_operations', input: { operations } }] });
const add = (slug: string, body: string, sources: string[]) => ({ op: 'add', slug, title: slug.replace(/-/g, ' '), type: 'fact', description: body.slice(0, 60), body, sources });
const branches = (home: string) => git(home, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/dream/']).split('\n').filter(Boolean);

/** A branch dream/<name> as an old night left it, merged on main (its trailer) or not. */
function oldNight(home: string, name: string, merged: boolean): void {
  const tree = gt(home, ['rev-parse', 'HEAD^{tree}']);
  const sha = gt(home, ['commit-tree', tree, '-p', 'HEAD', '-m', `dreamer: night ${name}\n\nAos-Dream: ${name}\nAos-Gates: ${merged ? 'passed' : 'failed: a test gate'}`]);
  gt(home, ['update-ref', `refs/heads/dream/${name}`, sha]);
  if (merged) gt(home, ['commit', '-q', '--allow-empty', '-m', `dreamer: night ${name} on main\n\nAos-Dream: ${name}\nAos-Gates: passed`]);
}

test('aos dream show lists held, merged and reverted nights; the brief names the held one; old merged branches go, held ones stay', async () => {
  await withModel({}, async ({ server, home, env }) => {
    const none = await aosAsync(['dream', 'show', '--home', home], { env });
    assert.is(none.code, 0, none.stderr);
    assert.match(none.stdout, /No dream branches/);

    const oldMerged = addDays(today(), -40);
    const oldHeld = addDays(today(), -45);
    const recentMerged = addDays(today(), -3);
    oldNight(home, oldMerged, true);
    oldNight(home, oldHeld, false);
    oldNight(home, recentMerged, true);

    // Tonight: a secret holds the dream on its branch.
    const s = note(home, 'The gym moved to Rua Augusta.');
    server.push(propose([add('gym-address', 'The gym is on Rua Augusta. Key: sk-ant-api03-' + 'Zx9'.repeat(30), [s])]));
    const held = await dream(home, server);
    assert.is(held.code, 1);
    // The held dream is a dream all the same: the merged night older than 30 days is gone.
    assert.equal(branches(home).sort(), [`dream/${oldHeld}`, `dream/${recentMerged}`, `dream/${today()}`].sort());

    const listed = await aosAsync(['dream', 'show', '--json', '--home', home], { env });
    assert.is(listed.code, 0, listed.stderr);
    const byName = Object.fromEntries(JSON.parse(listed.stdout).map((d: any) => [d.name, d]));
    assert.is(byName[today()].state, 'held');
    assert.match(byName[today()].gates, /^failed: memory\/gym-address\.md would hold a secret-looking value/);
    assert.is(byName[oldHeld].state, 'held');
    assert.is(byName[recentMerged].state, 'merged');
    assert.ok(byName[recentMerged].merged, 'names the commit on main');
    const text = await aosAsync(['dream', 'show', '--home', home], { env });
    assert.match(text.stdout.split('\n')[0]!, new RegExp(`^dream/${today()} · [0-9a-f]{10} · held · gates: failed`), 'held ones first, newest first');
    assert.match(text.stdout, /2 held: aos dream show <date>/);

    const brief = await aosAsync(['brief', '--print-only', '--home', home], { env: envFor(undefined) });
    assert.is(brief.code, 0, brief.stderr);
    assert.match(brief.stdout, /Memory: 2 dreams held on a branch, not merged:/);
    assert.match(brief.stdout, new RegExp(`- dream/${today()}: failed: memory/gym-address\\.md would hold a secret-looking value.*\\(aos dream show ${today()}, then merge or drop\\)`));
    assert.not.match(brief.stdout, /sk-ant-api03/, 'the brief never prints the secret');

    // Dropped, then a dream that passes its gates: merged; a revert shows as reverted.
    assert.is((await aosAsync(['dream', 'drop', today(), '--home', home], { env })).code, 0);
    const s2 = note(home, 'The owner trains at FitLisboa.');
    server.push(propose([add('owner-gym', 'Trains at FitLisboa.', [s2])]));
    const ok = await dream(home, server);
    assert.is(ok.code, 0, ok.stderr);
    const reverted = await aosAsync(['dream', 'revert', today(), '--home', home], { env });
    assert.is(reverted.code, 0, reverted.stderr);
    const after = Object.fromEntries(JSON.parse((await aosAsync(['dream', 'show', '--json', '--home', home], { env })).stdout).map((d: any) => [d.name, d]));
    assert.is(after[today()].state, 'reverted');
    assert.is(after[oldHeld].state, 'held', 'a held night is never pruned, however old');
  });
});

test.run();
