// Issue 20, message kinds: an event reaches exactly its subscribers, a broadcast is bounded by the
// sender's agent:broadcast cap, a response threads to its request, a stream collects its chunks in
// one item. Real processes, the real SDK against the fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, read, write } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';

const agent = (role: string, extra = '') => `---\nname: ${role.split(' ')[0]}\nrole: ${role}\n${extra}---\nYou are helpful.\n`;

/** scout sends; writer and editor subscribe to research topics; chief and researcher (model-helpers) subscribe to nothing. */
function roster(home: string, scoutCaps = ['agent:message', 'agent:broadcast{max:2}']): void {
  write(home, 'agents/scout.md', agent('Scouts the field.', `capabilities:\n${scoutCaps.map((c) => `  - "${c}"`).join('\n')}\n`));
  write(home, 'agents/writer.md', agent('Writes research notes.', 'subscribes: ["research.*"]\ncapabilities:\n  - "agent:message"\n'));
  write(home, 'agents/editor.md', agent('Edits research notes.', 'subscribes: ["research.done", "papers.**"]\n'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'roster']);
}

/** Every item, pending or done, as [file, text]. */
function allItems(home: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (rel: string) => {
    const dir = join(home, rel);
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && rel === 'inbox' && e.name !== 'done') continue;
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith('.md')) out.push([`${rel}/${e.name}`, read(home, `${rel}/${e.name}`)]);
    }
  };
  walk('inbox');
  return out;
}

/** The tool results the model was given, in order. */
function toolResults(server: FakeServer): { content: string; is_error?: boolean }[] {
  return server.requests.flatMap((q) => {
    const last = q.body.messages[q.body.messages.length - 1];
    return Array.isArray(last.content) ? last.content.filter((b: { type: string }) => b.type === 'tool_result') : [];
  });
}

const send = (input: Record<string, unknown>) => ({ tools: [{ name: 'send_message', input }] });

test('an event reaches exactly its two subscribers, one item each; a third agent gets nothing; an event nobody takes is logged', async () => {
  await withModel({ replies: [send({ kind: 'event', topic: 'research.done', text: 'The survey of batteries is finished.' }), send({ kind: 'event', topic: 'weather.rain', text: 'It rains.' }), { text: 'Announced.' }], whenEmpty: { text: 'Noted.' } }, async ({ server, home }) => {
    roster(home);
    addItem(home, 'Announce that the survey is finished', 'scout');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const events = allItems(home).filter(([, t]) => /^kind: event$/m.test(t));
    assert.is(events.length, 2, events.map(([f]) => f).join(', '));
    const to = events.map(([, t]) => /^to: (\S+)$/m.exec(t)![1]).sort();
    assert.equal(to, ['editor', 'writer']);
    for (const [file, t] of events) {
      assert.match(t, /^topic: research\.done$/m);
      assert.match(t, /^from: scout$/m);
      assert.match(t, /The survey of batteries is finished\./);
      assert.ok(file.startsWith('inbox/done/'), `${file}: the subscriber handled it in the same tick`);
    }
    // Nobody else: chief, researcher and the sender itself got no item and no run.
    assert.not.ok(allItems(home).some(([, t]) => /^to: (chief|researcher)$/m.test(t)));
    assert.is(server.requests.length, 5, 'scout three times, then writer and editor once each');
    const results = toolResults(server);
    assert.match(results[0]!.content, /Event research\.done sent to (writer|editor) \(.+\), (writer|editor) \(.+\)\./);
    assert.match(results[1]!.content, /No agent subscribes to weather\.rain: the event is logged/);
    const log = git(home, ['grep', '-h', 'no agent subscribes to it', 'HEAD', '--', 'logs/20*']);
    assert.match(log, /Event weather\.rain from scout: no agent subscribes/);
    assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');
  });
});

