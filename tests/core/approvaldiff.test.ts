// The change a file write asks approval for, as the approval file shows it: a unified diff whose
// every line starts with ' ', '+', '-' or '@' (no agent text can close the front matter or the
// fence, or look like a conflict marker), cut with a note naming the full text's hash when long.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { diffLines, renderWriteChange, PREVIEW_MAX_LINES } from '../../cli/core/agents/approvaldiff.js';

test('a changed line in the middle: one hunk with three lines of context either side', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before.replace('line 10\n', 'line ten\n');
  assert.equal(diffLines(before, after), ['@@ -7,7 +7,7 @@', ' line 7', ' line 8', ' line 9', '-line 10', '+line ten', ' line 11', ' line 12', ' line 13']);
});

test('two far-apart changes are two hunks; near ones share one', () => {
  const before = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
  const far = before.replace('l2\n', 'L2\n').replace('l28\n', 'L28\n');
  assert.equal(diffLines(before, far).filter((l) => l.startsWith('@@')), ['@@ -1,5 +1,5 @@', '@@ -25,6 +25,6 @@']);
  const near = before.replace('l10\n', 'L10\n').replace('l14\n', 'L14\n');
  assert.equal(diffLines(before, near).filter((l) => l.startsWith('@@')), ['@@ -7,11 +7,11 @@']);
});

test('insertions and deletions; a new file is all + lines', () => {
  assert.equal(diffLines('a\nb\nc\n', 'a\nc\nd\n'), ['@@ -1,3 +1,3 @@', ' a', '-b', ' c', '+d']);
  assert.equal(diffLines('', 'x\ny\n'), ['@@ -0,0 +1,2 @@', '+x', '+y']);
  assert.equal(diffLines('x\n', ''), ['@@ -1,1 +0,0 @@', '-x']);
});

test('no shown line can end the front matter, close the fence or be a conflict marker; control characters are named', () => {
  const text = '---\n```\n<<<<<<< HEAD\n=======\n>>>>>>> x\nbell\u0007 cr\r\n';
  const out = renderWriteChange({ path: 'notes/x.md', before: undefined, after: text, keptIn: 'the record' });
  const fence = out.split('\n').slice(out.split('\n').indexOf('```diff') + 1);
  const inside = fence.slice(0, fence.indexOf('```'));
  assert.ok(inside.length >= 8);
  for (const l of inside) assert.match(l, /^[-+@ ]/);
  assert.ok(inside.includes('+bell\\u{7} cr\\u{d}'));
  assert.not.match(out, /^<{7}|^>{7}|^---$/m);
});

test('a long change is cut with a note naming the whole text by size and sha256, and where it is kept', () => {
  const after = Array.from({ length: 5000 }, (_, i) => `row ${i}`).join('\n') + '\n';
  const out = renderWriteChange({ path: 'notes/big.md', before: undefined, after, keptIn: 'the write_file call of logs/runs/2026/11/r-x.md' });
  const sha = createHash('sha256').update(after).digest('hex');
  assert.match(out, new RegExp(`more diff lines not shown\\. The whole new text \\(${Buffer.byteLength(after).toLocaleString('en-US')} bytes, sha256 ${sha}\\) is the input of this call in the write_file call of logs/runs/2026/11/r-x\\.md\\.`));
  assert.ok(out.split('\n').length < PREVIEW_MAX_LINES + 20);
  assert.not.match(out, /row 4999/);
  // Small enough to show whole: no note.
  assert.not.match(renderWriteChange({ path: 'a.md', before: 'a\n', after: 'b\n', keptIn: 'x' }), /not shown/);
});

test('a huge rewrite is shown as replaced whole, without matching every line against every other', () => {
  const before = Array.from({ length: 4000 }, (_, i) => `old ${i}`).join('\n');
  const after = Array.from({ length: 4000 }, (_, i) => `new ${i}`).join('\n');
  const d = diffLines(before, after);
  assert.is(d.length, 8001);
  assert.is(d[1], '-old 0');
  assert.is(d[4001], '+new 0');
});

test.run();
