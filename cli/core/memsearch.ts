// A simple ranking of memory topics for a query, until the full search index arrives: words in
// the title count most, then the description, then the text. Pure.

export interface MemoryDoc {
  file: string;
  title: string;
  description: string;
  text: string;
  status?: string;
}

const STOP = new Set('a an and are as at be by for from has have how i in is it its me my of on or the this to was what when where which who why will with you your'.split(' '));

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w));
}

export function rankMemories<T extends MemoryDoc>(docs: readonly T[], query: string, limit: number): T[] {
  const q = new Set(words(query));
  if (!q.size) return [];
  const scored = docs
    .filter((d) => d.status !== 'superseded')
    .map((d) => {
      const count = (text: string) => words(text).filter((w) => q.has(w)).length;
      return { d, score: 3 * count(d.title) + 2 * count(d.description) + Math.min(count(d.text), 5) };
    })
    .filter((s) => s.score > 0);
  scored.sort((a, b) => b.score - a.score || (a.d.file < b.d.file ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.d);
}
