// The command provider against real child processes: small node scripts in tests/fixtures that echo,
// sleep, fail, answer like `claude -p --output-format json`, or print nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandProvider, renderPrompt, scrubEnv, type CommandTurn } from '../../cli/model/command.js';
import { ModelError, type ModelRequest } from '../../cli/core/runs/transcript.js';
import { ROOT, tempDir } from '../helpers.js';

const fixture = (name: string) => join(ROOT, 'tests', 'fixtures', name);
const NODE = process.execPath;

function provider(script: string, extra: string[] = [], over: Partial<Parameters<typeof createCommandProvider>[0]> = {}) {
  return createCommandProvider({ argv: [NODE, fixture(script), ...extra], timeoutMs: 20_000, cwd: ROOT, vars: process.env, ...over });
}

const request: ModelRequest = {
  model: 'ignored-by-commands',
  system: { stable: 'You are the researcher.\nAnswer with sources.', dynamic: 'Today is 2026-11-21.' },
  tools: [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object' } }],
  messages: [
    { role: 'user', content: 'Find trains Lisbon → Porto.' },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking the notes.' },
        { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'notes/travel.md' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: 'Prefers the 08:39.\n' },
        { type: 'tool_result', tool_use_id: 'toolu_02', content: 'no such file', is_error: true },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'The coder replied: the site is up.' }] },
  ],
  maxTokens: 1000,
};

async function failure(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, ModelError);
    return err as ModelError;
  }
  assert.unreachable('expected a ModelError');
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// renderPrompt

test('renderPrompt: system, the no-tools note, the conversation as sections, the closing instruction', () => {
  const prompt = renderPrompt(request);
  const expected = [
    'You are the researcher.\nAnswer with sources.',
    'Today is 2026-11-21.',
    'Tools are not available in this mode: you cannot read or write files, run commands, fetch pages or call any tool the instructions mention. Answer from what is written here; if that is not enough, say what you would need.',
    '# Conversation',
    '## Owner\n\nFind trains Lisbon → Porto.',
    '## You (earlier)\n\nChecking the notes.\n\n(You called the tool read_file (toolu_01) with {"path":"notes/travel.md"}.)',
    '## Tool result: read_file (toolu_01)\n\nPrefers the 08:39.',
    '## Tool result: a tool (toolu_02), an error\n\nno such file',
    '## Owner\n\nThe coder replied: the site is up.',
    '---',
    'Reply to the last message above, as the instructions at the top describe. Write only your reply: it is passed on exactly as you write it.',
  ].join('\n\n') + '\n';
  assert.fixture(prompt, expected);
  // The tools are not described to a command brain, only declared unavailable.
  assert.not.match(prompt, /Read a file/);
});

