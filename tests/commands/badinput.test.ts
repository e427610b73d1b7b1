// Every kind of malformed file, as a real file in a real home: doctor names the file, the line, what
// was expected and what was found, reports all of them in one pass, exits 1 and changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, symlinkSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { aos, newHome, git, write, read, json, tempDir } from '../helpers.js';

const AGENT_OK = '---\nname: Extra\nrole: Helps.\nstatus: active\n---\nBody.\n';

const cases: [string, string, string, RegExp][] = [
  ['invalid YAML', 'agents/broken.md', '---\nname: [unclosed\nrole: r\n---\n', /^agents\/broken\.md:\d+: expected (valid YAML|consistent indentation), found /m],
  ['duplicate keys', 'agents/dup.md', '---\nname: A\nrole: r\nname: B\n---\n', /^agents\/dup\.md:4: expected each key at most once, found Map keys must be unique/m],
  ['tabs', 'agents/tabs.md', '---\nname: A\nrole: r\nbudget:\n\ttokens_per_day: 5\n---\n', /^agents\/tabs\.md:5: expected spaces for indentation, found Tabs/m],
  ['misspelled field', 'agents/typo.md', '---\nname: A\nrole: r\nhandels: [x]\n---\n', /^agents\/typo\.md:4: handels: expected a known field .*found unknown field "handels" \(did you mean "handles"\?\)/m],
  ['unknown field', 'goals/odd.md', '---\ntitle: G\nowner: tutor\ncolour: red\n---\n', /^goals\/odd\.md:4: colour: expected a known field/m],
  ['wrong type', 'agents/types.md', '---\nname: A\nrole: r\nbudget:\n  usd_per_day: "cheap"\n---\n', /^agents\/types\.md:5: budget\.usd_per_day: expected a number, found "cheap"/m],
  ['missing closing ---', 'inbox/open.md', '---\nto: chief\nplease do it\n', /^inbox\/open\.md:1: expected front matter closed by a line "---", found end of file/m],
  ['---js front matter', 'inbox/js.md', '---js\n{ to: require("child_process").execSync("touch /tmp/aos-pwned") }\n---\nhi\n', /^inbox\/js\.md:1: expected YAML front matter opened by a line "---", found "---js" \(front matter in other languages is refused, never evaluated\)/m],
  ['billion laughs', 'memory/bomb.md', '---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n', /^memory\/bomb\.md:\d+: expected at most 100 alias expansions/m],
  ['conflict markers', 'agents/merged.md', '---\nname: A\n<<<<<<< HEAD\nrole: mine\n=======\nrole: theirs\n>>>>>>> laptop\n---\n', /^agents\/merged\.md:3: expected no merge conflict markers, found "<<<<<<< HEAD"/m],
  ['bad enum in inbox', 'inbox/prio.md', '---\npriority: asap\n---\ndo it\n', /^inbox\/prio\.md:2: priority: expected one of low, normal, high, urgent, found "asap"/m],
  ['not markdown', 'inbox/photo.jpg', 'binary', /^inbox\/photo\.jpg: expected only \.md files in inbox\/, found "photo\.jpg"/m],
  ['bad agent file name', 'agents/Bad Name.md', AGENT_OK, /^agents\/Bad Name\.md: expected a file name that is an agent id/m],
  ['missing required field', 'memory/thin.md', '---\ntitle: Thin\ntype: fact\n---\n', /^memory\/thin\.md:\d+: description: expected a value \(the field is required\), found nothing/m],
  ['dead index link', 'memory/MEMORY.md', '# Memory\n- [Gone](gone.md) — removed topic\n', /^memory\/MEMORY\.md:2: expected a link to a topic file in memory\/, found "gone\.md", which does not exist/m],
  ['broken log heading', 'logs/2026/11/2026-11-20.md', '# 2026-11-20\n\n## lunch\n', /^logs\/2026\/11\/2026-11-20\.md:3: expected an entry heading/m],
];

function snapshot(home: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === '.git') continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else hash.update(`${p}\0${st.mtimeMs}\0${st.size}\0`).update(readFileSync(p));
    }
  };
  walk(home);
  return hash.digest('hex');
}

