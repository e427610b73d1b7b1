// The search index over memory topics, daily log entries, done items and goals.
//
// minisearch analyses the documents: when files change, it turns their fields (title, description,
// body, tags) into postings with the tokenizer and term processing of core/searchdocs.ts. Ranking
// is minisearch's too — BM25+ with field boosts, prefix and fuzzy matches, a document boost that puts
// superseded and stale memories below active ones — but it is computed here, straight over the
// stored postings, because loading minisearch does not scale to a year of log entries: ~40,000
// documents take about a second to MiniSearch.loadJSON, and its search spends ~10 µs per posting of
// a common word, when a warm `aos memory search` has a budget of a few tens of milliseconds.
// (Tests check this ranking against minisearch's own search on the same documents.)
//
// The cache, one file in .aos/search/, written atomically and only when something changed:
//   - a manifest of source files with their signatures (size:mtime:ctime:inode);
//   - a document table: file, line, type, date, status, content hash and field lengths per document;
//   - the titles of non-log documents (a log entry's title is its heading line);
//   - the postings, sharded by the first two characters of their term: a query reads only the shards
//     of its own terms.
// Opening stats every source file and re-reads only those whose signature changed: a document whose
// content is unchanged keeps its postings (an appended log entry adds one document, not a day's),
// removed documents become dead rows whose postings are dropped when their shard is next rewritten,
// and the index is rebuilt once dead rows pile up. A missing, truncated, corrupt (the body carries a
// checksum) or foreign cache is rebuilt from the files, never trusted and never fatal.
