import type { Args, Env } from '../env.js';
import { UsageError, formatProblem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { parseLimit, parseSince } from '../core/docs/listopts.js';
import { DOC_TYPES, queryTerms } from '../core/memory/searchdocs.js';
import { queryDates } from '../core/memory/querydates.js';
import { findHome } from '../home/find.js';
import { openSearch } from '../home/searchindex.js';
import { readIfExists } from '../home/files.js';
import { join } from 'node:path';

export const DEFAULT_LIMIT = 10;
/** Log entries on each side of a log hit that it spans (see core/memory/searchrank.ts). */
export const NEIGHBOURS = 1;

/** aos memory search "q" [--type t] [--since D] [--limit N] [--as-of D] [--json] */
export async function search(args: Args, env: Env): Promise<void> {
  const words = (Array.isArray(args.query) ? args.query : [args.query]).filter((w) => w !== undefined).map(String);
  const query = words.join(' ').trim();
  if (!query) throw new UsageError('nothing to search for: give the words to look for');
  const limit = parseLimit(args.limit, DEFAULT_LIMIT, 1000);
  const type = args.type === undefined ? undefined : String(args.type);
  if (type !== undefined && !(DOC_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type: expected one of ${DOC_TYPES.join(', ')}, found "${type}"`);
  // Searching reads few settings: aos.yaml is loaded (and validated) only to know the owner's day,
  // or when it names an embedder (a line `embeddings:`, found without parsing the file).
  const root = findHome(env);
  let since: string | undefined;
  let asOf = args['as-of'] === undefined ? undefined : String(args['as-of']);
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of: expected a day as YYYY-MM-DD, found "${asOf}"`);
  // The owner's day is needed for --since, and for a question that names a date ("last May") asked today.
  const needsDay = args.since !== undefined || (asOf === undefined && queryDates(query, '2000-01-01').ranges.length > 0);
  const mayEmbed = /^\s*embeddings\s*:/m.test((await readIfExists(join(root, 'aos.yaml'))) ?? '');
  let embeddings;
  if (needsDay || mayEmbed) {
    const { openHome } = await import('../home/home.js');
    const { config, docs } = await openHome(env);
    await docs.save();
    embeddings = config.memory?.embeddings;
    if (needsDay) {
      const today = localTime(env.now(), config.owner.timezone).date;
      if (args.since !== undefined) since = parseSince(args.since, today);
      asOf ??= today;
    }
  }

  const index = await openSearch(root);
  let hits;
  // With an embedder, more keyword hits are asked for, and re-ordered below.
  const vectors = embeddings ? await import('../flows/vectorsearch.js') : undefined;
  const asked = embeddings && vectors ? vectors.candidatesFor(embeddings, limit) : limit;
  try {
    // A conversation's turns are found with the turns around them: each log hit spans its neighbours;
    // and by the memory topics that cite them (what the dream extracted from them).
    hits = await index.search(query, { types: type ? [type] : undefined, since, limit: asked, asOf, neighbours: NEIGHBOURS, cites: true });
  } finally {
    index.close();
  }
  const problems = [...index.problems];
  if (embeddings && vectors) {
    const mixed = await vectors.vectorRerank(root, env.vars, embeddings, query, hits, limit);
    hits = mixed.hits;
    problems.push(...mixed.problems);
  }
  if (env.out.json) return env.out.data({ query, hits, problems });
  for (const p of index.problems) env.out.warn(`skipped ${formatProblem(p)}`);
  for (const p of problems.slice(index.problems.length)) env.out.warn(formatProblem(p));
  if (!hits.length) {
    const why = queryTerms(query).length ? '' : ' (only common words: search for what is distinctive)';
    return env.out.line(`No matches for "${query}"${why}.`);
  }
  hits.forEach((h, i) => {
    const tag = [h.type, h.date || 'undated', h.status && h.status !== 'active' ? h.status : ''].filter(Boolean).join(' ');
    const span = h.span && (h.span[0] !== h.line || h.span[1] !== h.line) ? ` (lines ${h.span[0]}-${h.span[1]})` : '';
    env.out.line(`${i ? '\n' : ''}${h.file}:${h.line}  [${tag}]  ${h.title}${span}`);
    if (h.snippet) env.out.line(`    ${h.snippet}`);
  });
}
