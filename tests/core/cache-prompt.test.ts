// The pure parts of issue 22's cached context: the anchored log window, one-line log summaries,
// compaction of older turns, the prefix hashes and the explanation of cache breaks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assembleContext, logWindow, logSummary, LOG_PAGE, LOG_LINE_CHARS } from '../../cli/core/agents/prompt.js';
import { compactMessages, compactionPoint, KEEP_RECENT } from '../../cli/core/runs/compact.js';
import { cacheBreaks, promptPrint } from '../../cli/core/runs/cachekey.js';
import type { Message } from '../../cli/core/runs/transcript.js';

const base = {
  agent: { id: 'chief', name: 'Chief', role: 'r', instructions: 'Be brief.' },
  owner: { name: 'Tess', timezone: 'UTC' },
  memoryIndex: '- [a](a.md) — a',
  memories: [],
  now: '2026-11-21 10:00',
  run: 'r-1',
  toolNames: ['note'],
  budgetTokens: 2500,
};

test('the log window only grows for a page of runs, then moves a whole page', () => {
  assert.is(logWindow(0), 0);
  assert.is(logWindow(LOG_PAGE - 1), 0);
  assert.is(logWindow(2 * LOG_PAGE - 1), 0);
  assert.is(logWindow(2 * LOG_PAGE), LOG_PAGE);
  for (let n = 1; n < 100; n++) {
    const shown = n - logWindow(n);
    assert.ok(shown >= Math.min(n, LOG_PAGE) && shown < 2 * LOG_PAGE, `n=${n}: ${shown} shown`);
  }
  // Between page moves, the digest of run n+1 starts with the whole digest of run n.
  const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ heading: `h${i}`, body: `Answered item ${i}: ${'long answer '.repeat(100)}` }));
  for (const n of [3, 9, 17]) {
    const a = assembleContext({ ...base, recentLog: entries(n) }).recent;
    const b = assembleContext({ ...base, recentLog: entries(n + 1), run: 'r-2', now: '2026-11-21 11:00' }).recent;
    assert.equal(b.slice(0, a.length), a, `n=${n}`);
    assert.is(b.length, a.length + 1);
  }
});

test('a log entry is summarised to one line; the answer itself is not repeated', () => {
  const s = logSummary(`Answered x (q):\n${'word '.repeat(500)}`);
  assert.ok(s.length <= LOG_LINE_CHARS);
  assert.not.match(s, /\n/);
  assert.ok(s.endsWith('…'));
  assert.is(logSummary('short\nentry'), 'short entry');
});

const turns = (n: number, size: number): Message[] => {
  const m: Message[] = [{ role: 'user', content: 'the task' }];
  for (let i = 0; i < n; i++) {
    m.push({ role: 'assistant', content: [{ type: 'text', text: `step ${i}` }, { type: 'tool_use', id: `t${i}`, name: 'read_file', input: { path: `f${i}` } }] });
    m.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: String(i).repeat(size) }] });
  }
  return m;
};

test('compaction: past the threshold the older turns are cut, the task and the last turns stay whole, no block is lost', () => {
  const m = turns(6, 5000);
  assert.is(compactionPoint(m, 0, 100_000), 0, 'under the threshold nothing moves');
  const at = compactionPoint(m, 0, 20_000);
  assert.is(at, m.length - KEEP_RECENT);
  const c = compactMessages(m, at);
  assert.is(c.length, m.length);
  assert.equal(c[0], m[0]);
  assert.equal(c.slice(at), m.slice(at));
  for (let i = 1; i < at; i++) {
    const x = c[i]!;
    if (x.role === 'user' && Array.isArray(x.content)) assert.match((x.content[0] as { content: string }).content, /compacted: 5000 characters/);
    assert.is(JSON.stringify(x.content).match(/tool_use|tool_result/g)?.length, JSON.stringify(m[i]!.content).match(/tool_use|tool_result/g)?.length);
  }
  // Stays put while the compacted conversation fits, so the cached prefix holds from turn to turn.
  const more = [...m, ...turns(1, 10).slice(1)];
  assert.is(compactionPoint(more, at, 20_000), at);
  assert.equal(compactMessages(more, at).slice(0, at), c.slice(0, at));
});

test('cache breaks: each change of prefix, with what changed', () => {
  const tools = [{ name: 'note', description: 'd', input_schema: {} }];
  const print = (o: Partial<{ model: string; instructions: string; memoryIndex: string; tools: typeof tools }> = {}) => {
    const instructions = o.instructions ?? 'Be brief.';
    const memoryIndex = o.memoryIndex ?? '- a';
    return promptPrint({ model: o.model ?? 'm1', stable: `${instructions}\n${memoryIndex}`, dynamic: 'now', tools: o.tools ?? tools, instructions, memoryIndex });
  };
  const runs = [
    { run: 'r-1', agent: 'chief', started: '2026-11-21T10:00:00+00:00', model: 'm1', prompt: print() },
    { run: 'r-2', agent: 'chief', started: '2026-11-21T10:05:00+00:00', model: 'm1', prompt: { ...print(), dynamic: 'aaaaaaaaaaaa' } },
    { run: 'r-3', agent: 'chief', started: '2026-11-21T10:10:00+00:00', model: 'm1', prompt: print({ instructions: 'Be long.' }) },
    { run: 'r-4', agent: 'scout', started: '2026-11-21T10:11:00+00:00', model: 'm1', prompt: print() },
    { run: 'r-5', agent: 'chief', started: '2026-11-21T10:20:00+00:00', model: 'm1', prompt: print({ instructions: 'Be long.', memoryIndex: '- b' }) },
    { run: 'r-6', agent: 'chief', started: '2026-11-21T10:30:00+00:00', model: 'm2', prompt: print({ model: 'm2', instructions: 'Be long.', memoryIndex: '- b', tools: [...tools, { name: 'x', description: '', input_schema: {} }] }) },
    { run: 'r-0', agent: 'chief', started: '2026-11-20T10:00:00+00:00', model: 'm1' },
  ];
  const { breaks, runs: n } = cacheBreaks(runs.reverse());
  assert.is(n, 6, 'a record without hashes is left out');
  assert.equal(breaks.map((b) => [b.run, b.why.join('; ')]), [
    ['r-1', 'first run shown: nothing cached before it'],
    ['r-3', 'instructions edited'],
    ['r-4', 'first run shown: nothing cached before it'],
    ['r-5', 'MEMORY.md changed'],
    ['r-6', 'model changed (m1 → m2); tools changed (capabilities or aos version)'],
  ]);
  assert.is(breaks[1]!.after, 'r-2');
});

test.run();
