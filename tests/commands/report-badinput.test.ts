// aos report with bad files: a broken run record and a broken memory are named on the overview's
// problems and in --json, the rest is reported; --out writes elsewhere; a home without runs builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, json, newHome, tempDir, write } from '../helpers.js';
import { addItem, envFor, tick, withModel } from '../model-helpers.js';

test('aos report: broken files are named, not fatal; the rest is reported', async () => {
  await withModel({ replies: [{ text: 'Done.' }] }, async ({ server, home }) => {
    addItem(home, 'Say hello', 'chief');
    assert.is((await tick(home, server)).code, 0);
    write(home, 'logs/runs/2026/11/r-20261120T100000-bad1.md', '---\nrun: [broken\n');
    write(home, 'memory/broken-topic.md', '---\ntitle: [unclosed\n---\nbody\n');
    const out = join(tempDir(), 'site');
    const r = await aosAsync(['report', '--home', home, '--out', out, '--json'], { env: envFor(undefined) });
    assert.is(r.code, 0, r.stderr);
    const built = json(r);
    assert.is(built.out, out);
    assert.is(built.runs, 1, 'the good run is reported');
    assert.ok(built.problems.some((p: string) => p.includes('logs/runs/2026/11/r-20261120T100000-bad1.md')), built.problems.join('\n'));
    assert.ok(built.problems.some((p: string) => p.includes('memory/broken-topic.md')), built.problems.join('\n'));
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(index, /r-20261120T100000-bad1\.md/);
    assert.match(index, /memory\/broken-topic\.md/);
    assert.not.ok(existsSync(join(home, '.aos/report')), '--out writes only there');
    const text = await aosAsync(['report', '--home', home], { env: envFor(undefined) });
    assert.is(text.code, 0);
    assert.match(text.stderr, /skipped .*bad1\.md/);
    assert.match(text.stdout, /Wrote 8 pages to .*\.aos\/report: open file:\/\//);
  });
});

test('aos report on a new home (no runs, no spend) builds every page', async () => {
  const home = newHome();
  const r = await aosAsync(['report', '--home', home], { env: envFor(undefined) });
  assert.is(r.code, 0, r.stderr);
  assert.match(readFileSync(join(home, '.aos/report/runs.html'), 'utf8'), /No runs yet/);
  assert.match(readFileSync(join(home, '.aos/report/spend.html'), 'utf8'), /No model spend yet/);
});

test.run();