test('renderPrompt: an empty dynamic part and empty messages leave no holes', () => {
  const prompt = renderPrompt({ ...request, system: { stable: 'Be brief.', dynamic: '  ' }, tools: [], messages: [{ role: 'user', content: '' }] });
  assert.ok(prompt.startsWith('Be brief.\n\nTools are not available in this mode'));
  assert.match(prompt, /\n## Owner\n\n\(empty\)\n\n---\n\n/);
  assert.not.match(prompt, /\n\n\n/);
});

test('renderPrompt is pure: same request, same text', () => {
  assert.is(renderPrompt(request), renderPrompt(structuredClone({ ...request, signal: undefined })));
});

// ---------------------------------------------------------------------------------------------
// Real processes

test('the brain reads the prompt on stdin; its stdout is the answer', async () => {
  const streamed: string[] = [];
  const p = provider('brain-echo.mjs');
  assert.is(p.name, 'command');
  assert.is(p.model, NODE);
  const turn = await p.call({ ...request, onText: (t) => streamed.push(t) });
  assert.is((turn.content[0] as { text: string }).text, renderPrompt(request).trim());
  assert.is(turn.content.length, 1);
  assert.is(turn.stop, 'end_turn');
  assert.equal(turn.usage, { input: 0, output: 0, cache_read: 0, cache_write: 0 });
  assert.is(turn.model, NODE);
  assert.equal(streamed, [renderPrompt(request).trim()]);
  assert.is((turn as CommandTurn).costUsd, undefined);
});

test('the answer is trimmed, and the model is named as configured', async () => {
  const turn = await provider('brain-echo.mjs', ['padded'], { model: 'llama3.1' }).call(request);
  assert.equal(turn.content, [{ type: 'text', text: 'The answer is 42.' }]);
  assert.is(turn.model, 'llama3.1');
});

test('a JSON answer without `result` is plain text', async () => {
  const turn = await provider('brain-echo.mjs', ['plainjson']).call(request);
  assert.equal(turn.content, [{ type: 'text', text: '{"answer": 42}' }]);
});

test('the environment is scrubbed and the cwd is the one given', async () => {
  const cwd = tempDir('aos-brain-cwd-');
  const vars = {
    PATH: process.env.PATH,
    HOME: '/home/tess',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'xterm',
    TMPDIR: '/tmp',
    USER: 'tess',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    OPENAI_API_KEY: 'sk-openai',
    GH_TOKEN: 'ghp_x',
    AWS_SECRET_ACCESS_KEY: 'nope',
    NODE_OPTIONS: '--require=/tmp/evil.js',
    GIT_DIR: '/elsewhere',
    ANTHROPIC_BASE_URL: 'http://example.invalid',
    UNSET_API_KEY: undefined,
  };
  const turn = await provider('brain-echo.mjs', ['env'], { cwd, vars }).call(request);
  const seen = JSON.parse((turn.content[0] as { text: string }).text) as { cwd: string; env: Record<string, string> };
  assert.is(realpathSync(seen.cwd), realpathSync(cwd));
  assert.equal(Object.keys(seen.env).sort(), ['ANTHROPIC_API_KEY', 'GH_TOKEN', 'HOME', 'LANG', 'LC_ALL', 'OPENAI_API_KEY', 'PATH', 'TERM', 'TMPDIR', 'USER']);
  assert.is(seen.env.ANTHROPIC_API_KEY, 'sk-ant-test');
  assert.equal(scrubEnv({ Path: 'x', lc_ctype: 'y', MY_TOKEN_FILE: 'z', TOKEN: 'w' }), { Path: 'x', lc_ctype: 'y' });
});

test("claude -p --output-format json: the result is the answer; usage and cost are kept", async () => {
  const turn = (await provider('brain-claude.mjs').call(request)) as CommandTurn;
  assert.equal(turn.content, [{ type: 'text', text: `Lisbon → Porto: take the 08:39 Alfa Pendular. (prompt was ${renderPrompt(request).length} chars)` }]);
  assert.equal(turn.usage, { input: 1500, output: 42, cache_read: 3000, cache_write: 200 });
  assert.is(turn.costUsd, 0.0123);
  assert.is(turn.stop, 'end_turn');
});

test('claude reporting is_error is a retryable failure', async () => {
  const err = await failure(provider('brain-claude.mjs', ['error']).call(request));
  assert.is(err.kind, 'failed');
  assert.is(err.retryable, true);
  assert.match(err.message, /reported an error: error_max_turns/);
});

// brain-sleep.mjs answers only after 60 s. A call that ends well before that was stopped, not waited
// out: the bound is that far from the sleep so a loaded machine cannot reach it, whatever its speed.
const WAITED_OUT_MS = 30_000;

/** The brain's pid from its marker file, or undefined if it was stopped before it wrote one. */
function brainPid(marker: string): number | undefined {
  const m = existsSync(marker) ? /^pid (\d+)$/m.exec(readFileSync(marker, 'utf8')) : null;
  return m ? Number(m[1]) : undefined;
}

/** Whether a process with this pid still exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The brain behind a finished call is gone and never reached its answer (if it got as far as starting). */
function assertStopped(marker: string, what: string): void {
  const pid = brainPid(marker);
  if (pid !== undefined) assert.not.ok(alive(pid), `${what}: the brain (pid ${pid}) is still running`);
  assert.not.match(existsSync(marker) ? readFileSync(marker, 'utf8') : '', /too late/, `${what}: the brain was waited out`);
}

test('a brain that does not answer in time: timeout, retryable, and it is killed promptly', async () => {
  const marker = join(tempDir(), 'brain-state');
  const started = Date.now();
  const err = await failure(provider('brain-sleep.mjs', ['patient', marker], { timeoutMs: 300 }).call(request));
  const took = Date.now() - started;
  assert.is(err.kind, 'timeout');
  assert.is(err.retryable, true);
  assert.match(err.message, /did not answer within 0\.3 s/);
  assertStopped(marker, 'after the timeout');
  assert.ok(took < WAITED_OUT_MS, `took ${took} ms`);
});

test('a brain that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
  // The stop is sent only once the brain has its SIGTERM handler: a fixed timeout could fire while
  // node is still starting, and the default SIGTERM action would end it at once.
  const marker = join(tempDir(), 'brain-state');
  const ctl = new AbortController();
  const call = failure(provider('brain-sleep.mjs', ['stubborn', marker]).call({ ...request, signal: ctl.signal }));
  while (!(existsSync(marker) && readFileSync(marker, 'utf8').includes('ready'))) await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  ctl.abort();
  const err = await call;
  assert.is(err.kind, 'timeout');
  const took = Date.now() - started;
  assert.match(readFileSync(marker, 'utf8'), /ignoring SIGTERM/, 'the SIGTERM came and was ignored');
  // Ignoring SIGTERM, it could only end by the SIGKILL (or by waiting out its sleep, which it did not).
  assertStopped(marker, 'after SIGTERM and the grace period');
  assert.ok(took >= 2000, `SIGKILL came ${took} ms after SIGTERM, before the 2 s grace period`);
  assert.ok(took < WAITED_OUT_MS, `took ${took} ms`);
});

