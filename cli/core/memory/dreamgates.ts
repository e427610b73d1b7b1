// The gates a dream must pass before it reaches the main branch (issue 22). A dream is committed to
// its own branch first; only when every gate passes is it merged. Pure: the caller reads the cited
// log lines and passes them in.
import type { Op } from './dream.js';
import { dropsTooMuch } from './dream.js';
import { findSecrets } from '../docs/secretscan.js';

export interface GateInput {
  indexBefore: string;
  indexAfter: string;
  ops: readonly Op[];
  /** Every cited log line → the text of the log entry it heads, or undefined when no entry heads that line. */
  cited: ReadonlyMap<string, string | undefined>;
  /** The files the dream writes (path → new text). */
  writes: ReadonlyMap<string, string>;
  /** Set when the dream was refused as a whole while it was planned. */
  refusedAll?: string;
}

/** A run of this many characters copied from inside a data block is "written from text marked as data". */
export const DATA_RUN = 40;

const DATA_BLOCK = /<untrusted-data[^>]*>\n?([\s\S]*?)<\/untrusted-data>/g;

function opText(op: Op): string {
  const o = op as Record<string, unknown>;
  return ['title', 'description', 'body'].map((k) => (typeof o[k] === 'string' ? (o[k] as string) : '')).join('\n');
}

function slugOf(op: Op): string {
  return op.op === 'merge' ? op.into : op.slug;
}

/** Whether `text` holds a run of DATA_RUN characters (spaces folded) from `inside`. */
function copies(text: string, inside: string): boolean {
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
  const t = fold(text);
  const d = fold(inside);
  for (let i = 0; i + DATA_RUN <= d.length; i += 8) if (t.includes(d.slice(i, i + DATA_RUN))) return true;
  return false;
}

/** The gates that failed, in words; empty when the dream may be merged. */
export function dreamGates(g: GateInput): string[] {
  const failed: string[] = [];
  if (g.refusedAll) failed.push(g.refusedAll);
  else {
    const lost = dropsTooMuch(g.indexBefore, g.indexAfter);
    if (lost) failed.push(lost);
  }
  for (const op of g.ops) {
    const missing = op.sources.filter((s) => g.cited.get(s) === undefined);
    if (missing.length) failed.push(`${slugOf(op)} cites log lines that do not exist: ${missing.join(', ')}`);
    const text = opText(op);
    if (/<\/?\s*untrusted-data/i.test(text)) failed.push(`${slugOf(op)} carries an untrusted-data block into memory`);
    else {
      for (const s of op.sources) {
        const entry = g.cited.get(s) ?? '';
        const fromData = [...entry.matchAll(DATA_BLOCK)].some((m) => copies(text, m[1]!));
        if (fromData) {
          failed.push(`${slugOf(op)} is written from text marked as data in ${s}`);
          break;
        }
      }
    }
  }
  for (const [file, text] of g.writes) {
    const hits = findSecrets(text);
    if (hits.length) failed.push(`${file} would hold a secret-looking value (${[...new Set(hits.map((h) => h.kind))].join(', ')})`);
  }
  return failed;
}

/** A dream branch as `aos dream show` lists it. */
export interface DreamListed {
  name: string;
  commit: string;
  /** held: waiting for the owner; merged: on the main branch; reverted: merged, then undone. */
  state: 'held' | 'merged' | 'reverted';
  /** The main-branch commit that merged it. */
  merged: string | null;
  gates: string;
}

/** Days a merged night's branch is kept: main holds what it did (revert reads main), so older ones go. */
export const KEEP_MERGED_DREAM_DAYS = 30;

/**
 * The branches the next dream removes: merged (or merged and reverted) nights older than `cutoff`
 * (a date, by the name's date). A held dream is the owner's to merge or drop: never pruned.
 */
export function dreamsToPrune(dreams: readonly DreamListed[], cutoff: string): DreamListed[] {
  return dreams.filter((d) => d.state !== 'held' && d.name.slice(0, 10) < cutoff);
}

