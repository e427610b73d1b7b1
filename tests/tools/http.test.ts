// The HTTP tool: the pure checks as tables (the corpus in tests/fixtures/corpus/http.yaml, address
// classes, redirect hops), then real requests to local servers: redirects re-checked hop by hop,
// private addresses after resolution, pinned connections, caps, and the bearer token's reach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { ROOT } from '../helpers.js';
import { parseCapabilities, type Capability } from '../../cli/core/agents/capabilities.js';
import { checkHttp, checkRedirect, classifyAddress, hostMatches, redirectMethod, type AddressClass } from '../../cli/core/agents/urlcheck.js';
import { fetchTool, formatResult, httpDecision, modelHeaders, performFetch, type FetchDeps } from '../../cli/tools/http.js';
import { ToolError, type Action, type RunCtx } from '../../cli/tools/runctx.js';
import { loadSecrets, type Secrets } from '../../cli/home/secrets.js';

function caps(texts: string[]): Capability[] {
  const { caps, errors } = parseCapabilities(texts);
  if (errors.length) throw new Error(errors.join('; '));
  return caps;
}

// ---------------------------------------------------------------------------------------------
// The corpus

interface Case {
  caps: string[];
  method?: string;
  url: string;
  expect: 'allowed' | 'refused';
  why?: string;
}
const corpus = parse(readFileSync(join(ROOT, 'tests/fixtures/corpus/http.yaml'), 'utf8')) as Case[];

test(`corpus: ${corpus.length} cases, controls and attacks both`, () => {
  assert.ok(corpus.length >= 45, `only ${corpus.length}`);
  assert.ok(corpus.filter((c) => c.expect === 'allowed').length >= 10);
  assert.ok(corpus.filter((c) => c.expect === 'refused').length >= 35);
  for (const c of corpus) assert.ok(c.why, `every case says why: ${c.url}`);
});

test('corpus: every case gets its verdict and reason from checkHttp', () => {
  const wrong: string[] = [];
  for (const [i, c] of corpus.entries()) {
    const v = checkHttp(caps(c.caps), c.method ?? 'GET', c.url);
    const got = v.allowed ? 'allowed' : 'refused';
    if (got !== c.expect) wrong.push(`#${i} ${JSON.stringify(c.url)} ${JSON.stringify(c.caps)}: ${got} (${v.reason}), expected ${c.expect}`);
    else if (c.why && !v.reason.includes(c.why)) wrong.push(`#${i} ${JSON.stringify(c.url)}: reason "${v.reason}" lacks "${c.why}"`);
    if (v.allowed && (!v.url || !v.limits)) wrong.push(`#${i}: allowed without url or limits`);
  }
  assert.is(wrong.length, 0, wrong.join('\n'));
});

test('checkHttp: methods outside the six are refused whatever the grant; limits come from the granting capability', () => {
  const c = caps(['http:*:get,head,post,put,patch,delete']);
  for (const m of ['TRACE', 'CONNECT', 'OPTIONS', 'PROPFIND', 'get ', '']) assert.match(checkHttp(c, m, 'https://a.example/').reason, /method .* is not one of/);
  const v = checkHttp(caps(['http:a.example:get', 'http:a.example:post{timeout:3s;max_bytes:64kb;auth:TOKEN}']), 'POST', 'https://a.example/');
  assert.equal(v.limits, { timeoutMs: 3000, maxBytes: 65536, allowPrivate: false, auth: 'TOKEN' });
  assert.equal(checkHttp(caps(['http:a.example:get']), 'get', 'https://a.example/').limits, { timeoutMs: 20000, maxBytes: 1048576, allowPrivate: false });
  // The trailing dot is dropped from the URL that is fetched, and the href is what policy and logs see.
  assert.is(checkHttp(caps(['http:a.example:get']), 'get', 'https://A.Example./x?y#z').url?.href, 'https://a.example/x?y#z');
});

