// Before a run's commit: what the run wrote (its record, the log, files its tools changed) is
// scanned for secret-looking values, and each is replaced by REDACTED_<KIND> in place, so a key an
// agent read somewhere never enters git. The run's files are aos's own writes (or an agent's), so
// redacting is safe; the owner's hand edits are held back instead, never rewritten (git.ts).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describeHits, redactSecrets } from '../core/docs/secretscan.js';
import { isErrno, writeAtomic } from '../home/files.js';

const SCRUB_MAX_BYTES = 2 * 1024 * 1024;

/** Redacts secret-looking values in the files; returns "file line N (kind)" for each file changed. */
export async function scrubSecrets(root: string, paths: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const file of new Set(paths)) {
    const path = join(root, file);
    let buf: Buffer;
    try {
      const st = await fs.lstat(path);
      if (!st.isFile() || st.size > SCRUB_MAX_BYTES) continue;
      buf = await fs.readFile(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
      throw err;
    }
    if (buf.subarray(0, 8000).includes(0)) continue;
    const { text, hits } = redactSecrets(buf.toString('utf8'));
    if (!hits.length) continue;
    await writeAtomic(path, text);
    changed.push(describeHits(file, hits));
  }
  return changed;
}
