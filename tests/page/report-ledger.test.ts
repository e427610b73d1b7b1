// The report's ledger page: with jobs in ledger/, a chart of earned, costs and net per month and a
// table per skill that agree with aos ledger --json; without any, a plain sentence and no chart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { aos, json, newHome, tempDir, write } from '../helpers.js';
import { frontMatterText, renderDocument } from '../../cli/core/docs/frontmatter.js';
import { ledgerBody, ledgerFields, ledgerPath, type NewLedgerRecord } from '../../cli/core/economy/ledger.js';

function record(home: string, r: NewLedgerRecord): void {
  const f = ledgerFields(r);
  write(home, ledgerPath(r.date, r.job), renderDocument(frontMatterText(f), ledgerBody(f)));
}

const charts = (html: string) => JSON.parse(/<script type="application\/json" id="aos-data">([\s\S]*?)<\/script>/.exec(html)![1]!).charts;

test('ledger.html charts each month and agrees with aos ledger', () => {
  const home = newHome();
  const sale = { direction: 'sale', counterparty: 'a2a:client-a', skill: 'summarization', tokens: 300, outcome: 'done' } as const;
  record(home, { ...sale, job: 'j1', date: '2026-11-20T10:00:00Z', priceMicros: 5000, costMicros: 1200 });
  record(home, { ...sale, job: 'j2', date: '2026-12-02T10:00:00Z', priceMicros: 5000, costMicros: 900 });
  record(home, { direction: 'spend', counterparty: 'a2a:https://other', skill: 'code_review', tokens: 0, outcome: 'done', job: 'j3', date: '2026-12-03T10:00:00Z', priceMicros: 30000, costMicros: 0 });
  const out = join(tempDir(), 'site');
  const r = aos(['report', '--out', out, '--home', home]);
  assert.is(r.code, 0, r.stderr);
  const html = readFileSync(join(out, 'ledger.html'), 'utf8');
  const [chart] = charts(html);
  assert.equal(chart.labels, ['2026-11', '2026-12']);
  assert.equal(chart.datasets.map((d: any) => [d.label, d.data]), [['earned', [0.005, 0.005]], ['costs', [0.0012, 0.0309]], ['net', [0.0038, -0.0259]]]);
  const ledger = json(aos(['ledger', '--json', '--home', home]));
  for (const m of ledger.months) assert.ok(chart.datasets[2].data.includes(m.net_micros / 1e6), m.month);
  assert.match(html, '<td>code_review</td>');
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), '<a href="ledger.html">Ledger</a>');
});

test('without jobs the ledger page says so and draws nothing', () => {
  const home = newHome();
  const out = join(tempDir(), 'site');
  assert.is(aos(['report', '--out', out, '--home', home]).code, 0);
  const html = readFileSync(join(out, 'ledger.html'), 'utf8');
  assert.match(html, 'nothing sold or bought over A2A yet');
  assert.equal(charts(html), []);
});

test.run();
