// The home's markdown rendered for the report page: remark parses it (with GFM tables and task
// lists), rehype turns it into HTML, and rehype-sanitize keeps only GitHub's safe subset. Raw HTML
// in a file is dropped before sanitizing even sees it (remark-rehype without allowDangerousHtml),
// so a memory holding <script>, <img onerror> or a javascript: link reaches the page as nothing, or
// as an inert link; the page's Content-Security-Policy is the second wall, not the only one.
// Pure (no IO); loaded only by `aos report` and `aos serve`.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeSanitize).use(rehypeStringify);

export function renderMarkdown(text: string): string {
  return String(processor.processSync(text));
}
