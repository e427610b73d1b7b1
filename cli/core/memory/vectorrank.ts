// The optional vector score of memory search (issue 22, aos.yaml memory.embeddings): the keyword
// ranking's candidates re-ordered by a mix of their keyword score and how close their text's vector
// lies to the question's. Pure: the vectors come in from the owner's embedder (model/embedder.ts).

/** Cosine similarity; 0 when either vector is all zeros or their lengths differ. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export interface Scored {
  score: number;
}

/**
 * The candidates in their new order, each with its mixed score: (1 − weight) × its keyword score
 * over the best keyword score, plus weight × its similarity to the question (0 for a candidate
 * without a vector). Ties keep the keyword order. The scores shown are the mixed ones, rounded as
 * the keyword ones are.
 */
export function mixScores<T extends Scored>(candidates: readonly T[], similarity: readonly (number | undefined)[], weight: number): T[] {
  const best = Math.max(0, ...candidates.map((c) => c.score)) || 1;
  return candidates
    .map((c, i) => ({ c, i, mixed: (1 - weight) * (c.score / best) + weight * Math.max(0, similarity[i] ?? 0) }))
    .sort((x, y) => y.mixed - x.mixed || x.i - y.i)
    .map(({ c, mixed }) => ({ ...c, score: Math.round(mixed * 1000) / 1000 }));
}
