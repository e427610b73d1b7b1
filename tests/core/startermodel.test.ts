import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseStarterModel, parseOllamaList, resolveModelChoice, type ModelFacts } from '../../cli/core/agents/startermodel.js';

const none: ModelFacts = { apiKey: false, programs: [], ollamaModels: [] };
const kind = (r: ReturnType<typeof chooseStarterModel>) => ('error' in r ? `error: ${r.error}` : r.kind);

test('resolveModelChoice: auto on a terminal, none elsewhere, an explicit choice always', () => {
  assert.is(resolveModelChoice(undefined, true), 'auto');
  assert.is(resolveModelChoice(undefined, false), 'none');
  assert.is(resolveModelChoice('auto', false), 'auto');
  assert.is(resolveModelChoice('none', true), 'none');
});

test('chooseStarterModel: the order an owner expects (key, claude, codex, ollama with a model)', () => {
  const rows: [Parameters<typeof chooseStarterModel>, string][] = [
    [['auto', true, { ...none, apiKey: true, programs: ['claude'] }], 'anthropic'],
    [['auto', true, { ...none, programs: ['codex', 'claude'] }], 'claude'],
    [['auto', true, { ...none, programs: ['ollama', 'codex'] }], 'codex'],
    [['auto', true, { ...none, programs: ['ollama'], ollamaModels: ['llama3.1'] }], 'ollama'],
    [['auto', true, { ...none, programs: ['ollama'] }], 'none'],
    [['auto', false, none], 'none'],
    [[undefined, true, { ...none, programs: ['claude'] }], 'claude'],
    [[undefined, false, { ...none, programs: ['claude'] }], 'none'],
    [['anthropic', false, none], 'anthropic'],
    [['codex', false, none], 'codex'],
    [['ollama', false, none], 'error: --model ollama: ollama is not on PATH; install it from https://ollama.com and pull a model (nothing was changed)'],
  ];
  for (const [args, want] of rows) assert.is(kind(chooseStarterModel(...args)), want, JSON.stringify(args));
});

test('chooseStarterModel: a choice made without the program says it is missing', () => {
  const r = chooseStarterModel('claude', true, none);
  assert.ok(!('error' in r) && /claude is not on PATH yet/.test(r.said));
});

test('parseOllamaList: the first column under the header', () => {
  assert.equal(parseOllamaList('NAME ID SIZE MODIFIED\nllama3.1:latest 42 4.7 GB 2 days ago\nqwen:7b 1 1 GB now\n'), ['llama3.1:latest', 'qwen:7b']);
  assert.equal(parseOllamaList('NAME ID SIZE MODIFIED\n'), []);
  assert.equal(parseOllamaList(''), []);
});

test.run();
