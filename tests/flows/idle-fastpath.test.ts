// Hand edits made right after a tick, within the same second, are seen by the next tick: whatever
// shortcut an idle tick takes (cached folder mtimes, the index's stat), an edit in any collection
// the owner writes is committed as theirs. Real homes, the built CLI, real git.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, newHome, json } from '../helpers.js';

/** Replaces one character, so the size stays the same and only the mtime (maybe not even its second) says anything. */
function sameSizeEdit(path: string): void {
  const text = readFileSync(path, 'utf8');
  const at = text.lastIndexOf('e');
  writeFileSync(path, text.slice(0, at) + 'E' + text.slice(at + 1));
}

function tickJson(home: string): { ownerEdits: string[] } {
  const r = aos(['tick', '--json'], { cwd: home });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return json(r);
}

const STAMP = '.aos/cache/idle.json';
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const edits: [string, (home: string) => string][] = [
  ['agents: a same-size edit of an agent', (home) => (sameSizeEdit(join(home, 'agents/chief.md')), 'agents/chief.md')],
  [
    'inbox: a new item written by hand',
    (home) => {
      writeFileSync(join(home, 'inbox/20261201T090000-hand.md'), 'Water the plants.\n');
      return 'inbox/20261201T090000-hand.md';
    },
  ],
  ['goals: a line appended to a goal', (home) => (appendFileSync(join(home, 'goals/ielts-writing.md'), '\nA note.\n'), 'goals/ielts-writing.md')],
  ['memory: a same-size edit of a topic', (home) => (sameSizeEdit(join(home, 'memory/how-aos-works.md')), 'memory/how-aos-works.md')],
  ['aos.yaml: a comment appended', (home) => (appendFileSync(join(home, 'aos.yaml'), '# hand edit\n'), 'aos.yaml')],
  [
    'logs: an entry appended to a daily log',
    (home) => {
      const log = git(home, ['ls-files', 'logs']).split('\n').find((f) => /\d{4}-\d\d-\d\d\.md$/.test(f))!;
      appendFileSync(join(home, log), '\n## 23:59:59 · note · owner\nA hand-written note.\n');
      return log;
    },
  ],
];

test('an edit in each collection within the same second as the last tick is seen by the next tick', () => {
  const home = newHome();
  // A committed daily log for the logs case (a new home's ticks may log nothing: no slot before init fires).
  assert.is(aos(['inbox', 'add', 'Water the plants'], { cwd: home }).code, 0);
  tickJson(home);
  for (const [what, edit] of edits) {
    // Idle ticks first, a second apart, so the stamp of an unchanged home is in place and the last one took the fast path.
    tickJson(home);
    sleep(1100);
    tickJson(home);
    assert.ok(existsSync(join(home, STAMP)), `${what}: no stamp recorded by an idle tick`);
    tickJson(home);
    const file = edit(home);
    const report = tickJson(home);
    assert.ok(report.ownerEdits.includes(file), `${what}: ${file} not in ${JSON.stringify(report.ownerEdits)}`);
    assert.is(git(home, ['status', '--porcelain', '--', file]), '', `${what}: ${file} left uncommitted`);
  }
});

test('a folder replaced by a file of its name after an idle tick: the next tick commits it, no error', () => {
  const home = newHome();
  mkdirSync(join(home, 'notes/trip'), { recursive: true });
  writeFileSync(join(home, 'notes/trip/plan.md'), 'Lisbon in May.\n');
  tickJson(home);
  tickJson(home);
  sleep(1100);
  tickJson(home);
  assert.ok(existsSync(join(home, STAMP)), 'the stamp lists notes/trip/plan.md');
  rmSync(join(home, 'notes/trip'), { recursive: true });
  writeFileSync(join(home, 'notes/trip'), 'Lisbon in May, as one file.\n');
  const r = aos(['tick', '--json'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  assert.ok(json<{ ownerEdits: string[] }>(r).ownerEdits.includes('notes/trip'), r.stdout);
  assert.is(git(home, ['status', '--porcelain']), '');
});

test('an edit held back (a conflict marker) is named by every tick, never taken for an idle home', () => {
  const home = newHome();
  tickJson(home);
  writeFileSync(join(home, 'memory/held.md'), '---\ntitle: Held\n---\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n');
  sleep(1100);
  for (let i = 0; i < 3; i++) {
    const r = aos(['tick'], { cwd: home });
    assert.match(r.stderr, /memory\/held\.md/, `tick ${i + 1}: ${r.stderr}`);
  }
  assert.not.ok(existsSync(join(home, STAMP)));
});

test.run();
