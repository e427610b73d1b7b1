// Text that looks like a merge conflict (a line starting <<<<<<<, >>>>>>> or |||||||) would be
// refused by every commit of a state file, so aos refuses to write it in the first place: the
// owner's inbox add, an agent's write_file, delegation or message. A run that meets it goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, read } from '../helpers.js';
import { modelHome, tick, addItem, doneFile, withModel } from '../model-helpers.js';

const CONFLICT = 'Resolve this:\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> main\n';

test('inbox add with a conflict-looking line: a clear error, nothing written, nothing committed; indented it is fine', () => {
  const home = modelHome();
  const before = git(home, ['rev-parse', 'HEAD']);
  const inbox = () => readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'));
  const r = aos(['inbox', 'add', '--home', home], { input: CONFLICT });
  assert.is(r.code, 1);
  assert.match(r.stderr, /line 2 starts with "<<<<<<<", which git and aos read as a merge conflict marker/);
  assert.match(r.stderr, /nothing was added/);
  assert.equal(inbox(), []);
  assert.is(git(home, ['rev-parse', 'HEAD']), before);
  const ok = aos(['inbox', 'add', '--home', home], { input: CONFLICT.replace(/^([<>=]{7})/gm, ' $1') });
  assert.is(ok.code, 0, ok.stderr);
  assert.is(inbox().length, 1);
  assert.is(git(home, ['status', '--porcelain']), '');
});

test('an agent writing a conflict-looking file is refused with the reason; the run ends normally and the next tick is not stuck', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'write_file', input: { path: 'notes/git.md', content: CONFLICT } }] },
    { text: 'Could not save it as it was.' },
    { text: 'Second item done.' },
  ] }, async ({ server, home }) => {
    const first = addItem(home, 'Save a git cheat sheet', 'chief');
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(JSON.stringify(server.requests[1]!.body.messages), /refused: content: line 2 starts with/);
    assert.not.ok(existsSync(join(home, 'notes/git.md')));
    assert.ok(doneFile(home, first));
    assert.is(git(home, ['status', '--porcelain']), '');
    const second = addItem(home, 'Something else', 'chief');
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.ok(doneFile(home, second), 'the home is not stuck');
    assert.not.match(read(home, doneFile(home, second)!), /<<<<<<</);
  });
});

test.run();
