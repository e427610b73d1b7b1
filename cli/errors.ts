// The few error classes deep code throws; only the entry point turns them into exit codes.

/** Something the owner must fix or know about: printed without a stack, exit 1. */
export class UserError extends Error {
  override name = 'UserError';
}

/** The command line itself was wrong: exit 2. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/**
 * git failed: which command, in which repository, what git said, and the error underneath. The
 * owner must fix or know about it (a broken remote, a full disk), so it prints without a stack.
 */
export class GitError extends UserError {
  override name = 'GitError';
  constructor(
    readonly root: string,
    readonly command: readonly string[],
    /** What git printed on stderr (trimmed; simple-git's failures carry all its output). */
    readonly stderr: string,
    override readonly cause?: unknown,
  ) {
    super(`git ${command[0]} failed in ${root}: ${stderr.trim() || (cause as Error | undefined)?.message || 'no message'}`);
    this.stderr = stderr.trim();
  }
}

/** One problem in one file: where it is, what was expected, what was found. */
export interface Problem {
  file: string;
  line?: number;
  field?: string;
  expected: string;
  found: string;
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const field = p.field ? `${p.field}: ` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}: ${field}expected ${p.expected}, found ${p.found}${hint}`;
}

/** A file (or several) failed validation; carries every problem found. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** A failed system call of this kind (ENOENT, EEXIST …): the one test every layer uses on fs errors. */
export function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

/** What each file-system failure means for the owner, and what to do about it. */
const FS_FAILURES: Record<string, { what: string; todo: string }> = {
  EACCES: { what: 'permission denied', todo: 'give the user running aos write access to it (ls -ld shows the owner; chown or chmod), or run aos as that user' },
  EPERM: { what: 'operation not permitted', todo: 'give the user running aos write access to it (ls -ld shows the owner; chown or chmod), or clear its immutable flag when lsattr shows "i" (chattr -i)' },
  EROFS: { what: 'the file system is read-only', todo: 'put the home on a writable disk, or mount this one read-write' },
  ENOSPC: { what: 'no space left on the device', todo: 'free some space (df -h shows how much is left), then run the command again' },
  EDQUOT: { what: 'the disk quota is used up', todo: 'free some space within your quota, then run the command again' },
  ENAMETOOLONG: { what: 'the name is too long for the file system', todo: 'use a shorter file name or a shallower folder' },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', todo: 'move that file out of the way' },
};

/**
 * A failed system call that the owner can fix (a folder aos may not write, a full or read-only
 * disk, a name too long), told as one line naming the path; undefined for anything else, which is
 * a bug and keeps its stack. Only errors that carry their path qualify: without it the owner
 * could not act. Temporary names (.x.md.<pid>.<hex>.tmp) are shown as the file they were for.
 */
export function describeFsFailure(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const known = FS_FAILURES[e.code];
  if (!known) return undefined;
  const path = e.path.replace(/\/\.([^/]+)\.\d+\.[0-9a-f]{8}\.tmp$/, '/$1');
  const verb = ['scandir', 'stat', 'lstat', 'read', 'opendir'].includes(e.syscall ?? '') ? 'read' : 'write';
  return `cannot ${verb} ${path}: ${known.what} (${e.code}); ${known.todo}`;
}
