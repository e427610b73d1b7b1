// The Anthropic provider through the real SDK against the fake Messages API on 127.0.0.1; the retry
// policy with a fake clock; the price table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFakeAnthropic, type FakeReply, type FakeServer } from '../fake-anthropic.js';
import { createAnthropicProvider } from '../../cli/model/anthropic.js';
import { callWithRetry, backoffMs } from '../../cli/model/retry.js';
import { costOf, DEFAULT_PRICES, type PriceTable } from '../../cli/core/runs/prices.js';
import { ModelError, NO_USAGE, type ModelRequest, type ModelTurn, type Provider, type ToolDef, type Usage } from '../../cli/core/runs/transcript.js';

const MODEL = 'claude-haiku-4-5';

const TOOLS: ToolDef[] = [
  { name: 'read_file', description: 'Read a file in the home', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'write_file', description: 'Write a file in the home', input_schema: { type: 'object', properties: { path: { type: 'string' }, text: { type: 'string' } } } },
];

function request(over: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: MODEL,
    system: { stable: 'You are the researcher.\n\n# Owner\nAda\n\n# MEMORY.md\n- likes tea', dynamic: 'Now: 2025-06-01 09:00 (Europe/Paris)' },
    tools: TOOLS,
    messages: [{ role: 'user', content: 'What is on my list?' }],
    maxTokens: 1024,
    ...over,
  };
}

async function withFake(replies: FakeReply[], fn: (server: FakeServer, provider: Provider) => Promise<void>, opts: { timeoutMs?: number; apiKey?: string } = {}) {
  const server = await startFakeAnthropic(replies);
  try {
    const provider = createAnthropicProvider({ apiKey: opts.apiKey ?? 'test-key', baseURL: server.url, model: MODEL, timeoutMs: opts.timeoutMs ?? 5000 });
    await fn(server, provider);
  } finally {
    await server.close();
  }
}

async function failure(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ModelError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

// ——— answers ———

test('a text answer becomes a turn with usage and the answering model', async () => {
  await withFake([{ text: 'Tea, then the report.', usage: { input_tokens: 120, output_tokens: 7, cache_read_input_tokens: 900, cache_creation_input_tokens: 30 } }], async (server, provider) => {
    const turn = await provider.call(request());
    assert.equal(turn, {
      content: [{ type: 'text', text: 'Tea, then the report.' }],
      stop: 'end_turn',
      usage: { input: 120, output: 7, cache_read: 900, cache_write: 30 },
      model: MODEL,
    });
    assert.is(server.requests.length, 1);
    const { body, headers } = server.requests[0]!;
    assert.is(body.model, MODEL);
    assert.is(body.max_tokens, 1024);
    assert.not.ok(body.stream, 'no onText, no stream');
    assert.equal(body.messages, [{ role: 'user', content: 'What is on my list?' }]);
    assert.ok(headers['anthropic-version'], 'the SDK sends anthropic-version');
    assert.ok(String(headers['x-api-key'] ?? headers.authorization).includes('test-key'), 'the key reaches the server');
  });
});

test('a tool_use answer keeps id, name and input, and the transcript goes back in API shape', async () => {
  await withFake([{ text: 'Let me look.', tools: [{ id: 'toolu_01', name: 'read_file', input: { path: 'inbox/a.md' } }] }], async (server, provider) => {
    const turn = await provider.call(
      request({
        messages: [
          { role: 'user', content: 'Summarise a.md' },
          { role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'tool_use', id: 'toolu_00', name: 'read_file', input: { path: 'x' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_00', content: 'no such file', is_error: true }] },
        ],
      }),
    );
    assert.is(turn.stop, 'tool_use');
    assert.equal(turn.content, [
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'inbox/a.md' } },
    ]);
    assert.equal(server.requests[0]!.body.messages, [
      { role: 'user', content: 'Summarise a.md' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_00', name: 'read_file', input: { path: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_00', content: 'no such file', is_error: true }] },
    ]);
  });
});

test('streaming: onText gets the deltas as they come and the final turn matches', async () => {
  const text = 'First the inbox, then the weekly report for Ada.';
  await withFake([{ text, usage: { input_tokens: 50, output_tokens: 12, cache_read_input_tokens: 400 } }], async (server, provider) => {
    const deltas: string[] = [];
    const turn = await provider.call(request({ onText: (d) => deltas.push(d) }));
    assert.is(server.requests[0]!.body.stream, true);
    assert.ok(deltas.length > 3, `several deltas, got ${deltas.length}`);
    assert.is(deltas.join(''), text);
    assert.equal(turn, { content: [{ type: 'text', text }], stop: 'end_turn', usage: { input: 50, output: 12, cache_read: 400, cache_write: 0 }, model: MODEL });
  });
});

