// aos review on real runs (the real SDK against the fake Messages API): the week's facts are counted
// from the files, the model is asked once, and its proposals wait for the owner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, aosAsync, git, json, read } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

const ANSWER = [
  'A quiet week: the chief did most of the work and one run failed on a server error.',
  'PROPOSAL: Send train questions to the researcher first.',
  '- PROPOSAL: Give the chief a daily token budget.',
  'PROPOSAL: Retry failed runs in the evening.',
  'PROPOSAL: A fourth one that must not be filed.',
].join('\n');

test('the week: facts from the files, one model call, three proposals filed as proposed items the tick leaves alone', async () => {
  await withModel({ replies: [{ text: 'The 08:39.' }, { status: 500 }, { text: 'Done.' }, { text: 'Found it.' }] }, async ({ server, home, env }) => {
    const train = addItem(home, 'find the fastest train to Porto', 'chief');
    const flaky = addItem(home, 'summarise the week', 'chief');
    assert.is((await tick(home, server)).code, 0);
    assert.is((await tick(home, server)).code, 0);
    // The owner files the same thing again for the researcher: the chief's answer missed.
    addItem(home, 'find the fastest train to Porto', 'researcher');
    assert.is((await tick(home, server)).code, 0);
    // The sync aos() would block this process, where the fake server answers: model calls go through aosAsync.
    const week = json(aos(['review', '--print-only', '--json', '--home', home])).week;
    const before = server.requests.length;

    server.push({ text: ANSWER });
    const r = await aosAsync(['review', '--week', week, '--json', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, before + 1, 'exactly one model call: ');
    const asked = server.requests.at(-1)!.body;
    assert.is(asked.tools, undefined);
    assert.match(JSON.stringify(asked.messages), 'Routing misses');
    const out = json(r);
    assert.is(out.facts.totals.runs, 4);
    assert.is(out.facts.totals.failed, 1);
    assert.equal(out.facts.agents.map((a: any) => [a.agent, a.runs, a.failed]), [['chief', 3, 1], ['researcher', 1, 0]]);
    assert.equal(out.facts.misses.map((m: any) => [m.item, m.verdict]), [[train, 'readdressed']]);
    assert.is(out.proposals.length, 3);

    const file = `memory/reviews/${week}.md`;
    const text = read(home, file);
    assert.match(text, `week: ${week}`);
    assert.match(text, '| chief | 3 | 1 |');
    assert.match(text, 'A quiet week');
    assert.not.match(text, 'A fourth one');
    for (const p of out.proposals) {
      const item = read(home, p.file);
      assert.match(item, /^status: proposed$/m);
      assert.match(item, `Proposed by the weekly review ${file}`);
    }
    const commit = git(home, ['log', '-1', '--format=%an%n%b']);
    assert.match(commit, /^chief\n/);
    assert.match(commit, 'Aos-Kind: review');
    assert.match(commit, 'Aos-Usage: in=');
    assert.is(git(home, ['status', '--porcelain']), '');

    // Nothing runs a proposal: the tick makes no call and the items stay as filed.
    const calls = server.requests.length;
    assert.is((await tick(home, server)).code, 0);
    assert.is(server.requests.length, calls);
    for (const p of out.proposals) assert.match(read(home, p.file), /^status: proposed$/m);
    assert.ok(doneFile(home, flaky));
    const status = json(aos(['status', '--json', '--home', home]));
    assert.is(status.inbox.proposed, 3);
    assert.match(aos(['status', '--home', home]).stdout, '3 proposed for you (aos review)');
    // The same verdicts, by agent, in aos usage --by route.
    const routes = json(aos(['usage', '--by', 'route', '--json', '--home', home]));
    assert.equal(routes.rows.find((x: any) => x.agent === 'chief'), { agent: 'chief', items: 2, ok: 1, handed_on: 0, failed: 0, denied: 0, readdressed: 1, miss_rate: 0.5 });
    assert.match(aos(['usage', '--by', 'route', '--home', home]).stdout, `${train}  chief  readdressed: the owner filed it again for researcher`);
    // The review folder is not a stray folder in memory/.
    assert.is(aos(['memory', 'lint', '--home', home]).code, 0);
  });
});

test('without a model the review is the facts alone; a bad --week is named', async () => {
  await withModel({}, async ({ home }) => {
    const r = aos(['review', '--home', home]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, '## Facts');
    assert.match(r.stdout, '0 runs, 0 failed');
    assert.match(r.stderr, 'the review holds the facts only');
    const bad = aos(['review', '--week', '2026-49', '--home', home]);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, '--week "2026-49" is not a week');
  });
});

test.run();
