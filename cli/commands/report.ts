// aos report [--out DIR] [--open]: the home as a static site (plain HTML, one stylesheet, one script
// with chart.js bundled in), written to .aos/report/ by default (git-ignored). Works offline from
// file://; nothing is fetched from anywhere.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Args, Env } from '../env.js';
import { UserError } from '../errors.js';
import { openHome } from '../home/home.js';
import { writeAtomic } from '../home/files.js';
import { gatherReport } from './reportdata.js';

/** The built page assets (scripts/build.mjs puts them in dist/page/). */
export async function pageAssets(env: Env): Promise<Map<string, string>> {
  const dir = join(env.packageRoot, 'dist/page');
  const assets = new Map<string, string>();
  for (const name of ['page.js', 'style.css']) {
    try {
      assets.set(name, await fs.readFile(join(dir, name), 'utf8'));
    } catch {
      throw new UserError(`${join(dir, name)} is missing: the report's page script is made by the build (npm run build in ${env.packageRoot})`);
    }
  }
  return assets;
}

export async function report(args: Args, env: Env): Promise<void> {
  const home = await openHome(env);
  const out = args.out === undefined ? join(home.root, '.aos/report') : resolve(env.cwd, String(args.out));
  const assets = await pageAssets(env);
  const { renderSite } = await import('../core/report/pages.js');
  const data = await gatherReport(home, env);
  const pages = renderSite(data);
  await fs.mkdir(join(out, 'assets'), { recursive: true });
  for (const [name, body] of assets) await writeAtomic(join(out, 'assets', name), body);
  for (const [name, html] of pages) await writeAtomic(join(out, name), html);
  const index = join(out, 'index.html');
  if (env.out.json) env.out.data({ out, pages: [...pages.keys()], runs: data.runs.length, memories: data.memories.length, goals: data.goals.length, problems: data.problems });
  else {
    for (const p of data.problems) env.out.warn(`skipped ${p}`);
    env.out.line(`Wrote ${pages.size} pages to ${out}: open ${pathToFileURL(index).href}`);
  }
  if (args.open) {
    const child = spawn('xdg-open', [index], { detached: true, stdio: 'ignore' });
    child.on('error', (err) => env.out.warn(`could not open it (${err.message}): open ${index} in a browser`));
    child.unref();
  }
}
