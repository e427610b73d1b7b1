// Table tests for core/docs/tempfiles.ts: aos's atomic-write temp names, the .gitignore line, and
// which left-behind temp files the tick removes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ignoresTempFiles, planTempCleanup, tempName, tempWriter, TEMP_STALE_MS } from '../../cli/core/docs/tempfiles.js';

// [path, writer pid or undefined, why]
const names: [string, number | undefined, string][] = [
  [tempName('r-1.md', 4242, '0a1b2c3d'), 4242, 'the name writeAtomic makes'],
  ['logs/runs/2026/01/.r-20260101T000000-ab.md.311.deadbeef.tmp', 311, 'in a dated folder'],
  ['.aos/cache/.docs.json.9.00000000.tmp', 9, 'in .aos/'],
  ['inbox/note.md', undefined, 'an ordinary file'],
  ['inbox/.note.tmp', undefined, 'a dot-tmp file with no pid and suffix'],
  ['inbox/.note.md.12.XYZXYZXY.tmp', undefined, 'a suffix that is not hex'],
  ['inbox/note.md.12.0a1b2c3d.tmp', undefined, 'no leading dot'],
  ['.x.12.0a1b2c3d.tmp/inner.md', undefined, 'only the last part of the path counts'],
];
for (const [path, pid, why] of names) test(`tempWriter: ${why}`, () => assert.is(tempWriter(path), pid));

// [gitignore text, ignores, why]
const ignores: [string, boolean, string][] = [
  ['.aos/\n.*.tmp\n', true, 'the starter'],
  ['.aos/\r\n  .*.tmp  \r\n', true, 'CRLF and spaces'],
  ['**/.*.tmp', true, 'the explicit any-folder form'],
  ['.aos/\n', false, 'a home made before the line'],
  ['# .*.tmp\n', false, 'a comment is not a rule'],
  ['', false, 'no .gitignore'],
];
for (const [text, want, why] of ignores) test(`ignoresTempFiles: ${why}`, () => assert.is(ignoresTempFiles(text), want));

test('planTempCleanup: removes only old temp files whose writer is gone', () => {
  const old = TEMP_STALE_MS + 1;
  const plan = planTempCleanup([
    { path: 'a/.x.md.1.00000000.tmp', ageMs: old, writerAlive: false },
    { path: 'a/.y.md.2.00000000.tmp', ageMs: old, writerAlive: true },
    { path: 'a/.z.md.3.00000000.tmp', ageMs: 1_000, writerAlive: false },
    { path: 'a/.w.md.4.00000000.tmp', ageMs: TEMP_STALE_MS, writerAlive: false },
  ]);
  assert.equal(plan.remove, ['a/.x.md.1.00000000.tmp', 'a/.w.md.4.00000000.tmp']);
  assert.equal(plan.keep.map((k) => k.path), ['a/.y.md.2.00000000.tmp', 'a/.z.md.3.00000000.tmp']);
  assert.match(plan.keep[0]!.why, /pid 2/);
});

test.run();