test('streaming a tool call assembles its input from the JSON pieces', async () => {
  const input = { path: 'notes/ideas.md', text: 'line one\nline "two"', tags: ['a', 'b'], n: 3 };
  await withFake([{ tools: [{ id: 'toolu_9', name: 'write_file', input }] }], async (_server, provider) => {
    const deltas: string[] = [];
    const turn = await provider.call(request({ onText: (d) => deltas.push(d) }));
    assert.equal(deltas, []);
    assert.is(turn.stop, 'tool_use');
    assert.equal(turn.content, [{ type: 'tool_use', id: 'toolu_9', name: 'write_file', input }]);
    assert.equal(JSON.parse(JSON.stringify(turn)).content[0].input, input, 'the input is a plain value');
  });
});

test('an onText callback that throws ends the call with its own error', async () => {
  await withFake([{ text: 'one two three four' }], async (_server, provider) => {
    const boom = new Error('terminal closed');
    try {
      await provider.call(request({ onText: () => { throw boom; } }));
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.is(err, boom);
    }
  });
});

// ——— the request ———

test('the stable system block and the last tool carry cache_control; the dynamic block follows without', async () => {
  await withFake([{ text: 'a' }, { text: 'b' }, { text: 'c' }], async (server, provider) => {
    const req = request();
    await provider.call(req);
    const body = server.requests[0]!.body;
    assert.equal(body.system, [
      { type: 'text', text: req.system.stable, cache_control: { type: 'ephemeral' } },
      { type: 'text', text: req.system.dynamic },
    ]);
    assert.is(body.tools.length, 2);
    assert.equal(body.tools[0], { name: 'read_file', description: 'Read a file in the home', input_schema: TOOLS[0]!.input_schema });
    assert.equal(body.tools[1].cache_control, { type: 'ephemeral' });
    assert.is(body.tools[1].name, 'write_file');

    await provider.call(request({ system: { stable: 'only stable', dynamic: '' }, tools: [] }));
    const second = server.requests[1]!.body;
    assert.equal(second.system, [{ type: 'text', text: 'only stable', cache_control: { type: 'ephemeral' } }]);
    assert.not.ok('tools' in second, 'no tools, no tools key');

    await provider.call(request({ system: { stable: '', dynamic: '' } }));
    assert.not.ok('system' in server.requests[2]!.body, 'no system text, no system key');
  });
});

// ——— failures ———

test('429 with retry-after → rate_limit, retryable, retryAfter in seconds', async () => {
  await withFake([{ status: 429, error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' }, headers: { 'retry-after': '7' } }], async (server, provider) => {
    const err = await failure(provider.call(request()));
    assert.is(err.kind, 'rate_limit');
    assert.is(err.retryable, true);
    assert.is(err.retryAfter, 7);
    assert.is(err.status, 429);
    assert.is(err.message, 'the model API answered 429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit');
    assert.is(server.requests.length, 1, 'the SDK does not retry on its own');
  });
});

const statusTable: [string, FakeReply, Partial<ModelError>, RegExp][] = [
  ['500', { status: 500 }, { kind: 'server', retryable: true, status: 500 }, /^the model API answered 500 api_error: /],
  ['529', { status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } }, { kind: 'overloaded', retryable: true, status: 529 }, /^the model API answered 529 overloaded_error: Overloaded$/],
  ['503', { status: 503 }, { kind: 'server', retryable: true }, /503/],
  ['400', { status: 400, error: { type: 'invalid_request_error', message: 'max_tokens: must be at most 64000' } }, { kind: 'bad_request', retryable: false, status: 400 }, /400 invalid_request_error: max_tokens/],
  ['403', { status: 403 }, { kind: 'auth', retryable: false, status: 403 }, /403 permission_error.*check ANTHROPIC_API_KEY/],
  ['404 unknown model', { status: 404, error: { type: 'not_found_error', message: 'model: claude-nope' } }, { kind: 'bad_request', retryable: false }, /404 not_found_error: model: claude-nope/],
  ['x-should-retry: false', { status: 500, headers: { 'x-should-retry': 'false' } }, { kind: 'server', retryable: false }, /500/],
];

