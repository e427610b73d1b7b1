// Secret-looking values in text aos is about to commit: known key formats, and long random-looking
// tokens. Conservative on purpose: a git sha, a uuid, a base64 image or a long word must not trip it,
// since a hit holds the owner's file back (or redacts an agent's). Pure.

import type { Problem } from '../../errors.js';

export interface SecretHit {
  /** What it looks like ("Anthropic API key", "high-entropy token" …), never the value. */
  kind: string;
  /** 1-based line of the hit in the text. */
  line: number;
  index: number;
  length: number;
}

const KNOWN: { kind: string; re: RegExp }[] = [
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'OpenAI-style API key', re: /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]{0,40}\d)[A-Za-z0-9_-]{20,}/g },
  { kind: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{30,}/g },
  { kind: 'GitHub token', re: /\bgithub_pat_[A-Za-z0-9_]{40,}/g },
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
];

/** Candidates for the entropy check: long runs of token characters. */
const TOKEN = /[A-Za-z0-9+/_=-]{32,}/g;
/** Bits per character above which a long token is treated as random (a key), not a word or an id. */
export const ENTROPY_THRESHOLD = 4.3;
const MIN_TOKEN = 32;
/** A token this long is data (a base64 image, an embedded file), not a key. */
const MAX_TOKEN = 200;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Whether a long token looks like a random secret rather than an id, a hash or prose. */
export function looksRandom(token: string): boolean {
  const t = token.replace(/=+$/, '');
  if (t.length < MIN_TOKEN || t.length > MAX_TOKEN) return false;
  // Hex (git shas, sha256 digests, uuids without dashes) is an identifier here, not a key.
  if (/^[0-9a-fA-F-]+$/.test(t)) return false;
  // A path or a name in one case (some-long-file-name, SCREAMING_CONSTANT_NAME) is not random.
  if (/^[a-z0-9_/-]+$/.test(t) || /^[A-Z0-9_/-]+$/.test(t)) return false;
  // A secret mixes upper case, lower case and digits.
  if (!/[a-z]/.test(t) || !/[A-Z]/.test(t) || !/[0-9]/.test(t)) return false;
  return entropy(t) >= ENTROPY_THRESHOLD;
}

const DATA_LINE = /^[A-Za-z0-9+/=]{40,}$/;

/** A token that fills its line, next to another such line: a wrapped base64 block (an image, a certificate), not a key. */
function inDataBlock(text: string, index: number, token: string): boolean {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const endAt = text.indexOf('\n', index);
  const end = endAt === -1 ? text.length : endAt;
  if (text.slice(start, end).trim() !== token) return false;
  const prevStart = text.lastIndexOf('\n', start - 2) + 1;
  const prev = start > 0 ? text.slice(prevStart, start - 1).trim() : '';
  const nextEnd = end < text.length ? text.indexOf('\n', end + 1) : -1;
  const next = end < text.length ? text.slice(end + 1, nextEnd === -1 ? text.length : nextEnd).trim() : '';
  return DATA_LINE.test(prev) || DATA_LINE.test(next);
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Every secret-looking value in the text, in order; overlapping finds are reported once. */
export function findSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const taken = (i: number, len: number) => hits.some((h) => i < h.index + h.length && h.index < i + len);
  for (const { kind, re } of KNOWN) {
    for (const m of text.matchAll(re)) {
      if (!taken(m.index!, m[0].length)) hits.push({ kind, line: 0, index: m.index!, length: m[0].length });
    }
  }
  for (const m of text.matchAll(TOKEN)) {
    // A token inside a data: URL (an inline image) is data, whatever it looks like.
    const before = text.slice(Math.max(0, m.index! - 80), m.index!);
    if (/data:[\w.+-]+\/[\w.+-]+;base64,[A-Za-z0-9+/=]*$/.test(before)) continue;
    if (inDataBlock(text, m.index!, m[0])) continue;
    if (looksRandom(m[0]) && !taken(m.index!, m[0].length)) hits.push({ kind: 'high-entropy token', line: 0, index: m.index!, length: m[0].length });
  }
  hits.sort((a, b) => a.index - b.index);
  for (const h of hits) h.line = lineAt(text, h.index);
  return hits;
}

/** What replaces a value: plain word characters, so it stays valid in YAML, JSON and markdown alike. */
export function redactedMark(kind: string): string {
  return `REDACTED_${kind.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

/** The text with every secret-looking value replaced by REDACTED_<KIND>, and what was replaced. */
export function redactSecrets(text: string): { text: string; hits: SecretHit[] } {
  const hits = findSecrets(text);
  let out = text;
  for (const h of [...hits].reverse()) out = out.slice(0, h.index) + redactedMark(h.kind) + out.slice(h.index + h.length);
  return { text: out, hits };
}

/** A hand-edited file holding a secret-looking value, as the problem that holds it back from the commit. */
export function secretProblem(file: string, text: string): Problem | undefined {
  const hits = findSecrets(text);
  if (!hits.length) return undefined;
  return {
    file,
    line: hits[0]!.line,
    expected: 'no secret values in a file aos commits',
    found: hits.map((h) => `line ${h.line}: ${h.kind}`).slice(0, 5).join(', '),
    hint: 'the file is left uncommitted, as it is; move the value out of the home (aos.yaml secrets: reads it from the environment or a file outside the home) and aos commits the file; see docs/recovery.md#secret-in-a-file',
  };
}

/** "file line N (kind)" for each file whose added lines (a `git diff -U0`) hold a secret-looking value. */
export function secretsInDiff(diff: string): string[] {
  const out: string[] = [];
  let file = '';
  let added: string[] = [];
  const flush = () => {
    if (!file || !added.length) return;
    const hits = findSecrets(added.join('\n'));
    if (hits.length) out.push(`${file}: ${[...new Set(hits.map((h) => h.kind))].join(', ')}`);
  };
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      file = '';
      added = [];
    } else if (line.startsWith('+++ ')) file = line.slice(4).replace(/^b\//, '');
    else if (line.startsWith('+') && file) added.push(line.slice(1));
  }
  flush();
  return out;
}

/** "notes/x.md line 3 (GitHub token)", for messages that name where, never what. */
export function describeHits(file: string, hits: readonly SecretHit[]): string {
  const shown = hits.slice(0, 5).map((h) => `line ${h.line} (${h.kind})`);
  return `${file} ${shown.join(', ')}${hits.length > 5 ? ` and ${hits.length - 5} more` : ''}`;
}

/**
 * An item's text as `aos inbox add` saves it: declared secrets replaced by their names (the home's
 * redactor), then anything else that looks like a key; `redacted` names what was replaced.
 */
export function redactItemText(text: string, redactDeclared: (t: string) => string): { text: string; redacted: string[] } {
  const declared = redactDeclared(text);
  const names = [...declared.matchAll(/\[secret:([^\]]+)\]/g)].map((m) => m[1]!).filter((n) => !text.includes(`[secret:${n}]`));
  const found = redactSecrets(declared);
  return { text: found.text, redacted: [...new Set([...names.map((n) => `the secret ${n}`), ...found.hits.map((h) => `a value that looks like a ${h.kind}`)])] };
}
