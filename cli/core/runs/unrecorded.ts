// A run killed after the model asked for tools but before their results reached the run record:
// which calls those are, and what the resumed run tells the model about each. Pure.
import type { RecordEntry } from './runrecord.js';
import type { ToolResultBlock, ToolUseBlock } from './transcript.js';

/**
 * The calls of the record's last model turn that have no recorded result. Empty when the record ends
 * with results (or an answer), so a run resumed after a clean checkpoint is left as it was.
 */
export function unrecordedCalls(entries: readonly RecordEntry[]): ToolUseBlock[] {
  let last = -1;
  entries.forEach((e, i) => {
    if (e.type === 'model') last = i;
  });
  if (last < 0) return [];
  const model = entries[last]!;
  if (model.type !== 'model') return [];
  const answered = new Set<string>();
  for (const e of entries.slice(last + 1)) {
    if (e.type === 'user' && typeof e.content !== 'string') for (const b of e.content) if (b.type === 'tool_result') answered.add(b.tool_use_id);
  }
  return model.content.filter((b): b is ToolUseBlock => b.type === 'tool_use' && !answered.has(b.id));
}

/**
 * A tool whose call has no effect beyond its answer, so calling it again after a crash is harmless.
 * Everything else (a shell command, an http post/put/patch/delete, a file write, a message, a
 * delegation, a note or goal edit) may have happened already and is not run again on its own.
 */
export function repeatableCall(name: string, input: unknown): boolean {
  // browse_page only reads (GET, and a rendered page's own GETs and HEADs).
  if (['read_file', 'list_files', 'search_memory', 'read_memory', 'finish', 'browse_page'].includes(name)) return true;
  if (name === 'fetch_url') {
    const method = typeof input === 'object' && input !== null ? (input as { method?: unknown }).method : undefined;
    return method === undefined || (typeof method === 'string' && ['get', 'head'].includes(method.toLowerCase()));
  }
  return false;
}

/** What the model is told about a call with side effects that was cut off by the crash. */
export function notRepeatedResult(call: ToolUseBlock): ToolResultBlock {
  return {
    type: 'tool_result',
    tool_use_id: call.id,
    is_error: true,
    content:
      `not repeated: the process running this run was killed while this ${call.name} call was under way, before its result was recorded. ` +
      'It may or may not have taken effect. aos does not run it again on its own: check whether it happened (read the files it would change, ' +
      'or ask the owner) before you call it again.',
  };
}
