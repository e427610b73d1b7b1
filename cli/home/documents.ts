// Reading and validating the home's documents. A bad file becomes problems; the others still load.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import type { DocKind } from '../core/docs/parsedoc.js';
import type { DocCache } from './doccache.js';
import { listNames } from './files.js';

export interface Loaded<T> {
  /** Path relative to the home, with forward slashes. */
  file: string;
  /** The file name without .md. */
  name: string;
  front: T;
  body: string;
  bodyLine: number;
}

export interface LoadResult<T> {
  docs: Loaded<T>[];
  problems: Problem[];
}

export async function readDoc<T>(root: string, file: string, kind: DocKind, cache: DocCache): Promise<{ doc?: Loaded<T>; problems: Problem[] }> {
  const path = join(root, file);
  const unreadable = (found: string) => ({ problems: [{ file, expected: 'a readable regular file', found }] });
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    return unreadable((err as Error).message);
  }
  if (st.isSymbolicLink()) return unreadable('a symbolic link (refused: it could pull in text from outside the home)');
  if (!st.isFile()) return unreadable('something other than a file');
  let parts = cache.get(file, kind, st);
  if (!parts) {
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch (err) {
      return unreadable((err as Error).message);
    }
    const { parseDoc } = await import('../core/docs/parsedoc.js');
    const result = parseDoc(kind, file, raw);
    if (!result.doc) return { problems: result.problems };
    parts = result.doc;
    cache.set(file, kind, st, parts);
  }
  const name = file.split('/').pop()!.replace(/\.md$/, '');
  return { doc: { file, name, front: parts.front as T, body: parts.body, bodyLine: parts.bodyLine }, problems: [] };
}

/** Every *.md directly in a folder. Other files are reported, not silently skipped. */
export async function loadFolder<T>(
  root: string,
  folder: string,
  kind: DocKind,
  cache: DocCache,
  /** Entries that belong to another collection (inbox/done, memory/MEMORY.md). */
  skip: readonly string[] = [],
): Promise<LoadResult<T>> {
  const result: LoadResult<T> = { docs: [], problems: [] };
  const entries = await listNames(join(root, folder));
  cache.retain(folder, new Set(entries.map((e) => `${folder}/${e.name}`)));
  const loads = await Promise.all(
    entries.map(async (e) => {
      const file = `${folder}/${e.name}`;
      if (skip.includes(e.name)) return { problems: [] };
      if (e.isDir && !e.isLink) return { problems: [{ file, expected: `only .md files in ${folder}/`, found: 'a folder' }] };
      if (!e.name.endsWith('.md')) return { problems: [{ file, expected: `only .md files in ${folder}/`, found: `"${e.name}"` }] };
      return readDoc<T>(root, file, kind, cache);
    }),
  );
  for (const l of loads) {
    if ('doc' in l && l.doc) result.docs.push(l.doc);
    result.problems.push(...l.problems);
  }
  return result;
}
