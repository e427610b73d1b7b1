// CLI brains per agent (brain: in the front matter): the profiles' argv and output parsing as table
// tests, then real ticks whose agents think with small scripts that behave like claude, codex and
// ollama — one of them working through `aos mcp` under the tick's lock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brainArgv, brainSpec, MCP_SERVER, type BrainSpec, type McpLaunch } from '../../cli/core/agents/brains.js';
import { parseCodexEvents } from '../../cli/model/command.js';
import { AgentSchema } from '../../cli/core/docs/schemas.js';
import { validate } from '../../cli/core/docs/validate.js';
import { ModelError, type ModelTurn } from '../../cli/core/runs/transcript.js';
import { runLoop } from '../../cli/model/loop.js';
import { ROOT, aosAsync, bareEnv, git, newHome, read, write } from '../helpers.js';
import { modelHome, addItem, doneFile, runIdOf } from '../model-helpers.js';

const NODE = process.execPath;
const fixture = (name: string) => join(ROOT, 'tests', 'fixtures', name);
const spec = (over: Partial<BrainSpec> & Pick<BrainSpec, 'profile'>): BrainSpec => ({ program: [over.profile], args: [], mcp: false, ...over });
const launch: McpLaunch = { command: '/usr/bin/node', args: ['/opt/aos/dist/aos.js', 'mcp', '--home', '/h', '--agent', 'chief'] };

// ---- pure: profiles ----

test('brainSpec: the short form takes the profile defaults; mcp only where the profile supports it', () => {
  assert.equal(brainSpec('claude'), { profile: 'claude', program: ['claude'], args: [], mcp: true });
  assert.equal(brainSpec('ollama'), { profile: 'ollama', program: ['ollama'], args: [], mcp: false });
  assert.equal(brainSpec({ profile: 'codex', program: '/opt/codex', args: ['--oss'], mcp: false, timeout_seconds: 90 }), {
    profile: 'codex',
    program: ['/opt/codex'],
    args: ['--oss'],
    mcp: false,
    timeoutSeconds: 90,
  });
  assert.equal(brainSpec({ profile: 'claude', program: ['node', 'brain.mjs'] }), { profile: 'claude', program: ['node', 'brain.mjs'], args: [], mcp: true });
  assert.equal(brainSpec({ profile: 'ollama', mcp: true }), { error: "brain ollama cannot be given aos's tools over MCP (set mcp: false, or choose claude or codex)" });
});

test('brainArgv: each profile, with and without a model and aos mcp attached', () => {
  const config = JSON.stringify({ mcpServers: { aos: { type: 'stdio', command: launch.command, args: launch.args } } });
  const cases: [BrainSpec, { model?: string; mcp?: typeof launch }, string[] | { error: string }][] = [
    [spec({ profile: 'claude' }), {}, ['claude', '-p', '--output-format', 'json']],
    [spec({ profile: 'claude', mcp: true }), { model: 'claude-sonnet-4-6', mcp: launch }, ['claude', '-p', '--output-format', 'json', '--model', 'claude-sonnet-4-6', '--strict-mcp-config', '--mcp-config', config, '--allowedTools', 'mcp__aos']],
    // mcp: false wins over a launch being available.
    [spec({ profile: 'claude', args: ['--max-turns', '3'] }), { mcp: launch }, ['claude', '-p', '--output-format', 'json', '--max-turns', '3']],
    [
      spec({ profile: 'claude', mcp: true }),
      { mcp: { ...launch, env: { AOS_DEVICE: 'laptop' } } },
      ['claude', '-p', '--output-format', 'json', '--strict-mcp-config', '--mcp-config', JSON.stringify({ mcpServers: { aos: { type: 'stdio', command: launch.command, args: launch.args, env: { AOS_DEVICE: 'laptop' } } } }), '--allowedTools', 'mcp__aos'],
    ],
    [spec({ profile: 'codex' }), {}, ['codex', 'exec', '--json', '--sandbox', 'read-only', '-']],
    [
      spec({ profile: 'codex', mcp: true }),
      { mcp: { ...launch, env: { AOS_DEVICE: 'my "pc"' } } },
      ['codex', 'exec', '--json', '--sandbox', 'read-only', '-c', 'mcp_servers.aos.command="/usr/bin/node"', '-c', `mcp_servers.aos.args=${JSON.stringify(launch.args)}`, '-c', 'mcp_servers.aos.env.AOS_DEVICE="my \\"pc\\""', '-'],
    ],
    [
      spec({ profile: 'codex', mcp: true }),
      { model: 'gpt-5-codex', mcp: launch },
      ['codex', 'exec', '--json', '--sandbox', 'read-only', '-m', 'gpt-5-codex', '-c', 'mcp_servers.aos.command="/usr/bin/node"', '-c', `mcp_servers.aos.args=${JSON.stringify(launch.args)}`, '-'],
    ],
    [spec({ profile: 'ollama', program: ['env', 'OLLAMA_HOST=http://10.0.0.5:11434', 'ollama'] }), { model: 'llama3.1' }, ['env', 'OLLAMA_HOST=http://10.0.0.5:11434', 'ollama', 'run', 'llama3.1']],
    [spec({ profile: 'ollama' }), {}, { error: "brain ollama needs a model: set model: in the agent's front matter (e.g. model: llama3.1)" }],
  ];
  for (const [s, o, expected] of cases) assert.equal(brainArgv(s, o), expected, `${s.profile} ${JSON.stringify(o)}`);
  assert.is(MCP_SERVER, 'aos');
});

