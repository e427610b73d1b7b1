// The tick end to end: the built CLI in real processes, the real Anthropic SDK against a fake
// Messages API on 127.0.0.1, real git. Faults are real too: HTTP errors, hangs, SIGKILL.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, ROOT, aosAsync, git, read, write, tempDir } from '../helpers.js';
import { CHIEF, RESEARCHER, modelHome, envFor, tick, addItem, doneFile, commitsWith, runIdOf, withModel } from '../model-helpers.js';
import { type FakeServer } from '../fake-anthropic.js';

test('nothing due: no model call and no commit', async () => {
  await withModel({}, async ({ server, home }) => {
    const head = git(home, ['rev-parse', 'HEAD']);
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 0);
    assert.is(git(home, ['rev-parse', 'HEAD']), head);
  });
});

test('an answer: item to done with its result, run record, log entry, one commit by the agent with trailers', async () => {
  await withModel({ replies: [{ text: 'Three trains: 08:39, 09:09, 10:09.', usage: { input_tokens: 1200, output_tokens: 40, cache_read_input_tokens: 800 } }] }, async ({ server, home }) => {
    const id = addItem(home, 'Find three trains from Lisbon to Porto on Saturday morning.');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /done\s+\S+ by researcher/);
    // Routed by the hint "find *"; the stable prefix is marked for caching.
    const body = server.requests[0]!.body;
    assert.match(JSON.stringify(body.system[0]), /cache_control/);
    assert.match(body.system[0].text, /You are the researcher/);
    assert.match(body.messages[0].content, /Find three trains/);
    const done = doneFile(home, id)!;
    assert.ok(done, 'item moved to done');
    assert.not.ok(existsSync(join(home, `inbox/${id}.md`)));
    const text = read(home, done);
    assert.match(text, /status: done/);
    assert.match(text, /handled_by: researcher/);
    assert.match(text, /## Result\n\nThree trains: 08:39/);
    const run = runIdOf(home, done);
    const record = read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`);
    assert.match(record, /outcome: done/);
    assert.match(record, /usage: \{ input: 1200, output: 40, cache_read: 800, cache_write: 0 \}/);
    assert.match(record, /cost_usd: 0\.00/);
    const log = git(home, ['log', '-1', '--format=%an <%ae>%n%B']);
    assert.match(log, /^researcher <researcher@aos\.invalid>/);
    for (const t of [`Aos-Run: ${run}`, 'Aos-Agent: researcher', 'Aos-Kind: tick', `Aos-Item: ${id}`, 'Aos-Usage: in=1200 out=40 cache_read=800']) assert.match(log, t);
    assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');
    const day = readdirSync(join(home, 'logs')).filter((d) => /^\d{4}$/.test(d));
    assert.ok(day.length);
    assert.match(git(home, ['grep', '-h', '· tick · researcher ·', 'HEAD', '--', 'logs']), new RegExp(run));
  });
});

test('tools: a granted write is committed with the run; refused writes reach nothing; ungranted tools are not offered', async () => {
  await withModel({ replies: [
    {
      tools: [
        { name: 'write_file', input: { path: 'notes/trains.md', content: '# Trains\n08:39\n' } },
        { name: 'write_file', input: { path: '.git/config', content: 'x' } },
        { name: 'write_file', input: { path: 'agents/chief.md', content: 'x' } },
        { name: 'write_file', input: { path: 'notes/../aos.yaml', content: 'x' } },
      ],
    },
    { text: 'Saved the trains to notes/trains.md.' },
  ] }, async ({ server, home }) => {
    const id = addItem(home, 'Save the train times', 'chief');
    const config = read(home, '.git/config');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(read(home, 'notes/trains.md'), '# Trains\n08:39\n');
    assert.is(read(home, '.git/config'), config);
    assert.is(read(home, 'agents/chief.md'), CHIEF);
    const results = server.requests[1]!.body.messages[2].content;
    assert.is(results.length, 4);
    assert.not.ok(results[0].is_error);
    for (const i of [1, 2, 3]) assert.ok(results[i].is_error, `result ${i} is an error: ${results[i].content}`);
    assert.match(results[1].content, /\.git is never writable/);
    assert.match(results[3].content, /\.\./);
    assert.match(git(home, ['show', '--stat', '--format=%an', 'HEAD']), /^chief[\s\S]*notes\/trains\.md/);
    assert.ok(doneFile(home, id));
    const chiefTools = server.requests[0]!.body.tools.map((t: { name: string }) => t.name);
    assert.ok(chiefTools.includes('write_file') && chiefTools.includes('delegate'));
    assert.not.ok(chiefTools.includes('send_message'), 'no inbox or message grant, no send_message');
  });
});

test('a 429 with retry-after is retried inside the tick and the item is answered', async () => {
  await withModel({ replies: [{ status: 429, headers: { 'retry-after': '0' } }, { text: 'Done after a retry.' }], model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 2' }, async ({ server, home }) => {
    const id = addItem(home, 'Anything', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 2);
    assert.match(read(home, doneFile(home, id)!), /Done after a retry/);
  });
});

// [fault, script, reason, model.timeout_seconds]: only the hang needs a short timeout; the others get
// a long one, so a loaded machine answering slowly is not mistaken for the fault under test.
const faults: [string, object[], RegExp, number][] = [
  ['a 500', [{ status: 500 }], /500/, 30],
  ['malformed JSON', [{ raw: '{"type": "message", "content": [' }], /malformed|JSON|parse/i, 30],
  ['an unknown tool, three times', [{ tools: [{ name: 'rm_rf', input: {} }] }, { tools: [{ name: 'rm_rf', input: {} }] }, { tools: [{ name: 'rm_rf', input: {} }] }], /unknown tool "rm_rf"/, 30],
  ['invalid tool arguments, three times', [1, 2, 3].map(() => ({ tools: [{ name: 'write_file', input: { path: 42 } }] })), /invalid arguments for write_file/, 30],
  ['no answer before the timeout', [{ hang: true }], /did not answer within 1 s/, 1],
];

for (const [name, script, reason, timeout] of faults) {
  test(`fault: ${name} → recorded, retried on later ticks, then failed with the reason; other items go on`, async () => {
    await withModel({ whenEmpty: { status: 500 }, model: `provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: ${timeout}` }, async ({ server, home }) => {
      const bad = addItem(home, 'the bad one', 'chief');
      for (let attempt = 1; attempt <= 3; attempt++) {
        server.push(...(script as never[]));
        if (attempt === 1) server.push({ text: 'the other item is fine' } as never);
        if (attempt === 1) addItem(home, 'find the good one');
        const r = await tick(home, server);
        const item = read(home, `inbox/${bad}.md`);
        assert.match(item, new RegExp(`attempts: ${attempt}`));
        assert.match(item, reason, item);
        if (attempt < 3) {
          assert.is(r.code, 0, r.stderr);
          assert.match(item, /status: new/);
        } else {
          assert.is(r.code, 1, 'a final failure needs the owner');
          assert.match(item, /status: failed/);
          assert.match(r.stderr, /failed: /);
        }
        if (attempt === 1) assert.match(r.stdout, /done\s+\S+ by researcher/, 'the other item was answered in the same tick');
      }
      const run = runIdOf(home, `inbox/${bad}.md`);
      assert.match(read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`), /outcome: failed/);
      assert.is(git(home, ['status', '--porcelain']), '');
      // A failed item is left alone by later ticks.
      const before = server.requests.length;
      assert.is((await tick(home, server)).code, 0);
      assert.is(server.requests.length, before);
    });
  });
}

