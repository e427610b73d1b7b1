// The run record: one markdown file per agent run, logs/runs/YYYY/MM/<run>.md. A person reads it in
// an editor; aos parses it back exactly to resume a checkpointed run or to replay it.
//
//   ---
//   run: r-20261121T104500-a1b2          (front matter: RunFront, usage as a flow map)
//   ...
//   ---
//
//   ## 1 · task                           user entries: task (the first), results, user
//
//   ```text
//   the content, byte for byte
//   ```
//
//   ## 1 · model
//   stop: tool_use · in 1200 · out 80 · cache read 0 · cache write 0 · request 3f2a9c1b7d00
//
//   ```text                               a text block
//   ...
//   ```
//
//   ### call read_file · toolu_01          a tool call, its input as pretty JSON
//
//   ```json
//   { "path": "notes/travel.md" }
//   ```
//
//   ## 1 · results
//
//   ### result read_file · toolu_01        (" · error" when is_error; "?" when the name is unknown)
//
//   ```text
//   ...
//   ```
//
//   ## outcome                            the final answer or error, when given
//
// Exactness rules (parse(render(x)) equals x, apart from the cases listed here):
// - Content is fenced with more backticks than its longest backtick run (at least 3), so no line of
//   it can close the fence, whatever it holds (fences, "## " lines, "---", trailing spaces).
// - The file itself never contains a carriage return. Content whose line ends are all CRLF is
//   written with LF in a ```text crlf fence and restored on parse; content with any other CR, with
//   control characters (NUL, ESC …) or with lone surrogates is written as one JSON string literal
//   in a ```json-string fence, so the file stays plain text, safe to `cat`, and exact.
//   A whole file converted to CRLF by an editor or git still parses to the same content.
// - A tool result longer than RESULT_CAP characters is capped when rendered: its first RESULT_CAP
//   characters, then a line "… capped: 12,345 characters in all, sha256 9f1c2a…". It parses back
//   to exactly that stored text, and rendering it again leaves it as it is.
// - Presentation only, not stored: `is_error: false` (written as no flag) and toolNames: the
//   renderer names a result from toolNames or else from the earlier call with that id, and the
//   parser returns the names the headings show.
// - A tool call's input is JSON; `undefined` is written as null.
// - Headings name tools and ids bare when they are simple ([A-Za-z0-9_.:@/+=-]), else JSON-quoted.
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { Document } from 'yaml';
import { UserError, ValidationError, type Problem } from '../../errors.js';
import { parseFrontMatter } from '../docs/frontmatter.js';
import { validate } from '../docs/validate.js';
import type { AssistantBlock, Message, Usage, TextBlock, ToolResultBlock, ToolUseBlock } from './transcript.js';

export type Outcome = 'running' | 'done' | 'waiting' | 'checkpoint' | 'failed' | 'cancelled';
export const OUTCOMES = ['running', 'done', 'waiting', 'checkpoint', 'failed', 'cancelled'] as const satisfies readonly Outcome[];

export interface RunFront {
  run: string;
  agent: string;
  item?: string;
  trigger: string;
  provider: string;
  model: string;
  device: string;
  started: string;
  ended?: string;
  outcome: Outcome;
  usage: Usage;
  cost_usd?: number;
  /** The run id this one continues. */
  resumes?: string;
  /** Why it failed or stopped. */
  error?: string;
  /** Short sha256 prefixes (12 hex) of the stable system prompt, the dynamic one, and the tool list, to spot divergence in replay. */
  prompt?: { stable: string; dynamic: string; tools: string; prefix?: string; instructions?: string; memory?: string };
  /** Every capability decision of the run's tool calls, for `aos audit` (absent when none). */
  uses?: CapUse[];
}

/** One tool call's capability verdict: when, which tool on what, and the rule that decided. */
export interface CapUse {
  at: string;
  tool: string;
  argument: string;
  verdict: 'allowed' | 'ask' | 'refused';
  rule: string;
}

export type RecordEntry =
  | {
      type: 'user';
      turn: number;
      content: string | (TextBlock | ToolResultBlock)[];
      /** tool_use_id -> tool name, for headings. */
      toolNames?: Record<string, string>;
    }
  | {
      type: 'model';
      turn: number;
      content: AssistantBlock[];
      stop: string;
      usage: Usage;
      /** 12-hex hash of the request that produced it. */
      request?: string;
    };

