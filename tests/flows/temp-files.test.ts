// Issue 14 item 6: a write killed half-way leaves aos's temp file; it never reaches history, the
// next tick removes it once its writer is gone, and doctor names it until then.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, newHome, read, ROOT, write } from '../helpers.js';

/** Starts a real writeAtomic of a large file and kills the writer with SIGKILL once its temp file exists. */
async function killMidWrite(home: string, rel: string): Promise<string> {
  const target = join(home, rel);
  const script = `import { writeAtomic } from ${JSON.stringify(join(ROOT, 'cli/home/files.ts'))};
await writeAtomic(${JSON.stringify(target)}, 'x'.repeat(256 * 1024 * 1024));`;
  const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], { cwd: ROOT, stdio: 'ignore' });
  const dir = join(target, '..');
  const temp = () => readdirSync(dir).find((n) => n.endsWith('.tmp'));
  for (let i = 0; i < 12_000 && !temp() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const name = temp();
  assert.ok(name, 'the writer was killed with its temp file on disk');
  assert.not.ok(existsSync(target), 'and before its rename');
  return join(rel, '..', name!).replace(/^\.\//, '');
}

test('a temp file left by a killed write is never committed, and the next tick removes it', async () => {
  const home = newHome();
  // A home made before .gitignore named the temp files: nothing but aos itself keeps them out.
  write(home, '.gitignore', '.aos/\n');
  git(home, ['commit', '-qam', 'old .gitignore']);
  const temp = await killMidWrite(home, 'inbox/note.md');
  assert.match(temp, /^inbox\/\.note\.md\.\d+\.[0-9a-f]{8}\.tmp$/);
  write(home, 'notes.md', 'a real hand edit\n');

  // Doctor names the stray file (its writer is gone) before any tick.
  const past = new Date(Date.now() - 120_000);
  utimesSync(join(home, temp), past, past);
  const doc = aos(['doctor'], { cwd: home });
  assert.is(doc.code, 1, doc.stdout + doc.stderr);
  assert.match(doc.stdout, new RegExp(`${temp.replace(/\./g, '\\.')}: expected no temp file left behind`));

  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.not.ok(existsSync(join(home, temp)), 'removed');
  assert.match(r.stdout, /removed inbox\/\.note\.md\.\d+\.[0-9a-f]{8}\.tmp/);
  const history = git(home, ['log', '--all', '--name-only', '--format=']);
  assert.not.match(history, /\.tmp/, 'no temp file in any commit');
  assert.match(history, /notes\.md/, 'the hand edit was committed');
  assert.match(read(home, '.gitignore'), /^\.\*\.tmp$/m, 'the .gitignore line was added');
  assert.is(git(home, ['status', '--porcelain']), '');
});

test('a fresh temp file is left for its writer but still never committed', async () => {
  const home = newHome();
  assert.match(read(home, '.gitignore'), /^\.\*\.tmp$/m, 'the starter .gitignore names them');
  const temp = await killMidWrite(home, 'memory/topic.md');
  write(home, 'notes.md', 'a real hand edit\n');
  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.ok(existsSync(join(home, temp)), 'under a minute old: kept this tick');
  assert.not.match(git(home, ['log', '--all', '--name-only', '--format=']), /\.tmp/);
  const doc = aos(['doctor', '--json'], { cwd: home });
  assert.ok(JSON.parse(doc.stdout).notes.some((n: string) => n.includes(temp)), doc.stdout);
});

test('one git status finds stray temp files where .gitignore hides them (.aos/, an ignored folder) and the hand edit beside them', () => {
  // The tick asks git once (status with --ignored) for both; without the ignored files it would
  // miss these, which ls-files --others used to list.
  const home = newHome();
  // Ignored folders are listed whole (--ignored=matching): .aos/ is read by aos, the owner's asked of
  // git, one of them named with characters a glob pathspec reads.
  write(home, '.gitignore', `${read(home, '.gitignore')}build/\nmedia \\[2025\\]*/\n`);
  git(home, ['commit', '-qam', 'ignore build/']);
  // A pid that no process has: the writer is gone.
  const strays = ['.aos/.docs.json.999999999.0badc0de.tmp', '.aos/cache/.idle.json.999999999.0badc0de.tmp', 'build/out/.a.txt.999999999.0badc0de.tmp', 'media [2025]*/x/.b.txt.999999999.0badc0de.tmp', 'memory/.topic.md.999999999.0badc0de.tmp'];
  write(home, 'media [2025]*/x/photo.txt', 'kept: not a temp file');
  const past = new Date(Date.now() - 120_000);
  for (const s of strays) {
    write(home, s, 'half a write');
    utimesSync(join(home, s), past, past);
  }
  write(home, 'notes.md', 'a real hand edit\n');
  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const s of strays) {
    assert.not.ok(existsSync(join(home, s)), `${s} removed`);
    assert.ok(r.stdout.includes(`removed ${s}, a temp file`), r.stdout);
  }
  assert.match(r.stdout, /committed your hand edits \(1 file\)/);
  assert.match(git(home, ['log', '--name-only', '--format=']), /^notes\.md$/m, 'the hand edit was committed');
  assert.not.match(git(home, ['log', '--all', '--name-only', '--format=']), /\.tmp/);
  assert.is(git(home, ['status', '--porcelain']), '');
  assert.ok(existsSync(join(home, 'media [2025]*/x/photo.txt')), 'the ignored folder keeps its own files');
});

test('a file the tick moves out of inbox/ is committed and listed where it is kept, not where git first saw it', () => {
  // The tick's one git status is taken before it moves dropped files; a move asks git again, so the
  // owner's commit names the kept path (reusing the first answer would list inbox/report.pdf).
  const home = newHome();
  write(home, 'inbox/report.pdf', '%PDF-1.4 fake');
  write(home, 'notes.md', 'a real hand edit\n');
  const r = aos(['tick', '--json'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const edits: string[] = JSON.parse(r.stdout).ownerEdits;
  assert.ok(edits.includes('inbox/unsupported/report.pdf') && edits.includes('notes.md'), edits.join(', '));
  assert.not.ok(edits.includes('inbox/report.pdf'), edits.join(', '));
  assert.match(git(home, ['log', '--format=%b', '--grep=hand edits']), /^- inbox\/unsupported\/report\.pdf$/m);
  assert.is(git(home, ['status', '--porcelain']), '');
});

test.run();
