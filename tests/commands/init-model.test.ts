// aos init --model: finds what the machine has (fake claude and ollama programs on a temp PATH),
// writes it into aos.yaml and says what it chose and how to change it; never chooses off a terminal
// unless asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { aos, json, read, tempDir } from '../helpers.js';

/** A PATH holding only git and the given fake programs (each a shell script). */
function fakePath(programs: Record<string, string>): { env: Record<string, string>; dir: string } {
  const dir = tempDir('aos-init-model-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync('/usr/bin/git', join(bin, 'git'));
  for (const [name, script] of Object.entries(programs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { dir, env: { PATH: bin, HOME: dir, LANG: 'C.UTF-8' } };
}

const model = (home: string) => (parse(read(home, 'aos.yaml')) as { model: Record<string, unknown> }).model;

test('--model auto with claude on PATH: aos.yaml thinks with Claude Code, and says how to change it', () => {
  const { dir, env } = fakePath({ claude: 'echo "{}"', ollama: 'echo "NAME ID SIZE MODIFIED"; echo "llama3.1:latest abc 4.7GB now"' });
  const r = aos(['init', join(dir, 'h'), '--owner', 'T', '--timezone', 'UTC', '--model', 'auto'], { env });
  assert.is(r.code, 0, r.stderr);
  assert.equal(model(join(dir, 'h')), { provider: 'command', command: ['claude', '-p', '--output-format', 'json'], model: 'claude', timeout_seconds: 300 });
  assert.match(r.stdout, /Model: Claude Code, because claude is on PATH/);
  assert.match(r.stdout, /To change it: edit model: in aos\.yaml/);
  assert.match(read(join(dir, 'h'), 'aos.yaml'), /# none \| anthropic \| command\n  provider: command/);
  const status = aos(['status', '--home', join(dir, 'h')], { env });
  assert.is(status.code, 0, status.stderr);
});

test('--model auto prefers ANTHROPIC_API_KEY; with only ollama it takes the first pulled model', () => {
  const a = fakePath({ claude: 'exit 0' });
  const r = aos(['init', join(a.dir, 'h'), '--owner', 'T', '--timezone', 'UTC', '--model', 'auto', '--json'], { env: { ...a.env, ANTHROPIC_API_KEY: 'sk-test' } });
  assert.is(r.code, 0, r.stderr);
  assert.equal(model(join(a.dir, 'h')), { provider: 'anthropic', model: 'claude-sonnet-4-6' });
  assert.is(json(r).model.kind, 'anthropic');
  assert.not.match(read(join(a.dir, 'h'), 'aos.yaml'), /sk-test/);

  const o = fakePath({ ollama: '[ "$1" = list ] || exit 3; echo "NAME              ID     SIZE   MODIFIED"; echo "qwen2.5:7b  abc  4.7 GB  2 days ago"' });
  const r2 = aos(['init', join(o.dir, 'h'), '--owner', 'T', '--timezone', 'UTC', '--model', 'auto'], { env: o.env });
  assert.is(r2.code, 0, r2.stderr);
  assert.equal(model(join(o.dir, 'h')).command, ['ollama', 'run', 'qwen2.5:7b']);
  assert.match(r2.stdout, /Model: Ollama with qwen2\.5:7b, because ollama is on PATH with qwen2\.5:7b pulled/);
});

test('--model auto with nothing found says exactly what to install or set; an empty ollama is named', () => {
  const { dir, env } = fakePath({ ollama: 'echo "NAME ID SIZE MODIFIED"' });
  const r = aos(['init', join(dir, 'h'), '--owner', 'T', '--timezone', 'UTC', '--model', 'auto'], { env });
  assert.is(r.code, 0, r.stderr);
  assert.is(model(join(dir, 'h')).provider, 'none');
  for (const want of [/export ANTHROPIC_API_KEY=/, /npm install -g @anthropic-ai\/claude-code/, /npm install -g @openai\/codex/, /https:\/\/ollama\.com/, /ollama is installed but has no model pulled: ollama pull llama3\.1/]) {
    assert.match(r.stdout, want);
  }
  const explicit = aos(['init', join(dir, 'h2'), '--owner', 'T', '--model', 'ollama'], { env });
  assert.is(explicit.code, 1);
  assert.match(explicit.stderr, /--model ollama: ollama has no model pulled; run ollama pull llama3\.1 first \(nothing was changed\)/);
});

test('off a terminal without --model nothing is chosen, even with claude on PATH, and it says how to choose', () => {
  const { dir, env } = fakePath({ claude: 'exit 0' });
  const r = aos(['init', join(dir, 'h'), '--owner', 'T', '--timezone', 'UTC'], { env });
  assert.is(r.code, 0, r.stderr);
  assert.is(model(join(dir, 'h')).provider, 'none');
  assert.match(r.stdout, /Model: none \(not a terminal, so aos chose nothing for you\)\. aos init --model auto takes what this machine has/);
});

test.run();
