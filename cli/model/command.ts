// The command provider: any CLI brain (claude -p, codex exec, ollama run …) as the model. The whole
// conversation goes to the program's stdin as readable text; its stdout is the answer. No tools are
// offered (the prompt says so); usage is zero unless the program reports it (claude's JSON output).
// Every failure leaves here as a ModelError whose kind tells the retry policy what to do.
//
// The program runs through execa, imported only when a command brain is called (cron startup never
// pays for it): no shell, the prompt on stdin, a timeout and a cancel signal that end the program
// (SIGTERM, then SIGKILL), capped output, a chosen environment and cwd.
import { ModelError, NO_USAGE, type Message, type ModelRequest, type ModelTurn, type Provider, type Usage } from '../core/runs/transcript.js';

export interface CommandOptions {
  /**
   * The program and its arguments, program first (model.command in aos.yaml), or a function that
   * builds them for each call (a brain profile attaching `aos mcp` for this run). Run without a shell.
   */
  argv: string[] | ((req: ModelRequest) => Promise<string[]>);
  /** How stdout is read; 'auto' (the default) takes claude's JSON object when it sees one, else text. */
  output?: 'auto' | 'codex-jsonl' | 'text';
  /** Said in the prompt instead of "tools are not available" (the brain has aos's tools over MCP). */
  toolsNote?: string;
  /** Where the program's name comes from in messages (model.command in aos.yaml, or the agent's brain). */
  setting?: string;
  /** Where the timeout comes from, for the message when it runs out. */
  timeoutSetting?: string;
  /** The model name to record; default the program's name. */
  model?: string;
  timeoutMs: number;
  cwd: string;
  /** The environment to choose from; only the variables scrubEnv keeps are passed. */
  vars: Readonly<Record<string, string | undefined>>;
}

/** A turn from a command brain; costUsd when the program reported it (claude's total_cost_usd). */
export type CommandTurn = ModelTurn & { costUsd?: number };

/** Largest stdout (or stderr) accepted from the program, in bytes. */
export const MAX_OUTPUT = 1_000_000;

const KEEP = /^(PATH|HOME|LANG|LC_[A-Z0-9_]+|TERM|TMPDIR|USER|[A-Z0-9_]+_API_KEY|[A-Z0-9_]+_TOKEN)$/i;

/** The variables a brain may see: PATH, HOME, locale, TERM, TMPDIR, USER, *_API_KEY, *_TOKEN. */
export function scrubEnv(vars: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined && KEEP.test(k)) out[k] = v;
  return out;
}

const ENDING =
  'Reply to the last message above, as the instructions at the top describe. Write only your reply: ' +
  'it is passed on exactly as you write it.';

const NO_TOOLS =
  'Tools are not available in this mode: you cannot read or write files, run commands, fetch pages ' +
  'or call any tool the instructions mention. Answer from what is written here; if that is not ' +
  'enough, say what you would need.';

/**
 * What a forced tool call (tool_choice) becomes for a brain that cannot call tools: its answer is
 * the call's input as one JSON object, which the caller reads like the tool's input.
 */
function forcedToolNote(tool: { name: string; description: string; input_schema: unknown }): string {
  return (
    `Your answer must be the input of the tool ${tool.name} and nothing else: one JSON object, no prose ` +
    `before or after it, matching this JSON schema. What the tool does: ${tool.description}\n\n${JSON.stringify(tool.input_schema)}`
  );
}

function section(title: string, body: string): string {
  return `## ${title}\n\n${body.trim() === '' ? '(empty)' : body.replace(/\s+$/, '')}`;
}

/**
 * The prompt a command brain reads on stdin: the system prompt (stable, then dynamic), a note that
 * tools are not available, the conversation as sections ("## Owner", "## You (earlier)",
 * "## Tool result …"), and a closing instruction to answer the last message. Pure.
 */
export function renderPrompt(req: ModelRequest, toolsNote = NO_TOOLS): string {
  const parts: string[] = [];
  const system = [req.system.stable, ...(req.system.recent ?? []), req.system.dynamic].map((s) => s.trim()).filter(Boolean);
  parts.push(...system);
  parts.push(toolsNote);
  const forced = req.toolChoice ? req.tools.find((t) => t.name === req.toolChoice) : undefined;
  if (forced) parts.push(forcedToolNote(forced));
  parts.push('# Conversation');
  const names = new Map<string, string>();
  for (const m of req.messages) parts.push(...messageSections(m, names));
  parts.push('---', ENDING);
  return parts.join('\n\n') + '\n';
}

