// The shell tool: the adversarial corpus through the real parser and the pure check, then real
// processes: output, timeouts, the output cap, the scrubbed environment, scratch folders and, where
// bubblewrap is installed, the sandbox's write and network limits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, mkdirSync, symlinkSync, linkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ROOT, tempDir, write, git } from '../helpers.js';
import { parseCapabilities, type Capability } from '../../cli/core/agents/capabilities.js';
import { checkShell } from '../../cli/core/agents/shellcheck.js';
import { shellDecision, sandboxAvailable, shellTool, OUTPUT_CAP } from '../../cli/tools/shell.js';
import { ToolError, type RunCtx, type Action } from '../../cli/tools/runctx.js';

interface Case {
  caps: string[];
  command: string;
  expect: 'allowed' | 'refused';
  why: string;
}

const corpus = parse(readFileSync(join(ROOT, 'tests/fixtures/corpus/shell.yaml'), 'utf8')) as Case[];

function caps(texts: string[]): Capability[] {
  // Bad capabilities are part of the corpus: keep the parsed ones, the check sees what an agent would have.
  return parseCapabilities(texts).caps;
}

/** A small git home: enough for git log/status/blame to have something to read. */
function makeHome(): string {
  const home = join(tempDir('aos-shell-'), 'home');
  mkdirSync(home, { recursive: true });
  git(home, ['init', '-q', '-b', 'main']);
  write(home, 'aos.yaml', 'owner:\n  name: Tess\n');
  write(home, 'notes/seed.md', 'seed\n');
  write(home, 'memory/facts.md', 'facts\n');
  // What the confinement cases name: a link out of the home, one to agents/, a hard link to aos.yaml.
  write(home, 'agents/c0.md', 'agent\n');
  symlinkSync('/etc/passwd', join(home, 'notes/evil.md'));
  symlinkSync('../agents', join(home, 'notes/link'));
  linkSync(join(home, 'aos.yaml'), join(home, 'notes/hard.md'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'home']);
  return home;
}

const home = makeHome();

test(`the shell corpus has at least 90 cases, controls and attacks (${corpus.length})`, () => {
  assert.ok(corpus.length >= 90);
  assert.ok(corpus.filter((c) => c.expect === 'allowed').length >= 10);
  assert.ok(corpus.filter((c) => c.expect === 'refused').length >= 80);
});

test('every corpus case gets its verdict and reason from the real parser and the pure check', async () => {
  const wrong: string[] = [];
  for (const [i, c] of corpus.entries()) {
    const d = await shellDecision(caps(c.caps), c.command, home);
    const got = d.allowed ? 'allowed' : 'refused';
    if (got !== c.expect) wrong.push(`#${i} ${JSON.stringify(c.command)} ${JSON.stringify(c.caps)}: ${got} (${d.reason}), expected ${c.expect}`);
    else if (!d.reason.includes(c.why)) wrong.push(`#${i} ${JSON.stringify(c.command)}: reason "${d.reason}" lacks "${c.why}"`);
  }
  assert.is(wrong.length, 0, `${wrong.length} of ${corpus.length} wrong:\n${wrong.join('\n')}`);
});

test('the decision: argv without a shell, /bin/sh only for granted syntax, limits from the granting capability', async () => {
  const d = await shellDecision(caps(['shell:git:execute{timeout:2m;cwd:scratch;network:on;write:notes,docs}']), 'git log -n 5', home);
  assert.ok(d.allowed);
  assert.equal(d.argv, ['/usr/bin/git', 'log', '-n', '5']);
  assert.is(d.viaShell, false);
  assert.is(d.program, 'git');
  assert.equal(d.limits, { timeoutMs: 120_000, cwd: 'scratch', network: true, write: ['notes', 'docs'], cpuSeconds: 60, memoryBytes: 1024 ** 3, processes: 256 });
  const p = await shellDecision(caps(['shell:ls,wc:execute{syntax:pipe}']), 'ls | wc -l', home);
  assert.ok(p.viaShell);
  assert.equal(p.argv, ['/bin/sh', '-c', 'ls | wc -l']);
  assert.equal(p.programs, ['ls', 'wc']);
  // A plain command under a syntax grant still runs without a shell.
  assert.is((await shellDecision(caps(['shell:ls:execute{syntax:pipe}']), 'ls notes', home)).viaShell, false);
  // Defaults.
  assert.equal((await shellDecision(caps(['shell:ls:execute']), 'ls', home)).limits, { timeoutMs: 30_000, cwd: 'home', network: false, write: [], cpuSeconds: 60, memoryBytes: 1024 ** 3, processes: 256 });
  // The capability that names every program decides; one that names only some does not.
  const two = await shellDecision(caps(['shell:ls:execute{syntax:pipe}', 'shell:ls,wc:execute{syntax:pipe;timeout:5s}']), 'ls | wc', home);
  assert.ok(two.allowed && two.reason.includes('timeout:5s') && two.limits.timeoutMs === 5000, two.reason);
  const f = await shellDecision(caps(['shell:git:execute{remotes:origin}']), 'git fetch origin main', home);
  assert.ok(f.allowed && f.gitWrites, f.reason);
});

