// The Anthropic provider: one Messages API call per `call`, through the official SDK, loaded on first
// use (it costs ~150 ms to import). The SDK's own retries are off; callWithRetry (retry.ts) decides.
// Every failure leaves here as a ModelError whose kind says whether another attempt can help and
// whose message is one line a person can read in a log.
import type Anthropic from '@anthropic-ai/sdk';
import { ModelError, type AssistantBlock, type Message, type ModelRequest, type ModelTurn, type Provider, type Usage } from '../core/runs/transcript.js';

export interface AnthropicOptions {
  apiKey: string;
  /** Where the Messages API lives; default https://api.anthropic.com (the SDK never reads ANTHROPIC_BASE_URL itself here). */
  baseURL?: string;
  model: string;
  /**
   * The longest wait for the API: for a plain call, the whole answer; for a streamed call, the wait
   * for the next event, so a long answer that keeps arriving is not cut off.
   */
  timeoutMs: number;
}

type SDK = typeof import('@anthropic-ai/sdk');
type Params = Anthropic.MessageCreateParamsNonStreaming;

const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function createAnthropicProvider(opts: AnthropicOptions): Provider {
  const baseURL = opts.baseURL || DEFAULT_BASE_URL;
  let loaded: Promise<{ sdk: SDK; client: Anthropic }> | undefined;
  const load = () =>
    // node:https (behind httpfetch) loads with the SDK, on the first call, not at startup.
    (loaded ??= Promise.all([import('@anthropic-ai/sdk'), import('./httpfetch.js')]).then(([sdk, { httpFetch }]) => ({
      sdk,
      client: new sdk.default({
        apiKey: opts.apiKey,
        baseURL,
        maxRetries: 0,
        timeout: opts.timeoutMs,
        logLevel: 'off', // failures come back to us as errors; the SDK must not print them too
        // Node's own fetch hangs when the server closes a fresh connection before answering (httpfetch.ts).
        fetch: httpFetch,
      }),
    })));

  return {
    name: 'anthropic',
    model: opts.model,
    async call(req: ModelRequest): Promise<ModelTurn> {
      if (!opts.apiKey) throw new ModelError('auth', 'no API key for the model API: set ANTHROPIC_API_KEY', false);
      if (req.signal?.aborted) throw budgetError();
      const { sdk, client } = await load();
      const params = buildParams(req, opts.model);

      // Our own clock over the call (the SDK's timeout stops at the response headers), and the
      // caller's signal, both ending the request through one controller.
      const ctl = new AbortController();
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          ctl.abort();
        }, opts.timeoutMs);
      };
      const onAbort = () => ctl.abort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      arm();

      let callbackError: { error: unknown } | undefined;
      try {
        let message: unknown;
        if (req.onText) {
          const onText = req.onText;
          const stream = client.messages.stream(params, { signal: ctl.signal });
          stream.on('connect', arm);
          stream.on('streamEvent', arm);
          stream.on('text', (delta) => {
            if (callbackError) return;
            try {
              onText(delta);
            } catch (error) {
              callbackError = { error };
              stream.abort();
            }
          });
          message = await stream.finalMessage();
        } else {
          message = await client.messages.create(params, { signal: ctl.signal });
        }
        return toTurn(message, opts.model);
      } catch (err) {
        if (callbackError) throw callbackError.error;
        if (req.signal?.aborted) throw budgetError();
        if (timedOut) throw timeoutError(opts.timeoutMs);
        throw toModelError(err, sdk, { baseURL, timeoutMs: opts.timeoutMs });
      } finally {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/**
 * The request body, laid out for the provider's prompt cache (it caches tools, then system, then
 * messages, up to each cache_control breakpoint; at most 4). Breakpoints: the last tool, the
 * stable system block, the end of the recent-log digest (which only grows between runs, one block
 * per entry, so the next run finds the earlier end as a block boundary it has cached), and in a
 * multi-turn run the last message, so each turn reads the conversation so far from the cache. The
 * dynamic block (time, run, memories for this task) follows the system breakpoints, uncached. The
 * first call of a run gets no message breakpoint: most runs are one call, and writing the task to
 * the cache would cost more than it saves.
 */
export function buildParams(req: ModelRequest, fallbackModel: string): Params {
  const cached = { cache_control: { type: 'ephemeral' as const } };
  const system: Anthropic.TextBlockParam[] = [];
  if (req.system.stable) system.push({ type: 'text', text: req.system.stable, ...cached });
  const recent = (req.system.recent ?? []).filter(Boolean);
  recent.forEach((text, i) => system.push({ type: 'text', text, ...(i === recent.length - 1 ? cached : {}) }));
  if (req.system.dynamic) system.push({ type: 'text', text: req.system.dynamic });

  const tools: Anthropic.Tool[] = req.tools.map((t, i) => ({
    name: t.name,
    description: t.description,
    input_schema: t.input_schema as Anthropic.Tool.InputSchema,
    ...(i === req.tools.length - 1 ? cached : {}),
  }));

  const messages = req.messages.map(toParam);
  const last = messages[messages.length - 1];
  if (req.cacheTurns && last && messages.some((m) => m.role === 'assistant')) {
    const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : [...last.content];
    const end = blocks[blocks.length - 1];
    if (end && (end.type === 'text' || end.type === 'tool_result' || end.type === 'tool_use')) {
      blocks[blocks.length - 1] = { ...end, ...cached };
      messages[messages.length - 1] = { ...last, content: blocks } as Anthropic.MessageParam;
    }
  }

  return {
    model: req.model || fallbackModel,
    max_tokens: req.maxTokens,
    ...(system.length ? { system } : {}),
    ...(tools.length ? { tools } : {}),
    ...(req.toolChoice ? { tool_choice: { type: 'tool' as const, name: req.toolChoice } } : {}),
    messages,
  };
}

function toParam(m: Message): Anthropic.MessageParam {
  if (m.role === 'user') {
    if (typeof m.content === 'string') return { role: 'user', content: m.content };
    return {
      role: 'user',
      content: m.content.map((b): Anthropic.ContentBlockParam =>
        b.type === 'text'
          ? { type: 'text', text: b.text }
          : b.type === 'image'
            ? { type: 'image', source: { type: 'base64', media_type: b.media_type as Anthropic.Base64ImageSource['media_type'], data: b.data } }
            : b.type === 'document'
              ? { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: b.data } }
              : { type: 'tool_result', tool_use_id: b.tool_use_id, content: b.content, ...(b.is_error ? { is_error: true } : {}) },
      ),
    };
  }
  return {
    role: 'assistant',
    // The API refuses empty text blocks, which a model's own earlier answer can contain.
    content: m.content
      .filter((b) => b.type !== 'text' || b.text !== '')
      .map((b): Anthropic.TextBlockParam | Anthropic.ToolUseBlockParam =>
        b.type === 'text' ? { type: 'text', text: b.text } : { type: 'tool_use', id: b.id, name: b.name, input: b.input },
      ),
  };
}

