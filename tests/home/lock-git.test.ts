// The writer lock under real concurrency, and commits that never depend on the machine's git config.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { ROOT, newHome, git, write, bareEnv, tempDir } from '../helpers.js';
import { commitOwnerEdits, commit } from '../../cli/git/git.js';
import { pendingChanges } from '../../cli/git/read.js';
import { agentIdentity } from '../../cli/core/docs/commit.js';

const RACER = join(ROOT, 'tests/fixtures/lock-racer.ts');

/** n contenders for the lock; a winner holds it until all n have tried (each has printed its line). */
function race(home: string, n: number): Promise<string[]> {
  const release = join(tempDir(), 'release');
  let tried = 0;
  const triedOne = () => ++tried === n && writeFileSync(release, '');
  return Promise.all(
    Array.from({ length: n }, () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx/esm', RACER, home, release], { env: bareEnv() });
        let out = '';
        let counted = false;
        const count = () => void (!counted && (counted = true) && triedOne());
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) count();
        });
        child.stderr.on('data', (d) => (out += d));
        child.on('close', () => {
          count();
          resolve(out.trim());
        });
      }),
    ),
  );
}

test('ten processes race for the lock: exactly one holds it', async () => {
  const home = tempDir();
  const results = await race(home, 10);
  assert.is(results.filter((r) => r === 'acquired').length, 1, results.join('\n'));
  assert.is(results.filter((r) => r.startsWith('busy')).length, 9, results.join('\n'));
  assert.not.ok(existsSync(join(home, '.aos/lock')), 'the winner released the lock');
});

test('ten processes race to take over a stale lock: exactly one wins', async () => {
  const home = tempDir();
  write(home, '.aos/lock', JSON.stringify({ pid: 999999, host: hostname(), started: new Date().toISOString(), command: 'tick' }));
  const results = await race(home, 10);
  assert.is(results.filter((r) => r === 'acquired').length, 1, results.join('\n'));
  assert.ok(results.filter((r) => r.startsWith('busy')).length === 9);
});

test('a lock older than its limit is stale even if its pid lives; a corrupt one is stale too', async () => {
  const home = tempDir();
  write(home, '.aos/lock', JSON.stringify({ pid: process.pid, host: hostname(), started: '2000-01-01T00:00:00Z', command: 'tick' }));
  assert.equal(await race(home, 1), ['acquired']);
  write(home, '.aos/lock', '{not json');
  assert.equal(await race(home, 1), ['acquired']);
  write(home, '.aos/lock', JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'tick' }));
  const [busy] = await race(home, 1);
  assert.match(busy!, /^busy .*pid/);
});

test("owner's hand edits become the owner's own commit, separate from an agent's", async () => {
  const home = newHome();
  const vars = bareEnv();
  const asWritten = (text: string) => text; // no secrets in this home
  writeFileSync(join(home, 'memory/MEMORY.md'), '# Memory\n- edited by hand\n');
  write(home, 'notes/new.md', 'hello\n');
  assert.equal((await pendingChanges(home, vars)).sort(), ['memory/MEMORY.md', 'notes/new.md']);
  const edits = await commitOwnerEdits(home, vars, { name: 'Tess', email: 'tess@example.org' }, 'laptop', asWritten);
  assert.ok(edits);
  assert.equal(edits!.files.sort(), ['memory/MEMORY.md', 'notes/new.md']);
  assert.is(await commitOwnerEdits(home, vars, { name: 'Tess', email: 't@e' }, 'laptop', asWritten), undefined, 'nothing left to commit');
  write(home, 'notes/agent.md', 'by the researcher\n');
  const sha = await commit(home, vars, {
    who: agentIdentity('researcher'),
    subject: 'researcher: wrote notes',
    trailers: { 'Aos-Run': 'r-1', 'Aos-Agent': 'researcher', 'Aos-Kind': 'tick' },
    paths: ['notes/agent.md'],
  }, asWritten);
  assert.ok(sha);
  const log = git(home, ['log', '-3', '--format=%an|%ae|%cn|%s|%(trailers:key=Aos-Kind,valueonly,separator=%x2C)']).trim().split('\n');
  assert.is(log[0], 'researcher|researcher@aos.invalid|researcher|researcher: wrote notes|tick');
  assert.is(log[1], 'Tess|tess@example.org|Tess|owner: hand edits (2 files)|owner-edit');
  assert.is(git(home, ['log', '--author=researcher', '--format=%s']).trim(), 'researcher: wrote notes');
});

test.run();