function spawnTick(home: string, server: FakeServer) {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

test('SIGKILL during the model call: the next tick takes over, records the interruption, and runs the item once more', async () => {
  await withModel({ replies: [{ hang: true }], model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 30' }, async ({ server, home }) => {
    const id = addItem(home, 'a long question', 'chief');
    const { child, exited } = spawnTick(home, server);
    await server.waitForRequests(1, 60_000);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    assert.ok(existsSync(join(home, '.aos/lock')), 'the dead tick left its lock');
    server.push({ text: 'answered on the second try' });
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /took over a stale lock/);
    assert.match(r.stdout, /interrupted/);
    const done = read(home, doneFile(home, id)!);
    assert.match(done, /answered on the second try/);
    assert.match(done, /attempts: 1/);
    assert.is(commitsWith(home, `Aos-Item: ${id}`).length, 2, 'one commit for the interrupted run, one for the answer');
    assert.is(git(home, ['status', '--porcelain']), '');
    assert.match(git(home, ['log', '--format=%B', '-n', '2']), /Aos-Kind: recover/);
  });
});

test('SIGKILL during the commit: the next tick clears git, finishes that commit once, and loses nothing', async () => {
  await withModel({ replies: [{ text: 'the answer before the crash' }] }, async ({ server, home }) => {
    const id = addItem(home, 'a question', 'chief');
    const started = join(tempDir(), 'hook-started');
    // The commit's own hook stalls, so the kill lands while git holds the index lock.
    write(home, '.git/hooks/pre-commit', `#!/bin/sh\ntouch '${started}'\nsleep 30\n`);
    chmodSync(join(home, '.git/hooks/pre-commit'), 0o755);
    const { child, exited } = spawnTick(home, server);
    for (let i = 0; i < 600 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(started), 'the commit started');
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    rmSync(join(home, '.git/hooks/pre-commit'));
    assert.ok(existsSync(join(home, '.git/index.lock')), 'git was killed holding its index lock');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /index\.lock/);
    assert.match(r.stdout, /finished the commit/);
    const done = doneFile(home, id)!;
    assert.match(read(home, done), /the answer before the crash/);
    const run = runIdOf(home, done);
    assert.is(commitsWith(home, `Aos-Run: ${run}`).length, 1, 'exactly one commit for the run');
    assert.is(server.requests.length, 1, 'the model was not asked again');
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('ten ticks at once: exactly one works and each item runs once', async () => {
  await withModel({ whenEmpty: { text: 'ok', delayMs: 150 } }, async ({ server, home }) => {
    const ids = [1, 2, 3].map((n) => addItem(home, `item ${n}`, 'chief'));
    const results = await Promise.all(Array.from({ length: 10 }, () => tick(home, server)));
    for (const r of results) assert.is(r.code, 0, r.stderr);
    const workers = results.filter((r) => /done\s/.test(r.stdout));
    assert.is(workers.length, 1, results.map((r) => r.stdout).join('\n---\n'));
    assert.ok(results.filter((r) => /another aos is working/.test(r.stdout)).length >= 1);
    assert.is(server.requests.length, 3);
    for (const id of ids) {
      assert.ok(doneFile(home, id), `${id} done`);
      assert.is(commitsWith(home, `Aos-Item: ${id}`).length, 1, `${id} committed once`);
    }
  });
});

test('a run out of time budget is checkpointed and resumes next tick from its record', async () => {
  await withModel({ replies: [{ tools: [{ name: 'note', input: { text: 'first step done' } }], delayMs: 2500 }] }, async ({ server, home }) => {
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('budget_seconds: 240', 'budget_seconds: 2'));
    git(home, ['commit', '-qam', 'short budget']);
    const id = addItem(home, 'a two-step task', 'chief');
    const r1 = await tick(home, server);
    assert.is(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /checkpoint/);
    const item = read(home, `inbox/${id}.md`);
    assert.match(item, /status: new/);
    const cp = /^checkpoint: (r-\S+)$/m.exec(item)![1]!;
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('budget_seconds: 2', 'budget_seconds: 240'));
    server.push({ text: 'both steps done' });
    const r2 = await tick(home, server);
    assert.is(r2.code, 0, r2.stderr);
    const resumed = server.requests[1]!.body.messages;
    assert.is(resumed.length, 3, 'task, the first turn and its tool result');
    assert.is(resumed[1].content[0].name, 'note');
    const done = read(home, doneFile(home, id)!);
    assert.match(done, /both steps done/);
    const run = runIdOf(home, doneFile(home, id)!);
    assert.match(read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`), new RegExp(`resumes: ${cp}`));
  });
});

test('delegation: the parent waits, the child runs, the parent resumes with its result; a loop is stopped', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'delegate', input: { to: 'researcher', task: 'Find the fastest train.' } }] },
    { text: 'Waiting for the researcher.' },
    { tools: [{ name: 'delegate', input: { to: 'chief', task: 'You do it.' } }] },
    { text: 'The 08:39 is fastest (2h49).' },
    { text: 'Final: take the 08:39.' },
  ] }, async ({ server, home }) => {
    const id = addItem(home, 'Plan my Saturday trip', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 5, r.stdout);
    assert.match(JSON.stringify(server.requests[3]!.body.messages), /delegation loop: chief → researcher → chief/);
    assert.match(JSON.stringify(server.requests[4]!.body.messages), /The 08:39 is fastest/);
    const parent = read(home, doneFile(home, id)!);
    assert.match(parent, /Final: take the 08:39/);
    const child = /^children:\n\s+- (\S+)/m.exec(parent)![1]!;
    const childText = read(home, doneFile(home, child)!);
    assert.match(childText, /from: chief/);
    assert.match(childText, /kind: delegation/);
    assert.match(childText, new RegExp(`parent: ${id}`));
    assert.match(git(home, ['grep', '-h', '· refused · researcher', 'HEAD', '--', 'logs']), /refused/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test("an agent's daily token budget: spent budget means its items wait for tomorrow", async () => {
  await withModel({ whenEmpty: { text: 'ok', usage: { input_tokens: 600, output_tokens: 10 } } }, async ({ server, home }) => {
    write(home, 'agents/chief.md', CHIEF.replace('max_turns: 6', 'max_turns: 6\n  tokens_per_day: 500'));
    const a = addItem(home, 'first', 'chief');
    const b = addItem(home, 'second', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 1);
    assert.ok(doneFile(home, a));
    assert.match(r.stdout, new RegExp(`${b}: chief's daily token budget \\(500\\) is spent`));
    assert.match(read(home, `inbox/${b}.md`), /status: new/);
  });
});

test('without a model the tick does what needs none and says which items wait and how to configure one', async () => {
  const home = modelHome('', 'provider: none');
  const id = addItem(home, 'something', 'chief');
  write(home, 'notes/hand.md', 'a hand edit\n');
  const r = await tick(home);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${id}: waits for a model`));
  assert.match(r.stdout, /model\.provider in aos\.yaml/);
  assert.match(read(home, `inbox/${id}.md`), /status: new/);
  assert.match(git(home, ['log', '-1', '--format=%B']), /Aos-Kind: owner-edit/);
});

test('schedules: a due slot becomes one inbox item, and a second tick does not repeat it', async () => {
  const home = modelHome('', 'provider: none');
  write(home, 'agents/researcher.md', RESEARCHER.replace('capabilities:', 'schedule:\n  - cron: "0 0 * * *"\n    task: Daily sweep.\n    missed: once\ncapabilities:'));
  // The home was made two days ago, so last midnight's slot is due (slots before aos init never fire).
  write(home, '.aos/created', new Date(Date.now() - 2 * 86_400_000).toISOString() + '\n');
  const r1 = await tick(home);
  assert.is(r1.code, 0, r1.stderr);
  const made = readdirSync(join(home, 'inbox')).filter((f) => /^\d{8}T000000-[a-z0-9]{6}\.md$/.test(f));
  assert.is(made.length, 1, r1.stdout);
  const text = read(home, `inbox/${made[0]}`);
  assert.match(text, /kind: schedule/);
  assert.match(text, /to: researcher/);
  assert.match(text, /Daily sweep\./);
  assert.match(git(home, ['log', '-1', '--format=%an%n%B']), /^researcher[\s\S]*Aos-Kind: schedule/);
  const r2 = await tick(home);
  assert.is(r2.code, 0, r2.stderr);
  assert.is(readdirSync(join(home, 'inbox')).filter((f) => /T000000-/.test(f)).length, 1);
});

test('aos run streams the answer and is recorded and committed like a tick run; runs lists it', async () => {
  await withModel({ replies: [{ text: 'Streamed answer, word by word.' }] }, async ({ server, home, env }) => {
    const r = await aosAsync(['run', 'researcher', 'What is the capital of Portugal?', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /Streamed answer, word by word\./);
    assert.is(server.requests[0]!.body.stream, true);
    assert.match(git(home, ['log', '-1', '--format=%an%n%B']), /^researcher[\s\S]*Aos-Kind: run/);
    const runs = await aosAsync(['runs', '--json', '--home', home], { env });
    const list = JSON.parse(runs.stdout).runs;
    assert.is(list.length, 1);
    assert.is(list[0].agent, 'researcher');
    assert.is(list[0].outcome, 'done');
  });
});

test('replay: the recorded turns replay with no divergence; an altered record diverges where it was altered; --live compares', async () => {
  await withModel({ replies: [{ tools: [{ name: 'read_file', input: { path: 'notes/facts.md' } }] }, { text: 'The fact is 42.' }] }, async ({ server, home, env }) => {
    write(home, 'notes/facts.md', 'The answer is 42.\n');
    const id = addItem(home, 'What is the fact?', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const run = runIdOf(home, doneFile(home, id)!);
    const r1 = await aosAsync(['replay', run, '--json', '--home', home], { env });
    assert.is(r1.code, 0, r1.stderr);
    const same = JSON.parse(r1.stdout);
    assert.is(same.divergedAt, null, r1.stdout);
    assert.is(same.replay_outcome, 'done');
    // A record from "an older aos" whose read gave a different result.
    const file = `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`;
    write(home, file, read(home, file).replace('The answer is 42.', 'The answer is 41.'));
    git(home, ['commit', '-qam', 'alter the record']);
    const r2 = await aosAsync(['replay', run, '--json', '--home', home], { env });
    const diff = JSON.parse(r2.stdout);
    assert.is(diff.divergedAt, 1, r2.stdout);
    assert.match(diff.reason, /tool results differ: read_file/);
    server.push({ tools: [{ name: 'list_files', input: { path: 'notes' } }] }, { text: 'The fact is 42.' });
    const r3 = await aosAsync(['replay', run, '--live', '--json', '--home', home], { env });
    const live = JSON.parse(r3.stdout);
    assert.is(live.divergedAt, 1, r3.stdout);
    assert.match(live.reason, /recorded read_file.*now list_files/);
    assert.is(git(home, ['worktree', 'list']).trim().split('\n').length, 1, 'the scratch worktree is gone');
  });
});

test('a command brain (any CLI) answers through the tick: prompt on stdin, answer on stdout', async () => {
  const brain = join(ROOT, 'tests/fixtures/brain-echo.mjs');
  const home = modelHome('', `provider: command\n  command: ["${process.execPath}", "${brain}", "padded"]\n  timeout_seconds: 20`);
  const id = addItem(home, 'What is six times seven?', 'chief');
  const r = await tick(home);
  assert.is(r.code, 0, r.stderr);
  const done = read(home, doneFile(home, id)!);
  assert.match(done, /## Result\n\nThe answer is 42\./);
  const run = runIdOf(home, doneFile(home, id)!);
  assert.match(read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`), /provider: command/);
  assert.match(git(home, ['log', '-1', '--format=%an%n%B']), /^chief[\s\S]*Aos-Outcome: done/);
});