function toTurn(message: unknown, fallbackModel: string): ModelTurn {
  const m = message as Partial<Anthropic.Message> | null;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.content) || typeof m.usage !== 'object' || m.usage === null) {
    throw new ModelError('malformed', `the model API answered with something that is not a message: ${preview(message)}`, true);
  }
  const content: AssistantBlock[] = [];
  for (const b of m.content) {
    if (b.type === 'text') content.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') content.push({ type: 'tool_use', id: b.id, name: b.name, input: plain(b.input) });
  }
  const stop = m.stop_reason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  return { content, stop, usage: toUsage(m.usage), model: typeof m.model === 'string' && m.model ? m.model : fallbackModel };
}

function toUsage(u: Partial<Anthropic.Usage>): Usage {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { input: n(u.input_tokens), output: n(u.output_tokens), cache_read: n(u.cache_read_input_tokens), cache_write: n(u.cache_creation_input_tokens) };
}

/** A streamed tool input is a lazy getter over partial JSON; the transcript stores a plain value. */
function plain(v: unknown): unknown {
  return v === undefined ? {} : JSON.parse(JSON.stringify(v));
}

function budgetError(): ModelError {
  return new ModelError('timeout', "the tick's time budget ran out while waiting for the model API", false);
}

function timeoutError(ms: number): ModelError {
  return new ModelError('timeout', `the model API did not answer within ${seconds(ms)}`, true);
}

