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
