// The few git failures that are an answer rather than a fault, told apart by git's own words. A
// catch that expects one of them rethrows everything else, so no other failure passes for "nothing".
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A repository whose branch has no commit yet: history queries have nothing to count. */
export function noCommitsYet(err: unknown): boolean {
  return /does not have any commits yet|ambiguous argument 'HEAD'|bad default revision 'HEAD'/.test(message(err));
}

/** A folder that is not (inside) a git repository. */
export function notARepo(err: unknown): boolean {
  return /not a git repository/i.test(message(err));
}

/** `git show <commit>:<path>` for a path that commit does not have (a file added since). */
export function pathNotInCommit(err: unknown): boolean {
  return /path '[^']*' (does not exist in|exists on disk, but not in) '/.test(message(err));
}