test('hostMatches: exact, *.suffix for subdomains only, * for names but never IP literals', () => {
  const rows: [string, string, boolean][] = [
    ['api.example.com', 'api.example.com', true],
    ['API.Example.COM', 'api.example.com', true],
    ['api.example.com.', 'api.example.com', true],
    ['api.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'evilexample.com', false],
    ['*.example.com', 'example.com.evil.net', false],
    ['*', 'anything.test', true],
    ['*', '8.8.8.8', false],
    ['*', '[2606:4700::1111]', false],
    ['*.0.0.1', '127.0.0.1', false],
    ['bücher.example', 'xn--bcher-kva.example', true],
    ['8.8.8.8', '8.8.8.8', true],
    ['example.com/admin', 'example.com', false],
    ['user@example.com', 'example.com', false],
    ['example.com?', 'example.com', false],
  ];
  for (const [p, h, want] of rows) assert.is(hostMatches(p, h), want, `${p} vs ${h}`);
});

// ---------------------------------------------------------------------------------------------
// Addresses

test('classifyAddress: every range that is not the public internet, in IPv4 and IPv6 spellings', () => {
  const rows: [string, AddressClass][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['2606:4700::1111', 'public'],
    ['2a00:1450:4001::200e', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:808:808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['100::1', 'reserved'],
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['', 'invalid'],
  ];
  for (const [ip, want] of rows) assert.is(classifyAddress(ip), want, ip);
});

// ---------------------------------------------------------------------------------------------
// Redirects

test('redirectMethod: 303 → GET (HEAD stays), 301/302 after POST → GET, 307/308 keep the method', () => {
  const rows: [number, string, string][] = [
    [303, 'POST', 'get'],
    [303, 'put', 'get'],
    [303, 'head', 'head'],
    [302, 'post', 'get'],
    [301, 'post', 'get'],
    [302, 'put', 'put'],
    [307, 'post', 'post'],
    [308, 'delete', 'delete'],
  ];
  for (const [s, m, want] of rows) assert.is(redirectMethod(s, m), want, `${s} ${m}`);
});

test('checkRedirect: every hop is judged like a first request, resolved against the URL that answered', () => {
  const c = caps(['http:api.example.com:get,post', 'http:cdn.example.com:get', 'http:127.0.0.1:get{scheme:http;private:allow;ports:8080}']);
  const from = new URL('https://api.example.com/a/b');
  const rows: [string, string, number, boolean, string][] = [
    ['get', 'c', 302, true, 'https://api.example.com/a/c'],
    ['get', '/x?y=1', 301, true, 'https://api.example.com/x?y=1'],
    ['get', 'https://cdn.example.com/file', 302, true, 'https://cdn.example.com/file'],
    ['get', '//cdn.example.com/file', 302, true, 'https://cdn.example.com/file'],
    ['post', 'https://cdn.example.com/file', 303, true, 'https://cdn.example.com/file'],
    ['post', 'https://cdn.example.com/file', 307, false, 'no capability grants http post on cdn.example.com'],
    ['get', 'https://evil.example/', 302, false, 'redirect to https://evil.example/: no capability grants http get on evil.example'],
    ['get', 'http://api.example.com/', 302, false, 'plain http is not granted'],
    ['get', 'https://api.example.com:8443/', 302, false, 'port 8443 is not granted'],
    ['get', 'https://u:p@api.example.com/', 302, false, 'user names and passwords'],
    ['get', 'file:///etc/passwd', 302, false, 'file: scheme'],
    ['get', 'https://169.254.169.254/', 302, false, 'link-local'],
    ['get', 'https://[::ffff:7f00:1]/', 302, false, 'loopback'],
    ['get', 'http://2130706433:8080/', 302, false, 'unusual form'],
    ['get', '//0x7f.1:8080/', 302, false, 'unusual form'],
    ['get', 'https://api.example.com\\@evil.example/', 302, false, 'backslashes'],
    ['get', '/a b', 302, false, 'whitespace'],
  ];
  for (const [m, loc, status, ok, want] of rows) {
    const v = checkRedirect(c, m, from, loc, status);
    assert.is(v.allowed, ok, `${loc}: ${v.reason}`);
    if (ok) assert.is(v.url?.href, want, loc);
    else assert.ok(v.reason.includes(want), `${loc}: "${v.reason}" lacks "${want}"`);
  }
  const cross = checkRedirect(c, 'post', from, 'https://cdn.example.com/x', 303);
  assert.equal([cross.crossOrigin, cross.dropBody, cross.method], [true, true, 'get']);
  const same = checkRedirect(c, 'post', from, '/y', 307);
  assert.equal([same.crossOrigin, same.dropBody, same.method], [false, false, 'post']);
  assert.is(checkRedirect(c, 'get', from, 'https://api.example.com:443/z').crossOrigin, false, 'the default port written out is the same origin');
  const fromLocal = new URL('http://127.0.0.1:8080/');
  assert.is(checkRedirect(c, 'get', fromLocal, '/next').allowed, true);
  assert.is(checkRedirect(c, 'get', fromLocal, 'http://127.0.0.1:8081/').allowed, false);
});

test('modelHeaders: content headers pass; credentials, Host, hop-by-hop and method overrides are refused', () => {
  assert.equal(modelHeaders({ Accept: 'application/json', 'Content-Type': 'text/plain', 'X-Request-Id': '7' }), { accept: 'application/json', 'content-type': 'text/plain', 'x-request-id': '7' });
  for (const name of ['Authorization', 'Proxy-Authorization', 'Cookie', 'Host', 'Connection', 'Transfer-Encoding', 'Content-Length', 'Upgrade', 'TE', 'Expect', 'X-HTTP-Method-Override', 'X-Forwarded-For', 'X-Real-IP', 'Accept-Encoding', 'Bad Name', 'a:b']) {
    assert.throws(() => modelHeaders({ [name]: 'x' }), (e: unknown) => e instanceof ToolError && /^refused: /.test(e.message), name);
  }
  assert.throws(() => modelHeaders({ Accept: 'a\r\nHost: evil' }), /control characters/);
  assert.throws(() => modelHeaders({ accept: 'a', Accept: 'b' }), /given twice/);
});

// ---------------------------------------------------------------------------------------------
// Real requests to local servers

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

function serve(routes: Record<string, Handler>): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const h = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (h) h(req, res, body);
      else res.writeHead(404).end('no such route');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

const echo: Handler = (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
};
const redirect = (status: number, to: () => string): Handler => (_req, res) => res.writeHead(status, { location: to() }).end();

let A = 0;
let B = 0;
const servers: Server[] = [];
const BIG = Buffer.alloc(3 * 1024 * 1024, 'a');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

const noSecrets: FetchDeps = { secrets: () => undefined };
const local = (port: number, extra = '') => `http:127.0.0.1:get,head,post,put{scheme:http;private:allow;ports:${port}${extra}}`;

test.before(async () => {
  const b = await serve({ '/hello': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain' }).end('hello from B'), '/echo': echo });
  B = b.port;
  const a = await serve({
    '/hello': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello from A'),
    '/echo': echo,
    '/to-b': redirect(302, () => `http://127.0.0.1:${B}/hello`),
    '/to-b-echo': redirect(302, () => `http://127.0.0.1:${B}/echo`),
    '/to-evil': redirect(302, () => 'https://evil.example/steal'),
    '/to-localhost': redirect(302, () => `http://localhost:${A}/hello`),
    '/to-file': redirect(302, () => 'file:///etc/passwd'),
    '/post303': redirect(303, () => '/echo'),
    '/post302': redirect(302, () => '/echo'),
    '/post307': redirect(307, () => '/echo'),
    '/loop': redirect(302, () => '/loop'),
    '/big': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain' }).end(BIG),
    '/bomb': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 * 1024 * 1024))),
    '/gzip': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('squeezed text')),
    '/png': (_q, r) => r.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
    '/slow': (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('first bytes…');
    },
  });
  A = a.port;
  servers.push(a.server, b.server);
});