test('an agent cannot send under aos\'s own topics (item.*), so from: aos on item.done can be trusted', async () => {
  await withModel({ replies: [send({ kind: 'event', topic: 'item.done', text: 'fake' }), { text: 'ok' }] }, async ({ server, home }) => {
    roster(home);
    addItem(home, 'Pretend something finished', 'scout');
    await tick(home, server);
    const [res] = toolResults(server);
    assert.ok(res!.is_error);
    assert.match(res!.content, /item\.\* topics are aos's own events/);
    assert.is(allItems(home).filter(([, t]) => /^kind: event$/m.test(t)).length, 0);
  });
});

test("aos's own events: item.done reaches its subscriber once, from aos (not taken for a forgery), and handling it announces nothing more", async () => {
  await withModel({ replies: [{ text: 'The plan is written.' }], whenEmpty: { text: 'Noted the news.' } }, async ({ server, home }) => {
    roster(home);
    write(home, 'agents/watcher.md', agent('Watches progress.', 'subscribes: ["item.*"]\n'));
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'watcher']);
    const id = addItem(home, 'Write the plan', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const events = allItems(home).filter(([, t]) => /^kind: event$/m.test(t));
    assert.is(events.length, 1, 'one event, and none about the event item itself');
    const [file, text] = events[0]!;
    assert.match(text, /^topic: item\.done$/m);
    assert.match(text, /^from: aos$/m, 'kept as aos: its commit carries no run');
    assert.match(text, /^to: watcher$/m);
    assert.match(text, new RegExp(`^parent: ${id}$`, 'm'));
    assert.match(text, /The plan is written\./);
    assert.ok(file.startsWith('inbox/done/'), 'watcher handled it');
    assert.is(server.requests.length, 2);
    assert.match(git(home, ['log', '--format=%an %s', '--grep=Aos-Kind: event']), /^aos event item\.done/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('a broadcast beyond agent:broadcast{max:2} is refused with nothing filed; within the cap it files one item per agent', async () => {
  await withModel({ replies: [send({ to: '*', text: 'Meeting at noon.' }), send({ to: 'role:research', text: 'Notes due Friday.' }), { text: 'Told them.' }], whenEmpty: { text: 'ok' } }, async ({ server, home }) => {
    roster(home);
    addItem(home, 'Tell everyone', 'scout');
    const before = allItems(home).length;
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const [refused, sent] = toolResults(server);
    assert.ok(refused!.is_error, refused!.content);
    assert.match(refused!.content, /a broadcast to 4 agents is over the limit of 2 \("agent:broadcast\{max:2\}"\); nothing was sent/);
    assert.not.ok(allItems(home).some(([, t]) => t.includes('Meeting at noon.')), 'nothing of the refused broadcast was filed');
    assert.not.ok(sent!.is_error, sent!.content);
    const notes = allItems(home).filter(([, t]) => t.includes('Notes due Friday.'));
    assert.equal(notes.map(([, t]) => /^to: (\S+)$/m.exec(t)![1]).sort(), ['editor', 'writer'], 'role:research: the two agents whose role says research');
    assert.is(allItems(home).length, before + 2);
  });
});

test('without agent:broadcast a message to * is refused, naming the capability it needs', async () => {
  await withModel({ replies: [send({ to: '*', text: 'hello all' }), { text: 'ok' }] }, async ({ server, home }) => {
    roster(home, ['agent:message']);
    addItem(home, 'Say hello to all', 'scout');
    await tick(home, server);
    const [res] = toolResults(server);
    assert.ok(res!.is_error);
    assert.match(res!.content, /no capability grants agent:broadcast/);
    assert.not.ok(allItems(home).some(([, t]) => t.includes('hello all')));
  });
});

test('a response threads to its request (in_reply_to), and goes back to the request\'s sender', async () => {
  await withModel({
    replies: [send({ to: 'writer', kind: 'request', text: 'Summarise the survey in one line.' }), { text: 'Asked writer.' }, send({ kind: 'response', text: 'Batteries got 8% denser.' }), { text: 'Answered.' }],
    whenEmpty: { text: 'Thanks.' },
  }, async ({ server, home }) => {
    roster(home);
    addItem(home, 'Ask writer for a summary', 'scout');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const request = allItems(home).find(([, t]) => /^kind: request$/m.test(t));
    assert.ok(request, 'the request was filed');
    const requestId = /^id: (\S+)$/m.exec(request![1])![1]!;
    assert.match(request![1], /^to: writer$/m);
    const response = allItems(home).find(([, t]) => /^kind: response$/m.test(t));
    assert.ok(response, 'the response was filed');
    assert.match(response![1], new RegExp(`^in_reply_to: ${requestId}$`, 'm'));
    assert.match(response![1], /^from: writer$/m);
    assert.match(response![1], /^to: scout$/m);
    assert.match(response![1], /Batteries got 8% denser\./);
    assert.match(toolResults(server)[1]!.content, new RegExp(`in reply to ${requestId}`));
  });
});

test('a stream collects its chunks in one item, is not served while open, and its recipient handles it once when the final chunk closes it', async () => {
  await withModel({ replies: [send({ to: 'writer', kind: 'stream', text: 'Part one: cells.' }), { text: 'Started.' }] }, async ({ server, home }) => {
    roster(home);
    addItem(home, 'Start streaming the report to writer', 'scout');
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const open = allItems(home).filter(([, t]) => /^kind: stream$/m.test(t));
    assert.is(open.length, 1);
    const [file, text] = open[0]!;
    assert.match(text, /^status: streaming$/m);
    assert.is(server.requests.length, 2, 'the open stream was not given to writer');
    const stream = /^id: (\S+)$/m.exec(text)![1]!;
    assert.match(toolResults(server)[0]!.content, new RegExp(`Stream ${stream} opened for writer`));

    server.push(send({ kind: 'stream', stream, text: 'Part two: packs.' }), send({ kind: 'stream', stream, text: 'Part three: costs.', final: true }), { text: 'Finished the stream.' }, { text: 'Read all three parts.' });
    addItem(home, 'Finish the report stream', 'scout');
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr + r.stdout);
    const streams = allItems(home).filter(([, t]) => /^kind: stream$/m.test(t));
    assert.is(streams.length, 1, 'one file for the whole stream');
    assert.ok(doneFile(home, stream), 'writer handled it once it was closed');
    assert.not.ok(existsSync(join(home, file)));
    const body = read(home, doneFile(home, stream)!);
    const order = ['### Chunk 1 ·', 'Part one: cells.', '### Chunk 2 ·', 'Part two: packs.', '### Chunk 3 (final) ·', 'Part three: costs.'].map((s) => body.indexOf(s));
    assert.ok(order.every((n, i) => n >= 0 && (i === 0 || n > order[i - 1]!)), body);
    const writerRuns = server.requests.filter((q) => JSON.stringify(q.body.messages[0]).includes(stream));
    assert.is(writerRuns.length, 1, 'writer was asked once, with the whole stream');
    assert.match(JSON.stringify(writerRuns[0]!.body.messages[0]), /Part one: cells\.[\s\S]*Part two: packs\.[\s\S]*Part three: costs\./);
    // A closed stream takes no more chunks.
    assert.match(read(home, doneFile(home, stream)!), /^status: done$/m);
  });
});

test.run();
