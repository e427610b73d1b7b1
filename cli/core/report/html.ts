// HTML building blocks for the report: escaping, the page frame with its Content-Security-Policy,
// tables. Every value from the home goes through escapeHtml (or the sanitized markdown renderer);
// nothing from a file is ever written into the page unescaped. Pure.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside <script type="application/json">: no "</script>", no "<!--", no line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The page's policy: scripts and styles only from the report's own files (no inline script, no
 * inline handler, no eval), no plugin, no form posting elsewhere, fetches only to the same origin
 * (aos serve's events and buttons). A second wall behind the sanitizer, never the only one.
 */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

export interface PageLink {
  file: string;
  title: string;
}

/** The pages, in the order of the menu. Missions and arena pages go here once they exist. */
export const PAGES: PageLink[] = [
  { file: 'index.html', title: 'Overview' },
  { file: 'runs.html', title: 'Runs' },
  { file: 'spend.html', title: 'Spend' },
  { file: 'goals.html', title: 'Goals' },
  { file: 'memory.html', title: 'Memory' },
  { file: 'capabilities.html', title: 'Capabilities' },
  { file: 'ledger.html', title: 'Ledger' },
  { file: 'missions.html', title: 'Missions' },
];

export interface FrameOptions {
  page: string;
  title: string;
  main: string;
  data: unknown;
  generated: string;
  /** aos serve: the access token the page's buttons and events send (the page is only served with it). */
  live?: { token: string };
}

export function frame(o: FrameOptions): string {
  const nav = PAGES.map((p) => `<a href="${p.file}"${p.file === o.page ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
${o.live ? `<meta name="aos-token" content="${escapeHtml(o.live.token)}">\n` : ''}<title>aos · ${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="assets/style.css">
<script src="assets/page.js" defer></script>
</head>
<body data-page="${escapeHtml(o.page)}"${o.live ? ' data-live="1"' : ''}>
<header><strong>aos</strong><nav>
${nav}
</nav><span class="generated">${o.live ? '<span id="live-state">live</span> · ' : ''}built ${escapeHtml(o.generated)}</span></header>
<main id="main">
<h1>${escapeHtml(o.title)}</h1>
${o.main}
</main>
<script type="application/json" id="aos-data">${jsonForScript(o.data)}</script>
</body>
</html>
`;
}

/** A table of text cells (escaped), with an optional class per row. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], opts: { id?: string; rowClass?: (i: number) => string | undefined; cellHtml?: (row: number, col: number, text: string) => string | undefined } = {}): string {
  const head = `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((r, i) => {
      const cls = opts.rowClass?.(i);
      return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${r.map((c, j) => `<td>${opts.cellHtml?.(i, j, c) ?? escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table${opts.id ? ` id="${escapeHtml(opts.id)}"` : ''}>${head}<tbody>\n${body}\n</tbody></table>`;
}

export function canvas(id: string, title: string): string {
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption><div class="chart-box"><canvas id="chart-${escapeHtml(id)}" data-chart="${escapeHtml(id)}"></canvas></div></figure>`;
}
