// Issue 21's pure decisions, as tables: prices in micro-units, idle windows, acceptance, the job
// profile, ledger sums, and the buyer's grant and price check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAmount, parseAmount, parsePrice, usdToMicros } from '../../cli/core/economy/money.js';
import { inWindow, minuteOf, nextWindow, parseWindow, type Window } from '../../cli/core/economy/idle.js';
import { decideAcceptance, ownerQueue } from '../../cli/core/economy/accept.js';
import { jobActionRefusal, jobCapabilities, jobToolRefusal, type JobSkill } from '../../cli/core/economy/jobprofile.js';
import { ledgerFields, ledgerPath, sumLedger } from '../../cli/core/economy/ledger.js';
import { cardPrice, PRICE_EXTENSION, priceRefusal, remoteGrant } from '../../cli/core/economy/buying.js';
import { parseCapabilities, parseCapability } from '../../cli/core/agents/capabilities.js';
import type { Offer } from '../../cli/core/economy/sellconfig.js';

test('prices: exact micro-units from text, never a float', () => {
  assert.equal(parsePrice('$0.01'), { currency: 'USD', micros: 10_000 });
  assert.equal(parsePrice('0.005 USD'), { currency: 'USD', micros: 5_000 });
  assert.equal(parsePrice('USD 12.345678'), { currency: 'USD', micros: 12_345_678 });
  assert.equal(parsePrice('€1'), { currency: 'EUR', micros: 1_000_000 });
  for (const bad of ['0.01', '$0.0000001', '$-1', 'cheap', '$1e3', '$.5']) assert.is(parsePrice(bad), undefined, bad);
  // 0.1 + 0.2 in floats is 0.30000000000000004; in micro-units it is 300000.
  assert.is(parsePrice('$0.1')!.micros + parsePrice('$0.2')!.micros, 300_000);
  assert.is(parseAmount('0.10'), 100_000);
  assert.is(formatAmount(5_000), '0.005');
  assert.is(formatAmount(10_000), '0.01');
  assert.is(formatAmount(-1_000), '-0.001');
  assert.is(usdToMicros(0.0060000000001), 6_000);
});

test('idle windows: past midnight, and when the next one opens', () => {
  const w = (t: string) => parseWindow(t) as Window;
  const night = w('22:00-07:00');
  const morning = w('09:00-12:00');
  assert.ok(inWindow(night, minuteOf('23:30:00')));
  assert.ok(inWindow(night, minuteOf('06:59:00')));
  assert.not.ok(inWindow(night, minuteOf('07:00:00')));
  assert.ok(inWindow(morning, minuteOf('09:00:00')));
  assert.not.ok(inWindow(morning, minuteOf('12:00:00')));
  assert.equal(nextWindow([night, morning], minuteOf('15:00:00')), { window: night, inMinutes: 420 });
  assert.equal(nextWindow([night, morning], minuteOf('08:00:00')), { window: morning, inMinutes: 60 });
  for (const bad of ['22:00', '25:00-07:00', '10:00-10:00', '9:00-12:00']) assert.ok('error' in parseWindow(bad), bad);
});

const OFFER: Offer = {
  enabled: true,
  skills: [{ id: 'summarization', price: { currency: 'USD', micros: 5000 }, agent: 'chief', languages: [], tags: [], examples: [], http: [], needs: [] }],
  windows: [parseWindow('22:00-07:00') as Window],
  maxOwnerQueue: 0,
  maxTokensPerJob: 1000,
  maxUsdMicrosPerJob: 50_000,
  waitMinutes: 1,
  clients: { acme: 'ACME_KEY' },
};

