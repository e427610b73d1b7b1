// aos skill list|show|enable|retire on real homes: the owner's gate on what reaches agents.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, newHome, read, write } from '../helpers.js';

function skill(status: string, promoted: number, extra = ''): string {
  const record = Array.from({ length: promoted }, (_, i) => `  - mission: m-${i + 1}\n    outcome: promoted\n    date: 2026-12-0${i + 1}\n`).join('');
  return `---\nname: Fix a failing test first\ndescription: Reproduce with the test, then change the code.\nstatus: ${status}\nwhen: [failing, test]\ncreated: 2026-12-01\nrecord:\n${record || '  []\n'}${extra}---\n1. Run the failing test.\n2. Change the code until it passes.\n`.replace('record:\n  []\n', 'record: []\n');
}

function homeWith(files: Record<string, string>): string {
  const home = newHome();
  for (const [f, t] of Object.entries(files)) write(home, f, t);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'skills']);
  return home;
}

test('a skill below its track record cannot be enabled; nothing changes', () => {
  const home = homeWith({ 'skills/fix-tests.md': skill('candidate', 2) });
  const before = git(home, ['rev-parse', 'HEAD']);
  const r = aos(['skill', 'enable', 'fix-tests', '--home', home]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, 'skills/fix-tests.md has 2 promoted missions');
  assert.match(r.stderr, 'enabling needs 3');
  assert.match(read(home, 'skills/fix-tests.md'), 'status: candidate');
  assert.is(git(home, ['rev-parse', 'HEAD']), before);
});

test('with its record, the owner enables it in one commit of their own; list shows it offered', () => {
  const home = homeWith({ 'skills/fix-tests.md': skill('candidate', 3) });
  const r = aos(['skill', 'enable', 'fix-tests', '--home', home, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(json(r).status, 'enabled');
  assert.match(read(home, 'skills/fix-tests.md'), /status: enabled\nwhen/);
  assert.match(read(home, 'skills/fix-tests.md'), /^enabled: \d{4}-\d{2}-\d{2}$/m);
  const last = git(home, ['log', '-1', '--format=%s%n%b']);
  assert.match(last, 'skill: enable fix-tests');
  assert.match(last, 'Aos-Kind: skill-enable');
  assert.not.match(last, 'Aos-Run');
  const list = json(aos(['skill', 'list', '--home', home, '--json']));
  assert.equal(list.skills.map((s: any) => [s.id, s.status, s.offered, s.successes]), [['fix-tests', 'enabled', true, 3]]);
  const again = aos(['skill', 'enable', 'fix-tests', '--home', home]);
  assert.is(again.code, 0);
  assert.match(again.stdout, 'already enabled');
});

test('skills.min_successes in aos.yaml sets the bar', () => {
  const home = newHome();
  write(home, 'aos.yaml', read(home, 'aos.yaml') + 'skills:\n  min_successes: 1\n');
  write(home, 'skills/fix-tests.md', skill('candidate', 1));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'skills']);
  assert.is(aos(['skill', 'enable', 'fix-tests', '--home', home]).code, 0);
});

test('retire stops offering it; show prints the record and the procedure', () => {
  const home = homeWith({ 'skills/fix-tests.md': skill('enabled', 3) });
  assert.is(aos(['skill', 'retire', 'fix-tests', '--home', home]).code, 0);
  assert.match(read(home, 'skills/fix-tests.md'), 'status: retired');
  const show = aos(['skill', 'show', 'fix-tests', '--home', home]);
  assert.match(show.stdout, 'record:   3 promoted, 0 not');
  assert.match(show.stdout, '2026-12-01  m-1  promoted');
  assert.match(show.stdout, '1. Run the failing test.');
  assert.equal(json(aos(['skill', 'show', 'fix-tests', '--home', home, '--json'])).offered, false);
});

test('a broken skill file is named, and the others still list', () => {
  const home = homeWith({ 'skills/fix-tests.md': skill('candidate', 0), 'skills/bad.md': skill('maybe', 0) });
  const r = aos(['skill', 'list', '--home', home, '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = json(r);
  assert.equal(out.skills.map((s: any) => s.id), ['fix-tests']);
  assert.ok(out.problems.some((p: any) => p.file === 'skills/bad.md'));
  const show = aos(['skill', 'show', 'bad', '--home', home]);
  assert.is(show.code, 1);
  assert.match(show.stderr, 'skills/bad.md is invalid');
  const none = aos(['skill', 'show', 'nope', '--home', home]);
  assert.is(none.code, 2);
  assert.match(none.stderr, 'no skill "nope"');
});

test('an agent that set status: enabled itself is not offered, and the owner cannot skip the record for it', () => {
  const home = homeWith({ 'skills/fix-tests.md': skill('candidate', 0) });
  write(home, 'skills/fix-tests.md', skill('enabled', 0));
  git(home, ['commit', '-qam', 'run r-1 of coder', '--trailer', 'Aos-Agent: coder', '--trailer', 'Aos-Run: r-1']);
  const list = json(aos(['skill', 'list', '--home', home, '--json']));
  assert.equal(list.skills[0].status, 'enabled');
  assert.equal(list.skills[0].offered, false);
  assert.match(aos(['skill', 'list', '--home', home]).stdout, 'changed by an agent: not offered');
  const refused = aos(['skill', 'enable', 'fix-tests', '--home', home]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, 'has 0 promoted missions');
  // With the record (three promoted missions), enabling again is how the owner accepts the change.
  write(home, 'skills/fix-tests.md', skill('enabled', 3));
  git(home, ['commit', '-qam', 'run r-2 of coder', '--trailer', 'Aos-Agent: coder', '--trailer', 'Aos-Run: r-2']);
  assert.equal(json(aos(['skill', 'list', '--home', home, '--json'])).skills[0].offered, false);
  assert.is(aos(['skill', 'enable', 'fix-tests', '--home', home]).code, 0);
  assert.equal(json(aos(['skill', 'list', '--home', home, '--json'])).skills[0].offered, true);
});

test.run();