function messageSections(m: Message, names: Map<string, string>): string[] {
  if (m.role === 'user') {
    if (typeof m.content === 'string') return [section('Owner', m.content)];
    return m.content.map((b) => {
      if (b.type === 'text') return section('Owner', b.text);
      // A CLI brain takes text only: it is told where the file is and reads it itself (cwd is the home).
      if (b.type === 'image' || b.type === 'document') return section('Owner', `(Attached file: ${b.file} (${b.media_type}). Read it from the home folder: ${b.file})`);
      const name = names.get(b.tool_use_id) ?? 'a tool';
      return section(`Tool result: ${name} (${b.tool_use_id})${b.is_error ? ', an error' : ''}`, b.content);
    });
  }
  const lines = m.content.map((b) => {
    if (b.type === 'text') return b.text.replace(/\s+$/, '');
    names.set(b.id, b.name);
    return `(You called the tool ${b.name} (${b.id}) with ${JSON.stringify(b.input ?? null)}.)`;
  });
  return [section('You (earlier)', lines.filter((l) => l !== '').join('\n\n'))];
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The last few lines of stderr, on one line, for an error message. */
function tail(stderr: string, lines = 5, chars = 600): string {
  const last = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
  return last.length > chars ? '…' + last.slice(-chars) : last;
}

interface Parsed {
  text: string;
  usage: Usage;
  costUsd?: number;
}

const count = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);

/**
 * codex exec --json prints one JSON event a line: the answer is the last agent_message item, usage
 * the sum of turn.completed events (codex reports no cost); turn.failed or error events are failures.
 */
export function parseCodexEvents(stdout: string, program: string): Parsed {
  let answer: string | undefined;
  let failure: string | undefined;
  const usage = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim().startsWith('{')) continue;
    let e: Record<string, any>;
    try {
      e = JSON.parse(line) as Record<string, any>;
    } catch {
      continue;
    }
    if (e.type === 'item.completed' && e.item?.type === 'agent_message' && typeof e.item.text === 'string') answer = e.item.text;
    else if (e.type === 'turn.completed' && e.usage && typeof e.usage === 'object') {
      // codex counts cached input inside input_tokens; aos keeps the two apart, as Anthropic does.
      const cached = count(e.usage.cached_input_tokens);
      usage.input += Math.max(0, count(e.usage.input_tokens) - cached);
      usage.cache_read += cached;
      usage.output += count(e.usage.output_tokens);
    } else if (e.type === 'turn.failed' || e.type === 'error') failure = String(e.error?.message ?? e.message ?? 'no reason given');
  }
  if (failure !== undefined && answer === undefined) throw new ModelError('failed', `${program} reported an error: ${failure.slice(0, 600)}`, true);
  if (answer === undefined) throw new ModelError('malformed', `${program} printed no agent_message event (expected codex exec --json output)`, true);
  return { text: answer.trim(), usage };
}

/** claude -p --output-format json prints one object with `result`; anything else is plain text. */
function parseOutput(stdout: string, program: string): Parsed {
  const text = stdout.trim();
  const plain = { text, usage: { input: 0, output: 0, cache_read: 0, cache_write: 0 } };
  if (!text.startsWith('{') || !text.endsWith('}')) return plain;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return plain;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return plain;
  const o = obj as Record<string, unknown>;
  if (typeof o.result !== 'string') return plain;
  if (o.is_error === true) {
    const why = o.result.trim() || (typeof o.subtype === 'string' ? o.subtype : 'no reason given');
    throw new ModelError('failed', `${program} reported an error: ${why.slice(0, 600)}`, true);
  }
  const u = (o.usage && typeof o.usage === 'object' ? o.usage : {}) as Record<string, unknown>;
  const parsed: Parsed = {
    text: o.result.trim(),
    usage: {
      input: count(u.input_tokens),
      output: count(u.output_tokens),
      cache_read: count(u.cache_read_input_tokens),
      cache_write: count(u.cache_creation_input_tokens),
    },
  };
  const cost = o.total_cost_usd ?? o.cost_usd;
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) parsed.costUsd = cost;
  return parsed;
}

