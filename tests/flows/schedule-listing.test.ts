// The schedule shortcut's folder facts (issue 24): an idle tick does not list inbox/ and every done
// month to find each entry's last fire while the folders' facts (inode, size, mtime, ctime) are
// those recorded; a done item removed, renamed or its month folder deleted right after the tick that
// recorded them, within the same second, is seen by the next tick, which files the item again as
// it would without the shortcut. Real homes, the built CLI, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, read, write } from '../helpers.js';
import { RESEARCHER, modelHome, tick } from '../model-helpers.js';

const RECORD = '.aos/cache/schedule.json';
const DAILY = '  - cron: "0 0 * * *"\n    task: Daily sweep.\n    missed: once\n';
const ITEM = /^\d{8}T\d{6}-[a-z0-9]{6}\.md$/;
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const listing = (home: string): { folders: Record<string, string>; last: Record<string, string | null> } | undefined => JSON.parse(read(home, RECORD)).listing;

/**
 * A home whose daily entry fired and whose item is done (in inbox/done/YYYY/MM), with the quiet
 * record holding the folders' facts: its last tick recorded them, the one before it listed nothing.
 */
async function recordedHome(): Promise<{ home: string; done: string }> {
  const home = modelHome('', 'provider: none');
  write(home, 'agents/researcher.md', RESEARCHER.replace('capabilities:', `schedule:\n${DAILY}capabilities:`));
  // Made two days ago, so last midnight's slot is due (slots before aos init never fire).
  write(home, '.aos/created', new Date(Date.now() - 2 * 86_400_000).toISOString() + '\n');
  assert.is((await tick(home)).code, 0);
  const [item] = readdirSync(join(home, 'inbox')).filter((f) => ITEM.test(f));
  assert.ok(item, 'the slot was filed');
  const month = `inbox/done/${item!.slice(0, 4)}/${item!.slice(4, 6)}`;
  mkdirSync(join(home, month), { recursive: true });
  renameSync(join(home, 'inbox', item!), join(home, month, item!));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'done by hand']);
  assert.is((await tick(home)).code, 0);
  // Facts younger than the tick's start less a second are unknown (a file system with coarse times
  // could hide a second change in that second): nothing recorded yet; a tick a second later does.
  assert.is(listing(home), undefined, 'folders changed within the second before the tick');
  sleep(1100);
  assert.is((await tick(home)).code, 0);
  const kept = listing(home);
  assert.ok(kept, 'a quiet tick records the folders it listed');
  assert.ok(kept!.folders[month], month);
  assert.equal(Object.values(kept!.last), [item!.slice(0, 15)]);
  // And the next tick, finding the facts as recorded, files nothing.
  const head = git(home, ['rev-parse', 'HEAD']);
  assert.is((await tick(home)).code, 0);
  assert.is(git(home, ['rev-parse', 'HEAD']), head);
  return { home, done: `${month}/${item}` };
}

const changes: [string, (home: string, done: string) => void][] = [
  ['the done item removed', (home, done) => rmSync(join(home, done))],
  ['the done item renamed', (home, done) => renameSync(join(home, done), join(home, done.replace(/[a-z0-9]{6}\.md$/, 'by-hand.md')))],
  ['its month folder removed', (home, done) => rmSync(join(home, done, '..'), { recursive: true })],
];

for (const [what, change] of changes) {
  test(`${what} right after the tick that recorded the folders: the next tick files the slot again`, async () => {
    const { home, done } = await recordedHome();
    change(home, done);
    const r = await tick(home);
    assert.is(r.code, 0, r.stderr);
    const filed = readdirSync(join(home, 'inbox')).filter((f) => ITEM.test(f));
    assert.equal(filed, [done.split('/').pop()], `${what}: ${r.stdout}`);
  });
}

test('a damaged listing in the record is only a lost shortcut', async () => {
  const { home, done } = await recordedHome();
  const record = JSON.parse(read(home, RECORD));
  write(home, RECORD, JSON.stringify({ ...record, listing: { folders: 'inbox', last: [1] } }));
  rmSync(join(home, done));
  assert.is((await tick(home)).code, 0);
  assert.equal(readdirSync(join(home, 'inbox')).filter((f) => ITEM.test(f)), [done.split('/').pop()]);
});

test.run();
