// aos serve [--port 4747]: the report's pages live on 127.0.0.1, refreshed as the home's files
// change (server-sent events), plus the control API (docs/api.md). A foreground process.
//
// Who may use it: whoever holds the random token printed at start (in the URL). Every request
// needs it — as ?token= (answered by a cookie and a redirect that drops it from the address bar),
// the cookie, or an Authorization: Bearer header — or gets 401. What changes the home (approve,
// deny, POST /api/inbox) needs the token in the header (a cookie alone never does: a page elsewhere
// cannot forge it) and, when a browser sends an Origin, this server's own. The Host header must name
// this server, so a DNS-rebound name cannot reach it. Only 127.0.0.1 is listened on.
//
// The answers are the commands' own: approve/deny run `aos approve`/`aos deny`'s code, the API
// returns what `aos status|runs|usage|inbox list --json` print (commandJson), so nothing here
// decides anything the CLI does not.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { watch, type FSWatcher } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Args, Env } from '../env.js';
import { UsageError, UserError } from '../errors.js';
import { CSP } from '../core/report/html.js';
import { openHome } from '../home/home.js';
import { commandJson, gatherReport } from './reportdata.js';
import { pageAssets } from './report.js';
import { status } from './status.js';
import { runs } from './runs.js';
import { usage } from './usage.js';
import { add as inboxAdd, list as inboxList } from './inbox.js';
import { approve, deny } from './approve.js';
import type { ReportData } from '../core/report/pages.js';

const DEFAULT_PORT = 4747;
const MAX_BODY = 256 * 1024;

