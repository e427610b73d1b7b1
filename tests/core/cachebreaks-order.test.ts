// Runs of one agent started in the same second (one tick serving several of its items): their order
// comes from the history, not from the run id's random tail, so no false "changed" is reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheBreaks, type PrefixRun } from '../../cli/core/runs/cachekey.js';

const run = (id: string, instructions: string): PrefixRun => ({
  run: id, agent: 'chief', started: '2026-12-07T10:00:00+00:00', model: 'm',
  prompt: { prefix: `p-${instructions}`, tools: 't', stable: `s-${instructions}`, instructions, memory: 'x' },
});

test('same second: the commit order decides, so an edit between two runs is reported at the run that saw it', () => {
  // Committed in the order b (old text), a (old text), c (new text); ids sort the other way.
  const runs = [run('r-z', 'old'), run('r-y', 'old'), run('r-a', 'new')];
  const order = new Map([['r-z', 1], ['r-y', 2], ['r-a', 3]]);
  assert.equal(cacheBreaks(runs, order).breaks.map((b) => [b.run, b.why]), [['r-z', ['first run shown: nothing cached before it']], ['r-a', ['instructions edited']]]);
  // Without the history, the id order puts the new text first and reports the old text as the change.
  assert.equal(cacheBreaks(runs).breaks.map((b) => b.run), ['r-a', 'r-y']);
});

test.run();
