// Issue 14 item 4: a provider outage is not the items' fault. The built CLI in real processes, the
// real Anthropic SDK against a closed port, a server that drops every connection, and the fake
// Messages API (529s, a refused key); real git. Before the fix every item failed for good after
// three such ticks, and each tick called the model once per item.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, read } from '../helpers.js';
import { addItem, doneFile, envFor, withModel } from '../model-helpers.js';

/** A port nothing listens on: connection refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Takes every request and breaks the connection off unanswered (an API down behind its address), counting them. */
async function droppingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const s: Server = createServer((sock) => {
    n++;
    sock.once('data', () => sock.destroy());
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, connections: () => n, close: () => new Promise<void>((r) => s.close(() => r())) };
}

const ITEMS = 4;

test('provider down for four ticks (refused, dropped, 529, 401), then back: nothing failed, one call per down tick, status and doctor name the outage and the bad key, everything runs', async () => {
  await withModel({}, async ({ server, home, env }) => {
    const ids = Array.from({ length: ITEMS }, (_, i) => addItem(home, `question ${i + 1}`, 'chief'));
    const head = git(home, ['rev-parse', 'HEAD']);
    const itemsUnchanged = () => {
      for (const id of ids) {
        const text = read(home, `inbox/${id}.md`);
        assert.match(text, /status: new/, `${id} still new`);
        assert.not.match(text, /attempts:|error:|status: failed/, `${id}: no attempt counted:\n${text}`);
      }
      assert.is(git(home, ['status', '--porcelain']), '', 'nothing left behind in the work tree');
      assert.is(git(home, ['rev-parse', 'HEAD']), head, 'an outage commits nothing');
    };
    const downTick = async (tickEnv: Record<string, string>, said: RegExp) => {
      const r = await aosAsync(['tick', '--home', home], { env: tickEnv });
      assert.is(r.code, 1, `an outage needs the owner to know: ${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, said);
      assert.is(r.stderr.match(/model provider/g)?.length, 1, `said once:\n${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${ITEMS} items wait`));
      assert.not.match(r.stdout + r.stderr, /failed:/);
      itemsUnchanged();
      return r;
    };

    // 1. Connection refused.
    const refused = `http://127.0.0.1:${await closedPort()}`;
    await downTick(envFor(undefined, { ANTHROPIC_BASE_URL: refused, ANTHROPIC_API_KEY: 'test-key' }), /cannot be reached[\s\S]*docs\/recovery\.md#outage/);
    let outage = JSON.parse(readFileSync(join(home, '.aos/outage.json'), 'utf8'));
    assert.is(outage.fault, 'unreachable');
    assert.is(outage.ticks, 1);

    // 2. Every connection dropped: counted, one per tick.
    const dropping = await droppingServer();
    try {
      await downTick(envFor(undefined, { ANTHROPIC_BASE_URL: dropping.url, ANTHROPIC_API_KEY: 'test-key' }), /cannot be reached/);
      assert.is(dropping.connections(), 1, 'one model call for the whole tick, not one per item');
    } finally {
      await dropping.close();
    }
    outage = JSON.parse(readFileSync(join(home, '.aos/outage.json'), 'utf8'));
    assert.is(outage.ticks, 2, 'the same outage, one more tick');

    // 3. Overloaded (529); a second call would get the fake's 500 and count an attempt.
    server.push({ status: 529 });
    await downTick(env, /is overloaded/);
    assert.is(server.requests.length, 1);

    // 4. The key is refused (401 from the fake for any key but its own).
    await downTick(envFor(server, { ANTHROPIC_API_KEY: 'sk-expired' }), /refuses the API key: the key is bad or expired[\s\S]*docs\/recovery\.md#bad-key/);
    assert.is(server.requests.length, 2);
    outage = JSON.parse(readFileSync(join(home, '.aos/outage.json'), 'utf8'));
    assert.is(outage.fault, 'bad_key');

    const status = await aosAsync(['status', '--home', home], { env });
    assert.is(status.code, 0, status.stderr);
    assert.match(status.stderr, /Model: .*key is bad or expired/);
    const statusJson = JSON.parse((await aosAsync(['status', '--home', home, '--json'], { env })).stdout);
    assert.is(statusJson.model_outage.fault, 'bad_key');
    assert.is(statusJson.inbox.failed, 0);
    const doctor = await aosAsync(['doctor', '--home', home], { env });
    assert.is(doctor.code, 1, doctor.stdout);
    assert.match(doctor.stdout, /\.aos\/outage\.json: .*the key is bad or expired/);

    // Back: every item runs, the outage is cleared.
    for (let i = 0; i < ITEMS; i++) server.push({ text: `answer ${i + 1}` });
    const back = await aosAsync(['tick', '--home', home], { env });
    assert.is(back.code, 0, back.stderr);
    assert.is(server.requests.length, 2 + ITEMS);
    for (const id of ids) {
      const done = doneFile(home, id);
      assert.ok(done, `${id} done`);
      assert.not.match(read(home, done!), /attempts:/);
    }
    assert.not.ok(existsSync(join(home, '.aos/outage.json')), 'cleared on the first answer');
    const after = await aosAsync(['status', '--home', home], { env });
    assert.not.match(after.stderr, /Model:/);
    const doctorAfter = await aosAsync(['doctor', '--home', home, '--json'], { env });
    assert.not.match(doctorAfter.stdout, /outage/);
  });
});

test('an outage after the run got somewhere: its turns are kept as a checkpoint, no attempt counted, and it resumes from them', async () => {
  await withModel({ replies: [{ tools: [{ name: 'note', input: { text: 'first step' } }] }, { status: 529 }] }, async ({ server, home, env }) => {
    const id = addItem(home, 'a two-step task', 'chief');
    const other = addItem(home, 'another task', 'chief');
    const r = await aosAsync(['tick', '--home', home], { env });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /is overloaded/);
    assert.match(r.stderr, /2 items wait/);
    assert.is(server.requests.length, 2, 'the second item was not tried');
    const item = read(home, `inbox/${id}.md`);
    assert.match(item, /status: new/);
    assert.match(item, /checkpoint: r-/);
    assert.not.match(item, /attempts:/);
    assert.not.match(read(home, `inbox/${other}.md`), /attempts:|checkpoint:/);
    assert.is(git(home, ['status', '--porcelain']), '');
    server.push({ text: 'done' }, { text: 'done' });
    const back = await aosAsync(['tick', '--home', home], { env });
    assert.is(back.code, 0, back.stderr);
    const resumed = server.requests.slice(2).find((q) => JSON.stringify(q.body.messages[0]).includes('two-step'));
    assert.is(resumed!.body.messages.length, 3, 'resumed with the recorded turn, not from the task');
    assert.ok(doneFile(home, id));
    assert.ok(doneFile(home, other));
    assert.is(server.requests.length, 4, 'nothing asked twice');
  });
});

test.run();