test.after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function rejects(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.match((err as Error).message, re);
    return;
  }
  assert.unreachable(`expected an error matching ${re}`);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ToolError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal, the request went through');
}

test('fetch: a granted GET to a local server works, and formatResult shows status, URL, type and body', async () => {
  const r = await performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/hello` }, noSecrets);
  assert.is(r.status, 200);
  assert.is(r.body.toString(), 'hello from A');
  const text = formatResult(r);
  assert.match(text, /^HTTP 200 OK\nurl: http:\/\/127\.0\.0\.1:\d+\/hello\ncontent-type: text\/plain; charset=utf-8\n\nhello from A$/);
});

test('fetch: loopback is refused without private:allow, before anything connects', async () => {
  const msg = await refusal(performFetch(caps([`http:127.0.0.1:get{scheme:http;ports:${A}}`]), { url: `http://127.0.0.1:${A}/hello` }, noSecrets));
  assert.match(msg, /^refused: 127\.0\.0\.1 is a loopback address/);
});

test('fetch: a name that resolves to a loopback address is refused after resolution (localhost)', async () => {
  const msg = await refusal(performFetch(caps([`http:localhost:get{scheme:http;ports:${A}}`]), { url: `http://localhost:${A}/hello` }, noSecrets));
  assert.match(msg, /^refused: localhost resolves to .* loopback address/);
  assert.is(checkHttp(caps([`http:localhost:get{scheme:http;ports:${A}}`]), 'get', `http://localhost:${A}/`).allowed, true, 'statically the name is granted: only resolution refuses it');
});