test('a malformed capability disables only its agent, with a clear error; doctor names it and a damaged run record', async () => {
  await withModel({ replies: [{ text: 'the researcher is fine' }] }, async ({ server, home, env }) => {
    write(home, 'agents/chief.md', CHIEF.replace('"file:notes/**:read,write"', '"file:notes/**:read,obliterate"'));
    const a = addItem(home, 'for the chief', 'chief');
    const b = addItem(home, 'find the answer');
    const r = await tick(home, server);
    assert.is(r.code, 1, 'an invalid agent file needs the owner');
    assert.match(r.stderr, /agents\/chief\.md: capabilities: .*action "obliterate" is not one of read, write/);
    assert.match(r.stdout, new RegExp(`${a}: it is addressed to chief, which is disabled`));
    assert.ok(doneFile(home, b), 'the researcher still ran');
    assert.match(read(home, `inbox/${a}.md`), /status: new/);
    const run = runIdOf(home, doneFile(home, b)!);
    const file = `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`;
    write(home, file, read(home, file).replace(/^## 1 · model$/m, '## one · model'));
    const d = await aosAsync(['doctor', '--home', home], { env: envFor(undefined) });
    assert.is(d.code, 1);
    assert.match(d.stdout, /agents\/chief\.md: capabilities: .*obliterate/);
    assert.match(d.stdout, new RegExp(file.replace(/[.]/g, '\\.') + ':\\d+'));
  });
});

test('a message to the owner goes to the log and to the notify command', async () => {
  await withModel({ replies: [{ tools: [{ name: 'send_message', input: { to: 'owner', text: 'Your train leaves at 08:39.' } }] }, { text: 'Told the owner.' }] }, async ({ server, home }) => {
    const out = join(tempDir(), 'notified.txt');
    write(home, 'agents/chief.md', CHIEF.replace('capabilities:', 'capabilities:\n  - "inbox:owner:write"'));
    const script = "require('fs').writeFileSync(process.argv[1], process.argv[2])";
    write(home, 'aos.yaml', read(home, 'aos.yaml') + `\nnotify:\n  command: ${JSON.stringify([process.execPath, '-e', script, out])}\n`);
    addItem(home, 'When does my train leave?', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(readFileSync(out, 'utf8'), 'chief: Your train leaves at 08:39.');
    assert.match(git(home, ['grep', '-h', '-A1', '· message · chief', 'HEAD', '--', 'logs']), /Your train leaves at 08:39\./);
  });
});

test('delegate, then a failure: the retry does not delegate again and gets the child\'s result', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'delegate', input: { to: 'researcher', task: 'Look it up.' } }] },
    { status: 500 },
    { text: 'child result XYZ' },
  ] }, async ({ server, home }) => {
    const id = addItem(home, 'Plan the trip', 'chief');
    const r1 = await tick(home, server);
    assert.match(r1.stdout, /failed/);
    const child = /^children:\n\s+- (\S+)/m.exec(read(home, `inbox/${id}.md`))![1]!;
    assert.ok(doneFile(home, child), 'the child ran');
    server.push({ text: 'Final, with XYZ.' });
    const r2 = await tick(home, server);
    assert.is(r2.code, 0, r2.stderr);
    assert.is(server.requests.length, 4, 'no second delegation');
    assert.match(JSON.stringify(server.requests[3]!.body.messages), /child result XYZ/);
    assert.match(read(home, doneFile(home, id)!), /Final, with XYZ\./);
    assert.is(git(home, ['log', '--author=researcher', '--format=%s']).trim().split('\n').length, 1);
  });
});

