// Cron paths that used to turn any failure into "nothing": each catch now takes only the one case it
// expects (no commits yet, a path added since a commit, not a repository, a missing file, a failed
// model call) and lets every other failure through, where the owner sees it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsSince, gather } from '../../cli/flows/dream.js';
import { noCommitsYet, notARepo, pathNotInCommit } from '../../cli/git/failures.js';
import { gitRead } from '../../cli/git/run.js';
import { loadSecrets } from '../../cli/home/secrets.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { shellTool } from '../../cli/tools/shell.js';
import type { RunCtx } from '../../cli/tools/runctx.js';
import { UserError } from '../../cli/errors.js';
import { git, tempDir, write } from '../helpers.js';

const vars = { PATH: process.env.PATH, HOME: process.env.HOME };
const env = { vars } as any;
const homeAt = (root: string) => ({ root }) as any;

function repo(): string {
  const root = join(tempDir('aos-silent-'), 'home');
  mkdirSync(root, { recursive: true });
  git(root, ['init', '-q', '-b', 'main']);
  return root;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.unreachable('expected a failure');
  throw new Error('unreachable');
}

test("git's expected failures are told apart by git's own words", async () => {
  const empty = repo();
  assert.ok(noCommitsYet(await rejection(gitRead(empty, vars, ['log', '--format=%H', 'HEAD']))));
  assert.ok(noCommitsYet(await rejection(gitRead(empty, vars, ['log', '-n1']))));
  const outside = tempDir('aos-silent-plain-');
  const notRepo = await rejection(gitRead(outside, { ...vars, GIT_CEILING_DIRECTORIES: outside }, ['status']));
  assert.ok(notARepo(notRepo));
  assert.not.ok(noCommitsYet(notRepo));
  write(empty, 'a.md', 'a\n');
  git(empty, ['add', '-A']);
  git(empty, ['commit', '-qm', 'a']);
  assert.ok(pathNotInCommit(await rejection(gitRead(empty, vars, ['show', 'HEAD:logs/2026/11/2026-11-21.md']))));
  write(empty, 'b.md', 'b\n');
  assert.ok(pathNotInCommit(await rejection(gitRead(empty, vars, ['show', 'HEAD:b.md']))));
  assert.not.ok(pathNotInCommit(await rejection(gitRead(empty, vars, ['show', 'no-such-rev:b.md']))));
});

test('dream --if-due: no commits yet is 0 runs; a git failure is an error, not 0 runs (never due, silently)', async () => {
  assert.is(await runsSince(homeAt(repo()), env, undefined), 0);
  const outside = tempDir('aos-silent-plain-');
  const err = await rejection(runsSince(homeAt(outside), { vars: { ...vars, GIT_CEILING_DIRECTORIES: outside } } as any, undefined));
  assert.match(err.message, /not a git repository/);
});

test("dream gather: a log added since the last dream's commit is all new (the one failure git show may have)", async () => {
  const root = repo();
  const log = (date: string, body: string) => `# ${date}\n\n## 09:00:00 · note · chief\n${body}\n`;
  write(root, 'logs/2026/11/2026-11-20.md', log('2026-11-20', 'old'));
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'dream', '-m', 'Aos-Kind: dream']);
  const sha = git(root, ['rev-parse', 'HEAD']).trim();
  const last = { sha, at: new Date() };
  write(root, 'logs/2026/11/2026-11-21.md', log('2026-11-21', 'added since'));
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'later']);
  const entries = await gather(homeAt(root), env, last);
  assert.equal(entries.map((e) => e.body), ['added since']);

  // Any other git show failure now fails the dream; git's words for it are told apart in the test above
  // (a failure that lets git diff pass but git show fail cannot be staged with real git).
});

function shellCtx(root: string): RunCtx {
  return {
    home: { root, config: { owner: { name: 'Tess', timezone: 'UTC' } } } as any,
    env: { vars: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir() } } as any,
    agent: { id: 'tester', caps: parseCapabilities(['shell:touch:execute{write:notes}']).caps },
    item: { id: 'i', file: 'inbox/i.md', chain: ['tester'], children: [] },
    run: 'r-20261121T000000-test',
    touched: new Set(),
    onTouch: async () => {},
    children: [],
    messages: [],
    gate: async () => {},
  };
}

test("run_shell with write limits: outside git, nothing to attribute; git failing in the home is an error, not 'no changes'", async () => {
  const plain = join(tempDir('aos-silent-shell-'), 'home');
  mkdirSync(join(plain, 'notes'), { recursive: true });
  const ctx = shellCtx(plain);
  ctx.env.vars = { ...ctx.env.vars, GIT_CEILING_DIRECTORIES: join(plain, '..') } as any;
  // gitRead passes only some variables on: without a repository above the temp folder, git says so.
  const out = await shellTool.run({ command: 'touch notes/a.md' }, ctx);
  assert.match(out, /exit code 0|exited 0|^\$ touch/m);
  assert.equal([...ctx.touched], []);

  const root = repo();
  write(root, 'notes/seed.md', 'seed\n');
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'seed']);
  writeFileSync(join(root, '.git/index'), 'not an index');
  const err = await rejection(shellTool.run({ command: 'touch notes/b.md' }, shellCtx(root)));
  assert.match(err.message, /git status failed/);
});

test('a secret file that is missing is an absent secret; one that cannot be read is an error naming it', () => {
  const home = tempDir('aos-silent-secrets-home-');
  const outside = tempDir('aos-silent-secrets-');
  assert.is(loadSecrets(home, { GONE: join(outside, 'no-such-file') }, vars).secret('GONE'), undefined);
  mkdirSync(join(outside, 'a-folder'));
  assert.throws(
    () => loadSecrets(home, { FOLDER: join(outside, 'a-folder') }, vars),
    (err: Error) => err instanceof UserError && /secrets\.FOLDER: .*a-folder cannot be read \(EISDIR\)/.test(err.message),
  );
});

test.run();
