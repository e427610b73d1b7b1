// A long run's older turns, compacted in what the model is sent: once the conversation passes a
// threshold, every message before the last few is shown cut to its start, with a note saying how
// much was left out. Blocks are never removed (each tool call keeps its result, as the API needs),
// only their text is shortened; the run record keeps every turn whole. The point up to which
// messages are compacted only moves forward, and only when the threshold is passed again, so the
// compacted conversation stays byte-identical between turns and the provider's cache of it holds.
// Pure.
import type { Message } from './transcript.js';

/** Above this many characters of conversation (about 12k tokens) the older turns are compacted. */
export const COMPACT_AT_CHARS = 48_000;
/** The last messages, always sent whole: the model's latest turn and what answered it. */
export const KEEP_RECENT = 4;
/** How much of a compacted text is kept. */
export const KEPT_CHARS = 300;

export function conversationChars(messages: readonly Message[]): number {
  return messages.reduce((n, m) => n + JSON.stringify(m.content).length, 0);
}

/**
 * Where compaction ends for the next request: unchanged while the conversation fits under
 * `atChars`, else everything but the task (message 0) and the last KEEP_RECENT messages.
 */
export function compactionPoint(messages: readonly Message[], current: number, atChars = COMPACT_AT_CHARS): number {
  if (conversationChars(compactMessages(messages, current)) <= atChars) return current;
  return Math.max(current, messages.length - KEEP_RECENT);
}

function cut(text: string): string {
  if (text.length <= KEPT_CHARS + 80) return text;
  return `${text.slice(0, KEPT_CHARS)}… [compacted: ${text.length} characters in all; the run record keeps them whole]`;
}

function cutInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || JSON.stringify(input).length <= KEPT_CHARS * 2) return input;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? cut(v) : v]));
}

/** The messages as sent: those from 1 to `upTo` (exclusive) with their texts cut; the task stays whole. */
export function compactMessages(messages: readonly Message[], upTo: number): Message[] {
  return messages.map((m, i): Message => {
    if (i === 0 || i >= upTo) return m;
    if (m.role === 'user') {
      if (typeof m.content === 'string') return { role: 'user', content: cut(m.content) };
      // Attachments (an image, a document) are sent whole or not at all: only texts and results are cut.
      return { role: 'user', content: m.content.map((b) => (b.type === 'text' ? { ...b, text: cut(b.text) } : b.type === 'tool_result' ? { ...b, content: cut(b.content) } : b)) };
    }
    return { role: 'assistant', content: m.content.map((b) => (b.type === 'text' ? { ...b, text: cut(b.text) } : { ...b, input: cutInput(b.input) })) };
  });
}
