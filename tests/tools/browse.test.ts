// browse_page (issue 20): a page served on 127.0.0.1 by this test, read through fetch_url's checks
// (the test's allowance is the grant's own private:allow, as in tests/tools/http.test.ts): title,
// markdown and links; refused without the grant or without private:allow. Rendered by the real
// headless Chromium with browser:render, the page's own requests judged by the same checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { parseCapabilities, type Capability } from '../../cli/core/agents/capabilities.js';
import { browseTool } from '../../cli/tools/browse.js';
import { CHROMIUM } from '../../cli/tools/render.js';
import type { Action, RunCtx } from '../../cli/tools/runctx.js';

function caps(texts: string[]): Capability[] {
  const { caps, errors } = parseCapabilities(texts);
  if (errors.length) throw new Error(errors.join('; '));
  return caps;
}

const PAGE = `<!doctype html><html><head><title>Sleep &amp; memory</title><style>body{color:red}</style></head>
<body><h1>Findings</h1><p>Sleep <strong>consolidates</strong> memory.</p>
<script>document.write('<p>written by script</p>')</script>
<ul><li><a href="/papers/1">First paper</a></li><li><a href="https://example.org/x?a=1&amp;b=2">Elsewhere</a></li></ul></body></html>`;

const JS_PAGE = `<!doctype html><html><head><title>Loading</title></head><body><div id="out">not yet</div>
<script src="/app.js"></script></body></html>`;

let server: Server;
let other: Server;
let port = 0;
let otherPort = 0;
const hits: string[] = [];
const otherHits: string[] = [];

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

test.before(async () => {
  other = createServer((q, r) => {
    otherHits.push(q.url ?? '');
    r.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end('{"secret":"from another port"}');
  });
  otherPort = await listen(other);
  server = createServer((q, r) => {
    hits.push(q.url ?? '');
    if (q.url === '/page') r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (q.url === '/js') r.writeHead(200, { 'content-type': 'text/html' }).end(JS_PAGE);
    else if (q.url === '/app.js')
      r.writeHead(200, { 'content-type': 'text/javascript' }).end(
        `document.title = 'Rendered page';
         fetch('/data.json').then((x) => x.json()).then((d) => { document.getElementById('out').innerHTML = '<p>' + d.text + '</p><a href="/next">Next</a>'; });
         fetch('http://127.0.0.1:${otherPort}/leak').catch(() => {});`,
      );
    else if (q.url === '/data.json') r.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Built by JavaScript"}');
    else r.writeHead(404).end('no');
  });
  port = await listen(server);
});

test.after(async () => {
  await new Promise((r) => server.close(r));
  await new Promise((r) => other.close(r));
});

const local = () => `http:127.0.0.1:get,head{scheme:http;private:allow;ports:${port}}`;

function ctx(capTexts: string[], seen: Action[] = []): RunCtx {
  return { agent: { id: 'researcher', caps: caps(capTexts) }, gate: async (a: Action) => void seen.push(a), home: { secret: () => undefined } } as unknown as RunCtx;
}

test('browse_page: the title, the text as markdown (no script or style), and the links, resolved', async () => {
  const seen: Action[] = [];
  const out = await browseTool.run({ url: `http://127.0.0.1:${port}/page` }, ctx([local()], seen));
  assert.match(out, /^title: Sleep & memory$/m);
  assert.match(out, new RegExp(`^url: http://127\\.0\\.0\\.1:${port}/page$`, 'm'));
  assert.match(out, /^# Findings$/m);
  assert.match(out, /Sleep \*\*consolidates\*\* memory\./);
  assert.not.match(out, /color:red|document\.write|written by script/, 'no script or style text');
  assert.match(out, new RegExp(`- \\[First paper\\]\\(http://127\\.0\\.0\\.1:${port}/papers/1\\)`));
  assert.match(out, /- \[Elsewhere\]\(https:\/\/example\.org\/x\?a=1&b=2\)/);
  assert.is(seen.length, 1, 'the policy gate is asked once');
  assert.equal({ tool: seen[0]!.tool, kind: seen[0]!.kind, verb: seen[0]!.verb }, { tool: 'browse_page', kind: 'http', verb: 'get' });
  assert.ok(browseTool.offered(caps([local()])));
  assert.not.ok(browseTool.offered(caps(['file:notes/**:read'])));
});

test('browse_page: a private address is refused without the allowance, and an ungranted host without a grant; the server is never reached', async () => {
  const before = hits.length;
  const rejects = async (p: Promise<unknown>, re: RegExp) => {
    try {
      await p;
    } catch (err) {
      assert.match((err as Error).message, re);
      return;
    }
    assert.unreachable('expected a refusal');
  };
  await rejects(browseTool.run({ url: `http://127.0.0.1:${port}/page` }, ctx(['http:*:get{scheme:http}'])), /^refused: .*127\.0\.0\.1/);
  await rejects(browseTool.run({ url: `http://127.0.0.1:${port}/page` }, ctx([`http:127.0.0.1:get{scheme:http;ports:${port}}`])), /^refused: .*(private|loopback)/);
  await rejects(browseTool.run({ url: 'http://10.1.2.3/' }, ctx(['http:*:get{scheme:http}'])), /^refused: /);
  await rejects(browseTool.run({ url: 'https://example.org/' }, ctx([local()])), /^refused: /);
  assert.is(hits.length, before, 'nothing refused reached the server');
});

test('browse_page render: without browser:render it is refused; with it, Chromium runs the page, and the page\'s own request to an ungranted port is refused', async () => {
  const rejects = async (p: Promise<unknown>, re: RegExp) => {
    try {
      await p;
    } catch (err) {
      assert.match((err as Error).message, re);
      return;
    }
    assert.unreachable('expected a refusal');
  };
  await rejects(browseTool.run({ url: `http://127.0.0.1:${port}/js`, render: true }, ctx([local()])), /refused: no capability grants browser:render/);
  if (!existsSync(CHROMIUM)) throw new Error(`this test needs Chromium at ${CHROMIUM} (CI installs it)`);
  const out = await browseTool.run({ url: `http://127.0.0.1:${port}/js`, render: true }, ctx([local(), 'browser:render']));
  assert.match(out, /^title: Rendered page$/m);
  assert.match(out, /^read by: headless Chromium/m);
  assert.match(out, /Built by JavaScript/);
  assert.not.match(out, /not yet/);
  assert.match(out, new RegExp(`- \\[Next\\]\\(http://127\\.0\\.0\\.1:${port}/next\\)`));
  assert.ok(hits.includes('/data.json'), 'the granted request went through');
  assert.is(otherHits.length, 0, 'the page could not reach an ungranted port');
  assert.match(out, new RegExp(`refused: GET http://127\\.0\\.0\\.1:${otherPort}/leak`));
});

test.run();
