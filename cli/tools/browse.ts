// The browser tool (issue 20): browse_page reads a web page as a person would, its title, its text as
// markdown (turndown, the well-kept HTML-to-markdown library) and its links. The page is fetched
// through fetch_url's own path (performFetch: the same host grants, private-address refusal after
// resolution, pinned connections, redirects re-checked, caps). With a browser: capability and a
// headless Chromium on the machine, render: true runs the page's JavaScript first (tools/render.ts),
// every request the page makes judged by the same checks.
import * as v from 'valibot';
import type { Capability } from '../core/agents/capabilities.js';
import { defineTool } from './define.js';
import { httpDecision, performFetch, type FetchDeps } from './http.js';
import { ToolError, type RunCtx } from './runctx.js';
import { refusedBy } from './canspec.js';

export interface Page {
  url: string;
  status: number;
  title: string;
  markdown: string;
  links: { text: string; href: string }[];
  /** How the page was read: fetched as sent, or rendered by Chromium. */
  via: 'fetch' | 'chromium';
  truncated?: boolean;
}

/** At most this many links are listed; the markdown keeps them all. */
const MAX_LINKS = 100;
/** What the model reads of one page, at most. */
const MAX_MARKDOWN = 60_000;

const HTML_TYPE = /^(text\/html|application\/xhtml\+xml)\b/i;

/** HTML → title, markdown and links. Scripts, styles and other non-text parts are dropped first. */
export async function htmlToPage(html: string, base: string): Promise<Pick<Page, 'title' | 'markdown' | 'links'>> {
  const { default: TurndownService } = await import('turndown');
  const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  td.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'head', 'svg', 'canvas', 'form'] as unknown as Parameters<InstanceType<typeof TurndownService>['remove']>[0]);
  const title = decodeEntities(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  const links: Page['links'] = [];
  const seen = new Set<string>();
  for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a>/gi)) {
    const raw = decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim();
    let href: string;
    try {
      href = new URL(raw, base).href;
    } catch {
      continue;
    }
    if (!/^https?:/.test(href) || seen.has(href)) continue;
    seen.add(href);
    links.push({ text: decodeEntities(m[4]!.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim(), href });
  }
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const markdown = td.turndown(body).trim();
  return { title, markdown, links };
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : all;
    }
    return named[e.toLowerCase()] ?? all;
  });
}

/** The page as sent by its server, through fetch_url's checks. */
export async function fetchPage(caps: readonly Capability[], url: string, deps: FetchDeps): Promise<Page> {
  const r = await performFetch(caps, { url, headers: { accept: 'text/html,application/xhtml+xml;q=0.9,text/*;q=0.8,*/*;q=0.1', 'user-agent': 'aos-browse' } }, deps);
  const type = r.contentType?.split(';')[0]!.trim() ?? '';
  // A server that echoes the request would hand a grant's token to the model: it never sees it.
  const raw = new TextDecoder('utf-8').decode(r.body);
  const text = r.sentSecret ? raw.split(r.sentSecret.value).join(`[secret:${r.sentSecret.name}]`) : raw;
  if (HTML_TYPE.test(type) || (!type && /<html|<body|<title/i.test(text.slice(0, 2048)))) {
    return { url: r.url, status: r.status, via: 'fetch', truncated: r.truncated, ...(await htmlToPage(text, r.url)) };
  }
  if (/^text\//i.test(type) || /json|xml/i.test(type)) return { url: r.url, status: r.status, via: 'fetch', truncated: r.truncated, title: '', markdown: text, links: [] };
  throw Object.assign(new Error(`not a page: ${type || 'no content type'} (${r.body.length} bytes); fetch_url reads other content`), { code: 'ENOTPAGE' });
}

/** What the model reads: title, address, then the text, then the links. */
export function formatPage(p: Page): string {
  const md = p.markdown.length > MAX_MARKDOWN ? `${p.markdown.slice(0, MAX_MARKDOWN)}\n\n[… cut at ${MAX_MARKDOWN} characters]` : p.markdown;
  const lines = [`title: ${p.title || '(none)'}`, `url: ${p.url}`, `status: ${p.status}`, `read by: ${p.via === 'chromium' ? 'headless Chromium (JavaScript run)' : 'fetch (as sent, no JavaScript)'}`];
  if (p.truncated) lines.push('note: the page was cut at the size limit (the capability\'s max_bytes)');
  const links = p.links.slice(0, MAX_LINKS).map((l) => `- [${l.text.replace(/[[\]]/g, '') || l.href}](${l.href})`);
  if (p.links.length > MAX_LINKS) links.push(`- … and ${p.links.length - MAX_LINKS} more`);
  return `${lines.join('\n')}\n\n## Text\n\n${md || '(no text)'}\n\n## Links\n\n${links.join('\n') || '(none)'}`;
}

export const browseTool = defineTool({
  name: 'browse_page',
  description:
    'Open a web page and read it: its title, its text as markdown, and its links. Only hosts your capabilities grant (as for fetch_url). With render: true and a browser capability, the page runs its JavaScript in a headless browser first (for pages that build their text in the browser).',
  input: v.strictObject({
    url: v.pipe(v.string(), v.description('an absolute https:// URL')),
    render: v.optional(v.pipe(v.boolean(), v.description('run the page\'s JavaScript first (needs a browser capability)'))),
  }),
  offered: (caps) => caps.some((c) => c.kind === 'http'),
  can: {
    argument: 'a URL, or "render <URL>" to run its JavaScript first',
    judge: async (q) => {
      const render = /^render\s+/i.test(q.argument);
      const url = q.argument.replace(/^render\s+/i, '');
      try {
        const d = httpDecision(q.caps, 'get', url);
        const why = render ? (await import('./render.js')).browserRefusal(q.caps) : undefined;
        if (why) return { capability: { allowed: false, reason: why } };
        return { capability: { allowed: true, reason: d.reason }, action: { kind: 'http', resource: d.url, verb: 'get' } };
      } catch (err) {
        return refusedBy(err);
      }
    },
    call: (argument) => ({ url: argument.replace(/^render\s+/i, ''), ...(/^render\s+/i.test(argument) ? { render: true } : {}) }),
  },
  async run(input, ctx: RunCtx) {
    const d = httpDecision(ctx.agent.caps, 'get', input.url);
    if (input.render) {
      const { browserRefusal, renderPage } = await import('./render.js');
      const why = browserRefusal(ctx.agent.caps);
      if (why) throw new ToolError(`refused: ${why}`);
      await ctx.gate({ tool: 'browse_page', kind: 'http', resource: d.url, verb: 'get', input, grant: d.reason });
      return formatPage(await renderPage(ctx.agent.caps, d.url, {}));
    }
    await ctx.gate({ tool: 'browse_page', kind: 'http', resource: d.url, verb: 'get', input, grant: d.reason });
    return formatPage(await fetchPage(ctx.agent.caps, d.url, { secrets: (name) => ctx.home.secret(name) }));
  },
});
