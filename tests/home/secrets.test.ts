// Secrets: read from the environment or a file outside the home, and redacted from every log, run
// record, written file and commit, even when the model repeats them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, read, write, tempDir } from '../helpers.js';
import { modelHome, envFor, addItem, doneFile, withModel } from '../model-helpers.js';

const TOKEN = 'sk-live-7f3a9c2e51d04b86';
const FILE_SECRET = 'hunter2-correct-horse-battery';

test('known secret values never reach the log, run records, files or git history', async () => {
  const outside = join(tempDir(), 'mail-password');
  writeFileSync(outside, `${FILE_SECRET}\n`);
  await withModel({ replies: [
    { tools: [{ name: 'write_file', input: { path: 'notes/keys.md', content: `token ${TOKEN} and ${FILE_SECRET}` } }, { name: 'read_file', input: { path: 'notes/seed.md' } }], text: `Using ${TOKEN}` },
    { text: `Done. The token was ${TOKEN}; the password ${FILE_SECRET}.` },
  ], yaml: `secrets:\n  SERVICE_TOKEN: env\n  MAIL_PASSWORD: ${outside}\n` }, async ({ server, home, env }) => {
    write(home, 'notes/seed.md', `seeded with ${TOKEN}\n`);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'seed (the owner committed it; not aos)']);
    const id = addItem(home, 'Store the keys', 'chief');
    const r = await aosAsync(['tick', '--home', home], { env: envFor(server, { SERVICE_TOKEN: TOKEN }) });
    assert.is(r.code, 0, r.stderr);
    // What the model saw of the file it read is redacted too.
    const toolResults = JSON.stringify(server.requests[1]!.body.messages[2]);
    assert.not.ok(toolResults.includes(TOKEN), 'the read_file result is redacted');
    assert.match(toolResults, /\[secret:SERVICE_TOKEN\]/);
    assert.is(read(home, 'notes/keys.md'), 'token [secret:SERVICE_TOKEN] and [secret:MAIL_PASSWORD]');
    assert.match(read(home, doneFile(home, id)!), /The token was \[secret:SERVICE_TOKEN\]; the password \[secret:MAIL_PASSWORD\]/);
    const history = git(home, ['log', '-p', '--all', '--format=%B', 'HEAD~1..HEAD']);
    assert.ok(history.length > 500, 'the run commit has content');
    for (const s of [TOKEN, FILE_SECRET]) assert.not.ok(history.includes(s), `the run's commit never holds ${s}`);
    assert.not.ok(git(home, ['log', '-p', '--all']).includes(FILE_SECRET), 'no commit anywhere holds the file secret');
  });
});

test('a secret file inside the home is refused with a clear error', async () => {
  const home = modelHome('secrets:\n  BAD: /etc/hostname\n');
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('BAD: /etc/hostname', `BAD: ${join(home, 'notes/pw')}`));
  const r = await aosAsync(['status', '--home', home], { env: envFor(undefined) });
  assert.is(r.code, 1);
  assert.match(r.stderr, /secrets\.BAD: .* is inside the home/);
});

test.run();
