// The tick's schedule shortcut (issue 24) seen from outside: after a tick that planned nothing, the
// next ticks skip the plan until a slot comes, but a schedule edited by hand, a bad cron line, or a
// schedule item removed by hand are seen by the very next tick, as without the shortcut. Real homes,
// the built CLI, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, read, write } from '../helpers.js';
import { RESEARCHER, modelHome, tick } from '../model-helpers.js';

const RECORD = '.aos/cache/schedule.json';
const withSchedule = (entries: string) => RESEARCHER.replace('capabilities:', `schedule:\n${entries}capabilities:`);
const DAILY = '  - cron: "0 0 * * *"\n    task: Daily sweep.\n    missed: once\n';
const scheduled = (home: string, task = /./) => readdirSync(join(home, 'inbox')).filter((f) => /^\d{8}T\d{6}-[a-z0-9]{6}\.md$/.test(f) && task.test(read(home, `inbox/${f}`)));

/** A home whose researcher has a daily entry that already fired: its second tick planned nothing and recorded so. */
async function quietHome(): Promise<string> {
  const home = modelHome('', 'provider: none');
  write(home, 'agents/researcher.md', withSchedule(DAILY));
  // Made two days ago, so last midnight's slot is due (slots before aos init never fire).
  write(home, '.aos/created', new Date(Date.now() - 2 * 86_400_000).toISOString() + '\n');
  const first = await tick(home);
  assert.is(first.code, 0, first.stderr);
  assert.is(scheduled(home).length, 1, first.stdout);
  const second = await tick(home);
  assert.is(second.code, 0, second.stderr);
  assert.ok(existsSync(join(home, RECORD)), 'a tick that planned nothing records it');
  // And a third tick takes the shortcut: still one item, nothing new committed.
  const head = git(home, ['rev-parse', 'HEAD']);
  assert.is((await tick(home)).code, 0);
  assert.is(git(home, ['rev-parse', 'HEAD']), head);
  assert.is(scheduled(home).length, 1);
  return home;
}

test('an entry added by hand after a quiet tick fires on the next tick', async () => {
  const home = await quietHome();
  write(home, 'agents/researcher.md', withSchedule(DAILY + '  - cron: "0 0 * * *"\n    task: Water the plants.\n    missed: once\n'));
  const r = await tick(home);
  assert.is(r.code, 0, r.stderr);
  assert.is(scheduled(home, /Water the plants/).length, 1, r.stdout);
  assert.is(scheduled(home).length, 2);
  assert.match(git(home, ['log', '-1', '--format=%an%n%B']), /^researcher[\s\S]*Aos-Kind: schedule/);
});

test('a bad cron line written after a quiet tick is named on every tick', async () => {
  const home = await quietHome();
  write(home, 'agents/researcher.md', withSchedule(DAILY + '  - cron: "99 * * * *"\n    task: never\n'));
  for (const n of [1, 2]) {
    const r = await tick(home);
    assert.is(r.code, 1, `tick ${n}: ${r.stdout}`);
    assert.match(r.stderr, /agents\/researcher\.md: schedule\.1\.cron: expected a valid cron expression.*"99 \* \* \* \*"/, `tick ${n}`);
  }
});

test('a schedule item removed by hand after a quiet tick is filed again, as without the shortcut', async () => {
  const home = await quietHome();
  const [item] = scheduled(home);
  rmSync(join(home, 'inbox', item!));
  const r = await tick(home);
  assert.is(r.code, 0, r.stderr);
  assert.equal(scheduled(home), [item]);
});

test('a damaged record is only a lost shortcut', async () => {
  const home = await quietHome();
  write(home, RECORD, '{"inputs": "[1,');
  const r = await tick(home);
  assert.is(r.code, 0, r.stderr);
  assert.is(scheduled(home).length, 1);
  write(home, 'agents/researcher.md', withSchedule(DAILY + '  - cron: "0 0 * * *"\n    task: Water the plants.\n    missed: once\n'));
  write(home, RECORD, 'not json at all');
  assert.is((await tick(home)).code, 0);
  assert.is(scheduled(home, /Water the plants/).length, 1);
});

test.run();
