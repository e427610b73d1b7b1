// Issue 17: aos mission's bad input and the owner's controls, as processes on real repositories. A
// --repo that is no git repository, an unknown agent, a repository without commits, and a broken
// mission.md are each a clear error naming the path, and nothing is left half-made; stop and resume
// round-trip with --json; the tick names a broken mission.md and goes on with the rest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, git, json, newHome, read, tempDir, write } from '../helpers.js';
import { targetRepo } from '../mission-helpers.js';

/** A fresh home from aos init (its roster has the coder, a mission's default agent). */
const home = newHome;

test('--repo that is not a git repository: exit 2 naming the path, nothing made', () => {
  const h = home();
  const plain = join(tempDir(), 'plain');
  mkdirSync(plain);
  const r = aos(['mission', 'new', 'fix it', '--repo', plain, '--home', h]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${plain} is not a git repository`));
  assert.not.ok(existsSync(join(h, 'missions')));
  const missing = aos(['mission', 'new', 'fix it', '--repo', join(plain, 'nope'), '--home', h]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /nope is not a git repository/);
});

test('a repository without commits, or an unknown agent: a clear error, nothing made', () => {
  const h = home();
  const empty = join(tempDir(), 'empty');
  mkdirSync(empty);
  git(empty, ['init', '-q', '-b', 'main']);
  const r = aos(['mission', 'new', 'fix it', '--repo', empty, '--home', h]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /empty has no commits yet/);
  const repo = targetRepo();
  const a = aos(['mission', 'new', 'fix it', '--repo', repo, '--agent', 'nobody', '--home', h]);
  assert.is(a.code, 2);
  assert.match(a.stderr, /no agent "nobody" in agents\//);
  assert.not.ok(existsSync(join(h, 'missions')));
  assert.is(git(repo, ['branch', '--list', 'aos/*']), '', 'no mission branch made in the target');
});

test('a mission that cannot be committed (a secret-looking value in its goal) is not made: no folder, no branch, no worktree', () => {
  const h = home();
  const repo = targetRepo();
  const r = aos(['mission', 'new', 'use the key Zq8xLm2Rt7Vb4Nc9Pd3Kw6Hy1Gf5Js0Ea', '--repo', repo, '--home', h]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /missions\/m-[^/]+\/mission\.md.*secret-looking/);
  assert.not.ok(existsSync(join(h, 'missions')) && readdirSync(join(h, 'missions')).length > 0, 'no mission folder left');
  assert.is(git(repo, ['branch', '--list', 'aos/*']), '');
  assert.is(git(repo, ['worktree', 'list']).trim().split('\n').length, 1);
  assert.is(git(h, ['status', '--porcelain']), '');
});

test('new, list, show, stop, resume with --json; the mission is committed with its trailers', () => {
  const h = home();
  const repo = targetRepo();
  const made = json(aos(['mission', 'new', 'fix add()', '--repo', repo, '--check', 'node --test', '--check', 'true', '--home', h, '--json']));
  assert.equal(made.checks, ['node --test', 'true']);
  assert.is(made.promote, 'ask');
  assert.is(made.merge, 'ff');
  assert.is(made.repair_rounds, 2);
  assert.ok(existsSync(join(made.worktree, 'add.js')), 'the worktree is checked out');
  assert.is(git(repo, ['status', '--porcelain']), '', "the target's working tree is untouched");
  assert.match(git(h, ['log', '-1', '--format=%B']), new RegExp(`Aos-Mission: ${made.id}\\nAos-Stage: new`));
  assert.is(git(h, ['status', '--porcelain']), '', 'the worktree is not in the home\'s tracked files');
  const listed = json(aos(['mission', 'list', '--home', h, '--json']));
  assert.equal(listed.missions.map((m: any) => [m.id, m.status, m.stage]), [[made.id, 'active', 'plan']]);
  const stopped = json(aos(['mission', 'stop', made.id, '--home', h, '--json']));
  assert.equal(stopped, { id: made.id, status: 'stopped', stage: 'plan' });
  const twice = aos(['mission', 'stop', made.id, '--home', h]);
  assert.is(twice.code, 1);
  assert.match(twice.stderr, /is stopped, not active/);
  const resumed = json(aos(['mission', 'resume', made.id.slice(0, 12), '--home', h, '--json']));
  assert.equal(resumed, { id: made.id, status: 'active', stage: 'plan' });
  const text = aos(['mission', 'show', made.id, '--home', h]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /\[>\] plan/);
  assert.match(text.stdout, /\[ \] promote/);
  assert.match(read(h, `missions/${made.id}/progress.md`), /stopped by the owner at plan\n.*resumed by the owner at plan/);
  assert.match(read(h, `missions/${made.id}/architecture.md`), /- add\.test\.js/);
  const plan = aos(['tick', '--dry-run', '--home', h]);
  assert.match(plan.stdout, new RegExp(`would take mission ${made.id} through plan`));
  assert.equal(json(aos(['tick', '--dry-run', '--home', h, '--json'])).missions, [{ id: made.id, stage: 'plan' }]);
});

test('a broken mission.md is named by show, list and the tick; the tick goes on with the rest', () => {
  const h = home();
  const repo = targetRepo();
  const made = json(aos(['mission', 'new', 'fix add()', '--repo', repo, '--home', h, '--json']));
  const file = `missions/${made.id}/mission.md`;
  write(h, file, read(h, file).replace(/^stage: plan$/m, 'stage: banana'));
  const s = aos(['mission', 'show', made.id, '--home', h]);
  assert.is(s.code, 1);
  assert.match(s.stderr, new RegExp(`${file}.*stage`));
  assert.match(s.stderr, /banana/);
  const l = aos(['mission', 'list', '--home', h, '--json']);
  assert.is(l.code, 1);
  assert.match(json(l).problems[0].file, new RegExp(file));
  write(h, file, '---\nid: [unclosed\n---\n');
  const broken = aos(['mission', 'show', made.id, '--home', h]);
  assert.is(broken.code, 1);
  assert.match(broken.stderr, new RegExp(file));
  write(h, 'inbox/note.md', 'an ordinary item\n');
  const t = aos(['tick', '--home', h]);
  assert.match(t.stderr + t.stdout, new RegExp(file));
  assert.is(read(h, file), '---\nid: [unclosed\n---\n', 'the broken file is left as the owner wrote it');
  assert.ok(readdirSync(join(h, 'missions')).includes(made.id));
});

test.run();