test('acceptance: enabled, sold, in idle hours, and only when the owner comes first', () => {
  const at = (o: Partial<Parameters<typeof decideAcceptance>[0]>) => decideAcceptance({ offer: OFFER, skill: 'summarization', minute: minuteOf('23:00:00'), ownerQueue: 0, ...o });
  assert.ok(at({}).accept);
  const off = at({ offer: { ...OFFER, enabled: false } });
  assert.equal(off.accept ? '' : off.why, 'disabled');
  assert.equal(at({ offer: undefined }).accept, false);
  const unsold = at({ skill: 'taxes' });
  assert.ok(!unsold.accept && unsold.why === 'unsold' && /"taxes" is not sold here \(sold: summarization\)/.test(unsold.reason));
  const day = at({ minute: minuteOf('15:00:00') });
  assert.ok(!day.accept && day.why === 'idle' && day.retryInMinutes === 420 && /come back at 22:00/.test(day.reason));
  const busy = at({ ownerQueue: 1 });
  assert.ok(!busy.accept && busy.why === 'busy');
  assert.ok(at({ ownerQueue: 2, offer: { ...OFFER, maxOwnerQueue: 2 } }).accept);
  assert.is(ownerQueue([{ front: { kind: 'job', status: 'new' } }, { front: { kind: 'task', status: 'new' } }, { front: { status: 'running' } }, { front: { status: 'done' } }, { front: { status: 'waiting' } }]), 2);
});

