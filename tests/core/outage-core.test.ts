// The pure rules of issue 14 items 4 and 7: which model errors are the provider's, how the outage
// record carries over ticks, and which cut-off tool calls a resumed run may repeat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextOutage, outageProblem, providerFault } from '../../cli/core/runs/outage.js';
import { repeatableCall, unrecordedCalls } from '../../cli/core/runs/unrecorded.js';
import type { RecordEntry } from '../../cli/core/runs/runrecord.js';
import { NO_USAGE } from '../../cli/core/runs/transcript.js';

test('provider faults: unreachable, refused key, overloaded; a 500, a timeout or a bad answer stay the item\'s', () => {
  assert.is(providerFault('connection'), 'unreachable');
  assert.is(providerFault('auth'), 'bad_key');
  assert.is(providerFault('overloaded'), 'overloaded');
  for (const k of ['server', 'timeout', 'malformed', 'bad_request', 'rate_limit', 'failed'] as const) assert.is(providerFault(k), undefined, k);
});

test('the outage record: the same fault carries on, another starts anew', () => {
  const seen = { provider: 'anthropic', fault: 'unreachable' as const, error: 'refused', waiting: 3 };
  const one = nextOutage(undefined, seen, 'T1');
  assert.equal(one, { ...seen, since: 'T1', last: 'T1', ticks: 1 });
  const two = nextOutage(one, { ...seen, waiting: 4 }, 'T2');
  assert.equal([two.since, two.last, two.ticks, two.waiting], ['T1', 'T2', 2, 4]);
  const key = nextOutage(two, { ...seen, fault: 'bad_key', error: '401' }, 'T3');
  assert.equal([key.since, key.ticks], ['T3', 1]);
  assert.match(outageProblem(key, '.aos/outage.json').found, /key is bad or expired/);
});

const model = (turn: number, ids: [string, string, unknown?][]): RecordEntry => ({ type: 'model', turn, content: ids.map(([id, name, input]) => ({ type: 'tool_use', id, name, input: input ?? {} })), stop: 'tool_use', usage: NO_USAGE });
const results = (turn: number, ids: string[]): RecordEntry => ({ type: 'user', turn, content: ids.map((id) => ({ type: 'tool_result', tool_use_id: id, content: 'ok' })) });

test('unrecorded calls: only those of the last model turn without a result', () => {
  const task: RecordEntry = { type: 'user', turn: 0, content: 'task' };
  assert.equal(unrecordedCalls([task]), []);
  assert.equal(unrecordedCalls([task, model(1, [['a', 'note']]), results(1, ['a'])]), []);
  const cut = unrecordedCalls([task, model(1, [['a', 'note']]), results(1, ['a']), model(2, [['b', 'write_file'], ['c', 'read_file']])]);
  assert.equal(cut.map((c) => c.id), ['b', 'c']);
  assert.equal(unrecordedCalls([task, model(1, [['a', 'x'], ['b', 'y']]), results(1, ['a'])]).map((c) => c.id), ['b']);
});

test('repeatable: reads and GETs; never writes, shell, posts, messages, delegations, notes', () => {
  for (const n of ['read_file', 'list_files', 'search_memory', 'read_memory', 'finish']) assert.ok(repeatableCall(n, {}), n);
  assert.ok(repeatableCall('fetch_url', { url: 'https://x' }));
  assert.ok(repeatableCall('fetch_url', { url: 'https://x', method: 'GET' }));
  for (const m of ['post', 'PUT', 'patch', 'delete']) assert.not.ok(repeatableCall('fetch_url', { url: 'https://x', method: m }), m);
  for (const n of ['write_file', 'run_shell', 'send_message', 'delegate', 'note', 'log_progress', 'edit_goal', 'unknown']) assert.not.ok(repeatableCall(n, {}), n);
});

test.run();
