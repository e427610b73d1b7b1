// Gated skills in real runs (the real SDK against the fake Messages API): a candidate never reaches
// an agent's context, an enabled one does when the task matches, an agent can only ever propose a
// candidate, and writing skills/ by hand from a run needs the owner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, read, write } from '../helpers.js';
import { addItem, tick, withModel } from '../model-helpers.js';

const CODER = `---
name: Coder
role: Writes and fixes small programs.
capabilities:
  - "file:**:read,write"
  - "skill:*:propose"
---
You are the coder.
`;

const PROCEDURE = '1. Run the failing test and read its output.';
const SKILL = `---
name: Fix a failing test first
description: Reproduce with the test, then change the code.
status: candidate
when: [failing, test]
created: 2026-12-01
record:
  - mission: m-1
    outcome: promoted
    date: 2026-12-01
  - mission: m-2
    outcome: promoted
    date: 2026-12-02
  - mission: m-3
    outcome: promoted
    date: 2026-12-03
---
${PROCEDURE}
2. Change the code until it passes.
`;

function withCoder(home: string, files: Record<string, string> = {}): void {
  write(home, 'agents/coder.md', CODER);
  for (const [f, t] of Object.entries(files)) write(home, f, t);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'coder and skills']);
}

const sent = (body: unknown) => JSON.stringify(body);

test('a candidate is never in context; once the owner enables it, a matching task gets it and others do not', async () => {
  await withModel({ whenEmpty: { text: 'done' } }, async ({ server, home }) => {
    withCoder(home, { 'skills/fix-tests.md': SKILL });
    addItem(home, 'the failing test in add.js needs a fix', 'coder');
    assert.is((await tick(home, server)).code, 0);
    assert.is(server.requests.length, 1);
    assert.not.ok(sent(server.requests[0]!.body).includes(PROCEDURE), 'a candidate skill reached the model');

    assert.is(aos(['skill', 'enable', 'fix-tests', '--home', home]).code, 0);
    addItem(home, 'another failing test, in sub.js', 'coder');
    assert.is((await tick(home, server)).code, 0);
    const withSkill = sent(server.requests[1]!.body);
    assert.ok(withSkill.includes('# Skills the owner enabled for work like this'));
    assert.ok(withSkill.includes(PROCEDURE));

    addItem(home, 'book flights to Porto for Saturday', 'coder');
    assert.is((await tick(home, server)).code, 0);
    assert.not.ok(sent(server.requests[2]!.body).includes(PROCEDURE), 'an unrelated task got the skill');
  });
});

test('propose_skill files a candidate in the run commit; it is not offered to the next matching task', async () => {
  const replies = [
    { tools: [{ name: 'propose_skill', input: { name: 'Bisect a regression', description: 'Find the commit that broke it.', when: ['regression'], procedure: '1. git bisect start.' } }] },
    { text: 'proposed' },
  ];
  await withModel({ replies, whenEmpty: { text: 'done' } }, async ({ server, home }) => {
    withCoder(home);
    addItem(home, 'write down how you found the regression', 'coder');
    assert.is((await tick(home, server)).code, 0);
    const file = 'skills/bisect-a-regression.md';
    const text = read(home, file);
    assert.match(text, 'status: candidate');
    assert.match(text, 'proposed_by: coder');
    assert.match(git(home, ['log', '-1', '--format=%b', '--', file]), 'Aos-Run:');
    assert.equal(json(aos(['skill', 'list', '--home', home, '--json'])).skills.map((s: any) => [s.id, s.status, s.offered]), [['bisect-a-regression', 'candidate', false]]);

    addItem(home, 'another regression in the parser', 'coder');
    assert.is((await tick(home, server)).code, 0);
    assert.not.ok(sent(server.requests.at(-1)!.body).includes('git bisect start'));
  });
});

test('a run that writes skills/ itself is asked about first, and nothing is written', async () => {
  const forged = SKILL.replace('status: candidate', 'status: enabled');
  const replies = [{ tools: [{ name: 'write_file', input: { path: 'skills/mine.md', content: forged } }] }];
  await withModel({ replies, whenEmpty: { text: 'done' } }, async ({ server, home }) => {
    withCoder(home);
    addItem(home, 'save a skill for failing tests', 'coder');
    assert.is((await tick(home, server)).code, 0);
    assert.not.ok(existsSync(join(home, 'skills/mine.md')));
    const asked = readdirSync(join(home, 'inbox/approvals')).filter((f) => f.endsWith('.md'));
    assert.is(asked.length, 1);
    assert.match(read(home, `inbox/approvals/${asked[0]}`), 'skills/mine.md');
  });
});

test.run();