test('fetch: one private address among the answers refuses; the connection goes to the checked address with Host = the name', async () => {
  let lookups = 0;
  const resolve = async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]);
  const grant = caps([`http:pinned.test:get{scheme:http;private:allow;ports:${A}}`]);
  const r = await performFetch(grant, { url: `http://pinned.test:${A}/echo` }, { secrets: () => undefined, resolve });
  assert.is(JSON.parse(r.body.toString()).headers.host, `pinned.test:${A}`, 'reached the pinned address, not the system resolver (which does not know pinned.test)');
  assert.is(lookups, 1);
  const mixed = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }];
  const msg = await refusal(performFetch(caps([`http:rebind.test:get{scheme:http;ports:${A}}`]), { url: `http://rebind.test:${A}/echo` }, { secrets: () => undefined, resolve: mixed }));
  assert.match(msg, /rebind\.test resolves to 10\.0\.0\.7 is a private address/);
});

test('fetch: a redirect to a host no capability grants is refused at that hop', async () => {
  const msg = await refusal(performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/to-evil` }, noSecrets));
  assert.is(msg, 'refused: redirect to https://evil.example/steal: no capability grants http get on evil.example');
  assert.match(await refusal(performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/to-file` }, noSecrets)), /file: scheme is not allowed/);
});

test('fetch: a redirect to another local port that is not granted is refused; granted, it is followed', async () => {
  const msg = await refusal(performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/to-b` }, noSecrets));
  assert.ok(msg.includes(`redirect to http://127.0.0.1:${B}/hello: port ${B} is not granted`), msg);
  const r = await performFetch(caps([local(A), local(B)]), { url: `http://127.0.0.1:${A}/to-b` }, noSecrets);
  assert.is(r.body.toString(), 'hello from B');
  assert.equal(r.hops, [`http://127.0.0.1:${A}/to-b`, `http://127.0.0.1:${B}/hello`]);
  assert.match(formatResult(r), /redirects: .*to-b → .*\/hello/);
});

test('fetch: a hop to a name that resolves to loopback is refused after resolution, even from a granted private server', async () => {
  const msg = await refusal(performFetch(caps([local(A), `http:localhost:get{scheme:http;ports:${A}}`]), { url: `http://127.0.0.1:${A}/to-localhost` }, noSecrets));
  assert.match(msg, /^refused: localhost resolves to .* loopback/);
});

test('fetch: 303 after POST becomes GET without the body; 302 too; 307 keeps POST and its body', async () => {
  const c = caps([local(A)]);
  const post = (path: string) => performFetch(c, { url: `http://127.0.0.1:${A}${path}`, method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } }, noSecrets);
  const e303 = JSON.parse((await post('/post303')).body.toString());
  assert.equal([e303.method, e303.body, e303.headers['content-type']], ['GET', '', undefined]);
  const e302 = JSON.parse((await post('/post302')).body.toString());
  assert.is(e302.method, 'GET');
  const e307 = JSON.parse((await post('/post307')).body.toString());
  assert.equal([e307.method, e307.body, e307.headers['content-type']], ['POST', '{"a":1}', 'application/json']);
});

