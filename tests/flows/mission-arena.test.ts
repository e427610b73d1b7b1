// Issue 18: the arena in missions. `aos mission new --candidates 3` makes implement run three
// candidates, each in its own worktree and branch from the same base with the same plan; the fake
// Messages API scripts each one's write_file calls on a small real repository with a `node --test`
// check: c1 fixes add() in one small file, c2 writes a fix that fails the check, c3 fixes it but also
// writes 80 more files (81, over the rulebook's 80). arena.md ranks them by the documented formula
// (c1, then c2, then c3), holds scores and hashes but no code; c1's branch becomes the mission's and
// is verified, replayed and promoted into main; c2's and c3's branches and worktrees are gone. And a
// tick killed while c2 runs: the next tick goes on with c2, never asking for c1 again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, git, read } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import type { FakeServer } from '../fake-anthropic.js';
import { BROKEN_ADD, FIXED_ADD, WRONG_ADD, addCoder, newMission, show, stageCommits, targetRepo, tickOk } from '../mission-helpers.js';

const manyFiles = Array.from({ length: 80 }, (_, i) => ({ name: 'write_file', input: { path: `notes/n${String(i).padStart(2, '0')}.txt`, content: `note ${i}\n` } }));

/** Ticks until the mission leaves implement (the arena may take more than one tick on a slow machine). */
async function untilPast(home: string, server: FakeServer, id: string, stage: string): Promise<string> {
  let out = '';
  for (let i = 0; i < 6 && show(home, id).stage === stage && show(home, id).status === 'active'; i++) out += (await tickOk(home, server)).stdout;
  return out;
}