test('the pure check trusts only the resolution it is given', () => {
  const ast = { calls: [[{ text: 'ls', role: 'name' as const, parts: [{ type: 'Lit', text: 'ls', value: 'ls' }] }]], words: [], constructs: [] };
  const c = caps(['shell:ls:execute']);
  assert.is(checkShell(c, 'ls', ast, {}).reason, 'program "ls" was not looked up');
  assert.is(checkShell(c, 'ls', ast, { ls: { refused: 'program "ls" resolves to /tmp/ls' } }).reason, 'program "ls" resolves to /tmp/ls');
  assert.equal(checkShell(c, 'ls', ast, { ls: { path: '/usr/bin/ls' } }).argv, ['/usr/bin/ls']);
});

// ---- real processes ----

function ctx(c: Capability[], run = 'r-20261121T000000-test', actions: Action[] = []): RunCtx {
  return {
    home: { root: home, config: { owner: { name: 'Tess', timezone: 'UTC' } } } as any,
    env: { vars: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir() } } as any,
    agent: { id: 'tester', caps: c },
    item: { id: 'i', file: 'inbox/i.md', chain: ['tester'], children: [] },
    run,
    touched: new Set(),
    onTouch: async () => {},
    children: [],
    messages: [],
    gate: async (a) => {
      actions.push(a);
    },
  };
}

async function sh(capTexts: string[], command: string, run?: string): Promise<string> {
  const c = caps(capTexts);
  return shellTool.run({ command }, ctx(c, run));
}

test('a granted command runs and its output comes back; the policy gate sees the exact command', async () => {
  const actions: Action[] = [];
  const c = caps(['shell:cat,ls:execute', 'file:notes/**:read']);
  const out = await shellTool.run({ command: "cat 'notes/seed.md'" }, ctx(c, undefined, actions));
  assert.match(out, /exit code 0/);
  assert.match(out, /--- stdout ---\nseed/);
  assert.equal(actions, [{ tool: 'run_shell', kind: 'shell', resource: "cat 'notes/seed.md'", verb: 'execute', argv: ['cat', 'notes/seed.md'], input: { command: "cat 'notes/seed.md'" }, grant: 'granted by "shell:cat,ls:execute"' }]);
  assert.match(await sh(['shell:ls:execute'], 'ls no-such-file'), /exit code 2[\s\S]*--- stderr ---/);
  assert.ok(shellTool.offered(c));
  assert.not.ok(shellTool.offered(caps(['file:notes/**:read'])));
});

test('a refused command never reaches the gate or runs', async () => {
  const actions: Action[] = [];
  try {
    await shellTool.run({ command: 'ls; touch notes/pwned' }, ctx(caps(['shell:ls,touch:execute']), undefined, actions));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ToolError);
    assert.match((err as Error).message, /^refused: several commands/);
  }
  assert.is(actions.length, 0);
  assert.not.ok(existsSync(join(home, 'notes/pwned')));
});

test('granted syntax runs through /bin/sh, and every program in it must still be granted', async () => {
  assert.match(await sh(['shell:cat,wc:execute{syntax:pipe}', 'file:notes/**:read'], 'cat notes/seed.md | wc -c'), /--- stdout ---\n5/);
});

test('a timeout kills the process group and says so', async () => {
  const t0 = Date.now();
  const out = await sh(['shell:sleep:execute{timeout:1s}'], 'sleep 120');
  // Far below the sleep, so it shows the kill without depending on how loaded the machine is.
  assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
  assert.match(out, /timed out after 1 s/);
});

test('output is capped and the cut is reported', async () => {
  const out = await sh(['shell:head:execute'], 'head -c 200000 /dev/zero');
  assert.ok(out.length < OUTPUT_CAP + 1000, String(out.length));
  assert.match(out, new RegExp(`kept the first ${OUTPUT_CAP} bytes, ${200000 - OUTPUT_CAP} more not shown`));
});

