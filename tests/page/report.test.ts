// aos report in a real headless Chromium: a home with real runs (ticks against the fake Messages
// API), a goal with History, memories with a supersede chain and a hostile memory, two agents.
// The pages load from file:// with the network closed: charts hold the home's data, the memory
// search finds a topic, nothing logs an error, and no script from the home's files runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { aosAsync, json } from '../helpers.js';
import { envFor } from '../model-helpers.js';
import { browser, reportHome } from '../report-helpers.js';

const PAGES = ['index.html', 'runs.html', 'spend.html', 'goals.html', 'memory.html', 'capabilities.html'];

test('aos report: every page renders offline in Chromium with the home data, the search box finds a topic, no hostile script runs', async () => {
  await reportHome(async ({ home }) => {
    const built = await aosAsync(['report', '--home', home, '--json'], { env: envFor(undefined) });
    assert.is(built.code, 0, built.stderr);
    const out = json(built).out as string;
    assert.is(out, join(home, '.aos/report'));
    for (const p of PAGES) assert.ok(existsSync(join(out, p)), p);
    assert.ok(existsSync(join(out, 'assets/page.js')), 'chart.js is bundled as a local file');
    // No address outside the report in any page: offline, no CDN.
    for (const p of PAGES) assert.not.match(readFileSync(join(out, p), 'utf8'), /(src|href)="(https?:)?\/\//, p);
    const usage = json(await aosAsync(['usage', '--home', home, '--json', '--by', 'agent'], { env: envFor(undefined) }));
    const byAgent = new Map<string, { usd: number; tokens: number; runs: number }>(usage.rows.map((r: { key: string }) => [r.key, r]));
    assert.equal([...byAgent.keys()].sort(), ['chief', 'researcher']);

    const ctx = await browser();
    try {
      const errors: string[] = [];
      const dialogs: string[] = [];
      const requests: string[] = [];
      ctx.on('request', (r) => requests.push(r.url()));
      const open = async (name: string) => {
        const page = await ctx.newPage();
        page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
        page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
        page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
        await page.goto(pathToFileURL(join(out, name)).href);
        await page.waitForFunction(() => (window as any).aosReport !== undefined);
        return page;
      };

      for (const name of PAGES) {
        const page = await open(name);
        const attack = await page.evaluate(() => ({
          pwned: (window as any).__pwned ?? null,
          scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src') ?? s.type),
          handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
          jsLinks: [...document.querySelectorAll('[href],[src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
          frames: document.querySelectorAll('iframe, object, embed').length,
        }));
        assert.is(attack.pwned, null, `${name}: a script from the home ran`);
        assert.equal(attack.scripts, ['assets/page.js', 'application/json'], `${name}: only the report's own scripts`);
        assert.is(attack.handlers, 0, `${name}: no inline event handler`);
        assert.is(attack.jsLinks, 0, `${name}: no javascript: link`);
        assert.is(attack.frames, 0, name);
        await page.close();
      }

      // Spend: the charts hold the home's spend, stacked by agent, with the chief's budget as a line.
      const spend = await open('spend.html');
      const charts = await spend.evaluate(() => (window as any).aosReport.charts());
      const usd = charts.find((c: { id: string }) => c.id === 'spend-usd-agent');
      assert.ok(usd && usd.points > 0, 'the USD chart has points');
      const sum = (label: string) => usd.datasets.find((d: { label: string }) => d.label === label).data.reduce((a: number, b: number) => a + b, 0);
      for (const [agent, row] of byAgent) assert.ok(Math.abs(sum(agent) - row.usd) < 1e-9, `${agent}: chart ${sum(agent)} vs aos usage ${row.usd}`);
      assert.ok(row(usd, 'chief budget').every((v: number) => v === 2), 'the budget line is at usd_per_day');
      const tokens = charts.find((c: { id: string }) => c.id === 'spend-tokens-agent');
      assert.is(tokens.datasets.filter((d: { label: string }) => !d.label.endsWith('budget')).reduce((n: number, d: { data: number[] }) => n + d.data.reduce((a, b) => a + b, 0), 0), usage.total.tokens);
      // Drawn, not only configured: the canvas has painted pixels.
      const painted = await spend.evaluate(() => {
        const c = document.querySelector('canvas[data-chart="spend-usd-agent"]') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      assert.ok(painted > 500, `painted pixels: ${painted}`);
      // The usage table on the page prints the same cells as aos usage.
      const cli = await aosAsync(['usage', '--home', home, '--by', 'model'], { env: envFor(undefined) });
      const pageRows = await spend.evaluate(() => [...document.querySelectorAll('#usage-model tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' ')));
      const cliRows = cli.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/).join(' '));
      assert.equal(pageRows, cliRows);
      await spend.close();

      // Runs: one timeline point per run; the table's lines are aos runs' lines; tool calls folded.
      const runsPage = await open('runs.html');
      const runs = json(await aosAsync(['runs', '--home', home, '--json'], { env: envFor(undefined) })).runs;
      assert.is(runs.length, 3);
      const timeline = (await runsPage.evaluate(() => (window as any).aosReport.charts())).find((c: { id: string }) => c.id === 'runs-timeline');
      assert.is(timeline.points, runs.length);
      const cliRuns = (await aosAsync(['runs', '--home', home], { env: envFor(undefined) })).stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/).join(' '));
      const pageRuns = await runsPage.evaluate(() => [...document.querySelectorAll('#runs-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' ')));
      assert.equal(pageRuns, cliRuns);
      const folded = await runsPage.evaluate(() => [...document.querySelectorAll('details.call')].map((d) => ({ open: (d as HTMLDetailsElement).open, text: d.textContent })));
      assert.ok(folded.length >= 1 && folded.every((f) => !f.open), 'tool calls folded');
      assert.ok(folded.some((f) => /search_memory[\s\S]*trains/.test(f.text ?? '')));
      await runsPage.close();

      // Goals: the History values are the chart's points, with target and pace lines.
      const goals = await open('goals.html');
      const goal = (await goals.evaluate(() => (window as any).aosReport.charts())).find((c: { id: string }) => c.id === 'goal-ielts');
      assert.equal(row(goal, 'task2-argument').map((p: { y: number }) => p.y), [6.5, 6.8, 7]);
      assert.equal(row(goal, 'task1-data').map((p: { y: number }) => p.y), [7.0, 7.5]);
      assert.equal(row(goal, 'task2-argument target').map((p: { y: number }) => p.y), [8, 8]);
      assert.equal(row(goal, 'task2-argument pace').map((p: { y: number }) => p.y), [6.5, 8]);
      await goals.close();

      // Memory: the search box narrows the topics; the supersede chain is drawn.
      const mem = await open('memory.html');
      const all = readdirSync(join(home, 'memory')).filter((f) => f.endsWith('.md') && f !== 'MEMORY.md').length;
      assert.is(await mem.locator('#topics .topic:visible').count(), all);
      await mem.fill('#memory-search', 'locomotives');
      assert.equal(await mem.locator('#topics .topic:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-slug'))), ['prefers-trains']);
      assert.is(await mem.textContent('#memory-search-count'), `1 of ${all} topics`);
      await mem.fill('#memory-search', '');
      assert.is(await mem.locator('#topics .topic:visible').count(), all);
      const edges = await mem.evaluate(() => [...document.querySelectorAll('svg.supersede-graph line.edge')].map((l) => `${l.getAttribute('data-from')}>${l.getAttribute('data-to')}`));
      assert.equal(edges.sort(), ['mid-plan>new-plan', 'old-plan>mid-plan']);
      assert.match(await mem.innerHTML('#m-prefers-trains'), /<strong>locomotives<\/strong>/);
      await mem.close();

      // Capabilities: the matrix marks the policy's ask on the chief's notes grant.
      const caps = await open('capabilities.html');
      const chiefNotes = await caps.evaluate(() => [...document.querySelectorAll('#cap-matrix tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)).find((r) => r[0] === 'file:notes/**:read,write'));
      assert.ok(chiefNotes, 'the chief grant is a row');
      assert.match(chiefNotes![1]!, /✓ never/);
      await caps.close();

      assert.equal(errors, [], 'no console errors');
      assert.equal(dialogs, []);
      assert.equal(requests.filter((u) => !u.startsWith('file://')), [], 'nothing fetched from the network');
    } finally {
      await ctx.close();
    }
  });
});

function row(chart: { datasets: { label: string; data: any[] }[] }, label: string): any[] {
  const d = chart.datasets.find((x) => x.label === label);
  assert.ok(d, `dataset ${label} in ${chart.datasets.map((x) => x.label).join(', ')}`);
  return d!.data;
}

test.run();
