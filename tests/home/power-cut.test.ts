// aos no longer fsyncs the files whose damage costs nothing (home/files.ts, `durable: false`): the
// lock, the tick's heartbeat and the document cache. A power cut can leave each empty or half
// written; what a user relies on is that the next aos takes each for none and goes on, and that
// nothing else is lost (the doc cache's own cases are in cache-args.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, newHome, read, write } from '../helpers.js';

/** A home whose next tick has nothing to do: the starter schedules' items moved to done. */
function idleHome(): string {
  const home = newHome();
  aos(['tick'], { cwd: home });
  mkdirSync(join(home, 'inbox/done/2026/01'), { recursive: true });
  for (const f of readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(home, 'inbox', f), join(home, 'inbox/done/2026/01', f));
  return home;
}

test('an empty or half-written lock left by a power cut is taken over by the next tick', () => {
  for (const left of ['', '{"pid":4242,"host":"th']) {
    const home = idleHome();
    write(home, '.aos/lock', left);
    const r = aos(['tick'], { cwd: home });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /unreadable/, 'the takeover is said, with its reason');
    // The tick ran: the hand edit (moving the items) is committed, and the lock is gone.
    assert.match(git(home, ['log', '-1', '--format=%s']), /owner: hand edits/);
    assert.equal(readdirSync(join(home, '.aos')).filter((f) => f === 'lock'), []);
  }
});

test('an empty or half-written heartbeat reads as no tick, and the next tick writes it whole', () => {
  for (const left of ['', '{"time":"2026-12-0']) {
    const home = idleHome();
    aos(['tick'], { cwd: home });
    write(home, '.aos/last-tick.json', left);
    const status = aos(['status', '--json'], { cwd: home });
    assert.is(status.code, 0, status.stderr);
    assert.is(json(status).last_tick, null);
    assert.is(aos(['tick'], { cwd: home }).code, 0);
    assert.match(JSON.parse(read(home, '.aos/last-tick.json')).time, /^\d{4}-\d{2}-\d{2}T/);
    assert.ok(json(aos(['status', '--json'], { cwd: home })).last_tick);
  }
});

test.run();
