// A fake Anthropic Messages API on 127.0.0.1, for tests that run the real SDK (in this process or in
// a child process given ANTHROPIC_BASE_URL=<url> and ANTHROPIC_API_KEY=test-key). Replies are
// scripted: each POST /v1/messages takes the next one from the queue and answers it either as a JSON
// message or, when the request says `stream: true`, as the server-sent events the SDK's
// MessageStream reads. Requests whose key, version header or body is wrong are answered like the real
// API (401 / 400) without taking a scripted reply, so a bug in the caller shows up as itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type FakeReply =
  /**
   * A text answer; `stop` defaults to end_turn. `delayMs` holds back the whole response;
   * `eventDelayMs` spaces a streamed answer's events (a slow but live stream).
   */
  | { text: string; stop?: string; usage?: Partial<FakeUsage>; delayMs?: number; eventDelayMs?: number }
  /** Tool calls (stop_reason tool_use), after an optional text block. */
  | { tools: { name: string; input: unknown; id?: string }[]; text?: string; usage?: Partial<FakeUsage>; delayMs?: number; eventDelayMs?: number }
  /**
   * An API error such as 429 rate_limit_error (with `headers: { 'retry-after': '3' }`), 500
   * api_error or 529 overloaded_error. `error.type` defaults from the status. With `midStream`, a
   * streaming request gets a 200 whose event stream breaks off with an `error` event, as the real
   * API does when it is overloaded mid-answer (a non-streaming request gets the plain error).
   */
  | { status: number; error?: { type: string; message: string }; headers?: Record<string, string>; delayMs?: number; midStream?: boolean }
  /** A body sent as it is (status 200 and application/json unless told): for malformed answers. */
  | { raw: string; status?: number; contentType?: string; delayMs?: number }
  /** Never answers; close() still ends the connection. */
  | { hang: true }
  /**
   * Closes the connection at once without writing a byte (a proxy or server dying mid-request): a new
   * connection is destroyed as soon as it is accepted, before its request is read (counted in
   * `dropped`, not in `requests`); on a kept-alive connection, as soon as the request arrives.
   */
  | { destroy: true };

export interface FakeRequest {
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every POST /v1/messages request, parsed, in arrival order (including refused ones). */
  requests: FakeRequest[];
  /** Connections closed by a `destroy` reply before their request was read. */
  readonly dropped: number;
  /** Queues replies, served in order. */
  push(...replies: FakeReply[]): void;
  /** Resolves when at least n requests have arrived (rejects after timeoutMs, default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Answered when the queue is empty; default: a 500 api_error saying the script ran out. */
  whenEmpty?: FakeReply;
  /** The key the server accepts (x-api-key or Authorization: Bearer); default "test-key". */
  apiKey?: string;
  /**
   * Chooses the reply by the request (runs in progress at once ask in no fixed order), before the
   * queue is looked at; undefined takes the queue's next. May wait (a barrier for overlapping runs).
   */
  route?: (body: any, n: number) => FakeReply | undefined | Promise<FakeReply | undefined>;
}

