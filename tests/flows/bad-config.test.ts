// Issue 14 item 10: a broken aos.yaml (a time zone the runtime does not know, or bad YAML) is never
// committed as a hand edit; the tick runs on the last good copy in .aos/ and exits 1 naming the
// file and line, every tick, until it is fixed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, newHome, read, write } from '../helpers.js';

function lineOf(text: string, pattern: RegExp): number {
  return text.split('\n').findIndex((l) => pattern.test(l)) + 1;
}

test('a bad time zone: not committed, every tick runs on the last good copy and exits 1 with file and line', () => {
  const home = newHome();
  const first = aos(['tick'], { cwd: home });
  assert.is(first.code, 0, first.stderr);
  assert.is(read(home, '.aos/last-good-aos.yaml'), read(home, 'aos.yaml'), 'the tick keeps the last good copy');
  const good = read(home, 'aos.yaml');

  const bad = good.replace(/timezone: UTC/, 'timezone: Mars/Olympus_Mons');
  assert.is.not(bad, good);
  write(home, 'aos.yaml', bad);
  write(home, 'notes.md', 'another hand edit\n');
  const line = lineOf(bad, /timezone:/);
  for (let n = 0; n < 2; n++) {
    const r = aos(['tick'], { cwd: home });
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`aos\\.yaml:${line}: owner\\.timezone: expected an IANA time zone`));
    assert.match(r.stderr, /last-good-aos\.yaml/);
    assert.match(r.stderr, /docs\/recovery\.md#bad-aosyaml/);
    assert.is(git(home, ['show', 'HEAD:aos.yaml']), good, 'the broken aos.yaml is not committed');
    assert.match(git(home, ['status', '--porcelain']), /aos\.yaml/);
  }
  assert.match(git(home, ['log', '--name-only', '--format=']), /notes\.md/, 'the other hand edits are committed');
  assert.is(read(home, '.aos/last-good-aos.yaml'), good, 'the last good copy is kept');

  // Other commands go on, on the last good copy, and say so.
  const add = aos(['inbox', 'add', 'still works'], { cwd: home });
  assert.is(add.code, 0, add.stderr);
  assert.match(add.stderr, /running on the last good aos\.yaml: aos\.yaml:\d+/);
  const doc = aos(['doctor'], { cwd: home });
  assert.is(doc.code, 1);
  assert.match(doc.stdout, /runs on the last good copy/);

  // Fixed: committed as a hand edit, the tick is clean again.
  write(home, 'aos.yaml', good.replace(/timezone: UTC/, 'timezone: Europe/Lisbon'));
  const fixed = aos(['tick'], { cwd: home });
  assert.is(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(git(home, ['show', 'HEAD:aos.yaml']), /Europe\/Lisbon/, 'committed once valid');
  assert.match(read(home, '.aos/last-good-aos.yaml'), /Europe\/Lisbon/);
});

test('broken YAML with no last good copy: nothing runs, nothing is committed, the error names file and line', () => {
  const home = newHome();
  assert.not.ok(existsSync(join(home, '.aos/last-good-aos.yaml')));
  const good = read(home, 'aos.yaml');
  write(home, 'aos.yaml', `${good}owner: [\n`);
  const r = aos(['tick'], { cwd: home });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /aos\.yaml:\d+:/);
  assert.match(r.stderr, /no last good copy/);
  assert.match(r.stderr, /docs\/recovery\.md#bad-aosyaml/);
  assert.is(git(home, ['show', 'HEAD:aos.yaml']), good);
});

test('aos tick --dry-run shows the broken aos.yaml held back', () => {
  const home = newHome();
  aos(['tick'], { cwd: home });
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/timezone: UTC/, 'timezone: Nowhere/Town'));
  const r = aos(['tick', '--dry-run'], { cwd: home });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /aos\.yaml:\d+: owner\.timezone/);
  assert.not.match(r.stdout, /would commit your hand edits[^\n]*aos\.yaml/);
});

test.run();