test('fetch: a 303 to GET needs get granted; POST-only grants stop there', async () => {
  const msg = await refusal(performFetch(caps([`http:127.0.0.1:post{scheme:http;private:allow;ports:${A}}`]), { url: `http://127.0.0.1:${A}/post303`, method: 'POST', body: 'x' }, noSecrets));
  assert.match(msg, /redirect to .*\/echo: no capability grants http get/);
});

test('fetch: more than five redirects fail (not a refusal); bodies only with POST, PUT, PATCH', async () => {
  try {
    await performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/loop` }, noSecrets);
    assert.unreachable('a redirect loop ends');
  } catch (err) {
    assert.not.instance(err, ToolError);
    assert.is((err as NodeJS.ErrnoException).code, 'ETOOMANYREDIRECTS');
  }
  assert.match(await refusal(performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/echo`, body: 'x' }, noSecrets)), /body is sent only with POST/);
  assert.match(await refusal(performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/echo`, method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) }, noSecrets)), /over 1048576 bytes/);
});

test('fetch: the size cap cuts a big body and says so; a gzip bomb is cut after decoding', async () => {
  const r = await performFetch(caps([local(A, ';max_bytes:1kb')]), { url: `http://127.0.0.1:${A}/big` }, noSecrets);
  assert.equal([r.truncated, r.body.length], [true, 1024]);
  assert.match(formatResult(r), /note: the body was cut at 1024 bytes/);
  const bomb = await performFetch(caps([local(A, ';max_bytes:64kb')]), { url: `http://127.0.0.1:${A}/bomb` }, noSecrets);
  assert.equal([bomb.truncated, bomb.body.length], [true, 65536]);
  const small = await performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/gzip` }, noSecrets);
  assert.equal([small.truncated, small.body.toString()], [false, 'squeezed text']);
});

test('fetch: a slow server hits the timeout, reported as a failure with a code', async () => {
  const t0 = Date.now();
  try {
    await performFetch(caps([local(A, ';timeout:300ms')]), { url: `http://127.0.0.1:${A}/slow` }, noSecrets);
    assert.unreachable('the slow body never ends');
  } catch (err) {
    assert.not.instance(err, ToolError);
    assert.is((err as NodeJS.ErrnoException).code, 'ETIMEDOUT');
    assert.match((err as Error).message, /timed out after 0\.3s/);
  }
  // The body never ends: any finite time shows the timeout fired; 20 s leaves a loaded machine room.
  assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
});

test('fetch: binary bodies come back as size and sha256; HEAD reads no body', async () => {
  const r = await performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/png` }, noSecrets);
  assert.ok(formatResult(r).endsWith(`(binary body: ${PNG.length} bytes, sha256 ${createHash('sha256').update(PNG).digest('hex')})`), formatResult(r));
  const h = await performFetch(caps([local(A)]), { url: `http://127.0.0.1:${A}/hello`, method: 'HEAD' }, noSecrets);
  assert.equal([h.status, h.body.length], [200, 0]);
});

