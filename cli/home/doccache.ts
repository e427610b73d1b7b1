// Validated documents cached in .aos/ by file identity, so a status that changed nothing parses
// nothing: with a warm cache the YAML parser and the schemas are not even loaded. A file whose
// size, mtime, ctime or inode differs is parsed again; invalid files are never cached.
import { readFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic, isErrno } from './files.js';
import type { DocKind, DocParts } from '../core/docs/parsedoc.js';

declare const AOS_VERSION: string | undefined;
// A new release may validate differently: its cache starts empty.
const VERSION = `4:${typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev'}`;
const CACHE_FILE = '.aos/cache/docs.json';

interface Entry extends DocParts {
  kind: DocKind;
  id: string;
}

function identity(st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

export class DocCache {
  private changed = false;
  private constructor(
    private readonly root: string | undefined,
    private readonly entries: Record<string, Entry>,
  ) {}

  /** A cache that neither reads nor writes: doctor trusts nothing it did not parse itself. */
  static none(): DocCache {
    return new DocCache(undefined, {});
  }

  static async open(root: string): Promise<DocCache> {
    try {
      const data = JSON.parse(readFileSync(join(root, CACHE_FILE), 'utf8')) as { version?: string; entries?: Record<string, Entry> };
      if (data.version === VERSION && data.entries && typeof data.entries === 'object') return new DocCache(root, data.entries);
    } catch (err) {
      // Missing, truncated or corrupt: the cache is only ever a copy, so start over.
      if (!isErrno(err, 'ENOENT') && !(err instanceof SyntaxError)) throw err;
    }
    return new DocCache(root, {});
  }

  get(file: string, kind: DocKind, st: Stats): DocParts | undefined {
    const e = this.entries[file];
    return e && e.kind === kind && e.id === identity(st) ? e : undefined;
  }

  set(file: string, kind: DocKind, st: Stats, doc: DocParts): void {
    if (!this.root) return;
    this.entries[file] = { ...doc, kind, id: identity(st) };
    this.changed = true;
  }

  /** Forgets cached files of a folder that are no longer in it. */
  retain(folder: string, present: ReadonlySet<string>): void {
    for (const file of Object.keys(this.entries)) {
      if (file.startsWith(folder + '/') && !file.slice(folder.length + 1).includes('/') && !present.has(file)) {
        delete this.entries[file];
        this.changed = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.root || !this.changed) return;
    // Only a copy: a damaged one is started over (open), so no fsync.
    await writeAtomic(join(this.root, CACHE_FILE), JSON.stringify({ version: VERSION, entries: this.entries }), { durable: false });
    this.changed = false;
  }
}
