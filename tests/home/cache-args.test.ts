// The document cache never serves a stale or broken copy; the fast argument path agrees with the table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aos, newHome, read, write, json } from '../helpers.js';
import { fastParse } from '../../cli/fastargs.js';

test('an edited file is parsed again, not served from the cache', () => {
  const home = newHome();
  assert.is(aos(['status'], { cwd: home }).code, 0);
  assert.ok(existsSync(join(home, '.aos/cache/docs.json')), 'status wrote the cache');
  write(home, 'agents/coder.md', read(home, 'agents/coder.md').replace('status: active', 'status: paused'));
  assert.is(json(aos(['agent', 'show', 'coder', '--json'], { cwd: home })).status, 'paused');
  write(home, 'agents/coder.md', '---\nname: [broken\n---\n');
  const list = aos(['agent', 'list', '--json'], { cwd: home });
  assert.not.ok(json(list).agents.some((a: { id: string }) => a.id === 'coder'));
  assert.match(JSON.stringify(json(list).problems), /agents\/coder\.md/);
});

test('a corrupt or truncated cache is rebuilt, never a crash', () => {
  const home = newHome();
  aos(['status'], { cwd: home });
  const full = read(home, '.aos/cache/docs.json');
  for (const bad of [full.slice(0, full.length / 2), '\0\0garbage', '{"version":"1:0.1.0","entries":"nope"}', '']) {
    write(home, '.aos/cache/docs.json', bad);
    const r = aos(['status', '--json'], { cwd: home });
    assert.is(r.code, 0, r.stderr);
    assert.ok(json(r).agents.length >= 5);
  }
});

test('a removed file leaves the cache too', () => {
  const home = newHome();
  aos(['agent', 'list'], { cwd: home });
  assert.match(read(home, '.aos/cache/docs.json'), /agents\/tutor\.md/);
  rmSync(join(home, 'agents/tutor.md'));
  aos(['agent', 'list'], { cwd: home });
  assert.not.match(read(home, '.aos/cache/docs.json'), /agents\/tutor\.md/);
});

test('fast argument path: well-formed lines parse, anything doubtful goes to yargs', () => {
  const ok = fastParse(['inbox', 'add', 'book', 'flights', '--to', 'researcher', '--json']);
  assert.equal(ok?.spec.path, ['inbox', 'add']);
  assert.equal([ok?.args.text, ok?.args.to, ok?.args.json, ok?.args.priority], [['book', 'flights'], 'researcher', true, 'normal']);
  assert.equal(fastParse(['--home', '/h', 'status'])?.args.home, '/h');
  assert.is(fastParse(['agent', 'show', 'coder'])?.args.id, 'coder');
  for (const doubtful of [[], ['--help'], ['status', '--help'], ['frobnicate'], ['inbox'], ['agent', 'show'], ['status', 'extra'], ['status', '--since', 'x'], ['inbox', 'add', '--priority', 'now', 'x'], ['agent', 'new', 'x', '--handles', 'a', 'b'], ['status', '--no-json']]) {
    assert.is(fastParse(doubtful), undefined, doubtful.join(' '));
  }
});

test.run();
