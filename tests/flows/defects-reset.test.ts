// Defects, round three: the model API's server closes a fresh connection before writing a byte. With
// Node's own fetch the SDK's request never settled (until our clock ran out, then a timeout); now the
// call fails at once as a retryable connection error, and the tick goes on. A real tick in a child
// process, the real SDK, the fake Messages API destroying the connection as soon as it is accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { read } from '../helpers.js';
import { addItem, doneFile, tick, withModel } from '../model-helpers.js';

const SLOW_CLOCK = 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 8';

test('a connection closed before any answer is a connection error, not a wait for the timeout; the item waits and the next tick answers it', async () => {
  await withModel({ replies: [{ destroy: true }, { text: 'The boiler is booked.' }], model: SLOW_CLOCK }, async ({ server, home }) => {
    const id = addItem(home, 'Book the boiler service', 'chief');
    const first = await tick(home, server);
    assert.not.match(first.stderr, /internal error|\n\s+at /, first.stderr);
    assert.is(server.dropped, 1, 'the connection was closed before its request was read');
    const said = first.stdout + first.stderr;
    // How the close shows depends on timing: before the request was sent, "socket hang up"; if the
    // request was already in the socket when the server closed it, the kernel resets (ECONNRESET on
    // read, EPIPE on write). Each is the connection failing, named with its cause.
    assert.match(said, /could not reach the model API at http:\/\/127\.0\.0\.1:\d+: (socket hang up \(ECONNRESET\)|read ECONNRESET|write EPIPE)/);
    assert.not.match(said, /did not answer within/, 'not a timeout');
    assert.match(said, /1 item waits, no attempt counted/, 'a provider outage: the item waits, nothing is lost');
    assert.not.ok(doneFile(home, id), 'the item waits');

    const next = await tick(home, server);
    assert.is(next.code, 0, next.stdout + next.stderr);
    assert.match(read(home, doneFile(home, id)!), /## Result\n\nThe boiler is booked\./);
  });
});

test('with retries, the same tick tries again at once and answers the item', async () => {
  await withModel({ replies: [{ destroy: true }, { text: 'Booked on the second try.' }], model: SLOW_CLOCK.replace('max_retries: 0', 'max_retries: 1') }, async ({ server, home }) => {
    const id = addItem(home, 'Book the boiler service', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.is(server.dropped, 1);
    assert.is(server.requests.length, 1, 'one request answered, after the dropped connection');
    assert.match(read(home, doneFile(home, id)!), /## Result\n\nBooked on the second try\./);
  });
});

test.run();