/** Characters of a tool result kept in the record. */
export const RESULT_CAP = 4000;

const RUN_ID = /^r-(\d{4})(\d{2})\d{2}T\d{6}-[a-z0-9]+$/;

/** r-20261121T104500-a1b2 -> logs/runs/2026/11/r-20261121T104500-a1b2.md */
export function runRecordPath(runId: string): string {
  const m = RUN_ID.exec(runId);
  if (!m) throw new UserError(`expected a run id like r-20261121T104500-a1b2, found ${JSON.stringify(runId)}`);
  return `logs/runs/${m[1]}/${m[2]}/${runId}.md`;
}

/** 12 hex characters of the sha256 of the text (UTF-8). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Capping

const CAP_LINE = /\n… capped: [\d,]+ characters in all, sha256 [0-9a-f]{12}…$/;

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A tool result as the record stores it: unchanged up to RESULT_CAP characters (UTF-16 units), else
 * its first RESULT_CAP (never splitting a surrogate pair) and a line naming the full size and hash.
 * Idempotent: a result already capped this way is left alone.
 */
export function capResult(content: string): string {
  if (content.length <= RESULT_CAP) return content;
  const m = CAP_LINE.exec(content);
  if (m && m.index <= RESULT_CAP) return content;
  let head = content.slice(0, RESULT_CAP);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}\n… capped: ${thousands(content.length)} characters in all, sha256 ${shortHash(content)}…`;
}

/** Above this many bytes an item's text is not copied into the run record, only named by its hash. */
export const RECORD_BODY_LIMIT = 8 * 1024;

/**
 * The task message as the record keeps it: unchanged when the item's text is small; else the text
 * is replaced by a line naming its size and its sha256, so a large item is in git once
 * (its own file), not again in every record. A resumed run puts the text back (taskFromRecord).
 */
export function recordedTask(message: string, body: string): string {
  const bytes = Buffer.byteLength(body, 'utf8');
  const text = body.trim();
  if (bytes <= RECORD_BODY_LIMIT || !text || !message.endsWith(text)) return message;
  const hash = createHash('sha256').update(body, 'utf8').digest('hex');
  return `${message.slice(0, message.length - text.length)}[the item's text: ${thousands(bytes)} bytes, sha256 ${hash}; it is the item's own file]`;
}

/** The task message for the model from the record's: the item's text back in when its hash still matches. */
export function taskFromRecord(recorded: string, message: string, body: string): string {
  return recorded !== message && recordedTask(message, body) === recorded ? message : recorded;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const BARE = /^[A-Za-z0-9_.:@/+=-]+$/;
function token(s: string): string {
  return BARE.test(s) ? s : JSON.stringify(s);
}

function fenceOf(content: string): string {
  let longest = 0;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

// Control characters other than tab and line feed, and lone surrogates (u-mode matches only those).
const UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\p{Surrogate}/u;

function onlyCrlf(s: string): boolean {
  const rest = s.replace(/\r\n/g, '');
  return !rest.includes('\r') && !rest.includes('\n');
}

/** A fenced block holding `content` so that it parses back byte for byte. */
function fenced(content: string, lang: 'text' | 'json' = 'text'): string[] {
  let info: string = lang;
  let body = content;
  if (lang === 'text') {
    const hasCr = content.includes('\r');
    if (UNSAFE.test(content) || (hasCr && !onlyCrlf(content))) {
      info = 'json-string';
      body = JSON.stringify(content);
    } else if (hasCr) {
      info = 'text crlf';
      body = content.replace(/\r\n/g, '\n');
    }
  }
  const fence = fenceOf(body);
  return body === '' ? [fence + info, fence] : [fence + info, body, fence];
}

function usageLine(stop: string, u: Usage, request?: string): string {
  const parts = [`stop: ${token(stop)}`, `in ${u.input}`, `out ${u.output}`, `cache read ${u.cache_read}`, `cache write ${u.cache_write}`];
  if (request !== undefined) parts.push(`request ${token(request)}`);
  return parts.join(' · ');
}

const FRONT_ORDER = ['run', 'agent', 'item', 'trigger', 'provider', 'model', 'device', 'started', 'ended', 'outcome', 'usage', 'cost_usd', 'resumes', 'error', 'prompt', 'uses'] as const;

function frontText(front: RunFront): string {
  const ordered: Record<string, unknown> = {};
  for (const key of FRONT_ORDER) if (front[key] !== undefined && !(key === 'uses' && !front.uses?.length)) ordered[key] = front[key];
  const doc = new Document(ordered);
  for (const key of ['usage', 'prompt']) {
    const node = doc.get(key, true) as { flow?: boolean } | undefined;
    if (node) node.flow = true;
  }
  // One line per use, so a record with many calls stays readable.
  const uses = doc.get('uses', true) as { items?: { flow?: boolean }[] } | undefined;
  for (const item of uses?.items ?? []) item.flow = true;
  return doc.toString({ lineWidth: 0 });
}

/**
 * The record's text. Render the whole record again after every step (outcome `running` until the
 * end) and write it atomically, so a crash leaves a record that parses with the entries so far.
 */
export function renderRunRecord(front: RunFront, entries: RecordEntry[], final?: string): string {
  const out: string[] = ['---', frontText(front).replace(/\n$/, ''), '---'];
  const callNames: Record<string, string> = {};
  entries.forEach((entry, index) => {
    out.push('');
    if (entry.type === 'model') {
      out.push(`## ${entry.turn} · model`, usageLine(entry.stop, entry.usage, entry.request));
      for (const block of entry.content) {
        out.push('');
        if (block.type === 'text') out.push(...fenced(block.text));
        else {
          callNames[block.id] = block.name;
          out.push(`### call ${token(block.name)} · ${token(block.id)}`, '', ...fenced(JSON.stringify(block.input ?? null, null, 2) ?? 'null', 'json'));
        }
      }
      return;
    }
    const content = entry.content;
    const label = index === 0 ? 'task' : Array.isArray(content) && content.some((b) => b.type === 'tool_result') ? 'results' : 'user';
    out.push(`## ${entry.turn} · ${label}`);
    if (typeof content === 'string') {
      out.push('', ...fenced(content));
      return;
    }
    for (const block of content) {
      out.push('');
      if (block.type === 'text') out.push('### text', '', ...fenced(block.text));
      else {
        const name = entry.toolNames?.[block.tool_use_id] ?? callNames[block.tool_use_id];
        const heading = `### result ${name === undefined ? '?' : token(name)} · ${token(block.tool_use_id)}${block.is_error ? ' · error' : ''}`;
        out.push(heading, '', ...fenced(capResult(block.content)));
      }
    }
  });
  if (final !== undefined) out.push('', '## outcome', '', ...fenced(final));
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Parsing

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const count = v.pipe(v.number(), v.minValue(0, 'a number of 0 or more'));
const dateTime = v.pipe(v.string(), v.regex(DATE_TIME, 'a time like 2026-11-21T10:45:00+00:00'));
const hash = v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/, '12 hex characters of a sha256'));

