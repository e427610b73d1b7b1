// Missions in tests: a small real git repository with a failing `node --test` test (add() subtracts),
// a home whose roster has the coder, and the commands that drive a mission through its ticks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, aos, git, json, tempDir, write, type Result } from './helpers.js';
import { envFor, tick } from './model-helpers.js';
import type { FakeServer } from './fake-anthropic.js';

export const BROKEN_ADD = 'exports.add = (a, b) => a - b;\n';
export const FIXED_ADD = 'exports.add = (a, b) => a + b;\n';
export const WRONG_ADD = 'exports.add = (a, b) => a * b + 1;\n';
export const ADD_TEST = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('./add.js');\ntest('add adds', () => { assert.strictEqual(add(2, 3), 5); });\n";

/** A real repository on main: add.js with the bug, its test failing. */
export function targetRepo(): string {
  const dir = join(tempDir('aos-target-'), 'target');
  write(dir, 'add.js', BROKEN_ADD);
  write(dir, 'add.test.js', ADD_TEST);
  write(dir, 'package.json', '{ "name": "target", "private": true }\n');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-qm', 'add() with its test']);
  return dir;
}

/** The repository's coder (agents/coder.md) added to a model home and committed. */
export function addCoder(home: string): void {
  write(home, 'agents/coder.md', readFileSync(join(ROOT, 'agents/coder.md'), 'utf8'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'the coder']);
}

/** A critic (agents/critic.md: reads files, writes none) beside the coder in a model home, committed. */
export const CRITIC = '---\nname: Critic\nrole: Reviews changes before they are merged.\ncapabilities:\n  - "file:**:read"\n---\nYou review code changes.\n';

export function addCoderAndCritic(home: string): void {
  addCoder(home);
  write(home, 'agents/critic.md', CRITIC);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'the critic']);
}

export function newMission(home: string, server: FakeServer, repo: string, extra: string[] = []): { id: string; front: any } {
  const r = aos(['mission', 'new', 'fix add() so its test passes', '--repo', repo, '--check', 'node --test', '--home', home, '--json', ...extra], { env: envFor(server) });
  if (r.code !== 0) throw new Error(`mission new failed (${r.code}): ${r.stderr}`);
  const m = json(r);
  return { id: m.id, front: m };
}

export function show(home: string, id: string): any {
  return json(aos(['mission', 'show', id, '--home', home, '--json']));
}

/** One tick, which must succeed; returns its output. */
export async function tickOk(home: string, server: FakeServer): Promise<Result> {
  const r = await tick(home, server);
  if (r.code !== 0) throw new Error(`tick failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The stages of the home's commits for a mission, oldest first. */
export function stageCommits(home: string, id: string): string[] {
  return git(home, ['log', '--first-parent', '--reverse', '--format=%(trailers:key=Aos-Stage,valueonly)', '--fixed-strings', `--grep=Aos-Mission: ${id}`]).split('\n').map((s) => s.trim()).filter(Boolean);
}
