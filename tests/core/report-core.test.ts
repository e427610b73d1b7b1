// The report's pure parts: usage sums, trailer parsing, supersede edges and their SVG, the policy
// marks of the capability matrix, sanitized markdown and JSON that cannot close its script tag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUsageTrailer, spendOn, sumUsage, type Spend } from '../../cli/core/report/usage.js';
import { supersedeEdges, supersedeSvg } from '../../cli/core/report/graph.js';
import { policyFor } from '../../cli/core/report/pages.js';
import { renderMarkdown } from '../../cli/core/report/markdown.js';
import { escapeHtml, jsonForScript } from '../../cli/core/report/html.js';
import { budgetText, runCells } from '../../cli/core/report/format.js';
import { daysFrom, spendChart } from '../../cli/core/report/charts.js';
import { parsePolicy } from '../../cli/core/agents/policy.js';

const spend = (over: Partial<Spend>): Spend => ({ id: 'r', agent: 'chief', model: 'm', day: '2026-11-20', started: '2026-11-20T10:00:00+00:00', outcome: 'done', usage: { input: 10, output: 5, cache_read: 1, cache_write: 2 }, usd: 0.1, tool_calls: 1, kind: 'run', ...over });

test('sumUsage: groups, total, failures, calls outside runs; 0.1 + 0.2 sums to 0.3', () => {
  const s = [spend({}), spend({ agent: 'researcher', usd: 0.2, outcome: 'failed' }), spend({ kind: 'brief', tool_calls: 0, usd: null, day: '2026-11-21' })];
  const { rows, total } = sumUsage(s, 'agent');
  assert.equal(rows.map((r) => [r.key, r.runs, r.calls, r.failures, r.tokens]), [['chief', 1, 1, 0, 36], ['researcher', 1, 0, 1, 18]]);
  assert.is(total.usd, 0.3);
  assert.is(total.tool_calls, 2);
  assert.equal(sumUsage(s, 'day').rows.map((r) => r.key), ['2026-11-20', '2026-11-21']);
  assert.equal([...spendOn(s, '2026-11-21')], [['chief', { tokens: 18, usd: 0 }]]);
});

test('parseUsageTrailer reads what usageTrailer writes, and refuses junk', () => {
  assert.equal(parseUsageTrailer('in=10 out=5 cache_read=7 cache_write=3 usd=0.0012'), { usage: { input: 10, output: 5, cache_read: 7, cache_write: 3 }, usd: 0.0012 });
  assert.equal(parseUsageTrailer('in=10 out=5 cache_read=0 cache_write=0'), { usage: { input: 10, output: 5, cache_read: 0, cache_write: 0 }, usd: null });
  assert.is(parseUsageTrailer('lots'), undefined);
});

test('supersede edges come from either side once; a cycle written by hand still draws', () => {
  const topics = [
    { slug: 'a', title: 'A', status: 'superseded', supersedes: [], superseded_by: 'b' },
    { slug: 'b', title: 'B', status: 'active', supersedes: ['a'] },
    { slug: 'c', title: 'C <script>', status: 'active', supersedes: ['gone'] },
  ];
  assert.equal(supersedeEdges(topics), [{ from: 'a', to: 'b' }, { from: 'gone', to: 'c' }]);
  const svg = supersedeSvg(topics)!;
  assert.match(svg, /C &lt;script&gt;/);
  assert.match(svg, /class="node missing" data-slug="gone"/);
  assert.is(supersedeSvg([{ slug: 'x', title: 'X', status: 'active', supersedes: [] }]), undefined);
  const cycle = supersedeSvg([{ slug: 'p', title: 'P', status: 'active', supersedes: ['q'] }, { slug: 'q', title: 'Q', status: 'active', supersedes: ['p'] }]);
  assert.ok(cycle && cycle.includes('data-slug="p"') && cycle.includes('data-slug="q"'));
});

test('policyFor marks grants an ask or never rule can reach, and only those', () => {
  const { policy } = parsePolicy({ ask: ['file:notes/**:write', 'http:api.github.com:post'], never: ['file:notes/secret/**:write'], safe: ['shell:ls *'] });
  assert.equal(policyFor('file:notes/**:read,write', policy.rules).map((r) => r.class).sort(), ['ask', 'never']);
  assert.equal(policyFor('file:notes/**:read', policy.rules), [], 'read is not asked');
  assert.equal(policyFor('file:projects/**:write', policy.rules), []);
  assert.equal(policyFor('memory:*:read', policy.rules), []);
  assert.equal(policyFor('not a capability', policy.rules), []);
});

test('markdown: raw HTML, handlers and javascript: links never survive; GFM tables do', () => {
  const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1))\n\n| a |\n|---|\n| 1 |\n');
  assert.not.match(html, /<script|onerror|javascript:/i);
  assert.match(html, /<table>/);
});

test('escaping: text and JSON cannot leave their place in the page', () => {
  assert.is(escapeHtml(`<a href="x" onclick='y'>&`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  const json = jsonForScript({ t: '</script><script>alert(1)</script>\u2028' });
  assert.not.match(json, /<\/script/i);
  assert.equal(JSON.parse(json), { t: '</script><script>alert(1)</script>\u2028' });
});

test('format: one run line for the CLI and the page; budgets as text', () => {
  assert.equal(runCells({ run: 'r-1', agent: 'chief', outcome: 'done', turns: 2, usage: { input: 1, output: 2, cache_read: 3, cache_write: 4 }, cost_usd: null, item: null }), ['r-1', 'chief', 'done', '2', '10', '-', '-']);
  assert.is(budgetText(500, 1000, 'tokens'), '500 tokens of 1000 tokens (50%)');
  assert.is(budgetText(0.25, 0.5, 'usd'), '$0.2500 of $0.50 (50%)');
});

test('spendChart: days in order, bars stacked, budget lines in a stack of their own', () => {
  const days = daysFrom('2026-11-30', '2026-12-02');
  assert.equal(days, ['2026-11-30', '2026-12-01', '2026-12-02']);
  const c = spendChart('x', [spend({ day: '2026-12-01', usd: 0.5 }), spend({ day: '2026-12-01', usd: 0.25 })], days, 'agent', 'usd', new Map([['chief', 2]]));
  assert.equal(c.datasets.map((d) => [d.label, d.stack, d.data]), [['chief', 'spend', [0, 0.75, 0]], ['chief budget', 'budget-chief', [2, 2, 2]]]);
});

test.run();
