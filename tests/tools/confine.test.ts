// Confinement (issue 16) through real processes: real ticks whose fake model asks for shell commands
// that name paths outside the home, with bubblewrap on PATH, hidden from PATH, and hidden with the
// owner's `sandbox: none`; doctor and `aos can` on the same three; the rlimits on real processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, bareEnv, git, newHome, processesWith, read, tempDir, write } from '../helpers.js';
import { addItem, envFor, withModel } from '../model-helpers.js';
import { runShell, sandboxAvailable, shellTool } from '../../cli/tools/shell.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { DEFAULT_RLIMITS, type ShellDecision } from '../../cli/core/agents/shellcheck.js';
import type { RunCtx } from '../../cli/tools/runctx.js';

const CODER = `---
name: Coder
role: Reads notes with the shell.
capabilities:
  - "shell:cat,ls,git:execute"
  - "file:notes/**:read,write"
budget:
  max_turns: 4
---
You are the coder.
`;

/** A PATH with git (aos needs it) and nothing else: bubblewrap is not on it. */
function pathWithoutBwrap(): string {
  const bin = tempDir('aos-nobwrap-');
  symlinkSync('/usr/bin/git', join(bin, 'git'));
  return bin;
}

const SECRET = 'sk-undeclared-environment-secret-4242';
const ATTACKS = ['cat /etc/passwd', 'cat notes/../../.ssh/id_rsa', 'cat -- -/../../.bashrc', 'cat /proc/self/environ', 'cat notes/evil.md'];

function coderHome(home: string, yaml = ''): void {
  write(home, 'agents/coder.md', CODER);
  write(home, 'notes/seed.md', 'seed text\n');
  symlinkSync('/etc/passwd', join(home, 'notes/evil.md'));
  if (yaml) write(home, 'aos.yaml', read(home, 'aos.yaml') + yaml);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'coder']);
}

