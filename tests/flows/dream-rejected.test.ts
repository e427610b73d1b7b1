// A dream counts only when the model did its part (issue 15 item 2): an answer in prose, or one whose
// every operation is refused, is not committed as a dream, so its log entries are offered again; the
// tool call is forced (tool_choice); the dreamer's instructions and the validator cite one way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, aosAsync, git, read, type Result } from '../helpers.js';
import { type FakeServer } from '../fake-anthropic.js';
import { envFor, note, withModel } from '../model-helpers.js';
import { CITATION_FORMAT, PROPOSE_TOOL } from '../../cli/core/memory/dream.js';
import { renderPrompt } from '../../cli/model/command.js';


const dream = (home: string, server: FakeServer): Promise<Result> => aosAsync(['dream', '--home', home], { env: envFor(server) });
const propose = (operations: unknown[]) => ({ tools: [{ name: 'propose_operations', input: { operations } }] });
const lastKind = (home: string) => /Aos-Kind: (\S+)/.exec(git(home, ['log', '-1', '--format=%B']))![1];
const tea = (sources: string[]) => ({ op: 'add', slug: 'green-tea', title: 'Green tea', type: 'preference', description: 'Likes green tea', body: 'Green tea.', sources });

test('prose instead of the tool call: not a dream, the entries come back; the call is forced with tool_choice', async () => {
  await withModel({}, async ({ server, home }) => {
    const s = note(home, 'The owner likes green tea.');
    server.push({ text: 'I think the owner likes green tea, I would remember that.' });
    const r1 = await dream(home, server);
    assert.is(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /not the propose_operations call: not counted as a dream/);
    assert.equal(server.requests[0]!.body.tool_choice, { type: 'tool', name: 'propose_operations' });
    assert.is(lastKind(home), 'dream-prune', 'committed, but not as a dream');
    assert.is(git(home, ['status', '--porcelain']), '');

    server.push(propose([tea([s])]));
    const r2 = await dream(home, server);
    assert.is(r2.code, 0, r2.stderr);
    assert.match(server.requests[1]!.body.messages[0].content, /The owner likes green tea\./, 'the same entry is offered again');
    assert.ok(existsSync(join(home, 'memory/green-tea.md')));
    assert.is(lastKind(home), 'dream');
  });
});

test('every operation refused: not a dream, the entries come back', async () => {
  await withModel({}, async ({ server, home }) => {
    note(home, 'The owner likes green tea.');
    server.push(propose([tea(['logs/2020/01/2020-01-01.md#L3'])]));
    const r1 = await dream(home, server);
    assert.match(r1.stdout, /had no operation that could be applied: not counted as a dream/);
    assert.is(lastKind(home), 'dream-prune');
    server.push(propose([]));
    await dream(home, server);
    assert.match(server.requests[1]!.body.messages[0].content, /The owner likes green tea\./);
  });
});

test('an empty list is the model saying there is nothing to do: a dream, the entries are not offered again', async () => {
  await withModel({}, async ({ server, home }) => {
    note(home, 'Nothing worth keeping.');
    server.push(propose([]));
    assert.is((await dream(home, server)).code, 0);
    assert.is(lastKind(home), 'dream');
    const r = await dream(home, server);
    assert.match(r.stdout, /Nothing new since the last dream/);
    assert.is(server.requests.length, 1);
  });
});

test("the dreamer's instructions, the tool and the validator cite one way", () => {
  const dreamer = read(ROOT, 'agents/dreamer.md');
  assert.ok(dreamer.includes(CITATION_FORMAT), `agents/dreamer.md says ${CITATION_FORMAT}`);
  assert.not.match(dreamer, /#<run id>/);
  assert.ok(PROPOSE_TOOL.description.includes(CITATION_FORMAT));
  assert.ok(CITATION_FORMAT.endsWith('#L<line>'), 'the validator checks citation(), which is file#L<line>');
});

test('a command brain is told to answer with the forced tool input as JSON', () => {
  const prompt = renderPrompt({ model: 'm', system: { stable: 's', dynamic: 'd' }, tools: [PROPOSE_TOOL], toolChoice: PROPOSE_TOOL.name, messages: [{ role: 'user', content: 'entries' }], maxTokens: 10 });
  assert.match(prompt, /Your answer must be the input of the tool propose_operations and nothing else: one JSON object/);
  assert.ok(prompt.includes(JSON.stringify(PROPOSE_TOOL.input_schema)));
  assert.not.match(renderPrompt({ model: 'm', system: { stable: 's', dynamic: 'd' }, tools: [PROPOSE_TOOL], messages: [{ role: 'user', content: 'x' }], maxTokens: 10 }), /must be the input/);
});

test.run();
