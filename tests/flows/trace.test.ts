// aos trace on real runs (the real SDK against the fake Messages API): every item a run creates
// carries the work's trace, and the tree shows items, delegations, messages and runs with tokens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, read, write } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

const CHIEF = `---
name: Chief
role: Triages and delegates.
capabilities:
  - "agent:delegate{to:researcher;max:2}"
---
You are the chief.
`;
const RESEARCHER = `---
name: Researcher
role: Finds things out.
capabilities:
  - "agent:message{to:chief}"
---
You are the researcher.
`;

test('a delegation and a message carry the trace; aos trace draws the tree with every run', async () => {
  const replies = [
    { tools: [{ name: 'delegate', input: { to: 'researcher', task: 'Find the fastest train.' } }], usage: { input_tokens: 100, output_tokens: 10 } },
    { text: 'Waiting for the researcher.' },
    { tools: [{ name: 'send_message', input: { to: 'chief', text: 'FYI: the 08:39 has a bar car.' } }] },
    { text: 'The 08:39 is fastest.' },
  ];
  await withModel({ replies, whenEmpty: { text: 'ok' } }, async ({ server, home }) => {
    write(home, 'agents/chief.md', CHIEF);
    write(home, 'agents/researcher.md', RESEARCHER);
    git(home, ['commit', '-qam', 'roster']);
    const id = addItem(home, 'Plan my Saturday trip', 'chief');
    for (let i = 0; i < 3 && git(home, ['ls-files', 'inbox/*.md']).trim(); i++) assert.is((await tick(home, server)).code, 0);
    const unrelated = addItem(home, 'Something else entirely', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const parent = read(home, doneFile(home, id)!);
    const child = /^children:\n\s+- (\S+)/m.exec(parent)![1]!;
    assert.match(read(home, doneFile(home, child)!), new RegExp(`^trace: ${id}$`, 'm'));
    const message = git(home, ['grep', '-l', 'kind: message', 'HEAD', '--', 'inbox/done']).trim().split('\n')[0]!.replace(/^HEAD:/, '');
    assert.match(read(home, message), new RegExp(`^trace: ${id}$`, 'm'));
    const messageId = /^id: (\S+)$/m.exec(read(home, message))![1]!;

    // From any item of the work, the same tree.
    const fromChild = json(aos(['trace', child, '--home', home, '--json']));
    const r = aos(['trace', messageId, '--home', home]);
    assert.is(r.code, 0, r.stderr);
    assert.is(fromChild.root.item.id, id);
    assert.is(fromChild.items, 3);
    const ids = (n: any): string[] => [n.item.id, ...n.children.flatMap(ids)];
    assert.equal(ids(fromChild.root).sort(), [id, child, messageId].sort());
    assert.not.ok(ids(fromChild.root).includes(unrelated));
    // The researcher's message hangs under the delegation it came from.
    const childNode = fromChild.root.children.find((n: any) => n.item.id === child);
    assert.equal(childNode.children.map((n: any) => n.item.id), [messageId]);
    // Runs: chief (twice: delegated, then resumed), researcher, chief on the message.
    const runs = (n: any): any[] => [...n.runs, ...n.children.flatMap(runs)];
    assert.is(runs(fromChild.root).length, fromChild.runs);
    assert.ok(fromChild.runs >= 4, `runs: ${fromChild.runs}`);
    assert.ok(runs(fromChild.root).every((x: any) => x.provider === 'anthropic' && x.model === 'claude-sonnet-4-6'));
    assert.is(fromChild.tokens, runs(fromChild.root).reduce((s: number, x: any) => s + x.tokens, 0));
    // The first run: the delegating turn (100 in + 10 out) and the waiting turn (10 + 5).
    assert.is(fromChild.root.runs[0].tokens, 125);
    assert.match(r.stdout, new RegExp(`^${id}  task  owner → chief  done  "Plan my Saturday trip"`, 'm'));
    assert.match(r.stdout, /├─ run r-\S+  chief · anthropic claude-sonnet-4-6 · waiting · 125 tokens · \$0\.\d{4} · \d+ s$/m);
    assert.match(r.stdout, new RegExp(`└─ ${messageId}  message  researcher → chief`));
    assert.match(r.stdout, /^3 items, \d+ runs, [\d,]+ tokens, \$[\d.]+, .* of runs$/m);
  });
});

test('an unknown item is a clear error', async () => {
  await withModel({}, async ({ home }) => {
    const r = aos(['trace', 'nope', '--home', home]);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'no item "nope" in inbox/ or inbox/done/');
  });
});

test.run();