export const RunFrontSchema = v.strictObject({
  run: v.pipe(v.string(), v.nonEmpty('a run id')),
  agent: v.pipe(v.string(), v.nonEmpty('an agent id')),
  item: v.optional(v.string()),
  trigger: v.string(),
  provider: v.string(),
  model: v.string(),
  device: v.string(),
  started: dateTime,
  ended: v.optional(dateTime),
  outcome: v.picklist(OUTCOMES),
  usage: v.strictObject({ input: count, output: count, cache_read: count, cache_write: count }),
  cost_usd: v.optional(count),
  resumes: v.optional(v.string()),
  error: v.optional(v.string()),
  prompt: v.optional(v.strictObject({ stable: hash, dynamic: hash, tools: hash, prefix: v.optional(hash), instructions: v.optional(hash), memory: v.optional(hash) })),
  uses: v.optional(v.array(v.strictObject({ at: dateTime, tool: v.string(), argument: v.string(), verdict: v.picklist(['allowed', 'ask', 'refused']), rule: v.string() }))),
});

const TOKEN = String.raw`(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.:@/+=-]+)`;
const NUM = String.raw`(\d+(?:\.\d+)?(?:e[+-]?\d+)?)`;
const H2_ENTRY = /^## (\d+) · (task|results|user|model)$/;
const H2_OUTCOME = /^## outcome$/;
const STOP = new RegExp(`^stop: (${TOKEN}) · in ${NUM} · out ${NUM} · cache read ${NUM} · cache write ${NUM}(?: · request (${TOKEN}))?$`);
const CALL = new RegExp(`^### call (${TOKEN}) · (${TOKEN})$`);
const RESULT = new RegExp(`^### result (\\?|${TOKEN}) · (${TOKEN})( · error)?$`);
const TEXT = /^### text$/;
const FENCE_OPEN = /^(`{3,})([^`]*)$/;