test('brain: in an agent file is validated: a profile name or the long form, nothing else', () => {
  const base = { name: 'Chief', role: 'Triages.' };
  assert.equal(validate(AgentSchema, { ...base, brain: 'claude' }, 'agents/chief.md').problems, []);
  assert.equal(validate(AgentSchema, { ...base, brain: { profile: 'codex', program: ['node', 'x.mjs'], mcp: false } }, 'agents/chief.md').problems, []);
  for (const bad of ['gpt', 42, { profile: 'gpt' }, { profile: 'claude', programme: 'x' }, { program: 'claude' }, { profile: 'claude', program: [] }, { profile: 'claude', timeout_seconds: 0 }]) {
    const { problems } = validate(AgentSchema, { ...base, brain: bad }, 'agents/chief.md');
    assert.ok(problems.length, `refused: ${JSON.stringify(bad)}`);
    assert.ok(problems.every((p) => p.field?.startsWith('brain')), JSON.stringify(problems));
  }
});

test('codex exec --json: the last agent message is the answer; usage sums the turns, cached input apart', () => {
  const lines = [
    '{"type":"thread.started","thread_id":"t1"}',
    'not json at all',
    '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"draft"}}',
    '{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":400,"output_tokens":50}}',
    '{"type":"item.completed","item":{"id":"i1","type":"agent_message","text":"  final answer \\n"}}',
    '{"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":0,"output_tokens":-5}}',
  ].join('\n');
  assert.equal(parseCodexEvents(lines, 'codex'), { text: 'final answer', usage: { input: 800, output: 50, cache_read: 400, cache_write: 0 } });
  const fail = (out: string) => {
    try {
      parseCodexEvents(out, 'codex');
    } catch (err) {
      assert.instance(err, ModelError);
      return err as ModelError;
    }
    throw new Error('expected a ModelError');
  };
  const failed = fail('{"type":"turn.failed","error":{"message":"stream disconnected"}}');
  assert.is(failed.kind, 'failed');
  assert.is(failed.message, 'codex reported an error: stream disconnected');
  assert.is(fail('plain text from an older codex').kind, 'malformed');
});

test('runLoop: the cost the brain reports is summed when every call reports it, else left to the price table', async () => {
  const turn = (costUsd: number | undefined, tool: boolean): ModelTurn => ({
    content: tool ? [{ type: 'tool_use', id: 't1', name: 'note', input: {} }] : [{ type: 'text', text: 'done' }],
    stop: tool ? 'tool_use' : 'end_turn',
    usage: { input: 10, output: 1, cache_read: 0, cache_write: 0 },
    model: 'm',
    ...(costUsd !== undefined ? { costUsd } : {}),
  });
  const cases: [(number | undefined)[], number | undefined][] = [
    [[0.1, 0.2], 0.3],
    [[0.0042], 0.0042],
    [[undefined, 0.2], undefined],
    [[0.1, undefined], undefined],
    [[undefined], undefined],
  ];
  for (const [costs, expected] of cases) {
    const turns = costs.map((c, i) => turn(c, i < costs.length - 1));
    const end = await runLoop({
      provider: { name: 'scripted', model: 'm', call: async () => turns.shift()! },
      request: { model: 'm', system: { stable: '', dynamic: '' }, tools: [], maxTokens: 100 },
      messages: [{ role: 'user', content: 'go' }],
      firstTurn: 1,
      tools: { run: async () => ({ content: 'ok', is_error: false }), finished: () => undefined },
      limits: { maxTurns: 5, deadline: Date.now() + 60_000, budgetLeft: () => undefined, maxRetries: 0 },
      clock: { now: () => Date.now(), sleep: async () => {}, random: () => 0 },
      record: async () => {},
      requestHash: () => 'h',
    });
    assert.is(end.outcome, 'done');
    assert.is(end.costUsd, expected, JSON.stringify(costs));
  }
});

