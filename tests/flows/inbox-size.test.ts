// The inbox's size cap (issue 15 item 4): an item larger than inbox.max_item_kb (default 200 KB) is
// refused with a message naming its file, never sent to the model, and the file stays; a run record
// names a large item's text by its sha256 instead of copying it. Real CLI, fake Messages API, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, read } from '../helpers.js';
import { addItem, envFor, tick, withModel } from '../model-helpers.js';
import { RECORD_BODY_LIMIT, recordedTask, taskFromRecord } from '../../cli/core/runs/runrecord.js';

function recordOf(home: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(join(home, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
  return read(home, walk('logs/runs')[0]!);
}

test('an item over the default 200 KB: refused naming its file, not sent, the file stays', async () => {
  await withModel({ replies: [{ text: 'read it all' }] }, async ({ server, home }) => {
    const big = 'lorem ipsum '.repeat(20_000); // ~234 KB
    const id = addItem(home, `Summarise this:\n${big}`);
    const before = read(home, `inbox/${id}.md`);
    const r = await tick(home, server);
    assert.is(r.code, 1, r.stderr);
    assert.is(server.requests.length, 0, 'nothing went to the model');
    assert.match(r.stderr, new RegExp(`inbox/${id}\\.md: expected an item of at most 200 KB \\(inbox\\.max_item_kb in aos\\.yaml\\), found 2\\d\\d KB`));
    assert.match(r.stderr, /the file stays/);
    assert.is(read(home, `inbox/${id}.md`), before, 'the file is untouched');
  });
});

test('inbox.max_item_kb lowers the cap; aos run and aos inbox add refuse a larger text too', async () => {
  await withModel({ yaml: 'inbox:\n  max_item_kb: 1\n', replies: [{ text: 'ok' }] }, async ({ server, home, env }) => {
    const id = addItem(home, 'x'.repeat(1500));
    const r = await tick(home, server);
    assert.is(server.requests.length, 0);
    assert.match(r.stderr, new RegExp(`inbox/${id}\\.md: expected an item of at most 1 KB`));
    const run = aos(['run', 'chief', 'y'.repeat(1500), '--home', home], { env });
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, /^aos: the task: expected an item of at most 1 KB/);
    const add = aos(['inbox', 'add', '--home', home], { env, input: 'z'.repeat(1500) });
    assert.is(add.code, 1, add.stderr);
    assert.match(add.stderr, /^aos: the text on stdin: expected an item of at most 1 KB/);
    assert.is(server.requests.length, 0);
  });
});

test('inbox.max_item_kb is validated', async () => {
  await withModel({ yaml: 'inbox:\n  max_item_kb: 0\n' }, async ({ home }) => {
    const r = aos(['status', '--home', home], { env: envFor(undefined) });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /aos\.yaml.*max_item_kb.*at least 1/);
  });
});

test('a large item under the cap: the model gets all of it, the run record only its hash', async () => {
  await withModel({ replies: [{ text: 'Summary: lorem.' }] }, async ({ server, home }) => {
    const body = `Summarise this:\n${'lorem ipsum '.repeat(3000)}`; // ~36 KB
    const id = addItem(home, body);
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.ok(JSON.stringify(server.requests[0]!.body.messages[0]).includes('lorem ipsum '.repeat(3000).trim()), 'the model got the whole text');
    const record = recordOf(home);
    assert.not.match(record, /lorem ipsum lorem ipsum lorem ipsum/);
    const hash = createHash('sha256').update(`${body}\n`, 'utf8').digest('hex');
    assert.match(record, new RegExp(`Inbox item ${id}[^\\n]*\\n+\\[the item's text: [\\d,]+ bytes, sha256 ${hash}; it is the item's own file\\]`));
  });
});

test('recordedTask and taskFromRecord: small texts unchanged, large ones by hash and back', () => {
  const small = 'hello';
  assert.is(recordedTask(`Inbox item a:\n\n${small}`, small), `Inbox item a:\n\n${small}`);
  const large = 'x'.repeat(RECORD_BODY_LIMIT + 1);
  const message = `Inbox item a:\n\n${large}`;
  const kept = recordedTask(message, large);
  assert.ok(kept.length < 200);
  assert.match(kept, /^Inbox item a:\n\n\[the item's text: 8,193 bytes, sha256 [0-9a-f]{64};/);
  assert.is(taskFromRecord(kept, message, large), message, 'the same text comes back');
  assert.is(taskFromRecord(kept, `Inbox item a:\n\n${large}y`, `${large}y`), kept, 'a changed text does not pass for the recorded one');
});

test.run();
