// Run journals are one file per run (.aos/runs/<run>.json) since arena.parallel; a home updated from
// a release that wrote .aos/run.json while a run was cut off still has that one. Shown: aos doctor
// names the run from either, and the next tick recovers the legacy journal like any other: the run
// resumes from its record, the file is removed, nothing asked twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aos, git, read } from '../helpers.js';
import { addItem, doneFile, envFor, tick, withModel } from '../model-helpers.js';

test("a cut-off run's journal in the old place (.aos/run.json) is named by doctor and recovered by the next tick", async () => {
  await withModel({
    replies: [{ tools: [{ name: 'note', input: { text: 'first step noted' } }] }, { hang: true }],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    const id = addItem(home, 'a two-step task', 'chief');
    const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await server.waitForRequests(2, 30_000);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const journals = readdirSync(join(home, '.aos/runs'));
    assert.is(journals.length, 1, 'the run wrote its own journal');
    const run = journals[0]!.replace(/\.json$/, '');
    // As an older release would have left it.
    renameSync(join(home, '.aos/runs', journals[0]!), join(home, '.aos/run.json'));
    const d = aos(['doctor', '--home', home]);
    assert.match(`${d.stdout}${d.stderr}`, new RegExp(`run ${run} of ${id} has not finished \\(running\\)`));

    server.push({ text: 'both steps done' });
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /resumes from its 1 recorded turn/, r.stdout);
    assert.not.ok(existsSync(join(home, '.aos/run.json')), 'the legacy journal is gone once recovered');
    assert.is(readdirSync(join(home, '.aos/runs')).length, 0);
    assert.is(server.requests.length, 3, 'one more question, for the turn never answered');
    assert.match(read(home, doneFile(home, id)!), /both steps done/);
    assert.is(git(home, ['grep', '-h', '-e', 'first step noted', 'HEAD', '--', 'logs/20*']).split('\n').filter(Boolean).length, 1, 'the note is committed once');
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test.run();
