// The pure trace tree: membership by trace, delegation root or parent links; runs by item; totals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTrace, formatTrace, traceOf, type TraceItem, type TraceRun } from '../../cli/core/runs/trace.js';

const item = (id: string, extra: Partial<TraceItem> = {}): TraceItem => ({ id, file: `inbox/${id}.md`, kind: 'task', from: 'owner', status: 'done', subject: id, created: `2026-12-01T10:0${id.length}:00Z`, ...extra });
const run = (r: string, itemId: string, tokens: number, extra: Partial<TraceRun> = {}): TraceRun => ({
  run: r, item: itemId, agent: 'chief', provider: 'anthropic', model: 'm', outcome: 'done',
  started: '2026-12-01T10:00:00Z', ended: '2026-12-01T10:00:30Z', usage: { input: tokens, output: 0, cache_read: 0, cache_write: 0 }, cost_usd: 0.01, ...extra,
});

test('traceOf: trace, else delegation root, else itself', () => {
  assert.is(traceOf({ id: 'a', front: {} }), 'a');
  assert.is(traceOf({ id: 'b', front: { root: 'a' } }), 'a');
  assert.is(traceOf({ id: 'c', front: { root: 'b', trace: 'a' } }), 'a');
});

test('members: tagged items, and items older than the trace field found by parent links', () => {
  const items = [item('a'), item('bb', { parent: 'a', trace: 'a' }), item('ccc', { parent: 'bb' }), item('dddd', { parent: 'zzz', trace: 'a' }), item('x')];
  const t = buildTrace('a', items, [run('r1', 'a', 10), run('r2', 'ccc', 5, { ended: undefined }), run('r3', 'x', 99)])!;
  assert.is(t.items, 4);
  assert.is(t.runs, 2);
  assert.is(t.tokens, 15);
  assert.is(t.run_seconds, 30);
  assert.equal(t.orphans, ['dddd']);
  assert.equal(t.root.children.map((n) => n.item.id), ['bb', 'dddd']);
  assert.equal(t.root.children[0]!.children.map((n) => n.item.id), ['ccc']);
  assert.is(t.root.children[0]!.children[0]!.runs[0]!.seconds, null);
  assert.match(formatTrace(t).join('\n'), '· running');
  assert.is(buildTrace('missing', items, []), undefined);
});

test('an item that names itself as parent does not loop', () => {
  const t = buildTrace('a', [item('a'), item('bb', { parent: 'bb', trace: 'a' })], [])!;
  assert.equal(t.root.children.map((n) => n.item.id), ['bb']);
});

test('runs of one second: the commit order decides, not the run id', () => {
  const same = { started: '2026-12-01T10:00:00Z', ended: '2026-12-01T10:00:00Z' };
  const t = buildTrace('a', [item('a')], [run('r-z', 'a', 125, same), run('r-a', 'a', 15, same)], new Map([['r-z', 1], ['r-a', 2]]))!;
  assert.equal(t.root.runs.map((r) => r.run), ['r-z', 'r-a']);
});

test.run();