function parsePort(value: unknown): number {
  if (value === undefined) return DEFAULT_PORT;
  const s = String(value);
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new UsageError(`--port: expected a port number from 0 to 65535 (0: any free port), found "${s}"`);
  return n;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new UsageError(`the request body is larger than ${MAX_BODY / 1024} KB`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function serve(args: Args, env: Env): Promise<number> {
  const home = await openHome(env);
  const root = home.root;
  const port = parsePort(args.port);
  const token = Buffer.from(env.randomBytes(24)).toString('hex');
  const assets = await pageAssets(env);
  const { renderPage } = await import('../core/report/pages.js');
  // The commands run as if typed with --home here; their stdin is empty (the API gives text in the body).
  const cmdEnv: Env = { ...env, homeFlag: root, readStdin: async () => '' };

  let data: Promise<ReportData> | undefined;
  const reportData = () => (data ??= gatherReport(home, cmdEnv).catch((err) => ((data = undefined), Promise.reject(err))));

  // Changes to the home are applied one at a time, so two clicks on Approve are two answers in a
  // row, and the second finds the approval already answered.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const clients = new Set<ServerResponse>();
  let actualPort = port;
  const cookieName = () => `aos_token_${actualPort}`;
  const origins = () => [`http://127.0.0.1:${actualPort}`, `http://localhost:${actualPort}`];

  const send = (res: ServerResponse, code: number, body: string, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(code, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `${CSP}; frame-ancestors 'none'`,
      ...extra,
    });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, code: number, value: unknown) => send(res, code, JSON.stringify(value, null, 2) + '\n', 'application/json; charset=utf-8');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${actualPort}`);
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${actualPort}` && host !== `localhost:${actualPort}`) return send(res, 421, 'wrong host\n', 'text/plain');
    const fromQuery = url.searchParams.get('token') ?? undefined;
    const headerToken = bearer(req);
    const authorized = sameToken(fromQuery, token) || sameToken(headerToken, token) || sameToken(cookieToken(req, cookieName()), token);
    if (!authorized) return sendJson(res, 401, { error: 'the access token is missing or wrong: open the URL aos serve printed' });
    if (req.method === 'GET' && fromQuery !== undefined && !url.pathname.startsWith('/api/') && url.pathname !== '/events') {
      // The token leaves the address bar (history, screenshots); the cookie carries it from here.
      url.searchParams.delete('token');
      res.writeHead(303, { location: url.pathname + url.search, 'set-cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'cache-control': 'no-store' });
      return void res.end();
    }

    if (req.method === 'POST') {
      // A change needs the token in a header (never the cookie alone) and no foreign Origin.
      const origin = req.headers.origin;
      if (!sameToken(headerToken, token)) return sendJson(res, 403, { error: 'changes need the token in an Authorization: Bearer header' });
      if (origin !== undefined && !origins().includes(origin)) return sendJson(res, 403, { error: `cross-origin request from ${origin} refused` });
      const answer = /^\/api\/approvals\/([^/]+)\/(approve|deny)$/.exec(url.pathname);
      if (answer) {
        const id = decodeURIComponent(answer[1]!);
        const result = await serially(() => commandJson(answer[2] === 'approve' ? approve : deny, { id }, cmdEnv));
        return sendJson(res, 200, result);
      }
      if (url.pathname === '/api/inbox') {
        let body: { text?: unknown; to?: unknown; priority?: unknown };
        try {
          body = JSON.parse(await readBody(req));
        } catch (err) {
          if (err instanceof UserError) throw err;
          throw new UsageError('the body must be JSON: {"text": "...", "to": "agent", "priority": "normal"}');
        }
        if (typeof body.text !== 'string' || !body.text.trim()) throw new UsageError('"text" must be the item\'s text');
        const result = await serially(() =>
          commandJson(inboxAdd, { text: [body.text], ...(typeof body.to === 'string' ? { to: body.to } : {}), priority: typeof body.priority === 'string' ? body.priority : 'normal' }, cmdEnv),
        );
        return sendJson(res, 201, result);
      }
      return sendJson(res, 404, { error: `no such action: POST ${url.pathname}` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `${req.method} is not served` });

    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    switch (url.pathname) {
      case '/api/status':
        return sendJson(res, 200, await commandJson(status, {}, cmdEnv));
      case '/api/runs':
        return sendJson(res, 200, await commandJson(runs, { agent: q('agent'), since: q('since'), limit: q('limit') }, cmdEnv));
      case '/api/usage':
        return sendJson(res, 200, await commandJson(usage, { since: q('since'), by: q('by') ?? 'agent' }, cmdEnv));
      case '/api/items':
        return sendJson(res, 200, await commandJson(inboxList, { all: q('all') === '1' || q('all') === 'true' }, cmdEnv));
      case '/events': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
        res.write(': connected\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      case '/assets/page.js':
        return send(res, 200, assets.get('page.js')!, 'text/javascript; charset=utf-8');
      case '/assets/style.css':
        return send(res, 200, assets.get('style.css')!, 'text/css; charset=utf-8');
    }
    const page = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const html = renderPage({ ...(await reportData()), live: { token } }, page);
    if (html === undefined) return sendJson(res, 404, { error: `no page ${url.pathname}` });
    return send(res, 200, html, 'text/html; charset=utf-8');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof UserError) return sendJson(res, err instanceof UsageError ? 400 : 409, { error: err.message });
      env.out.warn(`aos serve: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      sendJson(res, 500, { error: (err as Error).message });
    });
  });

  // A change under the home (not .git, not aos's own .aos) drops the cached data and tells each
  // open page to fetch itself again. Bursts (a tick's commit touches many files) are one event.
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(root, { recursive: true }, (_event, name) => {
      const path = String(name ?? '');
      if (/^\.git(\/|$)/.test(path) || /^\.aos(\/|$)/.test(path) || /(^|\/)\.[^/]*\.tmp$/.test(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        data = undefined;
        for (const c of clients) c.write(`event: change\ndata: ${JSON.stringify({ path })}\n\n`);
      }, 150);
    });
  } catch (err) {
    env.out.warn(`aos serve: cannot watch ${root} for changes (${(err as Error).message}): reload the page to see them`);
  }
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 25_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UserError(`port ${port} on 127.0.0.1 is taken: give another with --port`) : err),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}/?token=${token}`;
  if (env.out.json) env.out.data({ url, port: actualPort, token });
  else env.out.line(`aos serve: ${url}\n(127.0.0.1 only; the token is needed on every request. Ctrl-C stops.)`);

  const stop = env.catchStop?.();
  await new Promise<void>((resolve) => {
    if (stop) stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(keepAlive);
  clearTimeout(timer);
  watcher?.close();
  for (const c of clients) c.end();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  stop?.dispose();
  return 0;
}
