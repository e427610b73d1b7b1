// Issue 15: an approval for a file write shows what the write would change (the diff against the
// file as it is, or the whole new file), in the approval file and in `aos inbox show`; a long change
// is cut with a note, the whole text named by its sha256 and kept once in git (the run record).
// Real processes, the real SDK against the fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, read, write, json } from '../helpers.js';
import { envFor, tick, addItem, withModel } from '../model-helpers.js';

const ASK = `policy:\n  ask: ["file:notes/**:write"]\n`;

function setPolicy(home: string): void {
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '') + ASK);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'policy']);
}

function theApproval(home: string): { id: string; file: string; text: string } {
  const names = readdirSync(join(home, 'inbox/approvals')).filter((n) => n.endsWith('.md'));
  assert.is(names.length, 1);
  const file = `inbox/approvals/${names[0]}`;
  return { id: names[0]!.slice(0, -3), file, text: read(home, file) };
}

const writeCall = (path: string, content: string) => ({ tools: [{ name: 'write_file', input: { path, content } }] });
const aosIn = (home: string, args: string[]) => aosAsync([...args, '--home', home], { env: envFor(undefined) });

test('a changed file: the approval shows the diff against the file as it is; inbox show shows it with the waiting item', async () => {
  const before = Array.from({ length: 30 }, (_, i) => `step ${i + 1}`).join('\n') + '\n';
  const after = before.replace('step 15\n', 'step 15, done twice\n');
  await withModel({ replies: [writeCall('notes/plan.md', after)] }, async ({ server, home }) => {
    setPolicy(home);
    write(home, 'notes/plan.md', before);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'plan']);
    const item = addItem(home, 'Update the plan', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const a = theApproval(home);
    assert.match(a.text, /## The change\n\nThe change to notes\/plan\.md \(now \d+ bytes, after \d+ bytes\):\n\n```diff\n--- a\/notes\/plan\.md\n\+\+\+ b\/notes\/plan\.md\n@@ -12,7 \+12,7 @@\n step 12\n/);
    assert.match(a.text, /\n-step 15\n\+step 15, done twice\n step 16\n/);
    assert.not.match(a.text, /step 1\n|step 30/, 'only the changed part and its context');
    assert.is(git(home, ['status', '--porcelain']), '', 'committed with the ask');

    const shown = await aosIn(home, ['inbox', 'show', item]);
    assert.is(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`Waits for your answer to ${a.id} \\(${a.file}\\): aos approve ${a.id}, or aos deny ${a.id}\\.`));
    assert.match(shown.stdout, /-step 15\n\+step 15, done twice/);
    const byId = await aosIn(home, ['inbox', 'show', a.id]);
    assert.is(byId.code, 0, byId.stderr);
    assert.match(byId.stdout, /\+step 15, done twice/);
    assert.match(json(await aosIn(home, ['inbox', 'show', item, '--json'])).approval.body, /\+step 15, done twice/);
    assert.match((await aosIn(home, ['approve'])).stdout, /aos inbox show <id> shows an approval in full/);
  });
});

test('a new small file is shown whole; a long one is cut, named by sha256, and its text is in git once (the run record)', async () => {
  const big = Array.from({ length: 3000 }, (_, i) => `row ${i} of the long list`).join('\n') + '\n';
  await withModel({ replies: [writeCall('notes/new.md', 'first line\nsecond line\n')] }, async ({ server, home }) => {
    setPolicy(home);
    addItem(home, 'Write a note', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const a = theApproval(home);
    assert.match(a.text, /The new file notes\/new\.md \(2 lines, 23 bytes\):\n\n```diff\n--- \/dev\/null\n\+\+\+ b\/notes\/new\.md\n@@ -0,0 \+1,2 @@\n\+first line\n\+second line\n```/);
    assert.not.match(a.text, /not shown/);
  });
  await withModel({ replies: [writeCall('notes/big.md', big)] }, async ({ server, home }) => {
    setPolicy(home);
    addItem(home, 'Write the long list', 'chief');
    assert.is((await tick(home, server)).code, 0);
    const a = theApproval(home);
    const sha = createHash('sha256').update(big).digest('hex');
    const run = /^run: (r-\S+)$/m.exec(a.text)![1]!;
    assert.match(a.text, new RegExp(`more diff lines not shown\\. The whole new text \\([\\d,]+ bytes, sha256 ${sha}\\) is the input of this call in the write_file call of logs/runs/\\d{4}/\\d{2}/${run}\\.md\\.`));
    assert.ok(statSync(join(home, a.file)).size < 12_000, 'the approval file stays small');
    // The long text is in git once: in the run record that holds the call, not again in the approval.
    const holders = git(home, ['grep', '-l', 'row 2999 of the long list', 'HEAD']).trim().split('\n');
    assert.equal(holders.map((h) => h.replace(/^HEAD:/, '').replace(/^logs\/runs\/.*/, 'record')), ['record']);
  });
});

test.run();
