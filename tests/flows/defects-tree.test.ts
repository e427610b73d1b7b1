// Defects, round three: send_message items count on the delegation tree like delegations (a 10×10
// fan-out through messages stops at the tree's limit), and an agent's `budget.tree_delegations`
// lowers the tree limit while that agent adds to it. Real ticks, real git, the fake Messages API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { git, read, write } from '../helpers.js';
import { addItem, doneFile, logFile, tick, withModel } from '../model-helpers.js';

function agent(name: string, caps: string[], budget = ''): string {
  return `---\nname: ${name}\nrole: ${name} in the tree tests.\ncapabilities: ${JSON.stringify(caps)}\nbudget:\n  max_turns: 6\n${budget}---\nYou are ${name}.\n`;
}

function commitAll(home: string, msg: string): void {
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', msg]);
}

/** Every item file in the home's history now (inbox/ and inbox/done/), as text. */
function items(home: string): string[] {
  return git(home, ['ls-files', 'inbox']).split('\n').filter((f) => f.endsWith('.md')).map((f) => read(home, f));
}

async function tickUntilEmpty(home: string, server: Parameters<typeof tick>[1]): Promise<void> {
  for (let i = 0; i < 4 && git(home, ['ls-files', 'inbox/*.md']).trim(); i++) {
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stdout + r.stderr);
  }
}

test('10×10 fan-out through send_message stops at the tree limit: ten messages in the whole tree, none from the helpers', async () => {
  const tenTo = (to: string) => ({ tools: Array.from({ length: 10 }, (_, i) => ({ name: 'send_message', input: { to, text: `Part ${i}: message ten more` } })) });
  const replies = [tenTo('helper'), { text: 'Messaged.' }];
  for (let i = 0; i < 10; i++) replies.push(tenTo('worker'), { text: 'Helper done.' });
  await withModel({ replies, whenEmpty: { text: 'All done.' } }, async ({ server, home }) => {
    write(home, 'agents/boss.md', agent('Boss', ['agent:message{to:helper}']));
    write(home, 'agents/helper.md', agent('Helper', ['agent:message{to:worker}']));
    write(home, 'agents/worker.md', agent('Worker', []));
    commitAll(home, 'fan-out roster');
    const root = addItem(home, 'Message 10 helpers, each messages 10 more', 'boss');
    await tickUntilEmpty(home, server);
    const messages = items(home).filter((t) => /^kind: message$/m.test(t));
    assert.is(messages.length, 10, 'ten messages in the tree, not 110');
    assert.is(messages.filter((t) => /^to: worker$/m.test(t)).length, 0, 'the helpers sent none');
    for (const m of messages) assert.match(m, new RegExp(`^root: ${root}$`, 'm'));
    assert.match(read(home, doneFile(home, root)!), /^tree_delegations: 10$/m);
    assert.match(read(home, logFile()), /· refused · helper · r-[^\n]+\nStopped a message: the delegation tree of item \S+ already holds 10 delegations/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test("an agent's budget.tree_delegations lowers the tree's limit for what it adds: three of five delegations and messages go out", async () => {
  const replies = [
    {
      tools: [
        { name: 'delegate', input: { to: 'helper', task: 'Part 1' } },
        { name: 'send_message', input: { to: 'helper', text: 'Part 2' } },
        { name: 'delegate', input: { to: 'helper', task: 'Part 3' } },
        { name: 'send_message', input: { to: 'helper', text: 'Part 4' } },
        { name: 'delegate', input: { to: 'helper', task: 'Part 5' } },
      ],
    },
    { text: 'Handed out.' },
  ];
  await withModel({ replies, whenEmpty: { text: 'Done.' } }, async ({ server, home }) => {
    write(home, 'agents/boss.md', agent('Boss', ['agent:delegate{to:helper;max:10}', 'agent:message{to:helper}'], '  tree_delegations: 3\n'));
    write(home, 'agents/helper.md', agent('Helper', []));
    commitAll(home, 'roster');
    const root = addItem(home, 'Hand out five parts', 'boss');
    await tickUntilEmpty(home, server);
    const made = items(home).filter((t) => /^kind: (delegation|message)$/m.test(t));
    assert.equal(made.map((t) => /\n(Part \d)\n/.exec(t)?.[1]).sort(), ['Part 1', 'Part 2', 'Part 3']);
    const results = JSON.stringify(server.requests[1]!.body.messages);
    assert.match(results, /refused: the delegation tree of item \S+ already holds 3 delegations, the most one tree may make \(3\)/);
    assert.match(read(home, doneFile(home, root)!), /^tree_delegations: 3$/m);
  });
});

test.run();
