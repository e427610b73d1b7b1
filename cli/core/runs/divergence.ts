// Where a replayed run stops matching its record. Pure.
import { shortHash, type RecordEntry } from './runrecord.js';
import type { ToolResultBlock, ToolUseBlock } from './transcript.js';

export interface Step {
  turn: number;
  same: boolean;
  what: string;
}

export interface Divergence {
  steps: Step[];
  divergedAt: number | null;
  reason: string | null;
}

/** Item and run ids are fresh in every run; they are not a divergence. */
function maskIds(text: string): string {
  return text.replace(/\b(r-)?\d{8}T\d{6}-[a-z0-9]{4,6}\b/g, '<id>');
}

/**
 * The hash a run records of each request to the model, with the fresh ids masked as in the tool
 * results: a delegation's or a message's child id is new in every execution, and would otherwise
 * make every replay of such a run diverge. The "m" marks the masked form: records written before it
 * hold unmasked hashes, which cannot be compared with a masked one.
 */
export function requestHash(requestJson: string): string {
  return 'm' + shortHash(maskIds(requestJson));
}

const sameHashForm = (a: string, b: string): boolean => a.startsWith('m') === b.startsWith('m');

function calls(e: RecordEntry): string {
  if (e.type !== 'model') return '';
  const uses = e.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
  return uses.map((u) => `${u.name}(${JSON.stringify(u.input)})`).join(', ') || 'an answer';
}

function results(e: RecordEntry): ToolResultBlock[] {
  return e.type === 'user' && Array.isArray(e.content) ? e.content.filter((b): b is ToolResultBlock => b.type === 'tool_result') : [];
}

function compareStep(a: RecordEntry, b: RecordEntry, opts: { live: boolean; cap: (s: string) => string }): Step {
  const turn = a.turn;
  if (a.type !== b.type) return { turn, same: false, what: `recorded a ${a.type} entry, the replay a ${b.type} entry` };
  if (a.type === 'model' && b.type === 'model') {
    if (opts.live) {
      const [x, y] = [calls(a), calls(b)];
      return x === y ? { turn, same: true, what: `model: ${x}` } : { turn, same: false, what: `model: recorded ${x}; now ${y}` };
    }
    if (a.request && b.request && sameHashForm(a.request, b.request) && a.request !== b.request) {
      return { turn, same: false, what: `the request to the model differs (recorded ${a.request}, now ${b.request}): the context or the conversation before this turn changed` };
    }
    return { turn, same: true, what: `model: ${calls(a)}` };
  }
  const ra = results(a);
  const rb = results(b);
  if (!ra.length && !rb.length) {
    const same = maskIds(JSON.stringify(a.content)) === maskIds(JSON.stringify(b.content));
    return { turn, same, what: same ? 'message' : 'the message differs' };
  }
  const diffs: string[] = [];
  ra.forEach((r, i) => {
    const n = rb[i];
    const name = (a.type === 'user' && a.toolNames?.[r.tool_use_id]) || r.tool_use_id;
    if (!n) diffs.push(`${name}: no result in the replay`);
    else if (maskIds(opts.cap(n.content)) !== maskIds(r.content) || Boolean(n.is_error) !== Boolean(r.is_error)) {
      diffs.push(`${name}: recorded ${r.content.length} chars${r.is_error ? ' (error)' : ''}, now ${n.content.length} chars${n.is_error ? ' (error)' : ''}`);
    }
  });
  if (rb.length > ra.length) diffs.push(`${rb.length - ra.length} more result(s) in the replay`);
  return diffs.length ? { turn, same: false, what: `tool results differ: ${diffs.join('; ')}` } : { turn, same: true, what: `${ra.length} tool result(s) match` };
}

export function compareRuns(recorded: readonly RecordEntry[], fresh: readonly RecordEntry[], opts: { live: boolean; cap: (s: string) => string }): Divergence {
  const steps: Step[] = [];
  const n = Math.max(recorded.length, fresh.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i];
    const b = fresh[i];
    if (a && b) steps.push(compareStep(a, b, opts));
    else if (a) steps.push({ turn: a.turn, same: false, what: 'the recorded run went on here; the replay had stopped' });
    else if (b) steps.push({ turn: b.turn, same: false, what: 'the replay went on here; the recorded run had stopped' });
  }
  const first = steps.find((s) => !s.same);
  return { steps, divergedAt: first ? first.turn : null, reason: first ? first.what : null };
}
