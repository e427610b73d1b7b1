// aos writes stdout and stderr with writeSync, never making node's stream objects on cron's quiet
// paths (cli/output.ts). What a user relies on: every byte arrives in order, also through a full
// non-blocking pipe (EAGAIN hands the rest to node's stream); a reader that closes the pipe early
// (`aos log | head`) ends aos quietly with its exit code; a terminal is still told apart from a pipe.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aos, bareEnv, newHome, write } from '../helpers.js';

/** Today's log (UTC, as the home's timezone) with `n` entries: some 300 KB, far more than a pipe holds. */
function bigLog(home: string, n = 3000): void {
  const day = new Date().toISOString().slice(0, 10);
  const lines = [`# ${day}`];
  for (let i = 0; i < n; i++) {
    const t = `${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push('', `## ${t} · note · chief · r-out-${i}`, `Entry ${i}: the ferry, the invoice and the sourdough, written out to fill the pipe.`);
  }
  write(home, `logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, lines.join('\n') + '\n');
}

test('a reader that closes the pipe early ends aos quietly, exit 0', () => {
  const home = newHome();
  bigLog(home);
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${AOS}" log | head -c 200 >/dev/null; echo "aos exit \${PIPESTATUS[0]}" >&2`], { cwd: home, env: bareEnv(), encoding: 'utf8' });
  assert.match(r.stderr, /aos exit 0\n$/);
  assert.not.match(r.stderr, /EPIPE|internal error|Error/);
});

test('a full non-blocking pipe loses nothing: every byte arrives, in order', () => {
  const home = newHome();
  bigLog(home);
  const plain = aos(['log'], { cwd: home });
  assert.is(plain.code, 0, plain.stderr);
  assert.ok(plain.stdout.length > 200_000, 'the output is larger than a pipe');
  // The write end is non-blocking and nobody reads for a while: writeSync meets EAGAIN.
  const py = [
    'import os, subprocess, sys, time',
    'r, w = os.pipe()',
    'os.set_blocking(w, False)',
    'p = subprocess.Popen([sys.argv[1], sys.argv[2], "log"], stdout=w)',
    'os.close(w)',
    'time.sleep(1.0)',
    'chunks = []',
    'while True:',
    '    b = os.read(r, 65536)',
    '    if not b: break',
    '    chunks.append(b)',
    'code = p.wait()',
    'sys.stdout.buffer.write(b"".join(chunks))',
    'sys.stderr.write("aos exit %d" % code)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, process.execPath, AOS], { cwd: home, env: bareEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(r.stderr.trim(), 'aos exit 0');
  assert.is(r.stdout, plain.stdout);
});

test('a terminal is told apart from a pipe: an idle tick says so only on a terminal', () => {
  const home = newHome();
  aos(['tick'], { cwd: home });
  // The starter schedules' items move to done, so the next ticks have nothing to do.
  mkdirSync(join(home, 'inbox/done/2026/01'), { recursive: true });
  for (const f of readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(home, 'inbox', f), join(home, 'inbox/done/2026/01', f));
  aos(['tick'], { cwd: home });
  const piped = aos(['tick'], { cwd: home });
  assert.is(piped.code, 0, piped.stderr);
  assert.is(piped.stdout, '', 'under a pipe (as under cron) an idle tick prints nothing');
  const onTerminal = spawnSync('script', ['-qec', `"${process.execPath}" "${AOS}" tick`, '/dev/null'], { cwd: home, env: bareEnv(), encoding: 'utf8' });
  assert.is(onTerminal.status, 0, onTerminal.stdout);
  assert.match(onTerminal.stdout, /Nothing to do\./);
});

test.run();
