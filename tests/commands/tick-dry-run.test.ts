// `aos tick --dry-run` on a real home: it names what a tick would do and changes nothing, not a file
// on disk (the lock, the cache, git's index included) and not a commit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, git, json, write } from '../helpers.js';
import { changedFiles, snapshot } from '../inprocess-helpers.js';
import { RESEARCHER, addItem, envFor, modelHome, tick } from '../model-helpers.js';

function assertUnchanged(before: Map<string, string>, after: Map<string, string>): void {
  assert.equal(changedFiles(before, after), [], 'no file added, removed or changed');
}

/** A home made two days ago with a daily schedule (due now: a new entry looks back a day), two owner items, and a hand edit. */
function busyHome(): { home: string; first: string; second: string } {
  const home = modelHome();
  write(home, 'agents/researcher.md', RESEARCHER.replace('capabilities:', 'schedule:\n  - cron: "0 0 * * *"\n    task: Daily sweep.\n    missed: once\ncapabilities:'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'schedule']);
  // The home was made two days ago, so last midnight's slot is one it missed (slots before aos init never fire).
  write(home, '.aos/created', new Date(Date.now() - 2 * 86_400_000).toISOString() + '\n');
  const first = addItem(home, 'Find the opening hours of the library.');
  const second = addItem(home, 'Plan the week.', 'chief');
  write(home, 'notes/todo.md', 'a hand edit\n');
  return { home, first, second };
}

test('--dry-run names the due schedule item and the pending items in order, with their agents, and changes nothing', async () => {
  const { home, first, second } = busyHome();
  const head = git(home, ['rev-parse', 'HEAD']);
  const status = git(home, ['status', '--porcelain']);
  const before = snapshot(home);
  const r = await aosAsync(['tick', '--home', home, '--dry-run'], { env: envFor(undefined) });
  assert.is(r.code, 0, r.stderr);
  assertUnchanged(before, snapshot(home));
  assert.is(git(home, ['rev-parse', 'HEAD']), head, 'no commit');
  assert.is(git(home, ['status', '--porcelain']), status);
  assert.match(r.stdout, /Dry run: nothing was changed/);
  assert.match(r.stdout, /would commit your hand edits \(1 file\): notes\/todo\.md/);
  const scheduled = /would schedule (\S+) for researcher/.exec(r.stdout);
  assert.ok(scheduled, r.stdout);
  // The owner's items first (oldest first), then the schedule's.
  const order = [...r.stdout.matchAll(/would run\s+\d+\. (\S+) by (\S+) \((\w+)\)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  assert.equal(order, [`${first} researcher handles`, `${second} chief to`, `${scheduled![1]} researcher to`]);
});

test('--dry-run --json gives the same plan as data; a real tick then creates exactly the planned schedule item', async () => {
  const { home, first, second } = busyHome();
  const before = snapshot(home);
  const r = await aosAsync(['tick', '--home', home, '--dry-run', '--json'], { env: envFor(undefined) });
  assert.is(r.code, 0, r.stderr);
  assertUnchanged(before, snapshot(home));
  const plan = json(r);
  assert.is(plan.dry_run, true);
  assert.is(plan.lock, null);
  assert.equal(plan.recover, []);
  assert.equal(plan.ownerEdits, ['notes/todo.md']);
  assert.is(plan.scheduled.length, 1);
  assert.is(plan.scheduled[0].agent, 'researcher');
  assert.equal(
    plan.runs.map((x: { item: string; agent?: string }) => [x.item, x.agent]),
    [
      [first, 'researcher'],
      [second, 'chief'],
      [plan.scheduled[0].id, 'researcher'],
    ],
  );
  // No model is configured for the real tick here (no key): it still creates the schedule item.
  const real = await tick(home, undefined);
  assert.match(real.stdout, new RegExp(`scheduled ${plan.scheduled[0].id}`));
});

test('--dry-run names what a crash left and a stale lock, and still takes nothing over', async () => {
  const { home, first } = busyHome();
  write(home, `inbox/${first}.md`, readFileSync(join(home, `inbox/${first}.md`), 'utf8').replace('status: new', 'status: running'));
  write(home, '.aos/lock', JSON.stringify({ pid: 999999, host: 'elsewhere', command: 'tick', started: '2020-01-01T00:00:00Z', token: 'x' }) + '\n');
  const before = snapshot(home);
  const r = await aosAsync(['tick', '--home', home, '--dry-run'], { env: envFor(undefined) });
  assertUnchanged(before, snapshot(home));
  assert.match(r.stdout, new RegExp(`would recover: item marked running: ${first}`));
  assert.match(r.stdout, /a stale lock \(.*\): the tick would take it over/);
  assert.match(r.stdout, /would recover: a stale lock, taken over first/);
});

test('a damaged run record today is reported, not silently left out of the budget', async () => {
  const home = modelHome();
  write(home, 'agents/chief.md', readFileSync(join(home, 'agents/chief.md'), 'utf8').replace('  max_turns: 6', '  max_turns: 6\n  tokens_per_day: 100000'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'budget']);
  addItem(home, 'Plan the week.', 'chief');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const record = `logs/runs/${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/r-${stamp}-dmgd.md`;
  write(home, record, 'not a run record\n');
  const r = await aosAsync(['tick', '--home', home, '--dry-run', '--json'], { env: envFor(undefined) });
  assert.is(r.code, 1, r.stderr);
  const plan = json(r);
  assert.equal(plan.problems.map((p: { file: string }) => p.file), [record]);
  assert.match(plan.problems[0].hint, /spend is not counted/);
});

test('doctor: an unreadable .gitattributes is a problem of its own, a missing one the usual one', () => {
  const home = modelHome();
  rmSync(join(home, '.gitattributes'));
  const missing = json(aos(['doctor', '--home', home, '--json']));
  assert.equal(missing.problems.filter((p: { file: string }) => p.file === '.gitattributes').map((p: { found: string }) => p.found), ['none']);
  mkdirSync(join(home, '.gitattributes'));
  const unreadable = json(aos(['doctor', '--home', home, '--json']));
  const found = unreadable.problems.filter((p: { file: string }) => p.file === '.gitattributes');
  assert.is(found.length, 1);
  assert.is(found[0].expected, 'a readable file');
  assert.match(found[0].found, /EISDIR/);
});

test.run();
