// The one judge of a change against the rulebook and the hard limits. Pure: the caller reads the
// change (git, a tool's write) and passes paths with their status and size; the same judge serves
// `aos rules check`, a mission's stages and a tool writing into a mission's worktree.
import picomatch from 'picomatch';
import { ValidationError, type Problem } from '../../errors.js';
import { DEFAULT_LIMITS, RULEBOOK, type JunkFamily, type JunkKind } from './rulebook.js';

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedPath {
  /** Relative to the repository's root, with forward slashes (git's own form). */
  path: string;
  status: ChangeStatus;
  /** The content's size after the change (0 for a deletion). */
  bytes: number;
  /** A rename's old path. */
  from?: string;
}

export interface Limits {
  maxFiles: number;
  maxBytes: number;
}

export interface Violation {
  /** A junk kind's name, or `max-files` / `max-bytes`. */
  rule: string;
  family: JunkFamily | 'limits';
  why: string;
  /** The offending path (limits name no single path). */
  path?: string;
  status?: ChangeStatus;
}

export interface Judgement {
  ok: boolean;
  /** Changed files, a rename counting once. */
  files: number;
  /** Bytes of added, modified and renamed content. */
  bytes: number;
  limits: Limits;
  violations: Violation[];
}

/** The kinds in force and the limits: built once per check from the built-in book, aos.yaml and a mission. */
export interface Rulebook {
  kinds: readonly JunkKind[];
  limits: Limits;
}

/** aos.yaml `rules:` (validated by its schema) and a mission's own settings, in the same shape. */
export interface RulesSettings {
  max_files?: number;
  max_kb?: number;
  /** Opt-in kinds to turn on (lockfiles, vendor, vscode, npmrc, cocoapods). */
  enable?: readonly string[];
  /** Kinds to turn off. */
  disable?: readonly string[];
  /** The home's own kinds, added to the book. */
  kinds?: readonly { name: string; globs: readonly string[]; why: string; except?: readonly string[] }[];
}

/**
 * The book in force: the built-in kinds (opt-in ones off), then each layer of settings in order
 * (aos.yaml, then a mission). A name that is no kind is an error naming `file`: a typo must not
 * silently turn a rule off.
 */
export function resolveRulebook(layers: readonly { settings: RulesSettings | undefined; file: string }[], base: readonly JunkKind[] = RULEBOOK): Rulebook {
  const all = new Map(base.map((kind) => [kind.name, kind]));
  const on = new Set(base.filter((kind) => !kind.optIn).map((kind) => kind.name));
  let limits: Limits = { ...DEFAULT_LIMITS };
  for (const { settings, file } of layers) {
    if (!settings) continue;
    for (const extra of settings.kinds ?? []) {
      all.set(extra.name, { ...extra, family: all.get(extra.name)?.family ?? 'scratch' });
      on.add(extra.name);
    }
    const known = (names: readonly string[] | undefined, field: string): string[] => {
      const unknown = (names ?? []).filter((n) => !all.has(n));
      if (unknown.length) {
        throw new ValidationError(unknown.map((n) => ({ file, field: `rules.${field}`, expected: 'the name of a kind in the rulebook', found: `"${n}"`, hint: `its opt-in kinds: ${base.filter((x) => x.optIn).map((x) => x.name).join(', ')}` })));
      }
      return [...(names ?? [])];
    };
    for (const n of known(settings.enable, 'enable')) on.add(n);
    for (const n of known(settings.disable, 'disable')) on.delete(n);
    if (settings.max_files !== undefined) limits = { ...limits, maxFiles: settings.max_files };
    if (settings.max_kb !== undefined) limits = { ...limits, maxBytes: settings.max_kb * 1024 };
  }
  return { kinds: [...all.values()].filter((kind) => on.has(kind.name)), limits };
}

