// The must-show path: init a home, add work, list it, see it committed — all as real processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, newHome, tempDir, git, read, json, bareEnv } from '../helpers.js';
import { parseFrontMatter } from '../../cli/core/docs/frontmatter.js';
import { validate } from '../../cli/core/docs/validate.js';
import { InboxItemSchema } from '../../cli/core/docs/schemas.js';

test('aos init makes a committed home with the starter files', () => {
  const home = newHome();
  for (const f of ['aos.yaml', 'agents/chief.md', 'memory/MEMORY.md', 'inbox/welcome.md', '.gitattributes', '.gitignore', 'crontab.example']) {
    assert.ok(existsSync(join(home, f)), `missing ${f}`);
  }
  assert.match(read(home, '.gitattributes'), /^logs\/\*\*\/\*\.md merge=union$/m);
  assert.match(read(home, '.gitignore'), /^\.aos\/$/m);
  assert.match(read(home, 'aos.yaml'), /name: Tess/);
  assert.match(read(home, 'aos.yaml'), /timezone: UTC/);
  assert.match(read(home, 'aos.yaml'), /#/, 'comments of the starter aos.yaml survive');
  assert.is(git(home, ['status', '--porcelain']), '');
  const log = git(home, ['log', '--format=%an|%s|%(trailers:key=Aos-Kind,valueonly)']);
  assert.match(log, /^Tess\|aos init: a new home\|init/);
  assert.is(aos(['doctor'], { cwd: home }).code, 0, 'a new home passes doctor');
});

test('aos init refuses an existing home and an occupied folder, changing nothing', () => {
  const home = newHome();
  const before = git(home, ['rev-parse', 'HEAD']);
  const again = aos(['init', home]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /already a home/);
  assert.is(git(home, ['rev-parse', 'HEAD']), before);

  const dir = tempDir();
  mkdirSync(join(dir, 'agents'));
  writeFileSync(join(dir, 'agents/chief.md'), 'mine\n');
  const clash = aos(['init', dir]);
  assert.is(clash.code, 1);
  assert.match(clash.stderr, /agents\/chief\.md/);
  assert.is(read(dir, 'agents/chief.md'), 'mine\n');
  assert.not.ok(existsSync(join(dir, 'aos.yaml')));
});

test('aos init refuses a time zone that does not exist', () => {
  const dir = join(tempDir(), 'h');
  const r = aos(['init', dir, '--timezone', 'Mars/Olympus']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /aos\.yaml(:\d+)?: owner\.timezone: expected an IANA time zone such as Europe\/Lisbon, found "Mars\/Olympus"/);
  assert.not.ok(existsSync(join(dir, 'aos.yaml')));
});

test('inbox add writes a readable, valid, committed item; list --json shows it', () => {
  const home = newHome();
  const add = aos(['inbox', 'add', 'book', 'flights'], { cwd: home });
  assert.is(add.code, 0, add.stderr);
  const list = json(aos(['inbox', 'list', '--json'], { cwd: home }));
  const item = list.items.find((i: { subject: string }) => i.subject === 'book flights');
  assert.ok(item, JSON.stringify(list));
  assert.match(item.id, /^\d{8}T\d{6}-[0-9a-z]{4}$/);
  assert.is(item.status, 'new');
  const text = read(home, item.file);
  assert.match(text, /^---\nid: .*\nfrom: owner\nkind: task\npriority: normal\ncreated: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00\nstatus: new\n---\nbook flights\n$/);
  const parsed = parseFrontMatter(item.file, text);
  assert.equal(validate(InboxItemSchema, parsed.data, item.file, parsed.yaml).problems, []);
  assert.is(git(home, ['status', '--porcelain']), '', 'everything is committed');
  const last = git(home, ['log', '-1', '--format=%an <%ae>%n%B']);
  assert.match(last, /^Tess <owner@aos\.invalid>\ninbox: add "book flights"/);
  assert.match(last, new RegExp(`Aos-Item: ${item.id}`));
  assert.match(last, /Aos-Kind: inbox-add/);
  const logged = json(aos(['log', '--json'], { cwd: home }));
  assert.ok(logged.entries.some((e: { kind: string; ref: string }) => e.kind === 'inbox' && e.ref === item.id));
});

test('inbox add reads stdin, takes --to and --priority, and refuses unknown agents', () => {
  const home = newHome();
  const r = aos(['inbox', 'add', '--to', 'researcher', '--priority', 'high', '--json'], { cwd: home, input: 'Compare two laptops\nunder 1.2 kg\n' });
  assert.is(r.code, 0, r.stderr);
  const { file } = json(r);
  const text = read(home, file);
  assert.match(text, /to: researcher\n/);
  assert.match(text, /priority: high\n/);
  assert.match(text, /---\nCompare two laptops\nunder 1\.2 kg\n$/);

  const unknown = aos(['inbox', 'add', '--to', 'nobody', 'x'], { cwd: home });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /--to nobody: expected one of the agents/);
  const empty = aos(['inbox', 'add'], { cwd: home, input: '   \n' });
  assert.is(empty.code, 2);
  const badPriority = aos(['inbox', 'add', '--priority', 'now', 'x'], { cwd: home });
  assert.is(badPriority.code, 2);
});