for (const [name, reply, want, message] of statusTable) {
  test(`status ${name} → ${want.kind}${want.retryable ? ' (retryable)' : ''}`, async () => {
    await withFake([reply], async (server, provider) => {
      const err = await failure(provider.call(request()));
      for (const [k, v] of Object.entries(want)) assert.is((err as any)[k], v, `${k}`);
      assert.match(err.message, message);
      assert.not.match(err.message, /\n/);
      assert.is(server.requests.length, 1);
    });
  });
}

test('a wrong API key → auth, not retryable, pointing at ANTHROPIC_API_KEY', async () => {
  await withFake([{ text: 'never served' }], async (_server, provider) => {
    const err = await failure(provider.call(request()));
    assert.is(err.kind, 'auth');
    assert.is(err.retryable, false);
    assert.is(err.status, 401);
    assert.match(err.message, /^the model API answered 401 authentication_error: invalid x-api-key \(check ANTHROPIC_API_KEY\)$/);
  }, { apiKey: 'wrong-key' });
});

test('an empty API key fails before any request', async () => {
  await withFake([], async (server, provider) => {
    const err = await failure(provider.call(request()));
    assert.is(err.kind, 'auth');
    assert.match(err.message, /ANTHROPIC_API_KEY/);
    assert.is(server.requests.length, 0);
  }, { apiKey: '' });
});

const malformedTable: [string, FakeReply, boolean][] = [
  ['invalid JSON', { raw: '{"id": "msg_1", "content": [' }, false],
  ['HTML from a proxy', { raw: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }, false],
  ['JSON that is not a message', { raw: '{"hello": "world"}' }, false],
  ['a stream of garbage', { raw: 'this is not an event stream', contentType: 'text/event-stream' }, true],
  ['a stream with a broken event', { raw: 'event: message_start\ndata: {"type": "message_start", "mess\n\n', contentType: 'text/event-stream' }, true],
];

for (const [name, reply, streaming] of malformedTable) {
  test(`malformed answer (${name}) → malformed, retryable`, async () => {
    await withFake([reply], async (_server, provider) => {
      const err = await failure(provider.call(request(streaming ? { onText: () => {} } : {})));
      assert.is(err.kind, 'malformed');
      assert.is(err.retryable, true);
      assert.match(err.message, /^the model API (answered with something that is not a message|sent an answer that could not be read)/);
      assert.not.match(err.message, /\n/);
    });
  });
}