test('the environment is scrubbed: no inherited secrets, a fixed PATH, HOME in the home or scratch', async () => {
  process.env.AOS_TEST_SECRET_TOKEN = 'sk-very-secret';
  try {
    const out = await sh(['shell:printenv:execute'], 'printenv');
    assert.not.match(out, /sk-very-secret|AOS_TEST_SECRET_TOKEN/);
    assert.match(out, /^PATH=\/usr\/local\/bin:\/usr\/bin:\/bin$/m);
    assert.match(out, /^LANG=C\.UTF-8$/m);
    assert.match(out, new RegExp(`^HOME=${home}$`, 'm'));
    assert.not.match(out, /GIT_CONFIG_GLOBAL/, 'git variables only for git');
  } finally {
    delete process.env.AOS_TEST_SECRET_TOKEN;
  }
});

test('cwd scratch: a per-run folder under .aos/scratch, created, and HOME points there', async () => {
  const out = await sh(['shell:pwd,printenv:execute{cwd:scratch}'], 'pwd', 'r-20261121T000000-scr1');
  const scratch = join(home, '.aos/scratch/r-20261121T000000-scr1');
  assert.ok(existsSync(scratch));
  assert.match(out, new RegExp(`--- stdout ---\\n${scratch}`));
  assert.match(await sh(['shell:pwd,printenv:execute{cwd:scratch}'], 'printenv HOME', 'r-20261121T000000-scr1'), new RegExp(scratch));
});

test('git runs with its own scrubbed configuration', async () => {
  const out = await sh(['shell:git:execute'], 'git log -n 1 --format=%s');
  assert.match(out, /exit code 0\n--- stdout ---\nhome/);
});

const bwrap = sandboxAvailable();

/**
 * A test of the sandbox itself: where bubblewrap (or a program it needs) is missing it cannot pass or
 * fail, so uvu counts it as skipped and the reason is printed.
 */
function sandboxTest(name: string, fn: () => Promise<void>, needs: 'curl'[] = []): void {
  const missing = !bwrap ? 'bubblewrap (bwrap) is not installed' : needs.filter((p) => !existsSync(`/usr/bin/${p}`)).map((p) => `${p} is not installed`)[0];
  if (!missing) return void test(name, fn);
  console.log(`shell.test: skipped "${name}": ${missing}`);
  test.skip(name, fn);
}

sandboxTest('bubblewrap: writes only inside the granted folders; .git and .aos stay read-only even under a grant of the whole home', async () => {
  const ok = await sh(['shell:touch:execute{write:notes}'], 'touch notes/ok.md');
  assert.match(ok, /exit code 0/);
  assert.ok(existsSync(join(home, 'notes/ok.md')));
  // A file grant passes the path check; the sandbox still lets the command write only notes/.
  const no = await sh(['shell:touch:execute{write:notes}', 'file:memory/**:write'], 'touch memory/x.md');
  assert.match(no, /exit code 1[\s\S]*Read-only file system/);
  assert.not.ok(existsSync(join(home, 'memory/x.md')));
  // "$HOME" (the home) hides the path from the path check: the sandbox is what stops these.
  const all = await sh(['shell:touch:execute{write:.;syntax:expand}'], 'touch "$HOME"/.git/x');
  assert.match(all, /Read-only file system/);
  assert.not.ok(existsSync(join(home, '.git/x')));
  assert.match(await sh(['shell:touch:execute{write:.;syntax:expand}'], 'touch "$HOME"/.aos/x'), /Read-only file system/);
  assert.match(await sh(['shell:touch:execute{write:.;syntax:expand}'], 'touch "$HOME"/aos.yaml'), /Read-only file system/);
  assert.match(await sh(['shell:touch:execute{write:.}'], 'touch top.md'), /exit code 0/);
  // Nothing outside the home is visible, let alone writable.
  assert.match(await sh(['shell:ls:execute{syntax:expand}'], `ls "$HOME"/'${relative(home, tempDir())}'`), /No such file or directory/);
});

sandboxTest('bubblewrap: the files a command wrote join the run\'s touched set', async () => {
  const c = ctx(caps(['shell:touch:execute{write:notes/new}']));
  const out = await shellTool.run({ command: 'touch notes/new/made.md' }, c);
  assert.match(out, /exit code 0/);
  assert.equal([...c.touched], ['notes/new/made.md']);
});

sandboxTest('bubblewrap: no network unless granted', async () => {
  const server = createServer((_, res) => res.end('reached\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const cmd = `curl -sS --max-time 3 http://127.0.0.1:${port}/`;
    const off = await sh(['shell:curl:execute'], cmd);
    assert.not.match(off, /reached/);
    assert.match(off, /exit code [1-9]/);
    const on = await sh(['shell:curl:execute{network:on}'], cmd);
    assert.match(on, /exit code 0\n--- stdout ---\nreached/);
  } finally {
    server.close();
  }
}, ['curl']);

test.run();
