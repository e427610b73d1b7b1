// The HTTP tool: fetch_url. Every hop is judged by cli/core/agents/urlcheck.ts before it is made, the host
// is resolved here and every address it resolves to must pass the private-address rule, and the
// connection goes to exactly the address that was checked (a pinned lookup), so a DNS answer that
// changes between check and connect (rebinding) reaches nothing new. Redirects are followed by
// hand; time, response size, request headers and body are capped.
import * as v from 'valibot';
import { createHash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Capability } from '../core/agents/capabilities.js';
import { addressRefusal, checkHttp, checkRedirect, MAX_REDIRECTS, type HttpLimits } from '../core/agents/urlcheck.js';
import { defineTool } from './define.js';
import { ToolError, type RunCtx } from './runctx.js';
import { refusedBy } from './canspec.js';

/** Reads a secret by name: the home's (loaded when it opens, so their values are also redacted everywhere). */
export type SecretLookup = (name: string) => string | undefined;

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export const REQUEST_BODY_MAX = 1024 * 1024;
const HEADER_MAX = 20;
const HEADER_VALUE_MAX = 4096;
const BODY_METHODS = ['post', 'put', 'patch'];
const REDIRECTS = [301, 302, 303, 307, 308];

// The model may describe what it wants back and what it sends; it may not set where the request
// goes (Host), who it is (Authorization, Cookie: credentials come only from a grant's auth:), how the
// connection is framed (hop-by-hop, lengths) or which method the server should pretend it got.
const MODEL_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'user-agent', 'cache-control', 'pragma', 'range', 'referer', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']);
const FORBIDDEN_X = /^x-(forwarded(-.*)?|real-ip|http-method(-override)?|method-override|original-url|rewrite-url)$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

export interface FetchInput {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface FetchDeps {
  secrets: SecretLookup;
  /** For tests; the system resolver otherwise. */
  resolve?: Resolver;
}

export interface FetchResult {
  status: number;
  statusText: string;
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL requested, in order. */
  hops: string[];
  contentType?: string;
  body: Buffer;
  /** The body was longer than max_bytes and was cut there. */
  truncated: boolean;
  maxBytes: number;
  /** The bearer token sent, if any, so the result can be scrubbed of it. */
  sentSecret?: { name: string; value: string };
}

/** A failure the model should see (and may retry), not a refusal: runTool reports errors with a code. */
function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The static checks, for `aos can` and before the gate: the grant, the URL and its limits. Names
 * are judged again after DNS resolution when the request is made. Throws ToolError when refused.
 */
export function httpDecision(caps: readonly Capability[], method: string, url: string): { url: string; reason: string; limits: HttpLimits } {
  const d = checkHttp(caps, method, url);
  if (!d.allowed || !d.url || !d.limits) throw new ToolError(`refused: ${d.reason}`);
  return { url: d.url.href, reason: d.reason, limits: d.limits };
}

/** The request headers the model asked for, checked; throws ToolError naming the first bad one. */
export function modelHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(headers ?? {});
  if (entries.length > HEADER_MAX) throw new ToolError(`refused: at most ${HEADER_MAX} request headers`);
  for (const [name, value] of entries) {
    const n = name.toLowerCase();
    if (!TOKEN.test(name)) throw new ToolError(`refused: ${JSON.stringify(name)} is not a header name`);
    if (!(MODEL_HEADERS.has(n) || (n.startsWith('x-') && !FORBIDDEN_X.test(n)))) {
      throw new ToolError(`refused: the ${name} header cannot be set (allowed: ${[...MODEL_HEADERS].join(', ')} and x-… headers); credentials come only from a capability's auth:`);
    }
    if (typeof value !== 'string' || value.length > HEADER_VALUE_MAX || /[\p{Cc}]/u.test(value.replace(/\t/g, ''))) throw new ToolError(`refused: the ${name} header's value has control characters or is too long`);
    if (n in out) throw new ToolError(`refused: the ${name} header is given twice`);
    out[n] = value;
  }
  return out;
}

function checkBody(method: string, body: string | undefined): void {
  if (body === undefined) return;
  if (!BODY_METHODS.includes(method)) throw new ToolError(`refused: a request body is sent only with POST, PUT or PATCH, not ${method.toUpperCase()}`);
  if (Buffer.byteLength(body) > REQUEST_BODY_MAX) throw new ToolError(`refused: the request body is over ${REQUEST_BODY_MAX} bytes`);
}