test('an error event in the middle of a stream → overloaded, retryable', async () => {
  await withFake([{ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' }, midStream: true }], async (_server, provider) => {
    const err = await failure(provider.call(request({ onText: () => {} })));
    assert.is(err.kind, 'overloaded');
    assert.is(err.retryable, true);
    assert.is(err.message, 'the model API broke off its answer with overloaded_error: Overloaded');
  });
});

// The fake that hangs never answers, and the SDK's own timeout is ten minutes: a call that fails within
// GAVE_UP_MS gave up on our timeout. The bound is far from both so a loaded machine never reaches it.
const GAVE_UP_MS = 20_000;

for (const streaming of [false, true]) {
  test(`a server that never answers → timeout, retryable (${streaming ? 'streaming' : 'plain'})`, async () => {
    await withFake([{ hang: true }], async (server, provider) => {
      const started = Date.now();
      const err = await failure(provider.call(request(streaming ? { onText: () => {} } : {})));
      assert.is(err.kind, 'timeout');
      assert.is(err.retryable, true);
      assert.is(err.message, 'the model API did not answer within 0.3 s');
      assert.ok(Date.now() - started < GAVE_UP_MS, `gave up on the timeout, not the SDK's (${Date.now() - started} ms)`);
      assert.is(server.requests.length, 1, 'no SDK retry after the timeout');
    }, { timeoutMs: 300 });
  });
}

// The watch on a stream's events: a gap of a tenth of the timeout is live, and twelve such gaps outlast
// the timeout. Both are wide so a loaded machine (the fake and the client share this process, and a
// stall delays both) cannot turn a live gap into a timeout: 60 ms gaps under a 250 ms timeout did.
const STREAM_TIMEOUT_MS = 2000;
const LIVE_GAP_MS = 200;

test('a stream that stalls after it started → timeout; a slow but live stream is not cut off', async () => {
  // The SDK's own timeout stops at the response headers; ours also watches the events.
  await withFake([{ text: 'never finished', eventDelayMs: 60_000 }, { text: 'one two three four five six seven', eventDelayMs: LIVE_GAP_MS }], async (_server, provider) => {
    const started = Date.now();
    const err = await failure(provider.call(request({ onText: () => {} })));
    assert.is(err.kind, 'timeout');
    assert.is(err.retryable, true);
    assert.ok(Date.now() - started < GAVE_UP_MS, `the stalled stream (next event in 60 s) was cut off after ${Date.now() - started} ms`);

    const slowStart = Date.now();
    const deltas: string[] = [];
    const turn = await provider.call(request({ onText: (d) => deltas.push(d) }));
    assert.ok(Date.now() - slowStart > STREAM_TIMEOUT_MS, 'the whole stream took longer than the timeout');
    assert.is(deltas.join(''), 'one two three four five six seven');
    assert.is(turn.stop, 'end_turn');
  }, { timeoutMs: STREAM_TIMEOUT_MS });
});

test("an abort through req.signal → timeout, not retryable, the tick's budget", async () => {
  await withFake([{ hang: true }], async (server, provider) => {
    const ctl = new AbortController();
    const call = provider.call(request({ signal: ctl.signal }));
    await server.waitForRequests(1);
    ctl.abort();
    const err = await failure(call);
    assert.is(err.kind, 'timeout');
    assert.is(err.retryable, false);
    assert.is(err.message, "the tick's time budget ran out while waiting for the model API");
  });
});

test('an abort while streaming → not retryable; an already aborted signal sends nothing', async () => {
  await withFake([{ hang: true }], async (server, provider) => {
    const ctl = new AbortController();
    const call = provider.call(request({ signal: ctl.signal, onText: () => {} }));
    await server.waitForRequests(1);
    ctl.abort();
    const err = await failure(call);
    assert.is(err.kind, 'timeout');
    assert.is(err.retryable, false);

    const err2 = await failure(provider.call(request({ signal: AbortSignal.abort() })));
    assert.is(err2.retryable, false);
    assert.is(server.requests.length, 1);
  });
});

test('nobody listening → connection, retryable, naming the address', async () => {
  const server = await startFakeAnthropic([]);
  const url = server.url;
  await server.close();
  const provider = createAnthropicProvider({ apiKey: 'test-key', baseURL: url, model: MODEL, timeoutMs: 2000 });
  const err = await failure(provider.call(request()));
  assert.is(err.kind, 'connection');
  assert.is(err.retryable, true);
  assert.ok(err.message.startsWith(`could not reach the model API at ${url}: `), err.message);
  assert.match(err.message, /ECONNREFUSED/);
});

test('the fake: whenEmpty, waitForRequests, and a clean close with a request hanging', async () => {
  const server = await startFakeAnthropic([{ text: 'one' }], { whenEmpty: { text: 'again' } });
  const provider = createAnthropicProvider({ apiKey: 'test-key', baseURL: server.url, model: MODEL, timeoutMs: 5000 });
  assert.is((await provider.call(request())).content[0]!.type, 'text');
  assert.equal((await provider.call(request())).content, [{ type: 'text', text: 'again' }]);
  server.push({ hang: true });
  const hanging = provider.call(request()).catch((e) => e);
  await server.waitForRequests(3);
  const waiting = server.waitForRequests(9).catch((e) => e);
  await server.close();
  await server.close(); // a second close is harmless
  assert.match(String(await waiting), /closed while waiting for 9 requests/);
  const err = await hanging;
  assert.instance(err, ModelError);
  assert.is(err.kind, 'connection');
  try {
    await server.waitForRequests(4, 50);
    assert.unreachable('should time out');
  } catch (e) {
    assert.match(String(e), /expected 4 requests within 50 ms, got 3/);
  }

  const empty = await startFakeAnthropic();
  const p2 = createAnthropicProvider({ apiKey: 'test-key', baseURL: empty.url, model: MODEL, timeoutMs: 5000 });
  const ranOut = await failure(p2.call(request()));
  assert.is(ranOut.kind, 'server');
  assert.match(ranOut.message, /ran out of replies/);
  await empty.close();
});

// ——— callWithRetry ———

function fakeClock(start = 1_000_000) {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const TURN: ModelTurn = { content: [{ type: 'text', text: 'ok' }], stop: 'end_turn', usage: NO_USAGE, model: MODEL };

/** A provider that answers from a script (errors are thrown) and may take clock time per call. */
function scripted(script: (ModelError | Error | ModelTurn)[], clock?: { t: number }, costMs = 0) {
  const p = {
    name: 'scripted',
    model: MODEL,
    calls: 0,
    async call(): Promise<ModelTurn> {
      p.calls++;
      if (clock) clock.t += costMs;
      const next = script.shift();
      if (!next) throw new Error('script ran out');
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return p;
}

const server500 = (n = 1) => new ModelError('server', `the model API answered 500 api_error: #${n}`, true, 500);

test('callWithRetry: retries retryable errors with jittered backoff, then succeeds', async () => {
  const clock = fakeClock();
  const provider = scripted([server500(), new ModelError('overloaded', 'overloaded', true, 529), TURN]);
  const seen: [string, number, number][] = [];
  const turn = await callWithRetry(provider, request(), {
    deadline: clock.t + 60_000,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    onRetry: (err, attempt, wait) => seen.push([err.kind, attempt, wait]),
  });
  assert.is(turn, TURN);
  assert.is(provider.calls, 3);
  assert.equal(clock.sleeps, [500, 1000]);
  assert.equal(seen, [['server', 1, 500], ['overloaded', 2, 1000]]);
});

test('callWithRetry: the real provider against the fake, 500 then 529 then an answer', async () => {
  await withFake([{ status: 500 }, { status: 529 }, { text: 'finally' }], async (server, provider) => {
    const clock = fakeClock();
    const turn = await callWithRetry(provider, request(), { deadline: clock.t + 60_000, now: clock.now, sleep: clock.sleep, random: () => 0 });
    assert.equal(turn.content, [{ type: 'text', text: 'finally' }]);
    assert.is(server.requests.length, 3);
    assert.equal(clock.sleeps, [0, 0]);
  });
});

test('callWithRetry: honours retry-after', async () => {
  const clock = fakeClock();
  const provider = scripted([new ModelError('rate_limit', '429', true, 429, 7), new ModelError('rate_limit', '429', true, 429, 0.25), TURN]);
  await callWithRetry(provider, request(), { deadline: clock.t + 60_000, now: clock.now, sleep: clock.sleep, random: () => 0.99 });
  assert.equal(clock.sleeps, [7000, 250]);
});

test('callWithRetry: does not retry what is not retryable, and passes other exceptions through', async () => {
  const clock = fakeClock();
  const auth = new ModelError('auth', 'check ANTHROPIC_API_KEY', false, 401);
  const p1 = scripted([auth, TURN]);
  const opts = { deadline: clock.t + 60_000, now: clock.now, sleep: clock.sleep, random: () => 0.5 };
  try {
    await callWithRetry(p1, request(), opts);
    assert.unreachable();
  } catch (err) {
    assert.is(err, auth);
  }
  assert.is(p1.calls, 1);

  const bug = new TypeError('x is not a function');
  const p2 = scripted([bug, TURN]);
  try {
    await callWithRetry(p2, request(), opts);
    assert.unreachable();
  } catch (err) {
    assert.is(err, bug);
  }
  assert.is(p2.calls, 1);
  assert.equal(clock.sleeps, []);
});

test('callWithRetry: stops at the deadline and throws the last error', async () => {
  const clock = fakeClock(0);
  // Each call takes 100 ms. Attempt 1 fails at 100, waits 990 → 1090; attempt 2 fails at 1190 and
  // would wait 1980 → 3170, past the deadline of 2500: it gives up with attempt 2's error.
  const provider = scripted([server500(1), server500(2), TURN], clock, 100);
  const err = await failure(callWithRetry(provider, request(), { deadline: 2500, now: clock.now, sleep: clock.sleep, random: () => 0.99 }));
  assert.match(err.message, /#2$/);
  assert.is(provider.calls, 2);
  assert.equal(clock.sleeps, [990]);
  assert.ok(clock.t < 2500);
});

test('callWithRetry: a retry-after past the deadline ends at once; a deadline already past calls nothing', async () => {
  const clock = fakeClock(0);
  const p1 = scripted([new ModelError('rate_limit', '429', true, 429, 120), TURN]);
  const err = await failure(callWithRetry(p1, request(), { deadline: 30_000, now: clock.now, sleep: clock.sleep, random: () => 0 }));
  assert.is(err.kind, 'rate_limit');
  assert.equal(clock.sleeps, []);

  const p2 = scripted([TURN]);
  const late = await failure(callWithRetry(p2, request(), { deadline: 0, now: clock.now, sleep: clock.sleep, random: () => 0 }));
  assert.is(late.kind, 'timeout');
  assert.is(late.retryable, false);
  assert.is(p2.calls, 0);
});

test('callWithRetry: at most maxAttempts (default 4), backoff doubling under the 30 s cap', async () => {
  const clock = fakeClock();
  const p = scripted([server500(1), server500(2), server500(3), server500(4), server500(5), TURN]);
  const err = await failure(callWithRetry(p, request(), { deadline: clock.t + 600_000, now: clock.now, sleep: clock.sleep, random: () => 0.999 }));
  assert.match(err.message, /#4$/);
  assert.is(p.calls, 4);
  assert.equal(clock.sleeps, [999, 1998, 3996]);

  const p2 = scripted([server500(1), server500(2), TURN]);
  await failure(callWithRetry(p2, request(), { deadline: clock.t + 600_000, now: clock.now, sleep: clock.sleep, random: () => 0.5, maxAttempts: 2 }));
  assert.is(p2.calls, 2);

  assert.is(backoffMs(1, () => 0.999999), 999);
  assert.is(backoffMs(6, () => 0.999999), 29_999);
  assert.is(backoffMs(20, () => 0.999999), 29_999);
  assert.is(backoffMs(3, () => 0), 0);
  assert.is(backoffMs(3, () => 0.5, 2.5), 2500);
});

// ——— prices ———

const u = (over: Partial<Usage>): Usage => ({ ...NO_USAGE, ...over });
const M = 1_000_000;

const costTable: [string, Usage, number | undefined, PriceTable?][] = [
  ['claude-sonnet-4-5-20250929', u({ input: M }), 3],
  ['claude-sonnet-4-5-20250929', u({ output: M }), 15],
  ['claude-sonnet-4-6', u({ cache_read: M }), 0.3],
  ['claude-sonnet-4-20250514', u({ cache_write: M }), 3.75],
  ['claude-opus-4-6', u({ input: M, output: M }), 30],
  ['claude-opus-4-8', u({ cache_read: M, cache_write: M }), 0.5 + 6.25],
  ['claude-opus-4-20250514', u({ input: M }), 15],
  ['claude-opus-4-1-20250805', u({ output: M }), 75],
  ['claude-opus-4-5-20251101', u({ input: M }), 5],
  ['claude-haiku-4-5-20251001', u({ input: 1000, output: 500 }), 0.0035],
  ['claude-haiku-4-5', u({ input: 1200, output: 300, cache_read: 10_000, cache_write: 2000 }), 0.0012 + 0.0015 + 0.001 + 0.0025],
  ['claude-3-5-haiku-20241022', u({ input: M, output: M }), 4.8],
  ['claude-3-5-haiku-latest', u({ input: 1 }), 0.000001],
  ['Claude-Sonnet-4-5', u({ input: M }), 3],
  ['claude-sonnet-4-5', NO_USAGE, 0],
  ['gpt-4o', u({ input: M }), undefined],
  ['claude-unknown-9', u({ input: M }), undefined],
  ['my-model-v2', u({ input: M, output: M }), 6, { 'my-model': { input: 2, output: 4 } }],
  ['my-model-v2', u({ cache_read: M, cache_write: M }), 0.2 + 2.5, { 'my-model': { input: 2, output: 4 } }],
  ['claude-sonnet-4-5', u({ input: M }), 1, { 'claude-sonnet-4': { input: 1, output: 1 } }],
  ['claude-haiku-4-5', u({ input: M }), 1, { 'claude-sonnet-4': { input: 9, output: 9 } }],
  ['foo-10', u({ input: M }), undefined, { 'foo-1': { input: 1, output: 1 } }],
  ['foo-1-20250101', u({ input: M }), 1, { 'foo-1': { input: 1, output: 1 } }],
];

for (const [model, usage, want, overrides] of costTable) {
  test(`costOf ${model} ${JSON.stringify(usage)}${overrides ? ' with overrides' : ''} → ${want}`, () => {
    const got = costOf(model, usage, overrides);
    if (want === undefined) assert.is(got, undefined);
    else assert.is(got, Math.round(want * 1e6) / 1e6);
  });
}

test('DEFAULT_PRICES: cache reads at 0.1× and writes at 1.25× input', () => {
  for (const [name, p] of Object.entries(DEFAULT_PRICES)) {
    assert.is(p.cache_read, Math.round(p.input * 0.1 * 1e6) / 1e6, name);
    assert.is(p.cache_write, Math.round(p.input * 1.25 * 1e6) / 1e6, name);
    assert.ok(p.output > p.input, name);
  }
});

test.run();