/** Classifies anything the SDK threw; an error that is not the SDK's is returned as it is. */
export function toModelError(err: unknown, sdk: SDK, ctx: { baseURL: string; timeoutMs: number }): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof sdk.APIConnectionTimeoutError) return timeoutError(ctx.timeoutMs);
  if (err instanceof sdk.APIUserAbortError) return budgetError();
  if (err instanceof sdk.APIConnectionError) {
    return new ModelError('connection', `could not reach the model API at ${ctx.baseURL}: ${rootCause(err)}`, true);
  }
  if (err instanceof sdk.APIError) return fromAPIError(err);
  if (isMalformed(err)) {
    return new ModelError('malformed', `the model API sent an answer that could not be read: ${oneLine(rootCause(err))}`, true);
  }
  if (err instanceof sdk.AnthropicError) return new ModelError('failed', `the Anthropic SDK failed: ${oneLine(errMessage(err))}`, false);
  throw err;
}

function fromAPIError(err: InstanceType<SDK['APIError']>): ModelError {
  const status = err.status;
  const body = err.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const type = err.type ?? (typeof body?.error?.type === 'string' ? body.error.type : undefined);
  const apiMessage = err.apiMessage ?? (typeof body?.error?.message === 'string' ? body.error.message : undefined);
  const said = oneLine(`${type ?? 'error'}: ${apiMessage ?? (body ? JSON.stringify(body) : 'no message')}`);
  const answered = status === undefined ? `the model API broke off its answer with ${said}` : `the model API answered ${status} ${said}`;
  const retryAfter = retryAfterSeconds(err.headers);
  const shouldRetry = err.headers?.get('x-should-retry');

  let kind: ModelError['kind'];
  let retryable: boolean;
  if (status === 429 || type === 'rate_limit_error') [kind, retryable] = ['rate_limit', true];
  else if (status === 529 || type === 'overloaded_error') [kind, retryable] = ['overloaded', true];
  else if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return new ModelError('auth', `${answered} (check ANTHROPIC_API_KEY)`, false, status);
  } else if (status === 408 || status === 504 || type === 'timeout_error') [kind, retryable] = ['timeout', true];
  else if ((status !== undefined && status >= 500) || status === 409 || type === 'api_error') [kind, retryable] = ['server', true];
  else if (status !== undefined && status >= 400) [kind, retryable] = ['bad_request', false];
  else [kind, retryable] = ['server', true];
  if (shouldRetry === 'false') retryable = false;
  return new ModelError(kind, answered, retryable, status, retryable ? retryAfter : undefined);
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const s = Number(headers.get('retry-after') ?? NaN);
  if (Number.isFinite(s) && s >= 0) return s;
  return undefined; // an HTTP date, or nothing: our own backoff applies
}

const MALFORMED = /stream ended without|request ended without|Unexpected event order|Could not parse|JSON/i;

function isMalformed(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof SyntaxError || MALFORMED.test(e.message)) return true;
  }
  return false;
}

function rootCause(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 5; depth++) e = e.cause;
  return errMessage(e);
}

function errMessage(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

function oneLine(s: string, max = 300): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function preview(v: unknown): string {
  return oneLine(typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)), 120);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
