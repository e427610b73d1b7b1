// Issue 18: `aos bench run starter` runs the suite shipped in bench/missions/starter as missions (the
// fake Messages API fixes add.js, `node --test` really runs) and writes benchmarks/<date>-starter.md
// with the configuration that made it; `aos bench show` prints the mode next to the score, and
// refuses the same result once its configuration is removed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, git, json, read, write } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import { FIXED_ADD, addCoder } from '../mission-helpers.js';

test('bench run writes a disclosed result; without its configuration bench show refuses it', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'fixed', usage: { input_tokens: 100, output_tokens: 20 } },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const bad = aos(['bench', 'run', 'no-such-suite', '--home', home]);
    assert.is(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /no suite "no-such-suite" in bench\/missions\//);

    const r = await aosAsync(['bench', 'run', 'starter', '--home', home, '--json'], { env: envFor(server) });
    assert.is(r.code, 0, r.stderr);
    const out = json(r);
    assert.match(out.file, /^benchmarks\/\d{4}-\d{2}-\d{2}-starter\.md$/);
    assert.equal(out.tasks.map((t: any) => [t.task, t.outcome]), [['add-fix', 'promoted']]);
    assert.ok(out.tasks[0].tokens > 0);
    const text = read(home, out.file);
    for (const field of ['mode: full-loop', 'brains:', 'models:', 'candidates: 1', 'repair_rounds: 2', 'retries: 0', 'checks:', 'aos_version:', 'device:']) assert.ok(text.includes(field), field);
    assert.match(text, /- claude-sonnet-4-6/);
    assert.match(text, /\| add-fix \| promoted \|/);
    assert.is(git(home, ['status', '--porcelain', '--', 'benchmarks']), '', 'the result is committed');
    // The suite's own files were never touched: the mission worked on a copy.
    assert.is(read(join(process.cwd(), 'bench/missions/starter/add-fix/repo'), 'add.js'), 'exports.add = (a, b) => a - b;\n');

    const shown = aos(['bench', 'show', 'starter', '--home', home]);
    assert.is(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /1\/1 promoted \(100%\)\s+mode full-loop/);

    write(home, out.file, text.replace(/^mode: .*\n/m, '').replace(/^brains:\n(  - .*\n)+/m, ''));
    const refused = aos(['bench', 'show', 'starter', '--home', home]);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`${out.file.replace(/\./g, '\\.')}.*\\(mode, brains\\)`));
    assert.not.match(refused.stdout, /promoted/);
    assert.ok(readdirSync(join(home, 'benchmarks')).length === 1);
  });
});

test.run();