test('fetch: auth: sends the bearer token to the granted origin, drops it on a cross-origin redirect, never shows it', async () => {
  const token = 's3cr3t-token-value';
  const both = caps([`http:127.0.0.1:get{scheme:http;private:allow;ports:${A},${B};auth:TOKEN}`]);
  const deps: FetchDeps = { secrets: (n) => (n === 'TOKEN' ? token : undefined) };
  const direct = await performFetch(both, { url: `http://127.0.0.1:${A}/echo` }, deps);
  assert.is(JSON.parse(direct.body.toString()).headers.authorization, `Bearer ${token}`);
  assert.not.ok(formatResult(direct).includes(token), 'an echoed token is scrubbed from what the model reads');
  assert.ok(formatResult(direct).includes('Bearer [secret:TOKEN]'));
  const hop = await performFetch(both, { url: `http://127.0.0.1:${A}/to-b-echo` }, deps);
  assert.is(JSON.parse(hop.body.toString()).url, '/echo');
  assert.is(JSON.parse(hop.body.toString()).headers.authorization, undefined, 'another port is another origin');
  const same = await performFetch(both, { url: `http://127.0.0.1:${A}/post307`, method: 'GET' }, deps);
  assert.is(JSON.parse(same.body.toString()).headers.authorization, `Bearer ${token}`, 'a same-origin hop keeps it');
  assert.match(await refusal(performFetch(both, { url: `http://127.0.0.1:${A}/echo` }, noSecrets)), /secret TOKEN .* is not set/);
  assert.match(await refusal(performFetch(both, { url: `http://127.0.0.1:${A}/echo`, headers: { Authorization: 'Bearer mine' } }, deps)), /Authorization header cannot be set/);
});

// ---------------------------------------------------------------------------------------------
// The tool

function ctxWith(capTexts: string[], gate: (a: Action) => Promise<void>, home: Pick<Secrets, 'secret'> = loadSecrets('/nonexistent-home', {}, {})): RunCtx {
  return { agent: { id: 'researcher', caps: caps(capTexts) }, gate, home } as unknown as RunCtx;
}

test('fetch_url: refused before the gate; the gate sees the normalized URL and method; a gate refusal stops it', async () => {
  const seen: Action[] = [];
  const gate = async (a: Action) => void seen.push(a);
  await rejects(() => fetchTool.run({ url: `http://127.0.0.1:${A}/hello` }, ctxWith(['http:*:get'], gate)), /refused: no capability lists the address 127\.0\.0\.1/);
  await rejects(() => fetchTool.run({ url: `http://127.0.0.1:${A}/hello`, headers: { Cookie: 'a=b' } }, ctxWith([local(A)], gate)), /Cookie header cannot be set/);
  assert.is(seen.length, 0, 'nothing refused reaches the owner');
  const out = await fetchTool.run({ url: `HTTP://127.0.0.1:${A}/hello`, method: 'Get' }, ctxWith([local(A)], gate));
  assert.match(out, /hello from A$/);
  // grant: the capability that granted it, for {rate} and the audit (issue 16).
  assert.equal(seen, [{ tool: 'fetch_url', kind: 'http', resource: `http://127.0.0.1:${A}/hello`, verb: 'get', input: { url: `HTTP://127.0.0.1:${A}/hello`, method: 'Get' }, grant: `granted by "${local(A)}"` }]);
  const never = async () => {
    throw new ToolError('refused: policy never');
  };
  await rejects(() => fetchTool.run({ url: `http://127.0.0.1:${A}/hello` }, ctxWith([local(A)], never)), /policy never/);
  assert.is(fetchTool.offered(caps(['file:notes/**:read'])), false);
  assert.is(fetchTool.offered(caps(['http:a.example:get'])), true);
});

test('fetch_url: auth reads the secret aos.yaml names, and the result never carries it', async () => {
  const home = loadSecrets('/nonexistent-home', { TOKEN: 'env' }, { TOKEN: 'tool-token-123456' });
  const out = await fetchTool.run({ url: `http://127.0.0.1:${A}/echo` }, ctxWith([local(A, ';auth:TOKEN')], async () => {}, home));
  assert.ok(out.includes('"authorization":"Bearer [secret:TOKEN]"'), out);
  assert.not.ok(out.includes('tool-token-123456'));
});

test('httpDecision: the static verdict for aos can, refusals as ToolError', () => {
  assert.equal(httpDecision(caps(['http:api.example.com:get']), 'GET', 'https://API.example.com./x'), {
    url: 'https://api.example.com/x',
    reason: 'granted by "http:api.example.com:get"',
    limits: { timeoutMs: 20000, maxBytes: 1048576, allowPrivate: false },
  });
  assert.throws(() => httpDecision(caps(['http:api.example.com:get']), 'POST', 'https://api.example.com/'), (e: unknown) => e instanceof ToolError && e.message === 'refused: no capability grants http post on api.example.com');
});

test.run();