test('delegate and finish in the same turn: the parent is still resumed with the result', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'delegate', input: { to: 'researcher', task: 'Look it up.' } }, { name: 'finish', input: { result: 'asked the researcher' } }] },
    { text: 'child result QRS' },
    { text: 'Final, with QRS.' },
  ] }, async ({ server, home }) => {
    const id = addItem(home, 'Plan the trip', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const last = server.requests[2]!.body.messages;
    assert.is(last[last.length - 1].role, 'user');
    assert.match(JSON.stringify(last[last.length - 1]), /child result QRS/);
    assert.match(read(home, doneFile(home, id)!), /Final, with QRS\./);
  });
});

test('hostile item fields: a bad or foreign checkpoint and made-up children are reported and cannot stall or leak', async () => {
  await withModel({ replies: [{ text: 'private chief transcript SECRET' }], whenEmpty: { text: 'fresh answer' } }, async ({ server, home }) => {
    const own = addItem(home, 'chief work', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const chiefRun = runIdOf(home, doneFile(home, own)!);
    const item = (id: string, extra: string) =>
      write(home, `inbox/${id}.md`, `---\nid: ${id}\nto: researcher\nstatus: waiting\n${extra}\n---\nfind something\n`);
    item('20261121T110000-bad1', 'checkpoint: nope');
    item('20261121T110001-bad2', `checkpoint: ${chiefRun}`);
    item('20261121T110002-bad3', 'children: ["../../../../etc/passwd", "ghost"]');
    const r = await tick(home, server);
    assert.is(r.code, 1, 'a bad checkpoint needs the owner');
    assert.match(r.stderr, /inbox\/20261121T110000-bad1\.md: checkpoint: expected a run of this item by researcher/);
    assert.match(r.stderr, /inbox\/20261121T110001-bad2\.md: checkpoint: .*record of .* by chief/);
    for (const id of ['20261121T110000-bad1', '20261121T110001-bad2', '20261121T110002-bad3']) assert.ok(doneFile(home, id), `${id} ran afresh`);
    assert.not.match(JSON.stringify(server.requests.slice(1).map((q) => q.body.messages)), /SECRET/);
    assert.match(JSON.stringify(server.requests.slice(1).map((q) => q.body.messages)), /ghost \(missing\)/);
  });
});

test("one agent's bad cron is that agent's problem: named, skipped, and the rest of the tick goes on", async () => {
  await withModel({ replies: [{ text: 'fine' }] }, async ({ server, home }) => {
    write(home, 'agents/researcher.md', RESEARCHER.replace('capabilities:', 'schedule:\n  - cron: "99 * * * *"\n    task: never\ncapabilities:'));
    const id = addItem(home, 'for the chief', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 1);
    assert.match(r.stderr, /agents\/researcher\.md: schedule\.0\.cron: expected a valid cron expression.*"99 \* \* \* \*"/);
    assert.ok(doneFile(home, id));
  });
});

test('context: the instructions and MEMORY.md are the cached prefix; the memories search ranks for the task follow', async () => {
  await withModel({ replies: [{ text: 'CrossBox.' }, { text: 'again' }] }, async ({ server, home }) => {
    write(home, 'memory/owner-gym.md', '---\ntitle: Owner gym\ntype: fact\ndescription: The owner trains at CrossBox in Alvalade\ncreated: 2026-11-01\n---\nCrossBox, Alvalade, Tuesdays and Fridays at 7.\n');
    write(home, 'memory/MEMORY.md', read(home, 'memory/MEMORY.md') + '- [Owner gym](owner-gym.md) — trains at CrossBox\n');
    addItem(home, 'Which gym do I train at, and when?', 'chief');
    addItem(home, 'Something else entirely about taxes', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const [a, b] = server.requests.map((q) => q.body.system);
    assert.match(a[0].text, /# Memory index[\s\S]*owner-gym\.md/);
    assert.match(a[1].text, /Tuesdays and Fridays at 7/);
    assert.not.match(b[1].text ?? '', /Tuesdays and Fridays/);
    assert.is(a[0].text, b[0].text, 'the stable prefix is byte-identical between runs');
  });
});

test.run();
