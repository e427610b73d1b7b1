// Reading and validating the home's documents. A bad file becomes problems; the others still load.
import { join } from 'node:path';
import type * as v from 'valibot';
import type { Problem } from '../errors.js';
import { parseFrontMatter, type ParsedDoc } from '../core/frontmatter.js';
import { validate } from '../core/validate.js';
import { readRegular, listNames } from './files.js';

export interface Loaded<T> {
  /** Path relative to the home, with forward slashes. */
  file: string;
  /** The file name without .md. */
  name: string;
  front: T;
  body: string;
  parsed: ParsedDoc;
}

export interface LoadResult<T> {
  docs: Loaded<T>[];
  problems: Problem[];
}

export interface DocRules {
  /** A file without front matter is valid (inbox items); its front matter is then {}. */
  frontMatterOptional?: boolean;
  /** Extra checks on a valid document. */
  check?: (doc: Loaded<unknown>) => Problem[];
}

export async function readDoc<S extends v.GenericSchema>(
  root: string,
  file: string,
  schema: S,
  rules: DocRules = {},
): Promise<{ doc?: Loaded<v.InferOutput<S>>; problems: Problem[] }> {
  let raw: string;
  try {
    raw = await readRegular(join(root, file), file);
  } catch (err) {
    return { problems: [{ file, expected: 'a readable regular file', found: (err as Error).message.replace(`${file}: `, '') }] };
  }
  const parsed = parseFrontMatter(file, raw);
  if (parsed.problems.length) return { problems: parsed.problems };
  if (!parsed.data && !rules.frontMatterOptional) {
    return { problems: [{ file, line: 1, expected: 'front matter between two "---" lines at the top', found: 'none' }] };
  }
  const { value, problems } = validate(schema, parsed.data ?? {}, file, parsed.yaml);
  if (problems.length) return { problems };
  const name = file.split('/').pop()!.replace(/\.md$/, '');
  const doc = { file, name, front: value as v.InferOutput<S>, body: parsed.body, parsed };
  const extra = rules.check?.(doc) ?? [];
  return extra.length ? { problems: extra } : { doc, problems: [] };
}

/** Every *.md directly in a folder. Other files are reported, not silently skipped. */
export async function loadFolder<S extends v.GenericSchema>(
  root: string,
  folder: string,
  schema: S,
  rules: DocRules = {},
  /** Entries that belong to another collection (inbox/done, memory/MEMORY.md). */
  skip: readonly string[] = [],
): Promise<LoadResult<v.InferOutput<S>>> {
  const result: LoadResult<v.InferOutput<S>> = { docs: [], problems: [] };
  const entries = await listNames(join(root, folder));
  const loads = await Promise.all(
    entries.map(async (e) => {
      const file = `${folder}/${e.name}`;
      if (skip.includes(e.name)) return { problems: [] };
      if (e.isDir && !e.isLink) return { problems: [{ file, expected: `only .md files in ${folder}/`, found: 'a folder' }] };
      if (!e.name.endsWith('.md')) return { problems: [{ file, expected: `only .md files in ${folder}/`, found: `"${e.name}"` }] };
      return readDoc(root, file, schema, rules);
    }),
  );
  for (const l of loads) {
    if ('doc' in l && l.doc) result.docs.push(l.doc);
    result.problems.push(...l.problems);
  }
  return result;
}
