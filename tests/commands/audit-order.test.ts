// aos audit lists capability uses newest first. Run ids hold the start to the second, then a random
// tail: two runs of one second are put in the order of their commits, not of their tails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, newHome, write } from '../helpers.js';
import { renderRunRecord, runRecordPath, type RunFront } from '../../cli/core/runs/runrecord.js';

const AT = '2026-12-07T12:00:00+00:00';

function record(home: string, run: string, file: string): void {
  const front: RunFront = {
    run, agent: 'chief', trigger: 'inbox', provider: 'anthropic', model: 'claude-sonnet-4-5', device: 'laptop',
    started: AT, ended: AT, outcome: 'done', usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
    uses: [{ at: AT, tool: 'read_file', argument: file, verdict: 'allowed', rule: '"file:notes/**:read"' }],
  };
  write(home, runRecordPath(run), renderRunRecord(front, [{ type: 'user', turn: 1, content: 'Read it.' }], 'done'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', `chief: ${run}\n\nAos-Run: ${run}`]);
}

test('two runs of one second: the one committed last is listed first, whatever their ids\' tails', () => {
  const home = newHome();
  // zzzz runs first, aaaa second: by their ids alone aaaa would be the older.
  record(home, 'r-20261207T120000-zzzz', 'notes/first.md');
  record(home, 'r-20261207T120000-aaaa', 'notes/second.md');
  const r = aos(['audit', 'chief', '--since', '2026-12-01', '--home', home, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(json(r).uses.map((u: any) => [u.run, u.argument]), [['r-20261207T120000-aaaa', 'notes/second.md'], ['r-20261207T120000-zzzz', 'notes/first.md']]);
});

test('runs of different seconds keep their order without asking git', () => {
  const home = newHome();
  record(home, 'r-20261207T120001-aaaa', 'notes/later.md');
  record(home, 'r-20261207T120000-zzzz', 'notes/earlier.md');
  const r = aos(['audit', 'chief', '--since', '2026-12-01', '--home', home, '--json']);
  assert.equal(json(r).uses.map((u: any) => u.argument), ['notes/later.md', 'notes/earlier.md']);
});

test.run();
