// The router (issue 20): with routing.classify, an item no handles: hint matches is classified once by
// a cheap model (one forced tool call), the pick recorded in the item and cached by subject hash;
// `aos route` shows the same decision without running anything; priority then due time order the work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, aosAsync, git, json, read, write } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

const CLASSIFY = 'routing:\n  classify: true\n';
const SUBJECT = 'Compare the published evidence on intermittent fasting and sleep';
const pick = (agent: string, why: string) => ({ tools: [{ name: 'pick_agent', input: { agent, why } }] });

test('the classifier picks the researcher for a research-like subject; the same subject again uses the cache; aos route shows it without running', async () => {
  await withModel({ yaml: CLASSIFY, replies: [pick('researcher', 'it asks to weigh published studies'), { text: 'Findings: mixed.' }, { text: 'Findings again.' }] }, async ({ server, home, env }) => {
    const first = addItem(home, SUBJECT);
    const r1 = await tick(home, server);
    assert.is(r1.code, 0, r1.stdout + r1.stderr);
    assert.is(server.requests.length, 2, 'one classification, one run');
    const ask = server.requests[0]!.body;
    assert.equal(ask.tool_choice, { type: 'tool', name: 'pick_agent' });
    assert.is(ask.model, 'claude-haiku-4-5', 'the cheap model');
    assert.is(ask.max_tokens, 200);
    assert.match(JSON.stringify(ask.system), /researcher: Finds things out\..*|chief: Triages and delegates\./);
    assert.match(JSON.stringify(ask.messages), /intermittent fasting/);
    assert.match(JSON.stringify(server.requests[1]!.body.system), /You are the researcher/);
    const done1 = read(home, doneFile(home, first)!);
    assert.match(done1, /^handled_by: researcher$/m);
    assert.match(done1, /^routed_by: "?classify: researcher: it asks to weigh published studies"?$/m);

    // The same subject (other case and spacing): no second classification.
    const second = addItem(home, SUBJECT.toUpperCase().replace(/ /g, '  '));
    const r2 = await tick(home, server);
    assert.is(r2.code, 0, r2.stderr);
    assert.is(server.requests.length, 3, 'only the run');
    assert.is(server.requests[2]!.body.tool_choice, undefined);
    const done2 = read(home, doneFile(home, second)!);
    assert.match(done2, /^handled_by: researcher$/m);
    assert.match(done2, /^routed_by: "?classify \(cached\): researcher:/m);

    // aos route: the decision, nothing run, nothing written.
    const head = git(home, ['rev-parse', 'HEAD']);
    const shown = aos(['route', SUBJECT, '--home', home], { env });
    assert.is(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^researcher \(classify, cached\): it asks to weigh published studies$/m);
    const asJson = json(aos(['route', 'find the receipts from March', '--home', home, '--json'], { env }));
    assert.equal(asJson, { subject: 'find the receipts from March', agent: 'researcher', via: 'handles', hint: 'find *', why: 'the handles: hint "find *" of researcher matches' });
    assert.is(server.requests.length, 3, 'aos route ran nothing');
    assert.is(git(home, ['rev-parse', 'HEAD']), head);
    assert.is(git(home, ['status', '--porcelain']).trim(), '');
  });
});

test('aos route asks the classifier for a new subject (one call, nothing run); an answer naming no agent falls back to the default', async () => {
  await withModel({ yaml: CLASSIFY, replies: [pick('researcher', 'research'), pick('nobody', 'x')] }, async ({ server, home, env }) => {
    // aosAsync: the fake server answers from this process, which a synchronous spawn would block.
    const r = json(await aosAsync(['route', 'Survey the literature on spaced repetition', '--home', home, '--json'], { env }));
    assert.equal(r, { subject: 'Survey the literature on spaced repetition', agent: 'researcher', via: 'classify', why: 'research', cached: false });
    assert.is(server.requests.length, 1);
    const bad = await aosAsync(['route', 'Tidy the garage', '--home', home], { env });
    assert.is(bad.code, 0, bad.stderr);
    assert.match(bad.stdout, /^chief \(default\): no handles: hint matches and the classifier was not used: the classifier named "nobody", not one of chief, researcher$/m);
    assert.is(git(home, ['status', '--porcelain']).trim(), '');
  });
});

test('priority, then due time, order the work; aos inbox list shows that order', async () => {
  await withModel({}, async ({ home, env }) => {
    const item = (id: string, priority: string, due?: string) =>
      write(home, `inbox/${id}.md`, `---\nid: ${id}\nfrom: owner\nkind: task\npriority: ${priority}\ncreated: 2026-11-21T10:00:00+00:00\n${due ? `due: ${due}\n` : ''}status: new\n---\nWork ${id}\n`);
    item('20261121T100000-aaaa', 'normal');
    item('20261121T100001-bbbb', 'normal', '2026-12-20T09:00:00+00:00');
    item('20261121T100002-cccc', 'normal', '2026-12-10T09:00:00+01:00');
    item('20261121T100003-dddd', 'high');
    item('20261121T100004-eeee', 'low', '2026-11-22T09:00:00+00:00');
    const listed = json(aos(['inbox', 'list', '--home', home, '--json'], { env }));
    assert.equal(listed.items.map((i: { id: string }) => i.id.slice(-4)), ['dddd', 'cccc', 'bbbb', 'aaaa', 'eeee']);
    write(home, 'inbox/20261121T100005-ffff.md', '---\nid: 20261121T100005-ffff\ndue: next tuesday\n---\nx\n');
    const bad = aos(['inbox', 'list', '--home', home], { env });
    assert.match(bad.stderr, /inbox\/20261121T100005-ffff\.md:\d+: due: expected a time like 2026-11-21T10:32:05\+00:00, found "next tuesday"/);
  });
});

test.run();
