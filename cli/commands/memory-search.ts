import type { Args, Env } from '../env.js';
import { UsageError, formatProblem } from '../errors.js';
import { localTime } from '../core/docs/time.js';
import { parseLimit, parseSince } from '../core/docs/listopts.js';
import { DOC_TYPES, queryTerms } from '../core/memory/searchdocs.js';
import { findHome } from '../home/find.js';
import { openSearch } from '../home/searchindex.js';

export const DEFAULT_LIMIT = 10;

/** aos memory search "q" [--type t] [--since D] [--limit N] [--json] */
export async function search(args: Args, env: Env): Promise<void> {
  const words = (Array.isArray(args.query) ? args.query : [args.query]).filter((w) => w !== undefined).map(String);
  const query = words.join(' ').trim();
  if (!query) throw new UsageError('nothing to search for: give the words to look for');
  const limit = parseLimit(args.limit, DEFAULT_LIMIT, 1000);
  const type = args.type === undefined ? undefined : String(args.type);
  if (type !== undefined && !(DOC_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type: expected one of ${DOC_TYPES.join(', ')}, found "${type}"`);
  // Searching reads no settings: aos.yaml is loaded (and validated) only to know the owner's day.
  const root = findHome(env);
  let since: string | undefined;
  if (args.since !== undefined) {
    const { openHome } = await import('../home/home.js');
    const { config, docs } = await openHome(env);
    await docs.save();
    since = parseSince(args.since, localTime(env.now(), config.owner.timezone).date);
  }

  const index = await openSearch(root);
  let hits;
  try {
    hits = await index.search(query, { types: type ? [type] : undefined, since, limit });
  } finally {
    index.close();
  }
  if (env.out.json) return env.out.data({ query, hits, problems: index.problems });
  for (const p of index.problems) env.out.warn(`skipped ${formatProblem(p)}`);
  if (!hits.length) {
    const why = queryTerms(query).length ? '' : ' (only common words: search for what is distinctive)';
    return env.out.line(`No matches for "${query}"${why}.`);
  }
  hits.forEach((h, i) => {
    const tag = [h.type, h.date || 'undated', h.status && h.status !== 'active' ? h.status : ''].filter(Boolean).join(' ');
    env.out.line(`${i ? '\n' : ''}${h.file}:${h.line}  [${tag}]  ${h.title}`);
    if (h.snippet) env.out.line(`    ${h.snippet}`);
  });
}