function withDeadline<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (x) => (signal.removeEventListener('abort', onAbort), resolve(x)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** The one address a hop connects to: every address the name has must pass, then the first is pinned. */
async function resolveChecked(url: URL, allowPrivate: boolean, resolve: Resolver, signal: AbortSignal): Promise<{ address: string; family: number }> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    // checkHttp judged the literal already; judging it again keeps this function safe on its own.
    const why = addressRefusal(host, allowPrivate);
    if (why) throw new ToolError(`refused: ${why}`);
    return { address: host, family: isIP(host) };
  }
  const found = await withDeadline(resolve(host), signal);
  if (!found.length) throw failure('ENOTFOUND', `${host} has no addresses`);
  // Any private answer refuses: with a mixed answer, which one a connection uses is not ours to pick.
  for (const a of found) {
    const why = addressRefusal(a.address, allowPrivate);
    if (why) throw new ToolError(`refused: ${host} resolves to ${why}`);
  }
  return found[0]!;
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, pinned: { address: string; family: number }, signal: AbortSignal): Promise<http.IncomingMessage> {
  const lookup: LookupFunction = (_host, options, cb) => {
    if (options.all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    protocol: url.protocol,
    hostname,
    port: url.port || (secure ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    method: method.toUpperCase(),
    headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    // A pooled socket could be one opened to another address; each hop opens its own.
    agent: false,
    lookup,
    signal,
    ...(secure && !isIP(hostname) ? { servername: hostname } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(options, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

async function readCapped(res: http.IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  const enc = String(res.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  // Decoded size is what is capped, so a small compressed body cannot expand past max_bytes.
  const decoder = enc === 'gzip' || enc === 'x-gzip' ? createGunzip() : enc === 'deflate' ? createInflate() : enc === 'br' ? createBrotliDecompress() : undefined;
  const stream: Readable = decoder ? res.pipe(decoder) : res;
  if (decoder) res.on('error', (e) => decoder.destroy(e));
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (size + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } finally {
    res.destroy();
    decoder?.destroy();
  }
  return { body: Buffer.concat(chunks, size), truncated };
}

/**
 * Makes the request: checks, resolution, the pinned connection, redirects by hand (each hop
 * re-checked), the caps. Refusals throw ToolError; network failures throw errors with a code.
 * Does not call the policy gate: the tool does that once, for the URL the model asked for.
 */
export async function performFetch(caps: readonly Capability[], input: FetchInput, deps: FetchDeps): Promise<FetchResult> {
  let method = (input.method ?? 'get').toLowerCase();
  const first = checkHttp(caps, method, input.url);
  if (!first.allowed || !first.url || !first.limits) throw new ToolError(`refused: ${first.reason}`);
  const headers = modelHeaders(input.headers);
  checkBody(method, input.body);
  const limits = first.limits;
  let secret: { name: string; value: string } | undefined;
  if (limits.auth) {
    const value = deps.secrets(limits.auth);
    if (!value) throw new ToolError(`refused: the secret ${limits.auth} that "${first.reason.replace(/^granted by /, '')}" sends is not set (name it under secrets: in aos.yaml)`);
    secret = { name: limits.auth, value };
  }
  const origin = first.url.origin;
  // Once a redirect leaves the origin the credentials stay behind, even if a later hop comes back.
  let crossed = false;
  let url = first.url;
  let hopLimits = limits;
  let body = input.body;
  const hops: string[] = [];
  const timer = AbortSignal.timeout(limits.timeoutMs);
  const resolve = deps.resolve ?? systemResolver;
  try {
    for (;;) {
      hops.push(url.href);
      const pinned = await resolveChecked(url, hopLimits.allowPrivate, resolve, timer);
      const sent: Record<string, string> = { 'user-agent': 'aos-fetch', accept: '*/*', ...headers, 'accept-encoding': 'gzip, deflate, br' };
      if (secret && !crossed && url.origin === origin) sent.authorization = `Bearer ${secret.value}`;
      const res = await send(url, method, sent, body, pinned, timer);
      const location = res.headers.location;
      if (REDIRECTS.includes(res.statusCode ?? 0) && location) {
        res.destroy();
        if (hops.length > MAX_REDIRECTS) throw failure('ETOOMANYREDIRECTS', `more than ${MAX_REDIRECTS} redirects (${hops.join(' → ')})`);
        const hop = checkRedirect(caps, method, url, location, res.statusCode);
        if (!hop.allowed || !hop.url || !hop.limits) throw new ToolError(`refused: ${hop.reason}`);
        if (hop.crossOrigin) crossed = true;
        if (hop.dropBody) {
          body = undefined;
          delete headers['content-type'];
        }
        method = hop.method;
        url = hop.url;
        hopLimits = hop.limits;
        continue;
      }
      const read = method === 'head' ? { body: Buffer.alloc(0), truncated: false } : await withDeadline(readCapped(res, limits.maxBytes), timer);
      if (method === 'head') res.destroy();
      const contentType = res.headers['content-type'];
      return {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        url: url.href,
        hops,
        ...(contentType ? { contentType } : {}),
        body: read.body,
        truncated: read.truncated,
        maxBytes: limits.maxBytes,
        ...(secret ? { sentSecret: secret } : {}),
      };
    }
  } catch (err) {
    if (err instanceof ToolError) throw err;
    if (timer.aborted) throw failure('ETIMEDOUT', `timed out after ${limits.timeoutMs / 1000}s (${hops.at(-1) ?? input.url})`);
    const e = err as NodeJS.ErrnoException;
    throw failure(e.code ?? 'EFETCH', `${e.message} (${hops.at(-1) ?? input.url})`);
  }
}

const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|csv|toml|x-ndjson|ld\+json|graphql)\b)/i;

function asText(body: Buffer, contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]!.trim();
  if (type && !TEXT_TYPE.test(type)) return undefined;
  if (!type && (body.includes(0) || !isUtf8Prefix(body))) return undefined;
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Valid UTF-8, allowing a character cut at the end by the size cap. */
function isUtf8Prefix(body: Buffer): boolean {
  for (let cut = 0; cut < 4 && cut <= body.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, body.length - cut));
      return true;
    } catch {
      // try with the last bytes left off
    }
  }
  return false;
}

/** What the model reads: status, final URL, content type, then the body as text (or a note for binary). */
export function formatResult(r: FetchResult): string {
  const lines = [`HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`, `url: ${r.url}`];
  if (r.hops.length > 1) lines.push(`redirects: ${r.hops.join(' → ')}`);
  lines.push(`content-type: ${r.contentType ?? '(none)'}`);
  if (r.truncated) lines.push(`note: the body was cut at ${r.maxBytes} bytes (the capability's max_bytes)`);
  const text = asText(r.body, r.contentType);
  let out: string;
  if (text === undefined) {
    out = `${lines.join('\n')}\n\n(binary body: ${r.body.length} bytes${r.truncated ? ' read' : ''}, sha256 ${createHash('sha256').update(r.body).digest('hex')})`;
  } else {
    out = `${lines.join('\n')}\n\n${text}`;
  }
  // A server that echoes the request would hand the token to the model; it never sees it.
  return r.sentSecret ? out.split(r.sentSecret.value).join(`[secret:${r.sentSecret.name}]`) : out;
}

/** `aos can`'s argument for fetch_url: "https://…" (a GET) or "POST https://…". */
function methodAndUrl(argument: string): { method: string; url: string } {
  const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(argument.trim());
  return m ? { method: m[1]!.toLowerCase(), url: m[2]! } : { method: 'get', url: argument.trim() };
}

export const fetchTool = defineTool({
  name: 'fetch_url',
  description:
    'Fetch a URL over HTTPS (or HTTP where granted) and read the response: status, final URL, content type and body as text. Only hosts and methods your capabilities grant; redirects are followed and re-checked; the body is cut at the size limit.',
  input: v.strictObject({
    url: v.pipe(v.string(), v.description('an absolute https:// URL')),
    method: v.optional(v.pipe(v.string(), v.description('GET (default), HEAD, POST, PUT, PATCH or DELETE'))),
    body: v.optional(v.pipe(v.string(), v.description('request body, for POST, PUT and PATCH'))),
    headers: v.optional(v.pipe(v.record(v.string(), v.string()), v.description('extra request headers (Accept, Content-Type, User-Agent, X-… and similar; no Authorization, Cookie or Host)'))),
  }),
  offered: (caps) => caps.some((c) => c.kind === 'http'),
  can: {
    argument: 'a URL, or a method and a URL ("POST https://…")',
    judge: (q) => {
      const { method, url } = methodAndUrl(q.argument);
      try {
        const d = httpDecision(q.caps, method, url);
        return { capability: { allowed: true, reason: d.reason }, action: { kind: 'http', resource: d.url, verb: method } };
      } catch (err) {
        return refusedBy(err);
      }
    },
    call: (argument) => {
      const { method, url } = methodAndUrl(argument);
      return { url, ...(method === 'get' ? {} : { method: method.toUpperCase() }) };
    },
  },
  async run(input, ctx: RunCtx) {
    const method = (input.method ?? 'get').toLowerCase();
    const d = httpDecision(ctx.agent.caps, method, input.url);
    // Malformed requests are refused before the owner could be asked about them.
    modelHeaders(input.headers);
    checkBody(method, input.body);
    await ctx.gate({ tool: 'fetch_url', kind: 'http', resource: d.url, verb: method, input, grant: d.reason });
    return formatResult(await performFetch(ctx.agent.caps, input, { secrets: (name) => ctx.home.secret(name) }));
  },
});
