// browse_page's rendering (issue 20): the page runs its JavaScript in Debian's headless Chromium,
// driven by playwright-core (no browser download). The browser itself reaches nothing: every request
// the page makes is intercepted and answered by performFetch (fetch_url's path: host grants,
// private-address refusal after resolution, pinned connections, caps), GET and HEAD only; WebSockets
// are closed, and anything that slipped past interception meets a proxy that does not exist.
import { existsSync } from 'node:fs';
import type { Capability } from '../core/agents/capabilities.js';
import { checkHttp } from '../core/agents/urlcheck.js';
import { htmlToPage, type Page } from './browse.js';
import { performFetch } from './http.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Whatever the interception does not answer goes to a proxy nobody listens on, loopback included.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
];
const RENDER_TIMEOUT_MS = 20_000;
const PAGE_MAX_REQUESTS = 200;

/** Why rendering is refused, if it is: no browser:render grant, or no Chromium on this machine. */
export function browserRefusal(caps: readonly Capability[], chromium = CHROMIUM): string | undefined {
  if (!caps.some((c) => c.kind === 'browser' && c.actions.includes('render'))) return 'no capability grants browser:render (rendering runs the page\'s JavaScript); without render: true the page is read as sent';
  if (!existsSync(chromium)) return `no headless Chromium at ${chromium}; without render: true the page is read as sent`;
  return undefined;
}

export async function renderPage(caps: readonly Capability[], url: string, opts: { chromium?: string }): Promise<Page> {
  // Not bundled: playwright-core is a development dependency, present where Chromium is used.
  const name = 'playwright-core';
  const pw = (await import(name)) as typeof import('playwright-core');
  const browser = await pw.chromium.launch({ executablePath: opts.chromium ?? CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: RENDER_TIMEOUT_MS });
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: false, javaScriptEnabled: true });
    await context.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'aos: no WebSockets from rendered pages' }));
    const page = await context.newPage();
    let count = 0;
    let main: { status: number; url: string; truncated: boolean } | undefined;
    const refused: string[] = [];
    await context.route('**/*', async (route) => {
      const req = route.request();
      const method = req.method().toLowerCase();
      const target = req.url();
      if (target.startsWith('data:') || target.startsWith('blob:')) return route.continue();
      const verdict = checkHttp(caps, method, target);
      if (++count > PAGE_MAX_REQUESTS || !['get', 'head'].includes(method) || !verdict.allowed) {
        refused.push(`${method.toUpperCase()} ${target}: ${verdict.allowed ? 'only GET and HEAD from a rendered page' : verdict.reason}`);
        return route.abort('blockedbyclient');
      }
      try {
        const r = await performFetch(caps, { url: target, method }, { secrets: () => undefined });
        if (req.isNavigationRequest() && req.frame() === page.mainFrame()) main = { status: r.status, url: r.url, truncated: r.truncated };
        await route.fulfill({ status: r.status, ...(r.contentType ? { contentType: r.contentType } : {}), body: r.body });
      } catch (err) {
        refused.push(`${method.toUpperCase()} ${target}: ${(err as Error).message}`);
        await route.abort('blockedbyclient');
      }
    });
    const res = await page.goto(url, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS }).catch((err: Error) => {
      throw Object.assign(new Error(`the page could not be rendered: ${refused.find((r) => r.includes(url)) ?? err.message.split('\n')[0]}`), { code: 'ERENDER' });
    });
    // A moment for scripts that fill the page after load.
    await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
    const html = await page.content();
    const parsed = await htmlToPage(html, page.url());
    const note = refused.length ? `\n\n(Requests of the page that were refused: ${refused.slice(0, 10).join('; ')}${refused.length > 10 ? ` … ${refused.length - 10} more` : ''})` : '';
    return { url: main?.url ?? page.url(), status: main?.status ?? res?.status() ?? 0, via: 'chromium', ...(main?.truncated ? { truncated: true } : {}), ...parsed, markdown: parsed.markdown + note };
  } finally {
    await browser.close().catch(() => undefined);
  }
}
