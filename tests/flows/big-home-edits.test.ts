// A home past the idle stamp's size (home/idlestamp.ts, 3,000 paths) asks git on every tick, once:
// one `git status --ignored` answers both the stray temp files and the hand edits (issue 24). An
// in-place, same-size edit of an old archived file and a new inbox item, made within the same
// second as the tick before, are committed as the owner's, and a stray temp file beside them is
// removed, never committed. Real home, the built CLI, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, newHome } from '../helpers.js';

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function tickJson(home: string): { ownerEdits: string[]; recovered: string[] } {
  const r = aos(['tick', '--json'], { cwd: home });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return json(r);
}

test('a big home: a same-size edit of an old archived log, a new item and a stray temp file, right after a tick', () => {
  const home = newHome();
  // 3,100 archived notes in 31 folders: past the idle stamp's 3,000 paths.
  for (let d = 1; d <= 31; d++) {
    const dir = join(home, `logs/2025/12/archive-${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(join(dir, `note-${i}.md`), `# Note ${d}.${i}\n\nSome archived text, written once.\n`);
  }
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'a year of notes']);
  tickJson(home);
  sleep(1100);
  tickJson(home);
  assert.match(readFileSync(join(home, '.aos/cache/idle.json'), 'utf8'), /"too_big":true/, 'the home is past the stamp: git judges');
  tickJson(home);

  const old = 'logs/2025/12/archive-03/note-42.md';
  const text = readFileSync(join(home, old), 'utf8');
  const mtime = new Date(Date.now() - 86_400_000);
  writeFileSync(join(home, old), text.replace('written', 'Written'));
  // Its mtime set back as well: only the size, inode and ctime could tell, and git's index does.
  utimesSync(join(home, old), mtime, mtime);
  writeFileSync(join(home, 'inbox/20261201T090000-hand.md'), 'Water the plants.\n');
  const stray = 'logs/2025/12/archive-07/.note-1.md.999999999.0badc0de.tmp';
  writeFileSync(join(home, stray), 'half a write');
  const past = new Date(Date.now() - 120_000);
  utimesSync(join(home, stray), past, past);

  const report = tickJson(home);
  assert.ok(report.ownerEdits.includes(old), JSON.stringify(report.ownerEdits));
  assert.ok(report.ownerEdits.includes('inbox/20261201T090000-hand.md'), JSON.stringify(report.ownerEdits));
  assert.ok(report.recovered.some((l) => l.startsWith(`removed ${stray}`)), JSON.stringify(report.recovered));
  assert.not.ok(existsSync(join(home, stray)));
  assert.is(git(home, ['status', '--porcelain']), '');
  assert.not.match(git(home, ['log', '--all', '--name-only', '--format=']), /\.tmp/);
});

test.run();