/** What is wrong with these settings (for aos doctor): an unknown kind name, else nothing. */
export function rulesProblems(layers: readonly { settings: RulesSettings | undefined; file: string }[]): Problem[] {
  try {
    resolveRulebook(layers);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
}

/** `isDir`: the path names a folder itself (git lists an untracked nested repository as `dir/`). */
type Matcher = (segments: readonly string[], isDir: boolean) => boolean;

/** One glob in the rulebook's .gitignore-like shape (see rulebook.ts), as a test on a path's segments. */
function globMatcher(glob: string): Matcher {
  const dir = glob.endsWith('/');
  let body = dir ? glob.slice(0, -1) : glob;
  const anyDepth = !body.includes('/') || body.startsWith('**/');
  if (body.startsWith('**/')) body = body.slice(3);
  const parts = body.split('/').map((p) => picomatch(p, { nocase: true, dot: true, nobrace: true, noextglob: true, nonegate: true }));
  const matchAt = (segs: readonly string[], at: number): boolean => parts.every((m, i) => m(segs[at + i]!));
  return (segs, isDir) => {
    // A directory glob needs a segment after it (the file inside) unless the path is that folder; a file glob ends the path.
    const last = dir && !isDir ? segs.length - parts.length - 1 : segs.length - parts.length;
    if (last < 0) return false;
    if (!anyDepth) return matchAt(segs, 0) && (dir || last === 0);
    if (!dir) return matchAt(segs, last);
    for (let at = 0; at <= last; at++) if (matchAt(segs, at)) return true;
    return false;
  };
}

const compiled = new WeakMap<JunkKind, { match: Matcher[]; except: Matcher[] }>();
function matchersOf(kind: JunkKind) {
  let m = compiled.get(kind);
  if (!m) compiled.set(kind, (m = { match: kind.globs.map(globMatcher), except: (kind.except ?? []).map(globMatcher) }));
  return m;
}

function segmentsOf(path: string): string[] {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').split('/').filter(Boolean);
}

/** The first kind in force that `path` belongs to, or undefined for an ordinary file. */
export function junkKindOf(path: string, book: Rulebook): JunkKind | undefined {
  const segs = segmentsOf(path);
  const isDir = path.endsWith('/');
  return book.kinds.find((kind) => {
    const m = matchersOf(kind);
    return m.match.some((t) => t(segs, isDir)) && !m.except.some((t) => t(segs, isDir));
  });
}

/** Paths about to be written (a tool's write_file, before it writes): the junk among them, no limits. */
export function judgePaths(paths: readonly string[], book: Rulebook): Violation[] {
  return judgeChange(paths.map((path) => ({ path, status: 'added' as const, bytes: 0 })), { ...book, limits: { maxFiles: Infinity, maxBytes: Infinity } }).violations;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
}

/**
 * Every way `changes` breaks the book: each added, modified or renamed-to junk path (deleting junk
 * is a cleanup, and so is renaming it away), then the limits. Renames count once.
 */
export function judgeChange(changes: readonly ChangedPath[], book: Rulebook): Judgement {
  const violations: Violation[] = [];
  const byPath = new Map<string, ChangedPath>();
  for (const c of changes) byPath.set(c.path, c); // one path listed twice (index and work tree) is one file
  const unique = [...byPath.values()];
  for (const c of unique) {
    if (c.status === 'deleted') continue;
    const kind = junkKindOf(c.path, book);
    if (kind) violations.push({ rule: kind.name, family: kind.family, why: kind.why, path: c.path, status: c.status });
  }
  const kept = unique.filter((c) => c.status !== 'deleted');
  const bytes = kept.reduce((sum, c) => sum + c.bytes, 0);
  const { maxFiles, maxBytes } = book.limits;
  if (unique.length > maxFiles) {
    violations.push({ rule: 'max-files', family: 'limits', why: `${unique.length} files changed, over the limit of ${maxFiles} files per change` });
  }
  if (bytes > maxBytes) {
    const largest = [...kept].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)).slice(0, 3);
    violations.push({
      rule: 'max-bytes',
      family: 'limits',
      why: `${formatBytes(bytes)} added or modified, over the limit of ${formatBytes(maxBytes)} per change (largest: ${largest.map((c) => `${c.path} ${formatBytes(c.bytes)}`).join(', ')})`,
    });
  }
  return { ok: violations.length === 0, files: unique.length, bytes, limits: book.limits, violations };
}

/** One line per violation, the same wherever a change is refused. */
export function formatViolation(v: Violation): string {
  return v.path ? `${v.path}: ${v.rule} (${v.family}): ${v.why}` : `${v.rule}: ${v.why}`;
}