const DEFAULT_USAGE: FakeUsage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export async function startFakeAnthropic(replies: FakeReply[] = [], opts: FakeOptions = {}): Promise<FakeServer> {
  const queue: FakeReply[] = [...replies];
  const requests: FakeRequest[] = [];
  const waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const apiKey = opts.apiKey ?? 'test-key';
  let served = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  let dropped = 0;
  server.on('connection', (socket) => {
    if (queue[0] && 'destroy' in queue[0]) {
      queue.shift();
      dropped += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/messages') {
      sendError(res, 404, { type: 'not_found_error', message: `fake-anthropic serves only POST /v1/messages, not ${req.method} ${path}` });
      return;
    }
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    requests.push({ body, headers: { ...req.headers } });
    for (const w of [...waiters]) {
      if (requests.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }

    const key = req.headers['x-api-key'] ?? /^Bearer (.*)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (key !== apiKey) {
      sendError(res, 401, { type: 'authentication_error', message: key ? 'invalid x-api-key' : 'x-api-key header is required' });
      return;
    }
    if (!req.headers['anthropic-version']) {
      sendError(res, 400, { type: 'invalid_request_error', message: 'anthropic-version: header is required' });
      return;
    }
    const problem = checkBody(body);
    if (problem) {
      sendError(res, 400, { type: 'invalid_request_error', message: problem });
      return;
    }

    served += 1;
    if (opts.route) {
      const n = served;
      void Promise.resolve(opts.route(body, n)).then((routed) => reply(req, res, body, n, routed));
      return;
    }
    reply(req, res, body, served, undefined);
  }

  function reply(req: IncomingMessage, res: ServerResponse, body: any, served: number, routed: FakeReply | undefined): void {
    const reply = routed ?? queue.shift() ?? opts.whenEmpty ?? {
      status: 500,
      error: { type: 'api_error', message: `fake-anthropic: the test script ran out of replies at request #${served}` },
    };
    if ('hang' in reply) return; // keep the socket open until the client gives up or close() ends it
    if ('destroy' in reply) {
      req.socket.destroy();
      return;
    }
    const answer = () => {
      if (!closed) respond(res, reply, body, served);
    };
    if (reply.delayMs) later(reply.delayMs, answer);
    else answer();
  }

  function respond(res: ServerResponse, reply: Exclude<FakeReply, { hang: true } | { destroy: true }>, body: any, n: number): void {
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', 'request-id': `req_fake_${n}` });
      res.end(reply.raw);
      return;
    }
    if ('status' in reply) {
      const error = reply.error ?? { type: ERROR_TYPES[reply.status] ?? 'api_error', message: `fake error ${reply.status}` };
      if (reply.midStream && body.stream === true) {
        const events = streamStart(body.model, n, DEFAULT_USAGE);
        events.push(['error', { type: 'error', error }]);
        sendEvents(res, events, n);
        return;
      }
      sendError(res, reply.status, error, reply.headers, n);
      return;
    }
    const message = buildMessage(reply, body.model, n);
    if (body.stream === true) sendEvents(res, streamOf(message, n), n, reply.eventDelayMs);
    else sendJson(res, 200, message, {}, n);
  }

  function sendEvents(res: ServerResponse, events: [string, unknown][], n: number, gapMs = 0): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${n}` });
    // Written in separate chunks so the SDK sees several deltas, as it does from the real API.
    let i = 0;
    const next = () => {
      if (closed || res.destroyed) return;
      if (i >= events.length) {
        res.end();
        return;
      }
      const [event, data] = events[i++]!;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (gapMs > 0) later(gapMs, next);
      else setImmediate(next);
    };
    next();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get dropped() {
      return dropped;
    },
    push(...more: FakeReply[]) {
      queue.push(...more);
    },
    waitForRequests(n: number, timeoutMs = 5000) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`fake-anthropic: expected ${n} requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        const w = {
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
          reject: (e: Error) => {
            clearTimeout(t);
            reject(e);
          },
        };
        waiters.push(w);
      });
    },
    close() {
      if (closing) return closing;
      closed = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`fake-anthropic: closed while waiting for ${w.n} requests (got ${requests.length})`));
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return (closing = new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }));
    },
  };
}

function checkBody(body: any): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the request body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  if (body.system !== undefined && typeof body.system !== 'string') {
    if (!Array.isArray(body.system)) return 'system: must be a string or a list of text blocks';
    for (const [i, b] of body.system.entries()) {
      if (b?.type !== 'text' || typeof b.text !== 'string' || b.text === '') return `system.${i}: text content blocks must be non-empty`;
    }
  }
  return undefined;
}

interface FakeMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown })[];
  stop_reason: string;
  stop_sequence: null;
  usage: FakeUsage;
}

function buildMessage(reply: Extract<FakeReply, { text: string } | { tools: unknown }>, model: string, n: number): FakeMessage {
  const content: FakeMessage['content'] = [];
  if (typeof reply.text === 'string') content.push({ type: 'text', text: reply.text });
  let stop = 'stop' in reply && reply.stop ? reply.stop : 'end_turn';
  if ('tools' in reply) {
    reply.tools.forEach((t, i) => content.push({ type: 'tool_use', id: t.id ?? `toolu_fake_${n}_${i + 1}`, name: t.name, input: t.input }));
    stop = 'tool_use';
  }
  return {
    id: `msg_fake_${n}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { ...DEFAULT_USAGE, ...reply.usage },
  };
}

function streamStart(model: string, n: number, usage: FakeUsage): [string, unknown][] {
  return [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: `msg_fake_${n}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    ],
    ['ping', { type: 'ping' }],
  ];
}

/** The event sequence the real API sends for a message: text in word-sized deltas, tool input as JSON pieces. */
function streamOf(m: FakeMessage, n: number): [string, unknown][] {
  const events = streamStart(m.model, n, m.usage);
  m.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      for (const piece of block.text.match(/\S+\s*|\s+/g) ?? []) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
      }
    } else {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
      const json = JSON.stringify(block.input ?? {});
      const cut = Math.ceil(json.length / 2);
      for (const piece of [json.slice(0, cut), json.slice(cut)]) {
        if (piece) events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: m.stop_reason, stop_sequence: null },
      usage: {
        input_tokens: m.usage.input_tokens,
        output_tokens: m.usage.output_tokens,
        cache_read_input_tokens: m.usage.cache_read_input_tokens,
        cache_creation_input_tokens: m.usage.cache_creation_input_tokens,
      },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, n?: number): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(n !== undefined ? { 'request-id': `req_fake_${n}` } : {}),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: { type: string; message: string }, headers: Record<string, string> = {}, n?: number): void {
  sendJson(res, status, { type: 'error', error }, headers, n);
}
