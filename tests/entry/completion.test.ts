// Shell completion and the man page come from the command table: real bash completes with the
// generated script, and the built dist/aos.1 names every command and option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, ROOT, aos } from '../helpers.js';
import { COMMANDS, GLOBAL_OPTIONS } from '../../cli/table.js';

/** What real bash offers for this command line (the cursor at its end), with the script aos prints. */
function complete(words: string[]): string[] {
  const script = `source <("${process.execPath}" "${AOS}" completion bash) || exit 9
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_aos; printf '%s\\n' "\${COMPREPLY[@]}"
complete -p aos`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.match(lines.pop()!, /complete .*-F _aos aos/);
  return lines.sort();
}

test('bash completes the first word from every command and group of the table', () => {
  const got = complete(['aos', '']);
  for (const c of COMMANDS) assert.ok(got.includes(c.path[0]!), `missing ${c.path[0]}: ${got}`);
  assert.equal(complete(['aos', 'in']), ['inbox', 'init']);
});

test('bash completes a group\'s commands, a command\'s options and an option\'s choices', () => {
  assert.equal(complete(['aos', 'inbox', '']), ['add', 'list', 'show']);
  assert.equal(complete(['aos', '--home', '/tmp', 'goal', 'l']), ['list', 'log']);
  assert.equal(complete(['aos', 'tick', '--']), ['--dry-run', '--home', '--json']);
  assert.equal(complete(['aos', 'inbox', 'add', '--priority', 'u']), ['urgent']);
  assert.equal(complete(['aos', 'inbox', 'add', '--to', 'chief', '--p']), ['--priority']);
  assert.equal(complete(['aos', 'completion', '']), ['bash', 'fish', 'zsh']);
});

test('zsh and fish scripts name every command; an unknown shell is a usage error', () => {
  const zsh = aos(['completion', 'zsh']);
  assert.is(zsh.code, 0, zsh.stderr);
  assert.match(zsh.stdout, /^#compdef aos/);
  assert.match(zsh.stdout, /bashcompinit/);
  const fish = aos(['completion', 'fish']);
  assert.is(fish.code, 0, fish.stderr);
  for (const c of COMMANDS) assert.match(fish.stdout, new RegExp(`-a ${c.path[c.path.length - 1]} `), c.path.join(' '));
  const bad = aos(['completion', 'tcsh']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown shell "tcsh"; choose one of bash, zsh, fish/);
});

test('the build writes dist/aos.1 with every command and option; package.json points man at it', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man?: string };
  assert.is(pkg.man, './dist/aos.1');
  const page = join(ROOT, 'dist/aos.1');
  assert.ok(existsSync(page), 'node scripts/build.mjs writes dist/aos.1');
  const r = spawnSync('man', ['-l', page], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '200', MAN_KEEP_FORMATTING: '' } });
  // Where man is installed, the page must render; the text checks below hold either way.
  // Spaces collapsed: man justifies a long line, and where it widens a gap alternates from line to line.
  const text = (r.status === 0 ? r.stdout.replace(/.\x08/g, '') : readFileSync(page, 'utf8').replace(/\\-/g, '-').replace(/\\e/g, '\\')).replace(/ {2,}/g, ' ');
  assert.match(text, /^AOS\(1\)|\.TH AOS 1/m);
  for (const c of COMMANDS) {
    assert.ok(text.includes(`aos ${c.path.join(' ')}`), `the man page lacks aos ${c.path.join(' ')}`);
    for (const k of Object.keys(c.options ?? {})) assert.ok(text.includes(`--${k}`), `the man page lacks --${k} of ${c.path.join(' ')}`);
  }
  for (const k of Object.keys(GLOBAL_OPTIONS)) assert.ok(text.includes(`--${k}`), `--${k}`);
});

test.run();
