// Issue 14 item 7: a run killed with turns already recorded resumes from its record instead of
// starting over (and paying for those turns again). The built CLI killed with SIGKILL at the worst
// points, the real Anthropic SDK against the fake Messages API, real git, real bubblewrap. Before the
// fix the next tick sent the task alone again and re-bought every turn.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, read, write } from '../helpers.js';
import { addItem, commitsWith, doneFile, envFor, runIdOf, tick, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';

function spawnTick(home: string, server: FakeServer) {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

const hashOf = (messages: unknown) => createHash('sha256').update(JSON.stringify(messages)).digest('hex');
const recordOf = (run: string) => `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`;

test('SIGKILL after two recorded turns, the third request in flight: the next tick resumes from the record and asks nothing twice', async () => {
  await withModel({
    replies: [{ tools: [{ name: 'note', input: { text: 'step one noted' } }] }, { tools: [{ name: 'note', input: { text: 'step two noted' } }] }, { hang: true }],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    const id = addItem(home, 'a three-step task', 'chief');
    const { child, exited } = spawnTick(home, server);
    // The third request is sent only once the record holds both turns and their results.
    await server.waitForRequests(3, 60_000);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const before = server.requests.map((q) => hashOf(q.body.messages));
    assert.is(new Set(before).size, 3);

    server.push({ text: 'all three steps done' });
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /interrupted/);
    assert.match(r.stdout, /resumes from its 2 recorded turns/);
    assert.is(server.requests.length, 4, 'one more call, for the turn that was never answered');
    const resumed = server.requests[3]!.body.messages;
    assert.is(resumed.length, 5, 'the task, two turns and their results');
    assert.is(hashOf(resumed), before[2], 'the same conversation as the request cut off');
    assert.not.ok([before[0], before[1]].includes(hashOf(resumed)), 'no answered request repeated');

    const done = doneFile(home, id)!;
    assert.match(read(home, done), /all three steps done/);
    assert.match(read(home, done), /attempts: 1/, 'the crash counts as an attempt, so a run that keeps crashing stops');
    const first = commitsWith(home, 'Aos-Kind: recover');
    assert.is(first.length, 1);
    const crashed = /Aos-Run: (\S+)/.exec(git(home, ['log', '-1', '--format=%B', first[0]!]))![1]!;
    assert.match(read(home, recordOf(crashed)), /outcome: checkpoint/);
    assert.match(read(home, recordOf(runIdOf(home, done))), new RegExp(`resumes: ${crashed}`));
    // Each note was written once: nothing of the first two turns ran again.
    const log = git(home, ['grep', '-h', '-e', 'step one noted', '-e', 'step two noted', 'HEAD', '--', 'logs/20*']).split('\n').filter(Boolean);
    assert.is(log.length, 2, log.join('\n'));
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

const WORKER = `---
name: Worker
role: Does things with files and the shell.
capabilities:
  - "file:notes/**:read,write"
  - "shell:sleep:execute"
---
You are the worker.
`;

test('SIGKILL while tool calls run: side effects are not repeated (the model is told to check), a read is done again', async () => {
  await withModel({
    replies: [
      {
        tools: [
          { name: 'write_file', input: { path: 'notes/out.md', content: 'written by the model\n' } },
          { name: 'read_file', input: { path: 'notes/in.md' } },
          { name: 'run_shell', input: { command: 'sleep 20' } },
        ],
      },
    ],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    write(home, 'agents/worker.md', WORKER);
    write(home, 'notes/in.md', 'the input the model reads\n');
    git(home, ['add', 'agents/worker.md', 'notes/in.md']);
    git(home, ['commit', '-qm', 'worker']);
    const id = addItem(home, 'write, read, then wait', 'worker');
    const { child, exited } = spawnTick(home, server);
    await server.waitForRequests(1, 60_000);
    // write_file has run and the shell is on its way: none of the three results is recorded yet.
    for (let i = 0; i < 300 && !existsSync(join(home, 'notes/out.md')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(join(home, 'notes/out.md')));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    // The owner fixes the file after the crash: a repeated write would undo it.
    write(home, 'notes/out.md', 'fixed by the owner\n');

    server.push({ text: 'checked: the file is there' });
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /cut off \(write_file, run_shell\) are not repeated/);
    assert.is(server.requests.length, 2);
    const messages = server.requests[1]!.body.messages;
    assert.is(messages.length, 3, 'the task, the turn, the results');
    const results = messages[2].content as { tool_use_id: string; content: string; is_error?: boolean }[];
    const calls = messages[1].content as { id: string; name: string }[];
    const resultOf = (name: string) => results.find((x) => x.tool_use_id === calls.find((c) => c.name === name)!.id)!;
    assert.ok(resultOf('write_file').is_error);
    assert.match(resultOf('write_file').content, /not repeated: .*killed while this write_file call was under way/);
    assert.match(resultOf('run_shell').content, /not repeated/);
    assert.not.ok(resultOf('read_file').is_error);
    assert.match(resultOf('read_file').content, /the input the model reads/);
    assert.is(read(home, 'notes/out.md'), 'fixed by the owner\n', 'the write was not run again');
    assert.match(read(home, doneFile(home, id)!), /checked: the file is there/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test.run();
