// Table tests for core/agents/agents.ts: a new agent's file is valid, named from its id, and grants only
// memory reads until the owner widens it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentTemplate } from '../../cli/core/agents/agents.js';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { validate } from '../../cli/core/docs/validate.js';
import { AgentSchema } from '../../cli/core/docs/schemas.js';

// [id, role, handles, expected name, expected role]
const table: [string, string | undefined, string[], string, string][] = [
  ['coder', 'Writes code.', ['fix *'], 'Coder', 'Writes code.'],
  ['travel-agent', undefined, [], 'Travel Agent', 'Describe in one line what Travel Agent does.'],
  ['a-b-c', 'x', ['find *', 'book *'], 'A B C', 'x'],
  ['r2d2', 'Beeps: loudly', [], 'R2d2', 'Beeps: loudly'],
  ['quote', 'Says "hi" and #not-a-comment', [], 'Quote', 'Says "hi" and #not-a-comment'],
];

for (const [id, role, handles, name, wantRole] of table) {
  test(`agentTemplate("${id}"): a valid agent named ${name} with safe defaults`, () => {
    const text = agentTemplate(id, role, handles);
    const doc = parseFrontMatter(`agents/${id}.md`, text);
    assert.equal(doc.problems, []);
    const { value, problems } = validate(AgentSchema, doc.data, `agents/${id}.md`);
    assert.equal(problems, [], JSON.stringify(problems));
    assert.is(value!.name, name);
    assert.is(value!.role, wantRole);
    assert.equal(value!.handles, handles);
    assert.equal(value!.capabilities, ['memory:*:read'], 'only memory reads until the owner widens it');
    assert.is(value!.status, 'active');
    assert.match(doc.body, new RegExp(`^You are ${name}\\.`));
  });
}

test('agentTemplate is pure: the same arguments give the same text', () => {
  assert.is(agentTemplate('coder', 'x', ['a']), agentTemplate('coder', 'x', ['a']));
});

test.run();