// ---- real ticks ----

function brainAgent(brain: string, capabilities: string[], extra = ''): string {
  const caps = capabilities.length ? `capabilities:\n${capabilities.map((c) => `  - "${c}"\n`).join('')}` : '';
  return `---\nname: Chief\nrole: Triages and delegates.\n${extra}brain:\n${brain}${caps}---\nYou are the chief.\n`;
}

function setAgent(home: string, text: string): void {
  write(home, 'agents/chief.md', text);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'chief thinks with a CLI brain']);
}

const runRecord = (home: string, run: string) => read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`);

// The mcp brains get 60 s, not modelHome's 5: each starts aos mcp, two node processes, slow on a loaded machine.
test('a tick: the claude-like brain works through aos mcp --agent under the tick lock; its writes and usage are recorded', async () => {
  const home = modelHome();
  setAgent(
    home,
    brainAgent(
      `  profile: claude\n  program: ${JSON.stringify([NODE, fixture('brain-mcp.mjs')])}\n  args: [--call, log_note, --call, inbox_add, --call, memory_search]\n  timeout_seconds: 60\n`,
      ['agent:message{to:researcher}'],
      'model: claude-sonnet-4-6\n',
    ),
  );
  const id = addItem(home, 'Plan the Porto trip', 'chief');
  const r = await aosAsync(['tick', '--home', home], { env: bareEnv({ AOS_DEVICE: 'testbox' }) });
  assert.is(r.code, 0, r.stderr);
  const done = doneFile(home, id)!;
  assert.ok(done, `item done: ${r.stdout}`);
  const run = runIdOf(home, done);
  const result = read(home, done);
  assert.match(result, /model: claude-sonnet-4-6/);
  assert.match(result, /allowed: mcp__aos/);
  assert.match(result, /strict: true/);
  assert.match(result, /tools note: true/);
  assert.match(result, /log_note: ok: /);
  assert.match(result, /inbox_add: ok: /);
  // Capabilities hold inside the tick too: no memory:*:read, no search.
  assert.match(result, /memory_search: error: refused: no capability grants memory:\*:read/);

  // The note: in the log under the run's id, committed by the agent, naming the client and the run.
  assert.match(git(home, ['grep', '-h', '-A2', '· note · chief ·', 'HEAD', '--', 'logs']), new RegExp(`${run}\\n+Observed while working on`));
  const note = git(home, ['log', '--format=%an%n%B', '--fixed-strings', '--grep=Aos-Kind: note']);
  assert.match(note, /^chief\n/);
  assert.match(note, /Aos-Client: brain-mcp 0\.9/);
  assert.match(note, new RegExp(`Aos-Run: ${run}`));
  // The brain's environment is scrubbed, but the device name still reaches its aos mcp.
  assert.match(note, /Aos-Device: testbox/);
  // The message to the researcher is an inbox item from chief, committed before the run's own commit.
  const added = git(home, ['log', '--format=%an %s', '--fixed-strings', '--grep=Aos-Kind: inbox-add', '--author=chief']);
  assert.match(added, /^chief chief: inbox add "Follow up: /);
  const inboxList = await aosAsync(['inbox', 'list', '--json', '--home', home], { env: bareEnv() });
  const items = JSON.parse(inboxList.stdout).items as { from: string; to: string; kind: string }[];
  assert.ok(items.some((i) => i.from === 'chief' && i.to === 'researcher' && i.kind === 'message'));

  // Usage and the cost the brain reported (not the price table's estimate) are in the record and the commit.
  const record = runRecord(home, run);
  assert.match(record, /provider: command/);
  assert.match(record, /model: claude-sonnet-4-6/);
  assert.match(record, /usage: \{ input: 900, output: 30, cache_read: 100, cache_write: 0 \}/);
  assert.match(record, /cost_usd: 0\.0042/);
  assert.match(git(home, ['log', '-1', '--format=%B']), /Aos-Usage: in=900 out=30 cache_read=100 cache_write=0 usd=0\.0042/);
  assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');
  assert.not.ok(existsSync(join(home, '.aos/lock')), 'the lock is released');
});

test('aos run: the same brain in the foreground, its aos mcp writing under the run lock', async () => {
  const home = modelHome();
  setAgent(home, brainAgent(`  profile: claude\n  program: ${JSON.stringify([NODE, fixture('brain-mcp.mjs')])}\n  args: [--call, log_note]\n  timeout_seconds: 60\n`, []));
  const r = await aosAsync(['run', 'chief', 'Summarise the week', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /log_note: ok: /);
  assert.match(git(home, ['log', '--format=%B', '--fixed-strings', '--grep=Aos-Kind: note']), /Aos-Client: brain-mcp 0\.9/);
  assert.is(git(home, ['status', '--porcelain']), '');
});

test('codex and ollama profiles: JSON events with usage; plain text with no tools; a failing turn fails the item', async () => {
  const home = modelHome();
  setAgent(home, brainAgent(`  profile: codex\n  program: ${JSON.stringify([NODE, fixture('brain-codex.mjs')])}\n  mcp: false\n`, [], 'model: gpt-5-codex\n'));
  const id = addItem(home, 'Review the notes', 'chief');
  let r = await aosAsync(['tick', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  const done = doneFile(home, id)!;
  assert.match(read(home, done), /args: exec --json --sandbox read-only -m gpt-5-codex -\n/);
  const record = runRecord(home, runIdOf(home, done));
  assert.match(record, /usage: \{ input: 315, output: 122, cache_read: 24448, cache_write: 0 \}/);
  assert.not.match(record, /cost_usd/);

  setAgent(home, brainAgent(`  profile: ollama\n  program: ${JSON.stringify([NODE, fixture('brain-echo.mjs')])}\n`, [], 'model: llama3.1\n'));
  const id2 = addItem(home, 'Say hello', 'chief');
  r = await aosAsync(['tick', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  // brain-echo echoes its prompt: the ollama profile offers no tools and says so.
  const echoed = read(home, doneFile(home, id2)!);
  assert.match(echoed, /Tools are not available in this mode/);
  assert.match(echoed, /Say hello/);

  setAgent(home, brainAgent(`  profile: codex\n  program: ${JSON.stringify([NODE, fixture('brain-codex.mjs')])}\n  args: [fail]\n  mcp: false\n`, []));
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('tick:\n', 'tick:\n  max_attempts: 1\n'));
  git(home, ['commit', '-qam', 'one attempt']);
  const id3 = addItem(home, 'This one fails', 'chief');
  r = await aosAsync(['tick', '--home', home], { env: bareEnv() });
  assert.is(r.code, 1);
  assert.match(r.stderr, /reported an error: stream disconnected before completion/);
  assert.match(read(home, `inbox/${id3}.md`), /status: failed/);
});

test('a brain that cannot run waits with the reason; a bad brain: disables the agent with a clear problem', async () => {
  const home = modelHome();
  setAgent(home, brainAgent('  profile: ollama\n', []));
  const id = addItem(home, 'Anything', 'chief');
  let r = await aosAsync(['tick', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /No model: agents\/chief\.md: brain ollama needs a model: set model: in the agent's front matter/);
  assert.match(read(home, `inbox/${id}.md`), /status: new/);

  setAgent(home, brainAgent('  profile: gpt-9\n', []));
  r = await aosAsync(['doctor', '--home', home], { env: bareEnv() });
  assert.is(r.code, 1);
  assert.match(r.stdout + r.stderr, /agents\/chief\.md:\d+: brain\.profile: expected one of claude, codex, ollama, found "gpt-9"/);
});

test('provider none, an owner agent with its own brain: the tick files and runs its drills; goal new asks that brain, not a template', async () => {
  const home = newHome();
  const brain = `brain:\n  profile: ollama\n  program: ${JSON.stringify([NODE, fixture('brain-echo.mjs')])}\nmodel: llama3.1\n`;
  write(home, 'agents/tutor.md', read(home, 'agents/tutor.md').replace('capabilities:\n', `${brain}capabilities:\n`));
  write(home, 'goals/ielts-writing.md', read(home, 'goals/ielts-writing.md').replace('status: paused', 'status: active'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'the tutor thinks with a local brain']);
  const r = await aosAsync(['tick', '--json', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const drills = report.scheduled.filter((id: string) => id.includes('-drill-ielts-writing.'));
  assert.ok(drills.length >= 1, `drills filed: ${r.stdout.slice(0, 500)}`);
  const done = doneFile(home, drills[0]);
  assert.ok(done, 'the brain ran the drill');
  assert.match(read(home, done!), /handled_by: tutor/);

  const before = git(home, ['rev-parse', 'HEAD']);
  const g = await aosAsync(['goal', 'new', 'Run a 5k under 25 minutes', '--owner', 'tutor', '--home', home], { env: bareEnv() });
  // brain-echo answers with the prompt itself, which is no skill tree: refused, nothing written.
  assert.is(g.code, 1, g.stdout);
  assert.match(g.stderr, /tutor's answer is not a valid goal, so nothing was written/);
  assert.not.ok(existsSync(join(home, 'goals/run-a-5k-under-25-minutes.md')));
  assert.is(git(home, ['rev-parse', 'HEAD']), before);
});

test.run();
