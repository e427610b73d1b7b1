// The one git runner: one environment allow-list for the plain reads and simple-git, and one
// GitError (command, stderr, cause) whichever of the two ran git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bareEnv, git, tempDir } from '../helpers.js';
import { GIT_ENV_ALLOWED, gitEnv, gitRead, openRepo } from '../../cli/git/run.js';
import { GitError, UserError } from '../../cli/errors.js';

const tess = { name: 'Tess', email: 'tess@example.org' };

test('gitEnv: only allow-listed variables, identities as asked, never an inherited GIT_DIR', () => {
  const vars = { PATH: '/bin', HOME: '/h', GIT_DIR: '/elsewhere', GIT_AUTHOR_NAME: 'Hook', EDITOR: 'vi', SSH_AUTH_SOCK: '/s' };
  const cases: [string, Parameters<typeof gitEnv>[1], Record<string, string>][] = [
    ['plain', {}, { PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s', GIT_TERMINAL_PROMPT: '0' }],
    ['author and committer', { who: tess }, { PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s', GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: 'Tess', GIT_COMMITTER_NAME: 'Tess', GIT_AUTHOR_EMAIL: 'tess@example.org', GIT_COMMITTER_EMAIL: 'tess@example.org' }],
    ['a rebase: committer only, the message kept', { committer: tess, keepMessages: true }, { PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s', GIT_TERMINAL_PROMPT: '0', GIT_COMMITTER_NAME: 'Tess', GIT_COMMITTER_EMAIL: 'tess@example.org', GIT_EDITOR: 'true' }],
  ];
  for (const [name, ids, want] of cases) {
    const env = gitEnv(vars, ids);
    assert.equal(env, want, name);
    for (const k of Object.keys(env)) assert.ok(GIT_ENV_ALLOWED.includes(k), `${name}: ${k} is on the allow-list`);
  }
});

test('a failed read and a failed change are both a GitError with the command and what git said', async () => {
  const repo = tempDir();
  git(repo, ['init', '-q', '-b', 'main']);
  const vars = bareEnv();
  const read = await gitRead(repo, vars, ['rev-parse', 'no-such-ref']).catch((e: unknown) => e);
  assert.ok(read instanceof GitError && read instanceof UserError);
  const r = read as GitError;
  assert.equal(r.command, ['rev-parse', 'no-such-ref']);
  assert.match(r.stderr, /no-such-ref/);
  assert.ok(r.cause instanceof Error);
  assert.is(r.message, `git rev-parse failed in ${repo}: ${r.stderr}`, 'the message users see is unchanged');
  assert.is(await gitRead(repo, vars, ['rev-parse', '-q', '--verify', 'nothing'], { exit1Empty: true }), '', 'exit 1 with no words answers empty');

  const change = await (await openRepo(repo, vars, { who: tess })).raw(['checkout', '-q', 'no-such-branch']).catch((e: unknown) => e);
  assert.ok(change instanceof GitError, String(change));
  assert.equal((change as GitError).command, ['checkout', '-q', 'no-such-branch']);
  assert.match((change as GitError).stderr, /no-such-branch/);
  assert.ok((change as GitError).cause, 'simple-git error kept as the cause');
});

test.run();
