// Ctrl-C and SIGTERM while a model call is in flight (issue 15 item 3): the built CLI in a real child
// process, the real SDK against a fake Messages API that never answers, real git. The run must end
// as cancelled, recorded and committed, with the lock released and one line saying what was kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, read, tempDir, type Result } from '../helpers.js';
import { addItem, tick, withModel } from '../model-helpers.js';

/** Starts aos, sends `signal` once the fake has the model call, and collects what it printed. */
async function stopMidCall(args: string[], env: Record<string, string>, waitForCall: () => Promise<void>, signal: NodeJS.Signals): Promise<Result> {
  const child = spawn(process.execPath, [AOS, ...args], { cwd: tempDir(), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number>((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig ? -1 : -2))));
  await waitForCall();
  child.kill(signal);
  const code = await closed;
  return { code, stdout, stderr };
}

function records(home: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(home, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.md')) out.push(`${dir}/${e.name}`);
    }
  };
  if (existsSync(join(home, 'logs/runs'))) walk('logs/runs');
  return out;
}

test('Ctrl-C during aos run: record cancelled and committed, lock released, one line; the next tick does not run it again', async () => {
  await withModel({ replies: [{ hang: true }] }, async ({ server, home, env }) => {
    const r = await stopMidCall(['run', 'chief', 'Plan the week', '--home', home], env, () => server.waitForRequests(1, 60_000), 'SIGINT');
    assert.is(r.code, 130, r.stderr);
    assert.not.match(r.stderr, /internal error/);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /stopped by SIGINT: the run is cancelled and kept \(logs\/runs\/.*committed [0-9a-f]{7}\)/);

    const [record] = records(home);
    assert.ok(record, 'a run record');
    assert.match(read(home, record!), /^outcome: cancelled$/m);
    assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');
    assert.match(git(home, ['log', '-1', '--format=%B']), /Aos-Outcome: cancelled/);
    assert.not.ok(existsSync(join(home, '.aos/lock')), 'no lock left');
    const item = readdirSync(join(home, 'inbox')).find((f) => f.endsWith('.md'))!;
    assert.match(read(home, `inbox/${item}`), /^status: cancelled$/m);

    const t = await tick(home, server);
    assert.is(t.code, 0, t.stderr);
    assert.is(server.requests.length, 1, 'the cancelled item is not run again');
    assert.match(read(home, `inbox/${item}`), /^status: cancelled$/m);
  });
});

test('SIGTERM during a tick: the run is recorded cancelled and committed, the lock released, and the item runs next tick', async () => {
  await withModel({ replies: [{ hang: true }, { text: 'Done now.' }] }, async ({ server, home, env }) => {
    const id = addItem(home, 'Find the ferry times.');
    const r = await stopMidCall(['tick', '--home', home], env, () => server.waitForRequests(1, 60_000), 'SIGTERM');
    assert.is(r.code, 143, r.stderr);
    assert.match(r.stderr, /tick stopped by SIGTERM: kept and committed r-\S+ \(cancelled\)/);
    assert.not.match(r.stderr, /internal error/);
    assert.match(read(home, records(home)[0]!), /^outcome: cancelled$/m);
    assert.is(git(home, ['status', '--porcelain']), '', 'everything committed');
    assert.not.ok(existsSync(join(home, '.aos/lock')), 'no lock left');
    assert.match(read(home, `inbox/${id}.md`), /^status: new$/m);

    const t = await tick(home, server);
    assert.is(t.code, 0, t.stderr);
    assert.match(t.stdout, /done\s+\S+ by researcher/);
  });
});

test.run();
