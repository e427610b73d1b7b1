// The roster and the daily log through the CLI, against real homes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostname } from 'node:os';
import { aos, newHome, git, read, write, json } from '../helpers.js';

test('agent list and show, text and --json', () => {
  const home = newHome();
  const list = json(aos(['agent', 'list', '--json'], { cwd: home }));
  const ids = list.agents.map((a: { id: string }) => a.id);
  for (const id of ['chief', 'researcher', 'coder', 'tutor', 'dreamer']) assert.ok(ids.includes(id), `starter roster lacks ${id}`);
  for (const a of list.agents) {
    assert.ok(a.capabilities.length > 0, `${a.id} has no capabilities`);
    assert.ok(a.role.length > 10);
  }
  const show = aos(['agent', 'show', 'researcher'], { cwd: home });
  assert.is(show.code, 0);
  assert.match(show.stdout, /capabilities: /);
  const j = json(aos(['agent', 'show', 'researcher', '--json'], { cwd: home }));
  assert.ok(j.instructions.length > 200, 'the researcher has real instructions');
  const missing = aos(['agent', 'show', 'ghost'], { cwd: home });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /no agent "ghost": expected one of/);
});

test('agent new writes a valid template, committed by the owner; refuses clashes and bad ids', () => {
  const home = newHome();
  const r = aos(['agent', 'new', 'travel-planner', '--role', 'Plans trips.', '--handles', 'trip,travel'], { cwd: home });
  assert.is(r.code, 0, r.stderr);
  const text = read(home, 'agents/travel-planner.md');
  assert.match(text, /^---\nname: Travel Planner\nrole: Plans trips\.\nhandles:\n {2}- trip\n {2}- travel\n/);
  assert.is(aos(['doctor'], { cwd: home }).code, 0);
  assert.match(git(home, ['log', '-1', '--format=%an %s']), /^Tess agent: new travel-planner/);
  const again = aos(['agent', 'new', 'travel-planner'], { cwd: home });
  assert.is(again.code, 1);
  assert.match(again.stderr, /already exists/);
  for (const bad of ['../evil', 'Big', 'a/b', '-x']) assert.is(aos(['agent', 'new', bad], { cwd: home }).code, 2, bad);
});

test('agent pause and resume change one line and keep the owner\'s comments', () => {
  const home = newHome();
  const original = read(home, 'agents/coder.md');
  write(home, 'agents/coder.md', original.replace('status: active', 'status: active    # owner note: keep me'));
  git(home, ['commit', '-qam', 'owner comment']);
  const before = read(home, 'agents/coder.md');
  assert.is(aos(['agent', 'pause', 'coder'], { cwd: home }).code, 0);
  const paused = read(home, 'agents/coder.md');
  assert.is(paused, before.replace('status: active', 'status: paused'));
  assert.is(json(aos(['agent', 'show', 'coder', '--json'], { cwd: home })).status, 'paused');
  assert.match(git(home, ['log', '-1', '--format=%s%n%b']), /agent: pause coder[\s\S]*Aos-Agent: coder/);
  assert.match(aos(['agent', 'pause', 'coder'], { cwd: home }).stdout, /already paused/);
  assert.is(aos(['agent', 'resume', 'coder'], { cwd: home }).code, 0);
  assert.is(read(home, 'agents/coder.md'), before);
});

test('while a tick holds the lock, owner commands change the file and leave the commit to the tick', () => {
  const home = newHome();
  const head = git(home, ['rev-parse', 'HEAD']);
  write(home, '.aos/lock', JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'tick' }));
  const paused = aos(['agent', 'pause', 'coder'], { cwd: home });
  assert.is(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /coder is now paused \(a tick is running; it will commit this as your edit\)/);
  const added = json(aos(['inbox', 'add', 'later', '--json'], { cwd: home }));
  assert.is(added.committed, null);
  assert.is(git(home, ['rev-parse', 'HEAD']), head, 'nothing committed under a running tick');
  assert.match(git(home, ['status', '--porcelain']), /agents\/coder\.md/);
  assert.match(read(home, '.aos/lock'), /"command":"tick"/, 'the tick keeps its lock');
});

test('log: today by default, --since, --agent, --grep, --json', () => {
  const home = newHome();
  write(
    home,
    'logs/2026/01/2026-01-05.md',
    '# 2026-01-05\n\n## 09:00:00 · tick · researcher · r-1\nFound three trains to Porto.\n\n## 09:05:00 · note · chief\nOwner likes trains.\n',
  );
  aos(['inbox', 'add', 'buy milk'], { cwd: home });
  const today = json(aos(['log', '--json'], { cwd: home }));
  assert.ok(today.entries.every((e: { date: string }) => e.date === today.until));
  assert.ok(today.entries.some((e: { body: string }) => /buy milk/.test(e.body)));
  const since = json(aos(['log', '--since', '2026-01-01', '--json'], { cwd: home }));
  assert.ok(since.entries.length >= 3);
  const byAgent = json(aos(['log', '--since', '2026-01-01', '--agent', 'researcher', '--json'], { cwd: home }));
  assert.equal(byAgent.entries.map((e: { ref: string }) => e.ref), ['r-1']);
  const grep = aos(['log', '--since', '2026-01-01', '--grep', 'TRAINS'], { cwd: home });
  assert.match(grep.stdout, /# 2026-01-05\n\n## 09:00:00 · tick · researcher · r-1\nFound three trains/);
  assert.not.match(grep.stdout, /buy milk/);
  assert.is(aos(['log', '--since', 'someday'], { cwd: home }).code, 2);
  assert.is(aos(['log', '--since', '2999-01-01'], { cwd: home }).code, 2);
});

test('status: one screen with agents, inbox, goals and lock; --json has the same facts', () => {
  const home = newHome();
  aos(['inbox', 'add', 'plan the week'], { cwd: home });
  write(home, 'notes/idea.md', 'a hand edit\n');
  const s = aos(['status'], { cwd: home });
  assert.is(s.code, 0, s.stderr);
  assert.match(s.stdout, /Agents \(\d+\)/);
  assert.match(s.stdout, /Inbox: 2 pending/);
  assert.match(s.stdout, /plan the week/);
  assert.match(s.stdout, /Lock: free/);
  assert.match(s.stdout, /Uncommitted hand edits: 1 file/);
  const j = json(aos(['status', '--json'], { cwd: home }));
  assert.is(j.inbox.pending, 2);
  assert.is(j.uncommitted, 1);
  assert.is(j.lock, null);
  assert.ok(j.goals.length >= 1);
  assert.is(j.last_tick, null);
});

test.run();
