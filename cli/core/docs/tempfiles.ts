// aos's own atomic-write temp files: `.<name>.<pid>.<8 hex>.tmp` beside the file they replace. A
// write killed half-way leaves one; it is never the owner's work, so it is ignored by git, never
// committed, and removed once its writer is gone.

/** The .gitignore line that keeps them out of git (every name that starts with a dot and ends in .tmp). */
export const TEMP_IGNORE_LINE = '.*.tmp';

/** Does this .gitignore text already ignore aos's temp files? */
export function ignoresTempFiles(gitignore: string): boolean {
  return gitignore.split(/\r?\n/).some((l) => l.trim() === TEMP_IGNORE_LINE || l.trim() === `**/${TEMP_IGNORE_LINE}`);
}

/** The temp file's name for a write of `base` by process `pid`; `suffix` is 8 random hex digits. */
export function tempName(base: string, pid: number, suffix: string): string {
  return `.${base}.${pid}.${suffix}.tmp`;
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.([0-9a-f]{8})\.tmp$/;

/** The writer's pid when the path's last part is one of aos's temp names, else undefined. */
export function tempWriter(path: string): number | undefined {
  const m = TEMP_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  return m ? Number(m[2]) : undefined;
}

export function isTempFile(path: string): boolean {
  return tempWriter(path) !== undefined;
}

/** A writer has at most this long before its temp file counts as left behind (a write takes milliseconds). */
export const TEMP_STALE_MS = 60_000;

export interface TempFile {
  path: string;
  ageMs: number;
  /** Is the process named in the file's name still running on this machine? */
  writerAlive: boolean;
}

/** Which temp files are strays to remove, and which may still be written (kept, with why). */
export function planTempCleanup(temps: TempFile[]): { remove: string[]; keep: { path: string; why: string }[] } {
  const remove: string[] = [];
  const keep: { path: string; why: string }[] = [];
  for (const t of temps) {
    if (t.writerAlive) keep.push({ path: t.path, why: `its writer (pid ${tempWriter(t.path)}) is still running` });
    else if (t.ageMs < TEMP_STALE_MS) keep.push({ path: t.path, why: 'less than a minute old' });
    else remove.push(t.path);
  }
  return { remove, keep };
}