test('doctor reports every bad file in one pass, exits 1, and changes nothing', () => {
  const home = newHome();
  for (const [, file, text] of cases) write(home, file, text);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'bad files']);
  const before = snapshot(home);
  const head = git(home, ['rev-parse', 'HEAD']);
  const r = aos(['doctor'], { cwd: home });
  assert.is(r.code, 1);
  for (const [name, , , want] of cases) assert.match(r.stdout, want, `${name} not reported as expected:\n${r.stdout}`);
  assert.match(r.stderr, /problem\(s\) in \d+ file\(s\).*Nothing was changed/);
  assert.is(snapshot(home), before, 'doctor changed a file');
  assert.is(git(home, ['rev-parse', 'HEAD']), head);
  assert.is(git(home, ['status', '--porcelain']), '');

  const j = json(aos(['doctor', '--json'], { cwd: home }));
  assert.is(j.ok, false);
  for (const p of j.problems) {
    assert.type(p.file, 'string');
    assert.type(p.expected, 'string');
    assert.type(p.found, 'string');
  }
});

test('valid oddities are accepted: BOM, CRLF, a plain task with no front matter', () => {
  const home = newHome();
  write(home, 'agents/bom.md', '\uFEFF' + AGENT_OK);
  write(home, 'agents/crlf.md', AGENT_OK.replace(/\n/g, '\r\n'));
  write(home, 'inbox/plain.md', 'Renew the passport\n');
  const r = aos(['doctor'], { cwd: home });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const agents = json(aos(['agent', 'list', '--json'], { cwd: home })).agents.map((a: { id: string }) => a.id);
  assert.ok(agents.includes('bom') && agents.includes('crlf'));
});

test('the run goes on with the other files: a bad item is skipped with a warning, good ones listed', () => {
  const home = newHome();
  write(home, 'inbox/bad.md', '---\npriority: [\n---\n');
  write(home, 'agents/bad.md', '---\nname: A\n---\n');
  aos(['inbox', 'add', 'a good one'], { cwd: home });
  const list = aos(['inbox', 'list'], { cwd: home });
  assert.is(list.code, 0);
  assert.match(list.stdout, /a good one/);
  assert.match(list.stderr, /skipped inbox\/bad\.md:\d+/);
  const agents = aos(['agent', 'list'], { cwd: home });
  assert.is(agents.code, 0);
  assert.match(agents.stdout, /chief/);
  assert.match(agents.stderr, /disabled agents\/bad\.md/);
  const status = aos(['status'], { cwd: home });
  assert.is(status.code, 0);
  assert.match(status.stderr, /invalid file\(s\) skipped: .*inbox\/bad\.md/);
  assert.is(read(home, 'inbox/bad.md'), '---\npriority: [\n---\n', 'the invalid item stays as the owner wrote it');
});

test('a symlink in the inbox is refused, not followed', () => {
  const home = newHome();
  const secret = join(tempDir(), 'aos-secret.txt');
  writeFileSync(secret, 'SECRET VALUE\n');
  symlinkSync(secret, join(home, 'inbox/link.md'));
  const r = aos(['inbox', 'list', '--json'], { cwd: home });
  assert.is(r.code, 0);
  const out = json(r);
  assert.not.ok(JSON.stringify(out.items).includes('SECRET'));
  assert.match(JSON.stringify(out.problems), /symbolic link/);
});

test('doctor catches a rewritten log line in history (append-only rule)', () => {
  const home = newHome();
  aos(['inbox', 'add', 'first'], { cwd: home });
  const [file] = git(home, ['ls-files', 'logs/']).split('\n').filter((f) => f.endsWith('.md'));
  assert.ok(file);
  assert.is(aos(['doctor'], { cwd: home }).code, 0);
  writeFileSync(join(home, file!), read(home, file!).replace('Added', 'Removed'));
  git(home, ['commit', '-qam', 'tamper']);
  const r = aos(['doctor'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stdout, new RegExp(`${file}: expected append-only history, found 1 line\\(s\\) removed or changed in commit`));
});

test('doctor notices a stale lock and a missing union merge rule', () => {
  const home = newHome();
  write(home, '.aos/lock', JSON.stringify({ pid: 999999, host: hostname(), started: new Date().toISOString(), command: 'tick' }));
  write(home, '.gitattributes', '# nothing\n');
  const r = aos(['doctor'], { cwd: home });
  assert.is(r.code, 1);
  assert.match(r.stdout, /\.aos\/lock: expected no stale lock, found a stale lock \(process 999999 is gone\)/);
  assert.match(r.stdout, /\.gitattributes: expected a line "logs\/\*\*\/\*\.md merge=union"/);
});

test.run();