export function createCommandProvider(opts: CommandOptions): Provider {
  const setting = opts.setting ?? 'model.command in aos.yaml';
  const fixed = Array.isArray(opts.argv) ? opts.argv : undefined;
  if (fixed && !fixed[0]) throw new ModelError('failed', `${setting} is empty: give the program and its arguments as a list`, false);
  const model = opts.model ?? fixed?.[0] ?? 'command';
  const env = scrubEnv(opts.vars);
  const output = opts.output ?? 'auto';

  return {
    name: 'command',
    model,
    async call(req: ModelRequest): Promise<CommandTurn> {
      const [program, ...args] = fixed ?? (await (opts.argv as (req: ModelRequest) => Promise<string[]>)(req));
      if (!program) throw new ModelError('failed', `${setting} names no program`, false);
      const cancelled = () => new ModelError('timeout', `the tick's time budget ran out while waiting for ${program}`, false);
      if (req.signal?.aborted) throw cancelled();
      const prompt = renderPrompt(req, opts.toolsNote);
      const r = await runProgram(program, args, {
        input: prompt,
        timeoutMs: opts.timeoutMs,
        maxBuffer: MAX_OUTPUT,
        signal: req.signal,
        cwd: opts.cwd,
        env,
      });
      if (r.canceled) throw cancelled();
      if (r.timedOut) {
        throw new ModelError('timeout', `${program} did not answer within ${seconds(opts.timeoutMs)} (${opts.timeoutSetting ?? 'model.timeout_seconds in aos.yaml'})`, true);
      }
      const code = r.spawnError?.code;
      if (code === 'ENOENT') {
        throw new ModelError(
          'failed',
          `the model command "${program}" was not found on PATH: install it, or set ${setting} to the program and its arguments (see docs/providers.md)`,
          false,
        );
      }
      if (code === 'EACCES') {
        throw new ModelError('failed', `the model command "${program}" could not be run (permission denied): check ${setting}`, false);
      }
      if (r.spawnError) throw new ModelError('failed', `the model command "${program}" could not be started: ${r.spawnError.message}`, false);
      if (r.overflow) {
        const max = r.overflow === 'stdout' ? MAX_OUTPUT : STDERR_MAX;
        throw new ModelError('malformed', `${program} printed more than ${max.toLocaleString('en-US')} bytes${r.overflow === 'stderr' ? ' on stderr' : ''}; a brain should print only its answer`, false);
      }
      if (r.exitCode !== 0) {
        const how = r.signal ? `was stopped by ${r.signal}` : `exited with code ${r.exitCode}`;
        const err = tail(r.stderr);
        throw new ModelError('failed', `${program} ${how}${err ? `: ${err}` : ' and printed nothing on stderr'}`, true);
      }
      const out = output === 'codex-jsonl' ? parseCodexEvents(r.stdout, program) : output === 'text' ? { text: r.stdout.trim(), usage: { ...NO_USAGE } } : parseOutput(r.stdout, program);
      if (!out.text) throw new ModelError('malformed', `${program} exited 0 but printed no answer on stdout`, true);
      req.onText?.(out.text);
      const turn: CommandTurn = { content: [{ type: 'text', text: out.text }], stop: 'end_turn', usage: out.usage, model };
      if (out.costUsd !== undefined) turn.costUsd = out.costUsd;
      return turn;
    },
  };
}

interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  canceled: boolean;
  /** Which stream went past maxBuffer, if one did. */
  overflow?: 'stdout' | 'stderr';
  spawnError?: { code?: string; message: string };
}

interface RunOptions {
  input: string;
  timeoutMs: number;
  maxBuffer: number;
  signal?: AbortSignal;
  cwd: string;
  env: Record<string, string>;
}

/** After SIGTERM, how long before SIGKILL. */
const KILL_AFTER_MS = 2000;
/** After the program exits, how long a grandchild that kept its pipes open may delay the answer. */
const CLOSE_AFTER_EXIT_MS = 500;
/** stderr is only read for the last lines of an error message: a chatty brain is not a broken one. */
const STDERR_MAX = 16 * MAX_OUTPUT;

/**
 * Runs a program without a shell and collects its output. Never rejects: every way it can end is
 * in the result. Settles when the program has exited and its output has closed (or shortly after
 * the exit, if a grandchild keeps the pipes open).
 */
async function runProgram(file: string, args: string[], o: RunOptions): Promise<RunResult> {
  const { execa } = await import('execa');
  const child = execa(file, args, {
    input: o.input,
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    shell: false,
    windowsHide: true,
    reject: false,
    // Bytes, so maxBuffer counts bytes as MAX_OUTPUT says.
    encoding: 'buffer',
    stripFinalNewline: false,
    maxBuffer: { stdout: o.maxBuffer, stderr: STDERR_MAX },
    ...(o.timeoutMs > 0 ? { timeout: o.timeoutMs } : {}),
    ...(o.signal ? { cancelSignal: o.signal } : {}),
    killSignal: 'SIGTERM',
    forceKillAfterDelay: KILL_AFTER_MS,
  });
  // A grandchild that inherited stdout or stderr would hold the answer back until it exits.
  let closeTimer: NodeJS.Timeout | undefined;
  child.once('exit', () => {
    closeTimer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, CLOSE_AFTER_EXIT_MS);
  });
  const r = await child;
  clearTimeout(closeTimer);
  const stdout = Buffer.from(r.stdout ?? new Uint8Array()).toString('utf8');
  const stderr = Buffer.from(r.stderr ?? new Uint8Array()).toString('utf8');
  const res: RunResult = {
    stdout,
    stderr,
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    timedOut: r.timedOut,
    canceled: r.isCanceled,
  };
  if (r.isMaxBuffer) res.overflow = Buffer.byteLength(stdout) >= o.maxBuffer ? 'stdout' : 'stderr';
  // Spawning failed (ENOENT, EACCES): there was no exit at all.
  else if (r.failed && r.exitCode === undefined && r.signal === undefined && !r.timedOut && !r.isCanceled) {
    res.spawnError = { code: r.code, message: String((r.cause as Error | undefined)?.message ?? r.shortMessage ?? r.message) };
  }
  return res;
}
