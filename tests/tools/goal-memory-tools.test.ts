// The goal owner edits a goal's plan and research notes (edit_goal), and an agent with
// memory:*:read reads a topic in full (read_memory): real ticks against the fake Messages API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, read, write } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

const TUTOR = `---
name: Tutor
role: Coaches the owner's goals.
capabilities:
  - "memory:*:read"
  - "goal:ielts-writing:read,write"
---
You are the tutor.
`;

/** The text of the tool results the model got back in request n. */
function results(body: any): { content: string; is_error?: boolean }[] {
  const last = body.messages[body.messages.length - 1];
  return (Array.isArray(last.content) ? last.content : []).filter((b: any) => b.type === 'tool_result').map((b: any) => ({ content: typeof b.content === 'string' ? b.content : JSON.stringify(b.content), is_error: b.is_error }));
}

test('read_memory reads a topic in full; edit_goal adds research notes within goal:<slug>:write, validated', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'read_memory', input: { slug: 'prefers-mornings' } }, { name: 'read_memory', input: { slug: 'no-such-topic' } }] },
    { tools: [
      { name: 'edit_goal', input: { goal: 'ielts-writing', section: 'research_notes', text: '- Self-scoring against the descriptors moves bands fastest (source: ielts.org band descriptors).' } },
      { name: 'edit_goal', input: { goal: 'ielts-writing', section: 'plan', text: '## History\n- sneaky', mode: 'replace' } },
      { name: 'edit_goal', input: { goal: 'other-goal', section: 'plan', text: 'mine now' } },
    ] },
    { tools: [{ name: 'edit_goal', input: { goal: 'ielts-writing', section: 'plan', text: 'Daily Task 2 essay, then rewrite the weakest paragraph.\n\n### Changed drill\nTimed rewrites.', mode: 'replace' } }] },
    { text: 'Notes and plan updated.' },
  ] }, async ({ server, home, env }) => {
    write(home, 'agents/tutor.md', TUTOR);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'tutor']);
    const added = aos(['memory', 'add', 'Prefers mornings', '--type', 'preference', '--description', 'practises best before work', '--slug', 'prefers-mornings', '--home', home], { env, input: 'Tess practises best between 06:30 and 07:30, before work.\n' });
    assert.is(added.code, 0, added.stderr);
    const id = addItem(home, 'Research what moves IELTS writing bands and update the goal.', 'tutor');
    const t = await tick(home, server);
    assert.is(t.code, 0, t.stderr + t.stdout);

    const tools = server.requests[0]!.body.tools.map((x: any) => x.name);
    assert.ok(tools.includes('read_memory') && tools.includes('edit_goal'), tools.join(', '));
    const [topic, missing] = results(server.requests[1]!.body);
    assert.match(topic!.content, /^memory\/prefers-mornings\.md:\n---\n[\s\S]*between 06:30 and 07:30, before work/);
    assert.ok(missing!.is_error);
    assert.match(missing!.content, /no memory "no-such-topic": there is no memory\/no-such-topic\.md/);

    const [notes, heading, foreign] = results(server.requests[2]!.body);
    assert.match(notes!.content, /Added to "## Research notes" of goals\/ielts-writing\.md/);
    assert.ok(heading!.is_error);
    assert.match(heading!.content, /may not contain a heading of level 1 or 2 .*"## History"/);
    assert.ok(foreign!.is_error);
    assert.match(foreign!.content, /^refused: /);
    assert.match(results(server.requests[3]!.body)[0]!.content, /Rewrote "## Plan"/);

    const goal = read(home, 'goals/ielts-writing.md');
    const body = goal.slice(goal.indexOf('\n---\n', 4));
    assert.match(body, /## Plan\nDaily Task 2 essay, then rewrite the weakest paragraph\.\n\n### Changed drill\nTimed rewrites\.\n\n## Research notes\n/);
    assert.not.match(body, /Weeks 1–4/, 'the plan was replaced');
    assert.match(body, /Evidence to be gathered by the researcher before week 2\.\n\n- Self-scoring against the descriptors moves bands fastest/);
    assert.match(body, /\n## History\n- 2026-11-21 goal created/);
    assert.is(body.match(/^## History$/gm)!.length, 1);
    assert.ok(doneFile(home, id), 'the item was handled');
    assert.is(git(home, ['status', '--porcelain']).trim(), '', 'the run committed the goal and the log');
    assert.match(git(home, ['log', '-1', '--format=%an', '--', 'goals/ielts-writing.md']), /^tutor/);
    const doctor = aos(['goal', 'show', 'ielts-writing', '--home', home], { env });
    assert.is(doctor.code, 0, doctor.stderr);
  });
});

test.run();
