// The optional vector score of `aos memory search` (issue 22): the keyword search's first
// candidates re-ordered by a mix of their keyword score and their text's closeness to the question,
// as the owner's embedder (aos.yaml memory.embeddings) sees it. Texts are embedded once
// (home/vectorcache.ts). The embedder failing is never the search failing: the keyword order stands,
// and a problem names the setting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import type { Vars } from '../env.js';
import type { Hit } from '../core/memory/searchrank.js';
import type { Config } from '../core/docs/schemas.js';
import { cosine, mixScores } from '../core/memory/vectorrank.js';
import { embed, EmbedderError } from '../model/embedder.js';
import { openVectors } from '../home/vectorcache.js';

type Embeddings = NonNullable<NonNullable<Config['memory']>['embeddings']>;

export const DEFAULT_WEIGHT = 0.3;
export const DEFAULT_CANDIDATES = 50;
const DEFAULT_TIMEOUT_SECONDS = 30;
/** A document's text as embedded: its first characters are enough to place it. */
const MAX_TEXT = 4000;

/** How many keyword hits to ask for so that `limit` come out of the re-ordering. */
export function candidatesFor(settings: Embeddings, limit: number): number {
  return Math.max(limit, settings.candidates ?? DEFAULT_CANDIDATES);
}

/** What is embedded of a hit: a log hit's entries (its span), any other document whole. */
function hitText(root: string, hit: Hit, files: Map<string, string[]>): string {
  let lines = files.get(hit.file);
  if (!lines) {
    try {
      lines = readFileSync(join(root, hit.file), 'utf8').replace(/\r\n/g, '\n').split('\n');
    } catch {
      lines = [];
    }
    files.set(hit.file, lines);
  }
  const part = hit.type === 'log' ? lines.slice((hit.span?.[0] ?? hit.line) - 1, hit.span?.[1] ?? hit.line) : lines;
  return part.join('\n').slice(0, MAX_TEXT);
}

/** The hits re-ordered and cut to `limit`; or the keyword order, with a problem, when the embedder fails. */
export async function vectorRerank(root: string, vars: Vars, settings: Embeddings, query: string, hits: readonly Hit[], limit: number): Promise<{ hits: Hit[]; problems: Problem[] }> {
  if (!hits.length) return { hits: [], problems: [] };
  const files = new Map<string, string[]>();
  const texts = [query, ...hits.map((h) => hitText(root, h, files))];
  const cache = await openVectors(root, JSON.stringify(settings.command));
  const vectors: (ArrayLike<number> | undefined)[] = texts.map((t) => cache.get(t));
  const missing = [...new Set(texts.filter((_, i) => !vectors[i]))];
  if (missing.length) {
    try {
      const got = await embed(settings.command, missing, { timeoutMs: (settings.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000, cwd: root, vars });
      const byText = new Map(missing.map((t, i) => [t, got[i]!]));
      texts.forEach((t, i) => {
        const v = byText.get(t);
        if (v && !vectors[i]) vectors[i] = v;
      });
      for (const [t, v] of byText) cache.set(t, v);
      await cache.save();
    } catch (err) {
      if (!(err instanceof EmbedderError)) throw err;
      const problem = { file: 'aos.yaml', field: 'memory.embeddings.command', expected: 'an embedder that answers {"vectors": [...]}', found: err.message, hint: 'the keyword order is shown' };
      return { hits: hits.slice(0, limit), problems: [problem] };
    }
  }
  const q = vectors[0]!;
  const similarity = hits.map((_, i) => (vectors[i + 1] ? cosine(q, vectors[i + 1]!) : undefined));
  return { hits: mixScores(hits, similarity, settings.weight ?? DEFAULT_WEIGHT).slice(0, limit), problems: [] };
}