test('the job profile: scratch only, no shell, http and memory only as the skill declares', () => {
  const plain: JobSkill = { id: 'summarization', http: [], needs: [] };
  const rich: JobSkill = { id: 'research', http: ['api.example.com'], needs: ['memory'] };
  assert.equal(jobCapabilities(plain, 'J1'), ['file:jobs/J1/**:read,write']);
  assert.equal(jobCapabilities(rich, 'J1'), ['file:jobs/J1/**:read,write', 'http:api.example.com:get,head', 'memory:*:read']);
  for (const c of jobCapabilities(rich, 'J1')) assert.ok('cap' in parseCapability(c), c);
  for (const t of ['run_shell', 'delegate', 'delegate_remote', 'spawn_agent', 'send_message', 'note', 'edit_goal', 'log_progress', 'search_memory', 'read_memory', 'fetch_url']) assert.match(jobToolRefusal(t, plain) ?? '', /^refused/, t);
  for (const t of ['finish', 'read_file', 'write_file', 'list_files']) assert.is(jobToolRefusal(t, plain), undefined, t);
  for (const t of ['fetch_url', 'search_memory', 'read_memory']) assert.is(jobToolRefusal(t, rich), undefined, t);
  const act = (kind: 'shell' | 'http' | 'file', resource: string, verb: string, skill = plain) => jobActionRefusal({ kind, resource, verb }, skill, 'J1');
  assert.match(act('shell', 'ls', 'execute', rich) ?? '', /never runs a shell/);
  assert.is(act('file', 'jobs/J1/out.md', 'write'), undefined);
  assert.match(act('file', 'jobs/J2/out.md', 'read') ?? '', /only in its scratch folder jobs\/J1\//);
  assert.match(act('file', 'memory/MEMORY.md', 'read') ?? '', /refused/);
  assert.is(act('file', 'memory/MEMORY.md', 'read', rich), undefined);
  assert.match(act('file', 'memory/MEMORY.md', 'write', rich) ?? '', /refused/);
  assert.match(act('http', 'https://evil.example/x', 'get', rich) ?? '', /refused/);
  assert.match(act('http', 'https://api.example.com/x', 'post', rich) ?? '', /refused/);
  assert.is(act('http', 'https://api.example.com/x', 'get', rich), undefined);
});

test('ledger: one path per job, margins in micro-units, sums per month and skill', () => {
  assert.is(ledgerPath('2026-12-07T23:31:00+00:00', '20261207T233100-ab12'), 'ledger/2026/12/20261207T233100-ab12.md');
  const sale = ledgerFields({ job: 'a', direction: 'sale', counterparty: 'a2a:acme', skill: 'summarization', date: '2026-12-07T23:00:00+00:00', priceMicros: 5000, costMicros: 1200, tokens: 900, outcome: 'done' });
  assert.equal([sale.price, sale.cost, sale.margin, sale.margin_micros, sale.settlement], ['USD 0.005', 'USD 0.0012', 'USD 0.0038', 3800, 'unpaid']);
  const failed = ledgerFields({ ...sale, job: 'b', direction: 'sale', priceMicros: 5000, costMicros: 700, outcome: 'failed', date: '2026-12-08T01:00:00+00:00', counterparty: 'x', tokens: 1 });
  assert.is(failed.margin_micros, -700, 'a failed job earns nothing and still cost its model calls');
  const spend = ledgerFields({ job: 'c', direction: 'spend', counterparty: 'https://seller/', skill: 'essay_scoring', date: '2026-11-30T10:00:00+00:00', priceMicros: 10_000, costMicros: 0, tokens: 0, outcome: 'done' });
  assert.is(spend.cost_micros, 10_000);
  const { rows, months } = sumLedger([sale, failed, spend]);
  assert.equal(rows.map((r) => [r.month, r.skill, r.jobs, r.earned_micros, r.cost_micros, r.net_micros]), [
    ['2026-12', 'summarization', 2, 5000, 1900, 3100],
    ['2026-11', 'essay_scoring', 1, 0, 10_000, -10_000],
  ]);
  assert.equal(months.map((m) => [m.month, m.net_micros]), [['2026-12', 3100], ['2026-11', -10_000]]);
  assert.equal(sumLedger([sale, failed, spend], '2026-12-01').months.map((m) => m.month), ['2026-12']);
});

test('buying: the grant for a remote URL, its cap, and the price from the card', () => {
  const { caps, errors } = parseCapabilities(['agent:delegate{to:researcher,a2a:https://seller.example/a2a/;max_usd:0.10;auth:SELLER_KEY}']);
  assert.equal(errors, []);
  const g = remoteGrant(caps, 'a2a:https://seller.example/a2a');
  assert.ok(!('refused' in g) && g.maxMicros === 100_000 && g.auth === 'SELLER_KEY' && g.url === 'https://seller.example/a2a/');
  assert.match((remoteGrant(caps, 'a2a:https://other.example/') as { refused: string }).refused, /no capability grants delegation to a2a:https:\/\/other\.example\//);
  for (const [bad, why] of [
    ['agent:delegate{to:a2a:https://x.example/}', /names max_usd/],
    ['agent:delegate{to:a2a:ftp://x;max_usd:1}', /is not a2a:https:\/\/host\/path/],
    ['agent:delegate{to:a2a:https://x.example/;max_usd:ten}', /max_usd must be a dollar amount/],
  ] as const) assert.match((parseCapability(bad) as { error: string }).error, why, bad);
  // The URI form reads the same (capuri.ts decodes the address).
  const uri = parseCapability('capability://agent/delegate?to=a2a%3Ahttps%3A%2F%2Fseller.example%2Fa2a%2F&max_usd=0.10');
  assert.ok('cap' in uri && uri.cap.constraints.to![0] === 'a2a:https://seller.example/a2a/' && uri.cap.constraints.max_usd![0] === '0.10');
  const card = { capabilities: { extensions: [{ uri: PRICE_EXTENSION, params: { currency: 'USD', skills: { summarization: '0.005' } } }] }, skills: [{ id: 'summarization', tags: [] }, { id: 'essay', tags: ['price:USD 0.01'] }] };
  assert.is(cardPrice(card, 'summarization', PRICE_EXTENSION), 5000);
  assert.is(cardPrice(card, 'essay', PRICE_EXTENSION), 10_000);
  assert.is(cardPrice(card, 'other', PRICE_EXTENSION), undefined);
  const grant = g as Exclude<typeof g, { refused: string }>;
  assert.is(priceRefusal(5000, grant, 'summarization'), undefined);
  assert.match(priceRefusal(200_000, grant, 'summarization') ?? '', /costs \$0\.2 there, over max_usd 0\.10/);
  assert.match(priceRefusal(undefined, grant, 'x') ?? '', /names no USD price/);
});

test.run();
