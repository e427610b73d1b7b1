// Table tests for the dream's pure decisions and the MEMORY.md editing they rely on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateOps, planPrune, chunkEntries, newEntries, dropsTooMuch, type Topic } from '../../cli/core/memory/dream.js';
import { indexLine, upsertEntry, removeEntries, parseIndex } from '../../cli/core/memory/memindex.js';
import type { LogEntry } from '../../cli/core/docs/logfmt.js';

const topic = (slug: string, extra: Partial<Topic> = {}): Topic => ({ slug, title: slug, type: 'fact', description: 'd', status: 'active', supersedes: [], created: '2026-01-01', ...extra });
const topics = new Map([['gym', topic('gym')], ['old', topic('old', { status: 'superseded', superseded_by: 'gym' })]]);
const cites = new Set(['logs/2026/11/2026-11-21.md#L3']);
const src = { sources: ['logs/2026/11/2026-11-21.md#L3'] };
const full = { title: 'T', type: 'fact', description: 'D', body: 'B', ...src };

const cases: [string, unknown, RegExp | null][] = [
  ['a valid add', { op: 'add', slug: 'tea', ...full }, null],
  ['add over an existing topic', { op: 'add', slug: 'gym', ...full }, /already exists/],
  ['a path outside memory/', { op: 'add', slug: '../aos', ...full }, /outside memory\//],
  ['a nested path', { op: 'update', slug: 'sub/gym', ...src, body: 'x' }, /outside memory\//],
  ['delete', { op: 'delete', slug: 'gym', ...src }, /never deleted/],
  ['an unknown op', { op: 'rename', slug: 'gym', ...src }, /unknown operation/],
  ['no sources', { op: 'add', slug: 'tea', ...full, sources: [] }, /cite the log entries/],
  ['a source not gathered', { op: 'add', slug: 'tea', ...full, sources: ['logs/x.md#L1'] }, /unknown: logs\/x\.md#L1/],
  ['a long description', { op: 'add', slug: 'tea', ...full, description: 'x'.repeat(151) }, /151 characters \(at most 150\)/],
  ['a long index line', { op: 'add', slug: 'tea', ...full, index: `- [T](tea.md) — ${'x'.repeat(140)}` }, /index line is \d+ characters/],
  ['an index line for another topic', { op: 'add', slug: 'tea', ...full, index: '- [T](gym.md) — x' }, /link its own topic/],
  ['a bad type', { op: 'add', slug: 'tea', ...full, type: 'rumour' }, /type must be one of/],
  ['update of a superseded topic', { op: 'update', slug: 'old', body: 'x', ...src }, /is superseded, not active/],
  ['an update that changes nothing', { op: 'update', slug: 'gym', ...src }, /changes the title, description or body/],
  ['supersede of a missing topic', { op: 'supersede', old: 'nope', slug: 'tea', ...full }, /does not exist/],
  ['merge into itself', { op: 'merge', from: 'gym', into: 'gym', ...src }, /into itself/],
  ['not an object', 'add gym', /an operation object/],
];
for (const [name, op, want] of cases) {
  test(`dream op: ${name}`, () => {
    const r = validateOps([op], topics, cites, '2026-11-21');
    if (want === null) assert.is(r.valid.length, 1, JSON.stringify(r.refused));
    else {
      assert.is(r.valid.length, 0);
      assert.match(r.refused[0]!.reason, want);
    }
  });
}

test('dream ops: invalid JSON or a non-list is refused whole; later ops see earlier ones', () => {
  assert.match(validateOps('invalid JSON: {', topics, cites, 'd').refused[0]!.reason, /expected a list/);
  const r = validateOps(
    [
      { op: 'add', slug: 'tea', ...full },
      { op: 'supersede', old: 'tea', slug: 'tea-2', ...full },
      { op: 'update', slug: 'tea', body: 'x', ...src },
    ],
    topics,
    cites,
    '2026-11-21',
  );
  assert.is(r.valid.length, 2);
  assert.match(r.refused[0]!.reason, /tea" is superseded/);
  assert.is(r.after.get('tea')!.superseded_by, 'tea-2');
  assert.equal(r.after.get('tea-2')!.supersedes, ['tea']);
});

test('prune: superseded and stale entries leave the index; over the caps the least recently updated go, marked stale', () => {
  const index = '# Memory\n- [Gym](gym.md) — x\n- [Old](old.md) — y\n';
  assert.equal([...planPrune(index, topics).remove], ['old']);
  const many = new Map<string, Topic>();
  let text = '# Memory\n';
  for (let i = 0; i < 205; i++) {
    const slug = `t${String(i).padStart(3, '0')}`;
    many.set(slug, topic(slug, { updated: `2026-01-${String((i % 28) + 1).padStart(2, '0')}` }));
    text += `- [T](${slug}.md) — x\n`;
  }
  const p = planPrune(text, many);
  assert.is(p.stale.size, 6, 'down to 200 lines with the heading');
  for (const s of p.stale) assert.is(many.get(s)!.updated, '2026-01-01');
});

test('the quarter rule counts entries taken out, not entries replaced', () => {
  const four = '# M\n- [A](a.md)\n- [B](b.md)\n- [C](c.md)\n- [D](d.md)\n';
  assert.is(dropsTooMuch(four, '# M\n- [A](a.md)\n- [B](b.md)\n- [C](c.md)\n'), undefined);
  assert.match(dropsTooMuch(four, '# M\n- [A](a.md)\n- [B](b.md)\n')!, /2 of 4/);
  assert.is(dropsTooMuch(four, '# M\n- [A2](a2.md)\n- [B2](b2.md)\n- [C](c.md)\n- [D](d.md)\n'), undefined);
});

const entry = (line: number, body: string): LogEntry => ({ date: '2026-11-21', time: '10:00:00', kind: 'note', agent: 'a', body, line, file: 'logs/2026/11/2026-11-21.md' });

test('gather: new entries by content, so a union merge that interleaves lines finds exactly the new ones', () => {
  const before = [entry(3, 'one'), entry(6, 'two')];
  const now = [entry(3, 'one'), entry(6, 'from the other device'), entry(9, 'two'), entry(12, 'three')];
  assert.equal(newEntries(before, now).map((e) => e.body), ['from the other device', 'three']);
});

test('chunks fit the size, keep order, and cut (never drop) an over-long entry', () => {
  const entries = Array.from({ length: 50 }, (_, i) => entry(i + 1, 'x'.repeat(100)));
  const chunks = chunkEntries([...entries, entry(99, 'y'.repeat(5000))], 1000);
  assert.ok(chunks.length > 5);
  assert.is(chunks.flat().length, 51);
  assert.ok(chunks.flat()[50]!.body.endsWith('…(cut)'));
});

test('MEMORY.md edits touch only their own line', () => {
  const text = '# Memory\r\n<!-- mine -->\r\n-  [A](a.md)  —  hand   spaced\r\n- [B](b.md) — b\r\n';
  const up = upsertEntry(text, 'b', indexLine('b', 'B2', 'new hook'));
  assert.is(up, '# Memory\r\n<!-- mine -->\r\n-  [A](a.md)  —  hand   spaced\r\n- [B2](b.md) — new hook\r\n');
  assert.is(removeEntries(up, new Set(['b'])), '# Memory\r\n<!-- mine -->\r\n-  [A](a.md)  —  hand   spaced\r\n');
  assert.ok([...indexLine('x', 'T'.repeat(100), 'h'.repeat(200))].length <= 150);
  assert.equal(parseIndex(text).filter((l) => l.slug).map((l) => l.slug), ['a', 'b']);
});

test.run();
