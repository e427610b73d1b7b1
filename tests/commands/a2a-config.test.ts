// Issue 21: a bad sell_to_network: in aos.yaml is a clear error naming aos.yaml and the key, and
// nothing is served; the card follows aos.yaml.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, read, write } from '../helpers.js';
import { envFor, modelHome } from '../model-helpers.js';
import { SELL_YAML } from '../a2a-helpers.js';

const run = (home: string, args: string[]) => aos([...args, '--home', home], { env: envFor(undefined, { ACME_KEY: 'k' }) });

function withSell(yaml: string): string {
  const home = modelHome();
  write(home, 'aos.yaml', read(home, 'aos.yaml') + yaml);
  return home;
}

test('a price given as a bare number, in another currency or as nonsense: aos.yaml, the line and the key', () => {
  for (const [bad, expected] of [
    ['price: 0.005', /aos\.yaml:\d+: sell_to_network\.capabilities\.1\.summarization\.price: expected a price as text with its currency, like \$0\.005/],
    ['price: "€0.005"', /sell_to_network\.capabilities\.1\.summarization\.price: expected a price .*USD/],
    ['price: cheap', /sell_to_network\.capabilities\.1\.summarization\.price/],
  ] as const) {
    const home = withSell(SELL_YAML().replace('price: $0.005', bad));
    for (const args of [['a2a', 'card'], ['a2a', 'serve', '--port', '0']]) {
      const r = run(home, args);
      assert.is(r.code, 1, `${bad}: ${r.stdout}`);
      assert.match(r.stderr, expected);
      assert.not.match(r.stdout, /listening/);
    }
  }
});

test('bad idle hours, an unknown key, a client whose key is not a secret, an unknown serving agent', () => {
  const cases: [string, RegExp][] = [
    [SELL_YAML().replace('[22:00-07:00, 09:00-12:00]', '[22:00-31:00]'), /sell_to_network\.idle_hours\.0: expected a window like 22:00-07:00/],
    [SELL_YAML('  sell_everything: true\n'), /aos\.yaml:\d+: sell_to_network\.sell_everything: expected a known field/],
    [SELL_YAML().replace('acme: ACME_KEY', 'acme: NOT_A_SECRET'), /aos\.yaml: sell_to_network\.clients\.acme: expected the name of a secret listed in secrets:.*found NOT_A_SECRET/],
    [SELL_YAML().replace('price: $0.01 }', 'price: $0.01, agent: nobody }'), /aos\.yaml: sell_to_network\.capabilities\.0\.essay_scoring\.agent: expected an agent of agents\//],
    [SELL_YAML().replace('max_usd_per_job: "0.05"', 'max_usd_per_job: lots'), /sell_to_network\.max_usd_per_job: expected a dollar amount/],
  ];
  for (const [yaml, expected] of cases) {
    const home = withSell(yaml);
    const r = run(home, ['a2a', 'card']);
    assert.is(r.code, 1, r.stdout);
    assert.match(r.stderr, expected);
    const d = run(home, ['doctor']);
    assert.is(d.code, 1, 'aos doctor finds it too');
    assert.match(d.stdout + d.stderr, expected);
  }
});

test('a broken aos.yaml with a last good copy: other commands go on, but nothing is sold on the old copy', () => {
  const home = withSell(SELL_YAML());
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'sell']);
  assert.is(aos(['tick', '--home', home], { env: envFor(undefined) }).code, 0, 'the tick keeps a last good copy');
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('price: $0.005', 'price: 0.005'));
  const r = run(home, ['a2a', 'serve', '--port', '0']);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stderr, /aos\.yaml is broken, so nothing is sold until it is fixed:\naos\.yaml:\d+: sell_to_network\.capabilities\.1\.summarization\.price/);
});

test('no sell_to_network: section: nothing is sold, and aos says where to start', () => {
  const r = run(modelHome(), ['a2a', 'card']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /aos\.yaml has no sell_to_network: section/);
});

test('the card: the sold skills with tags, languages, examples and price, the bearer scheme, the public URL', () => {
  const home = withSell(SELL_YAML());
  const r = run(home, ['a2a', 'card', '--url', 'https://agents.example.org/alex/']);
  assert.is(r.code, 0, r.stderr);
  const card = JSON.parse(r.stdout);
  assert.equal(card.skills.map((s: any) => s.id), ['essay_scoring', 'summarization']);
  assert.equal(card.skills[0].tags, ['language:en', 'language:zh', 'price:USD 0.01']);
  assert.is(card.supportedInterfaces[0].url, 'https://agents.example.org/alex/');
  assert.is(card.supportedInterfaces[0].protocolBinding, 'JSONRPC');
  assert.ok(card.securitySchemes.bearer.httpAuthSecurityScheme);
  assert.equal(card.capabilities.extensions[0].params, { currency: 'USD', skills: { essay_scoring: '0.01', summarization: '0.005' } });
  // The tick is not bothered by a sell_to_network section.
  const t = aos(['tick', '--home', home], { env: envFor(undefined) });
  assert.is(t.code, 0, t.stderr);
  void git;
});

test.run();
