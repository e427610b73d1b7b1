// A fetch for the Anthropic SDK built on node:http(s), given to it instead of Node's built-in fetch.
// Why: Node 20's bundled undici never settles a request whose fresh connection the server closes
// before writing a byte (a proxy or API front dying mid-request): the call hung until our own clock
// ran out, and then counted as a timeout. node:http reports that close at once ("socket hang up",
// ECONNRESET), which the SDK turns into an APIConnectionError: a retryable connection failure.
// Only what the SDK uses is supported: a URL, method, headers, a string or bytes body, a signal;
// the answer is a standard Response whose body streams (the server-sent events of a streamed call).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

type FetchInput = string | URL | { url: string };

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

function toHeaders(res: IncomingMessage): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

export function httpFetch(input: FetchInput, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const headers = new Headers(init.headers);
  // node:http does not decompress; without this header the server sends plain bytes.
  headers.delete('accept-encoding');
  const method = (init.method ?? 'GET').toUpperCase();
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method, headers: Object.fromEntries(headers) });
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // As fetch fails: a TypeError whose cause is the system's error, which the SDK wraps.
      const named = err as { name?: string };
      reject(named?.name === 'AbortError' ? err : new TypeError('fetch failed', { cause: err }));
    };
    // An abort also ends a response whose body is still streaming (the stream then errors).
    const onAbort = () => req.destroy(abortError(signal!) as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.resume();
        return fail(new Error(`the server answered with status ${status}`));
      }
      settled = true;
      res.on('close', () => signal?.removeEventListener('abort', onAbort));
      const empty = method === 'HEAD' || status === 204 || status === 205 || status === 304;
      if (empty) res.resume();
      const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: toHeaders(res) }));
    });
    const body = init.body;
    if (body === undefined || body === null) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    else if (body instanceof ArrayBuffer) req.end(Buffer.from(body));
    else if (body instanceof ReadableStream) Readable.fromWeb(body as import('node:stream/web').ReadableStream).pipe(req);
    else fail(new Error(`httpFetch: a request body of type ${Object.prototype.toString.call(body)} is not supported`));
  });
}