/** One tick of coder running the control and every attack; returns the tool results the model saw. */
async function tickWith(yaml: string, path: string | undefined): Promise<{ results: { content: string; is_error?: boolean }[]; home: string; everything: string }> {
  const calls = ['cat notes/seed.md', ...ATTACKS].map((command) => ({ name: 'run_shell', input: { command } }));
  return withModel({ replies: [{ tools: calls }, { text: 'Done.' }] }, async ({ server, home }) => {
    coderHome(home, yaml);
    addItem(home, 'Read the notes', 'coder');
    const env = envFor(server, { AOS_TEST_LEAK: SECRET, ...(path ? { PATH: path } : {}) });
    const r = await aosAsync(['tick', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.ok(server.requests.length >= 2, `the model was asked twice: ${r.stderr}`);
    const results = server.requests[1]!.body.messages[2].content;
    const everything = JSON.stringify(server.requests.map((q) => q.body)) + git(home, ['log', '-p', '--all']) + walk(home);
    return { results, home, everything };
  });
}

function walk(dir: string): string {
  let out = '';
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out += walk(p);
    else if (e.isFile()) out += readFileSync(p, 'utf8');
  }
  return out;
}

function attacksRefused(results: { content: string; is_error?: boolean }[]): void {
  ATTACKS.forEach((cmd, i) => {
    const r = results[i + 1]!;
    assert.ok(r.is_error, `${cmd} is refused: ${r.content}`);
    assert.match(r.content, /outside the home/, `${cmd}: ${r.content}`);
  });
}

test('a real tick with bubblewrap: the control runs sandboxed, every path outside the home is refused, no secret leaks', async () => {
  assert.ok(sandboxAvailable(), 'bubblewrap is installed here (CI installs it)');
  const { results, everything } = await tickWith('', undefined);
  assert.not.ok(results[0]!.is_error, results[0]!.content);
  assert.match(results[0]!.content, /seed text/);
  assert.not.match(results[0]!.content, /not sandboxed/);
  attacksRefused(results);
  assert.not.ok(everything.includes(SECRET), 'the environment secret reached no request, commit or file');
  assert.not.match(everything, /root:x:0:0/, '/etc/passwd was never read');
});

test('a real tick with bubblewrap hidden from PATH: shell is refused (fail closed), the attacks still for their paths', async () => {
  const { results, everything } = await tickWith('', pathWithoutBwrap());
  assert.ok(results[0]!.is_error, results[0]!.content);
  assert.match(results[0]!.content, /shell is refused: bubblewrap \(bwrap\) is not on PATH[\s\S]*sandbox: none/);
  attacksRefused(results);
  assert.not.ok(everything.includes(SECRET));
  assert.not.match(everything, /root:x:0:0/);
});

test('a real tick without bubblewrap where aos.yaml says sandbox: none: the control runs unconfined and says so; the attacks are refused all the same', async () => {
  const { results, everything } = await tickWith('sandbox: none\n', pathWithoutBwrap());
  assert.not.ok(results[0]!.is_error, results[0]!.content);
  assert.match(results[0]!.content, /seed text[\s\S]*not sandboxed: aos.yaml says "sandbox: none"/);
  attacksRefused(results);
  assert.not.ok(everything.includes(SECRET));
  assert.not.match(everything, /root:x:0:0/);
});

test('doctor and aos can: exit 1 and how to install while shell is refused for want of a sandbox; a note once the owner chose sandbox: none', async () => {
  {
    const home = newHome();
    const env = bareEnv();
    coderHome(home);
    const hidden = { ...env, PATH: pathWithoutBwrap() };
    const with_ = await aosAsync(['doctor', '--home', home], { env });
    assert.is(with_.code, 0, with_.stdout + with_.stderr);
    const without = await aosAsync(['doctor', '--home', home], { env: hidden });
    assert.is(without.code, 1, without.stdout);
    assert.match(without.stdout + without.stderr, /aos.yaml: sandbox: expected bubblewrap[\s\S]*shell commands of coder are refused[\s\S]*apt-get install bubblewrap[\s\S]*recovery.md#no-sandbox/);
    const can = await aosAsync(['can', 'coder', 'shell', 'cat notes/seed.md', '--json', '--home', home], { env: hidden });
    assert.is(can.code, 1);
    assert.match(JSON.parse(can.stdout).reason, /shell is refused: bubblewrap/);
    assert.is((await aosAsync(['can', 'coder', 'shell', 'cat notes/seed.md', '--home', home], { env })).code, 0);

    write(home, 'aos.yaml', read(home, 'aos.yaml') + 'sandbox: none\n');
    git(home, ['commit', '-qam', 'no sandbox']);
    const chosen = await aosAsync(['doctor', '--home', home], { env: hidden });
    assert.is(chosen.code, 0, chosen.stdout + chosen.stderr);
    assert.match(chosen.stdout, /note: aos.yaml says "sandbox: none": shell commands of coder run unconfined/);
    assert.is((await aosAsync(['can', 'coder', 'shell', 'cat notes/seed.md', '--home', home], { env: hidden })).code, 0);
    const outside = await aosAsync(['can', 'coder', 'shell', 'cat /etc/passwd', '--json', '--home', home], { env: hidden });
    assert.match(JSON.parse(outside.stdout).reason, /outside the home/);
  }
});

test('aos can processes: a 303-byte name is a clean refusal, not an internal error; AOS.YAML and Agents/x.md ask; CON and hard links refused', async () => {
  const home = newHome();
  write(home, 'agents/writer.md', '---\nname: W\nrole: writes\ncapabilities: ["file:**:read,write"]\n---\nx\n');
  write(home, 'notes/seed.md', 'seed\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'writer']);
  linkSync(join(home, 'notes/seed.md'), join(home, 'notes/twin.md'));
  const env = bareEnv();
  const can = async (tool: string, arg: string) => {
    const r = await aosAsync(['can', 'writer', tool, arg, '--json', '--home', home], { env });
    assert.not.match(r.stderr, /internal error|at .*\.js:\d+/i, r.stderr);
    return { code: r.code, ...(JSON.parse(r.stdout) as { verdict: string; reason: string }) };
  };
  const long = `notes/${'a'.repeat(300)}.md`;
  for (const tool of ['file-read', 'file-write']) {
    const r = await can(tool, long);
    assert.equal([r.code, r.verdict], [1, 'refused']);
    assert.match(r.reason, /longer than 255 bytes/);
  }
  for (const arg of ['AOS.YAML', 'Agents/x.md']) {
    const r = await can('file-write', arg);
    assert.equal([r.code, r.verdict], [1, 'ask'], r.reason);
    assert.match(r.reason, /only the owner's approval writes them/);
  }
  assert.match((await can('file-write', 'notes/nul.txt')).reason, /reserved device name/);
  assert.match((await can('file-read', 'notes/twin.md')).reason, /hard-linked elsewhere/);
});

test('bubblewrap under write:. : a command that makes AOS.YAML or Agents/ (agents/ and aos.yaml on a Mac) has them removed, never committed', async () => {
  const home = newHome();
  const { caps } = parseCapabilities(['shell:touch,mkdir:execute{write:.;syntax:expand,chain}']);
  const ctx = { ...shellCtx(home), agent: { id: 'coder', caps }, gate: async () => {} } as unknown as RunCtx;
  // "$HOME" hides the paths from the path check: this is the sandbox's and the run's part.
  const out = await shellTool.run({ command: 'mkdir "$HOME"/Agents && touch "$HOME"/AOS.YAML "$HOME"/Agents/x.md "$HOME"/ok.md' }, ctx);
  assert.match(out, /exit code 0/);
  assert.match(out, /refused and removed: .*AOS\.YAML/);
  assert.not.ok(existsSync(join(home, 'AOS.YAML')) || existsSync(join(home, 'Agents/x.md')));
  assert.ok(existsSync(join(home, 'ok.md')));
  assert.equal([...ctx.touched], ['ok.md']);
});

// ---- rlimits, on real processes (the decision is made by hand: the check would refuse sh) ----

function shellCtx(home: string): Pick<RunCtx, 'home' | 'env' | 'run' | 'touched' | 'onTouch'> {
  return { home: { root: home, config: { owner: { name: 'T', timezone: 'UTC' } } } as any, env: { vars: bareEnv() } as any, run: 'r-20261121T000000-lim', touched: new Set(), onTouch: async () => {} };
}

function decision(script: string, limits: Partial<ShellDecision['limits']>): ShellDecision {
  return { allowed: true, reason: 'test', argv: ['/bin/sh', '-c', script], viaShell: true, program: 'sh', programs: ['sh'], limits: { timeoutMs: 30_000, cwd: 'home', network: false, write: [], ...DEFAULT_RLIMITS, ...limits } };
}

function limitsHome(): string {
  const home = join(tempDir('aos-limits-'), 'home');
  mkdirSync(home, { recursive: true });
  return home;
}

test('rlimits: the command runs under the capability\'s cpu, memory and processes limits', async () => {
  const r = await runShell(shellCtx(limitsHome()), decision('cat /proc/self/limits', { cpuSeconds: 7, memoryBytes: 300 * 1024 ** 2, processes: 33 }));
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /Max cpu time\s+7\s+7\s+seconds/);
  assert.match(r.stdout, /Max address space\s+314572800\s+314572800\s+bytes/);
  assert.match(r.stdout, /Max processes\s+33\s+33\s+processes/);
  assert.match(r.stdout, /Max core file size\s+0\s+0/);
});

test('rlimits: a CPU hog is stopped by its cpu limit long before the timeout', async () => {
  const r = await runShell(shellCtx(limitsHome()), decision('while :; do :; done', { cpuSeconds: 1, timeoutMs: 60_000 }));
  assert.is(r.timedOut, false, 'stopped by the CPU limit, not the timeout');
  assert.ok(r.signal === 'SIGXCPU' || r.signal === 'SIGKILL' || (r.exitCode ?? 0) > 128, `killed: ${JSON.stringify(r)}`);
});

test('rlimits: a fork bomb is contained, and nothing it started outlives the command', async () => {
  const marker = `bomb${process.pid}x${Date.now()}`;
  // Bounded (300 sleepers), so that where RLIMIT_NPROC cannot hold (root) the machine is not hurt.
  const script = `: ${marker}; i=0; while [ $i -lt 300 ]; do sleep 60 & i=$((i+1)); done; wait`;
  const r = await runShell(shellCtx(limitsHome()), decision(script, { processes: 20, timeoutMs: 3000 }));
  if (process.getuid?.() !== 0 || r.pidsCgroup) assert.match(r.stderr, /fork|Resource temporarily unavailable/i, 'the processes limit stopped the forks');
  await new Promise((res) => setTimeout(res, 500));
  const alive = processesWith(marker);
  assert.equal(alive, [], 'every process of the bomb is gone');
});

test.run();