test('inbox show finds an item by id or prefix; a missing one is a clear error', () => {
  const home = newHome();
  const { id } = json(aos(['inbox', 'add', 'read the contract', '--json'], { cwd: home }));
  const shown = json(aos(['inbox', 'show', id, '--json'], { cwd: home }));
  assert.is(shown.body, 'read the contract\n');
  assert.is(aos(['inbox', 'show', 'welcome'], { cwd: home }).code, 0);
  const missing = aos(['inbox', 'show', 'nope'], { cwd: home });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no inbox item "nope"/);
});

test('a file with no front matter dropped in inbox/ is a task from the owner', () => {
  const home = newHome();
  writeFileSync(join(home, 'inbox/call-mum.md'), 'Call mum about Sunday\n\nShe asked twice.\n');
  const list = json(aos(['inbox', 'list', '--json'], { cwd: home }));
  const item = list.items.find((i: { id: string }) => i.id === 'call-mum');
  assert.equal([item.subject, item.from, item.kind, item.status], ['Call mum about Sunday', 'owner', 'task', 'new']);
  assert.equal(list.problems, []);
});

test('two adds in the same second get distinct ids and both are committed', async () => {
  const home = newHome();
  const { aosAsync } = await import('../helpers.js');
  const results = await Promise.all([1, 2, 3, 4].map((n) => aosAsync(['inbox', 'add', `task ${n}`, '--json'], { cwd: home })));
  for (const r of results) assert.is(r.code, 0, r.stderr);
  const ids = new Set(results.map((r) => JSON.parse(r.stdout).id));
  assert.is(ids.size, 4);
  const files = readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md') && f !== 'welcome.md');
  assert.is(files.length, 4);
  // Items whose add found the lock busy stay for the next tick to commit; nothing is lost.
  const committed = results.filter((r) => JSON.parse(r.stdout).committed).length;
  assert.ok(committed >= 1);
});

test('home discovery: --home, then AOS_HOME, then the nearest aos.yaml above', () => {
  const home = newHome();
  mkdirSync(join(home, 'notes/deep'), { recursive: true });
  assert.is(aos(['status', '--json'], { cwd: join(home, 'notes/deep') }).code, 0);
  const elsewhere = tempDir();
  assert.is(json(aos(['status', '--json', '--home', home], { cwd: elsewhere })).home, home);
  assert.is(json(aos(['status', '--json'], { cwd: elsewhere, env: bareEnv({ AOS_HOME: home }) })).home, home);
  const none = aos(['status'], { cwd: elsewhere });
  assert.is(none.code, 1);
  assert.match(none.stderr, /no home found: expected aos\.yaml/);
  const wrong = aos(['status', '--home', elsewhere]);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, /--home points at .* which holds no aos\.yaml/);
});

test('exit codes: usage errors are 2, --version and --help are 0', () => {
  assert.is(aos([]).code, 2);
  assert.is(aos(['frobnicate']).code, 2);
  assert.is(aos(['inbox']).code, 2);
  assert.is(aos(['status', '--bogus-flag']).code, 2);
  const v = aos(['--version']);
  assert.is(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  assert.is(aos(['--help']).code, 0);
});

test('an invalid aos.yaml stops commands with the file, line and what to fix', () => {
  const home = newHome();
  writeFileSync(join(home, 'aos.yaml'), read(home, 'aos.yaml').replace('default_agent:', 'defualt_agent:'));
  const r = aos(['inbox', 'list'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stderr, /aos\.yaml:\d+: defualt_agent: expected a known field .* found unknown field "defualt_agent" \(did you mean "default_agent"\?\)/);
});

test.run();