test("the caller's signal cancels the call: timeout, not retryable", async () => {
  const marker = join(tempDir(), 'brain-state');
  const ctl = new AbortController();
  const started = Date.now();
  setTimeout(() => ctl.abort(), 200);
  const err = await failure(provider('brain-sleep.mjs', ['patient', marker]).call({ ...request, signal: ctl.signal }));
  assert.is(err.kind, 'timeout');
  assert.is(err.retryable, false);
  assert.match(err.message, /time budget/);
  assertStopped(marker, 'after the cancel');
  assert.ok(Date.now() - started < WAITED_OUT_MS);
  const already = await failure(provider('brain-echo.mjs').call({ ...request, signal: AbortSignal.abort() }));
  assert.is(already.retryable, false);
});

test('a program that is not installed: failed, not retryable, names it and model.command', async () => {
  const p = createCommandProvider({ argv: ['aos-no-such-brain-7f3e', '-p'], timeoutMs: 5000, cwd: ROOT, vars: process.env });
  assert.is(p.model, 'aos-no-such-brain-7f3e');
  const err = await failure(p.call(request));
  assert.is(err.kind, 'failed');
  assert.is(err.retryable, false);
  assert.match(err.message, /"aos-no-such-brain-7f3e" was not found/);
  assert.match(err.message, /model\.command in aos\.yaml/);
});

test('a non-zero exit: failed, retryable, with the last lines of stderr (even when stdin was never read)', async () => {
  const big = { ...request, messages: [{ role: 'user' as const, content: 'x'.repeat(500_000) }] };
  const err = await failure(provider('brain-fail.mjs').call(big));
  assert.is(err.kind, 'failed');
  assert.is(err.retryable, true);
  assert.match(err.message, /exited with code 3: stderr line 6 \| .* \| stderr line 10: quota exhausted$/);
  assert.not.match(err.message, /stderr line 5\b/);
});

test('no answer on stdout: malformed, retryable', async () => {
  const err = await failure(provider('brain-silent.mjs').call(request));
  assert.is(err.kind, 'malformed');
  assert.is(err.retryable, true);
  assert.match(err.message, /printed no answer/);
});

test('more than 1 MB of output: malformed, not retryable', async () => {
  const err = await failure(provider('brain-echo.mjs', ['flood']).call(request));
  assert.is(err.kind, 'malformed');
  assert.is(err.retryable, false);
  assert.match(err.message, /more than 1,000,000 bytes/);
});

test('an empty command is refused when the provider is made', () => {
  assert.throws(() => createCommandProvider({ argv: [], timeoutMs: 1000, cwd: ROOT, vars: {} }), /model\.command in aos\.yaml is empty/);
});

test.run();
