// Agents' private memories (memory/agents/<id>/, issue 22) through the shell tool: two walls. The path
// check refuses a command that names the folder; the sandbox hides the folder from what the check cannot
// see (a recursive grep from the home, a glob, "$HOME"), under any write grant, while the rest of the
// home stays readable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bareEnv, tempDir, write } from '../helpers.js';
import { runShell, sandboxAvailable, shellDecision } from '../../cli/tools/shell.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { DEFAULT_RLIMITS, type ShellDecision } from '../../cli/core/agents/shellcheck.js';
import type { RunCtx } from '../../cli/tools/runctx.js';

const PRIVATE = 'scout-private-fact-owl-7731';
const SHARED = 'shared-fact-heron-2210';

function privateHome(): string {
  const home = join(tempDir('aos-shell-private-'), 'home');
  mkdirSync(home, { recursive: true });
  write(home, 'memory/MEMORY.md', `- [Shared](shared.md) — ${SHARED}\n`);
  write(home, 'memory/shared.md', `${SHARED}\n`);
  write(home, 'memory/agents/scout/MEMORY.md', '- [Plan](plan.md) — the plan\n');
  write(home, 'memory/agents/scout/plan.md', `${PRIVATE}\n`);
  return home;
}

function ctx(home: string): Pick<RunCtx, 'home' | 'env' | 'run' | 'touched' | 'onTouch'> {
  return { home: { root: home, config: { owner: { name: 'T', timezone: 'UTC' } } } as any, env: { vars: bareEnv() } as any, run: 'r-20261207T000000-prv', touched: new Set(), onTouch: async () => {} };
}

/** A decision as the check would give it, so the sandbox alone is what is tested. */
function decision(script: string, write: string[] = []): ShellDecision {
  return { allowed: true, reason: 'test', argv: ['/bin/sh', '-c', script], viaShell: true, program: 'sh', programs: ['sh'], limits: { timeoutMs: 30_000, cwd: 'home', network: false, write, ...DEFAULT_RLIMITS } };
}

const bwrap = sandboxAvailable();
function sandboxTest(name: string, fn: () => Promise<void>): void {
  if (bwrap) return void test(name, fn);
  console.log(`shell-private.test: skipped "${name}": bubblewrap (bwrap) is not installed`);
  test.skip(name, fn);
}

test('the path check refuses a shell command that names an agent\'s private memory, in any letter case', async () => {
  const home = privateHome();
  const caps = parseCapabilities(['shell:cat,grep,ls:execute', 'file:**:read']).caps;
  for (const command of ['cat memory/agents/scout/plan.md', 'ls memory/agents', 'grep -r owl memory/Agents/scout']) {
    const d = await shellDecision(caps, command, home);
    assert.not.ok(d.allowed, `${command} is refused`);
    assert.match(d.reason, /private memor/i, `${command}: ${d.reason}`);
  }
});

sandboxTest('the sandbox hides every private memory from a recursive read of the home; shared memory stays readable', async () => {
  const home = privateHome();
  const r = await runShell(ctx(home), decision('grep -r fact . ; ls -A memory/agents; cat "$HOME"/memory/agents/scout/plan.md'));
  assert.not.ok(r.stdout.includes(PRIVATE), `no private text: ${r.stdout}`);
  assert.ok(r.stdout.includes(SHARED), `shared memory is still read: ${r.stdout}`);
  assert.match(r.stderr, /plan\.md: No such file/);
  // The owner's files are untouched.
  assert.is(readFileSync(join(home, 'memory/agents/scout/plan.md'), 'utf8'), `${PRIVATE}\n`);
});

sandboxTest('a write grant of memory, or of the whole home, neither shows nor changes a private memory', async () => {
  for (const grant of ['memory', '.']) {
    const home = privateHome();
    const r = await runShell(ctx(home), decision('cat memory/agents/scout/plan.md; echo forged > memory/agents/scout/plan.md; echo new > memory/agents/scout/new.md; echo ok > memory/note.md', [grant]));
    assert.not.ok(r.stdout.includes(PRIVATE), `${grant}: ${r.stdout}`);
    assert.is(readFileSync(join(home, 'memory/agents/scout/plan.md'), 'utf8'), `${PRIVATE}\n`, `${grant}: the private topic is unchanged`);
    assert.equal(readdirSync(join(home, 'memory/agents/scout')).sort(), ['MEMORY.md', 'plan.md'], `${grant}: nothing added`);
    assert.ok(existsSync(join(home, 'memory/note.md')), `${grant}: the grant itself still writes`);
  }
});

test.run();
