// The postings of new search documents: for each term, in each field, the documents holding it and
// how often. Pure. This is what minisearch's `add` computes (the same tokenizer and term processing,
// a field's length counted as its distinct raw words, a term's frequency as its occurrences), and
// all the index ever took from minisearch: building its radix tree and reading it back with
// toJSON was ~40% of a cold index of a year-scale home (decisions.md, "Search speed, third pass").
// tests/home/memsearch.test.ts checks the index's scores against minisearch's own search.
import { processTerm, tokenize, type SearchDoc } from './searchdocs.js';
import { FIELDS } from './searchrank.js';

export interface NewPostings {
  /** Per document (in the order given), each field's length: its distinct raw words. */
  lengths: number[][];
  /** term → per field a list [id, freq, id, freq, ...], ids ascending. */
  terms: Map<string, [number[] | 0, number[] | 0, number[] | 0, number[] | 0]>;
}

/** Postings of `docs`, the first numbered `firstId`, the next firstId + 1, ... */
export function postingsOf(docs: readonly Pick<SearchDoc, (typeof FIELDS)[number]>[], firstId: number): NewPostings {
  const lengths: number[][] = [];
  const terms: NewPostings['terms'] = new Map();
  docs.forEach((doc, i) => {
    const id = firstId + i;
    const lens: number[] = [];
    for (let f = 0; f < FIELDS.length; f++) {
      const words = tokenize(doc[FIELDS[f]!]);
      lens.push(new Set(words).size);
      for (const word of words) {
        const term = processTerm(word);
        if (!term) continue;
        let fields = terms.get(term);
        if (!fields) terms.set(term, (fields = [0, 0, 0, 0]));
        let list = fields[f];
        if (!list) list = fields[f] = [];
        // Ids come in ascending order, so a repeat of the term is on the list's last id.
        if (list.length && list[list.length - 2] === id) list[list.length - 1]!++;
        else list.push(id, 1);
      }
    }
    lengths.push(lens);
  });
  return { lengths, terms };
}