function untoken(s: string): string {
  return s.startsWith('"') ? (JSON.parse(s) as string) : s;
}

function clip(line: string): string {
  return JSON.stringify(line.length > 60 ? line.slice(0, 60) + '…' : line);
}

class Reader {
  i: number;
  constructor(
    readonly file: string,
    readonly lines: string[],
    start: number,
  ) {
    this.i = start;
  }
  /** 1-based file line of the current position. */
  get line(): number {
    return this.i + 1;
  }
  get done(): boolean {
    return this.i >= this.lines.length;
  }
  peek(): string | undefined {
    return this.lines[this.i];
  }
  skipBlank(): void {
    while (this.i < this.lines.length && this.lines[this.i] === '') this.i++;
  }
  fail(expected: string, line = this.line, hint?: string): never {
    const text = this.lines[line - 1];
    const found = text === undefined || line > this.lines.length ? 'end of file' : clip(text);
    throw new ValidationError([{ file: this.file, line, expected, found, hint } satisfies Problem]);
  }
  /** Reads a fenced block at the current line (after blank lines); returns its info and content. */
  fence(what: string): { info: string; content: string; line: number } {
    this.skipBlank();
    const open = this.line;
    const m = FENCE_OPEN.exec(this.peek() ?? '');
    if (this.done || !m) this.fail(`a fenced block (\`\`\`) with ${what}`);
    const ticks = m[1]!.length;
    const info = m[2]!.trim();
    const close = new RegExp(`^ {0,3}\`{${ticks},}[ \\t]*$`);
    const body: string[] = [];
    for (this.i++; ; this.i++) {
      if (this.done) this.fail(`the fence opened on line ${open} closed by a line of ${ticks} backticks`, this.lines.length + 1, 'the record looks truncated');
      const l = this.peek()!;
      if (close.test(l)) break;
      body.push(l);
    }
    this.i++;
    return { info, content: body.join('\n'), line: open };
  }
  /** A text fence, decoded. */
  text(what: string): string {
    const { info, content, line } = this.fence(what);
    if (info === 'text') return content;
    if (info === 'text crlf') return content.replace(/\n/g, '\r\n');
    if (info === 'json-string') {
      try {
        const s: unknown = JSON.parse(content);
        if (typeof s === 'string') return s;
      } catch {
        // fall through to the error below
      }
      this.fail('a JSON string literal in a json-string fence', line + 1);
    }
    this.fail('a fence marked text, text crlf or json-string', line);
  }
}

function num(s: string): number {
  return Number(s);
}

/**
 * Parses a run record back into its front matter, entries and final text, and rebuilds the
 * conversation for the model (`messages`: user entries as role user, model entries as role
 * assistant, in order, one message per entry). Throws ValidationError naming the file and line.
 */