/** arena.md's table rows as cells. */
function rows(arena: string): string[][] {
  return arena.split('\n').filter((l) => /^\| \d+ \| c\d /.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

test('three candidates: the clean small one wins by the formula and is promoted; the failing and the 81-file ones are pruned', async () => {
  await withModel({
    // Replies are scripted in arrival order: the candidates run one after another (arena.parallel: 1).
    yaml: 'arena:\n  parallel: 1\n',
    replies: [
      { text: '1. Change add.js so add() adds.\n2. Run node --test.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'c1: add() adds' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: WRONG_ADD } }] },
      { text: 'c2: add() changed' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }, ...manyFiles] },
      { text: 'c3: add() adds, and notes' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo, ['--candidates', '3', '--promote', 'auto']);
    assert.is(front.candidates, 3);
    assert.is(front.mission_branch, `aos/mission/${id}/c1`);
    assert.match(read(home, `missions/${id}/mission.md`), /candidates: 3/);
    await tickOk(home, server); // plan
    const out = await untilPast(home, server, id, 'implement');
    assert.match(out, /arena: c1 won of 3/, out);
    assert.is(server.requests.length, 7, 'each candidate asked once (plan + 3 x 2)');
    // The same plan went to every candidate.
    for (const i of [1, 3, 5]) assert.match(JSON.stringify(server.requests[i]!.body.messages[0]), /Change add.js so add\(\) adds/);

    const arena = read(home, `missions/${id}/arena.md`);
    assert.match(arena, /^winner: c1$/m);
    const table = rows(arena);
    assert.equal(table.map((r) => r[1]), ['c1', 'c2', 'c3'], arena);
    // The formula: rulebook 30, checks 30, clean 15, trace 15, size 10 x (1 - max(files/80, bytes/1 MiB)).
    const c1 = table[0]!, c2 = table[1]!, c3 = table[2]!;
    assert.is(c1[3], '99.9'); // 30 + 30 + 15 + 15 + 10 x (1 - 1/80)
    assert.is(c2[3], '69.9'); // its check fails: 30 + 0 + 15 + 15 + 9.875
    assert.is(c3[3], '60.0'); // 81 files: no rulebook, no size: 0 + 30 + 15 + 15 + 0
    assert.equal([c1[4], c2[4], c3[4]], ['yes', 'no', 'no']);
    assert.equal([c1[5], c1[6], c1[7], c1[8]], ['yes', 'yes', 'yes', '1/1'], 'c1 ran clean, its trace replays, the rulebook holds, its check passes');
    assert.is(c2[8], '0/1');
    assert.match(c3[7] ?? "", /^no \(max-files/);
    assert.equal([c1[9], c3[9]], ['1', '81']);
    for (const r of table) {
      assert.match(r[14] ?? "", /^[0-9a-f]{12}$/);
      assert.match(r[15] ?? "", /^[0-9a-f]{12}$/);
    }
    // Scores and fingerprints, not code.
    assert.not.match(arena, /exports\.add|a \+ b|note 1/);

    const s = show(home, id);
    assert.is(s.stage, 'verify');
    assert.is(s.mission_branch, `aos/mission/${id}/c1`);
    assert.ok(s.worktree.endsWith('/c1'));
    // The losers' branches and worktrees are gone; the winner's stays.
    assert.is(git(repo, ['branch', '--list', `aos/mission/${id}/*`, '--format=%(refname:short)']).trim(), `aos/mission/${id}/c1`);
    assert.not.ok(existsSync(join(home, `.aos/missions/${id}/c2`)));
    assert.not.ok(existsSync(join(home, `.aos/missions/${id}/c3`)));
    assert.not.match(git(repo, ['worktree', 'list']), /\/c[23]\b/);

    await tickOk(home, server); // verify
    const r = await tickOk(home, server); // replay
    assert.match(r.stdout, /replay: the replay reproduced the same change/, r.stdout);
    const p = await tickOk(home, server); // promote (auto)
    assert.match(p.stdout, /promote: promoted into main/, p.stdout);
    assert.is(git(repo, ['show', 'main:add.js']), FIXED_ADD);
    assert.not.ok(existsSync(join(repo, 'notes')), "c3's notes never reached main");
    assert.is(show(home, id).status, 'promoted');
    assert.ok(stageCommits(home, id).includes('promote'));
    assert.is(server.requests.length, 7, 'verify, replay and promote asked the model nothing');
  });
});

test('killed while c2 runs: the next tick goes on with c2, c1 is not run again; no eligible candidate stops the mission as failed', async () => {
  await withModel({
    // Replies are scripted in arrival order: the candidates run one after another (arena.parallel: 1).
    yaml: 'arena:\n  parallel: 1\n',
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: WRONG_ADD } }] },
      { text: 'c1 done' },
      { hang: true },
    ],
    model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0\n  timeout_seconds: 60',
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--candidates', '2', '--brains', 'anthropic:claude-sonnet-4-6']);
    await tickOk(home, server); // plan
    const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await server.waitForRequests(4, 60_000); // c2's first question in flight
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const mid = show(home, id);
    assert.equal(mid.arena.map((c: any) => [c.id, c.state]), [['c1', 'done'], ['c2', 'running']]);
    assert.is(mid.arena[0].brain, 'anthropic:claude-sonnet-4-6');

    server.push({ tools: [{ name: 'write_file', input: { path: 'add.js', content: 'exports.add = () => 0;\n' } }] }, { text: 'c2 done' });
    const out = await untilPast(home, server, id, 'implement');
    assert.is(server.requests.length, 6, 'c1 was not asked again; c2 asked its question again, then finished');
    assert.not.match(JSON.stringify(server.requests.slice(4).map((q) => q.body.messages[0])), /c1 done/);
    const s = show(home, id);
    assert.is(s.status, 'failed', out);
    assert.match(s.reason ?? '', /no eligible candidate in the arena \(c\d: 1 check failing; c\d: 1 check failing\)/, JSON.stringify(s));
    assert.ok(s.contract.includes(`missions/${id}/arena.md`));
    const arena = read(home, `missions/${id}/arena.md`);
    assert.match(arena, /^winner: null$/m);
    assert.match(arena, /No candidate is eligible/);
    assert.is(rows(arena).length, 2);
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
    // Nothing ran twice: one commit of each candidate's change.
    assert.is(git(repo, ['log', '--oneline', '--fixed-strings', '--grep=Aos-Candidate: c1', `aos/mission/${id}/c1`]).trim().split('\n').length, 1);
  });
});

test.run();
