// The run record's `uses` (issue 16): every capability decision of a run, one line each in the front
// matter, parsed back exactly; absent when the run decided nothing; hostile text stays data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRunRecord, renderRunRecord, type RunFront } from '../../cli/core/runs/runrecord.js';

const FILE = 'logs/runs/2026/11/r-20261121T104500-a1b2.md';
const front: RunFront = {
  run: 'r-20261121T104500-a1b2',
  agent: 'chief',
  trigger: 'inbox',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  device: 'laptop',
  started: '2026-11-21T10:45:00+00:00',
  outcome: 'done',
  usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
};

test('uses: one flow map a line, parsed back exactly', () => {
  const uses: RunFront['uses'] = [
    { at: '2026-11-21T10:45:01+00:00', tool: 'read_file', argument: 'notes/a.md', verdict: 'allowed', rule: '"file:notes/**:read{rate:100/min}"; no policy rule asks for it' },
    { at: '2026-11-21T10:45:02+00:00', tool: 'run_shell', argument: "cat '/etc/passwd' # }, {x: 1}\n---\n## 1 · model", verdict: 'refused', rule: 'no capability grants shell program "cat"' },
    { at: '2026-11-21T10:45:03+00:00', tool: 'write_file', argument: 'notes/plan.md', verdict: 'ask', rule: 'policy ask: "file:notes/**:write"' },
  ];
  const text = renderRunRecord({ ...front, uses }, [{ type: 'user', turn: 0, content: 'task' }]);
  assert.match(text, /\nuses:\n {2}- \{ at: "?2026-11-21T10:45:01\+00:00"?, tool: read_file, argument: notes\/a\.md, verdict: allowed, rule: .*\}\n {2}- \{/);
  const parsed = parseRunRecord(FILE, text);
  assert.equal(parsed.front.uses, uses);
  assert.is(parsed.entries.length, 1, 'the hostile argument did not open an entry');
  assert.is(renderRunRecord(parsed.front, parsed.entries), text);
});

test('no uses: no field, as records were before', () => {
  const text = renderRunRecord({ ...front, uses: [] }, [{ type: 'user', turn: 0, content: 'task' }]);
  assert.not.match(text, /uses/);
  assert.is(parseRunRecord(FILE, text).front.uses, undefined);
});

test('a damaged use is a clear error naming the record', () => {
  const text = renderRunRecord({ ...front, uses: [{ at: '2026-11-21T10:45:01+00:00', tool: 'x', argument: 'y', verdict: 'allowed', rule: 'z' }] }, [{ type: 'user', turn: 0, content: 'task' }]).replace('verdict: allowed', 'verdict: maybe');
  assert.throws(() => parseRunRecord(FILE, text), (err: Error) => err.message.includes(FILE) && /verdict/.test(err.message));
});

test.run();