export function parseRunRecord(file: string, raw: string): { front: RunFront; entries: RecordEntry[]; final?: string; messages: Message[] } {
  // The renderer writes no CR at all; a file an editor or git turned to CRLF reads the same.
  const text = (raw.startsWith('\uFEFF') ? raw.slice(1) : raw).replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  if (lines[0] !== '---') {
    throw new ValidationError([{ file, line: 1, expected: 'front matter opened by a line "---"', found: lines[0] === undefined ? 'end of file' : clip(lines[0]) }]);
  }
  const close = lines.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
  if (close < 0) throw new ValidationError([{ file, line: 1, expected: 'front matter closed by a line "---"', found: 'end of file', hint: 'the record looks truncated' }]);
  const head = parseFrontMatter(file, lines.slice(0, close + 1).join('\n') + '\n');
  if (head.problems.length) throw new ValidationError(head.problems);
  const checked = validate(RunFrontSchema, head.data ?? {}, file, head.yaml);
  if (!checked.value) throw new ValidationError(checked.problems);
  const front = checked.value as RunFront;

  const r: Reader = new Reader(file, lines, close + 1);
  const entries: RecordEntry[] = [];
  let final: string | undefined;
  const atSectionEnd = () => r.done || r.peek()!.startsWith('## ');

  for (r.skipBlank(); !r.done; r.skipBlank()) {
    const heading = r.peek()!;
    if (final !== undefined) r.fail('nothing after the "## outcome" section');
    if (H2_OUTCOME.test(heading)) {
      r.i++;
      final = r.text('the final answer or error');
      continue;
    }
    const h = H2_ENTRY.exec(heading);
    if (!h) r.fail('a section heading like "## 1 · model", "## 2 · results" or "## outcome"');
    const turn = Number(h[1]);
    r.i++;
    if (h[2] === 'model') {
      const stopLine = r.line;
      const s = STOP.exec(r.peek() ?? '');
      if (r.done || !s) r.fail('a line "stop: <reason> · in N · out N · cache read N · cache write N" after the model heading', stopLine);
      r.i++;
      const content: AssistantBlock[] = [];
      for (r.skipBlank(); !atSectionEnd(); r.skipBlank()) {
        const call = CALL.exec(r.peek()!);
        if (call) {
          r.i++;
          const { content: json, line, info } = r.fence('the tool input as JSON');
          if (info !== 'json') r.fail('a fence marked json holding the tool input', line);
          let input: unknown;
          try {
            input = JSON.parse(json);
          } catch (err) {
            r.fail(`valid JSON for the input of tool call ${untoken(call[2]!)}`, line + 1, (err as Error).message);
          }
          content.push({ type: 'tool_use', id: untoken(call[2]!), name: untoken(call[1]!), input } satisfies ToolUseBlock);
        } else if (FENCE_OPEN.test(r.peek()!)) {
          content.push({ type: 'text', text: r.text('the model text') });
        } else {
          r.fail('a fenced text block or a "### call <tool> · <id>" heading in the model section');
        }
      }
      const usage: Usage = { input: num(s[2]!), output: num(s[3]!), cache_read: num(s[4]!), cache_write: num(s[5]!) };
      const entry: RecordEntry = { type: 'model', turn, content, stop: untoken(s[1]!), usage };
      if (s[6] !== undefined) entry.request = untoken(s[6]);
      entries.push(entry);
      continue;
    }
    // A user section: one bare fence (the content is a string) or ### blocks (a list).
    r.skipBlank();
    if (!atSectionEnd() && FENCE_OPEN.test(r.peek()!)) {
      const content = r.text('the message');
      entries.push({ type: 'user', turn, content });
      r.skipBlank();
      if (!atSectionEnd()) r.fail('the next section heading (a user message is one fenced block)');
      continue;
    }
    const blocks: (TextBlock | ToolResultBlock)[] = [];
    const toolNames: Record<string, string> = {};
    for (; !atSectionEnd(); r.skipBlank()) {
      const l = r.peek()!;
      const res = RESULT.exec(l);
      if (TEXT.test(l)) {
        r.i++;
        blocks.push({ type: 'text', text: r.text('the text') });
      } else if (res) {
        r.i++;
        const id = untoken(res[2]!);
        const block: ToolResultBlock = { type: 'tool_result', tool_use_id: id, content: r.text('the tool result') };
        if (res[3]) block.is_error = true;
        if (res[1] !== '?') toolNames[id] = untoken(res[1]!);
        blocks.push(block);
      } else {
        r.fail('a fenced block, "### text" or "### result <tool> · <id>" in the user section');
      }
    }
    const entry: RecordEntry = { type: 'user', turn, content: blocks };
    if (Object.keys(toolNames).length) entry.toolNames = toolNames;
    entries.push(entry);
  }

  const messages: Message[] = entries.map((e) => (e.type === 'user' ? { role: 'user', content: e.content } : { role: 'assistant', content: e.content }));
  return final === undefined ? { front, entries, messages } : { front, entries, final, messages };
}
