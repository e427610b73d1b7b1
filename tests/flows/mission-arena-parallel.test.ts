// Issue 18, arena.parallel: a mission's candidates run at once, up to aos.yaml's `arena.parallel`
// (default 2), in one tick process. The fake Messages API answers each request by the candidate it
// comes from (its inbox item's name), since runs in progress at once ask in no fixed order. Shown:
// two candidates overlap (both first questions arrive before either is answered) and each one's
// commits hold only its own files and log entries; a tick killed (SIGKILL) while two candidates are
// mid-run leaves a journal per run, and the next tick recovers both, resumes both, never asks the
// finished one again, loses none of their notes; two candidates started together with a daily
// budget left for one stop at their shares of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AOS, aos, git, read, write } from '../helpers.js';
import { envFor, logFile, modelHome } from '../model-helpers.js';
import { startFakeAnthropic, type FakeReply, type FakeServer } from '../fake-anthropic.js';
import { FIXED_ADD, addCoder, newMission, show, targetRepo, tickOk } from '../mission-helpers.js';

/** Which candidate asks (c1, c2, …) and at which turn (1: the first question), or undefined (plan, others). */
function asker(body: any): { c: string; turn: number } | undefined {
  const first = JSON.stringify(body?.messages?.[0] ?? '');
  const c = /-implement-(c\d)-/.exec(first)?.[1];
  return c ? { c, turn: Math.ceil(body.messages.length / 2) } : undefined;
}

async function withArena<T>(yaml: string, route: (body: any) => FakeReply | undefined | Promise<FakeReply | undefined>, fn: (server: FakeServer, home: string) => Promise<T>): Promise<T> {
  const server = await startFakeAnthropic([{ text: '1. Fix add.js.\n2. Run node --test.' }], { route });
  try {
    const home = modelHome(yaml);
    addCoder(home);
    return await fn(server, home);
  } finally {
    await server.close();
  }
}

/** The home's commits of agent runs: their run, the files they hold and the log lines they add. */
function runCommits(home: string): { sha: string; run: string; files: string[]; headings: string[] }[] {
  const shas = git(home, ['log', '--format=%H', '--fixed-strings', '--grep=Aos-Run: ']).split('\n').filter(Boolean);
  return shas.map((sha) => {
    const run = git(home, ['log', '-n1', '--format=%(trailers:key=Aos-Run,valueonly)', sha]).trim();
    const files = git(home, ['show', '--format=', '--name-only', sha]).split('\n').filter(Boolean);
    const headings = git(home, ['show', '--format=', '-U0', sha, '--', 'logs']).split('\n').filter((l) => l.startsWith('+## '));
    return { sha, run, files, headings };
  });
}

/** No run's commit holds another run's record or log entry. */
function ownFilesOnly(home: string): void {
  const commits = runCommits(home);
  const runs = new Set(commits.map((c) => c.run));
  for (const c of commits) {
    for (const other of runs) {
      if (other === c.run) continue;
      assert.not.ok(c.files.some((f) => f.includes(other)), `${c.sha} (run ${c.run}) holds a file of run ${other}: ${c.files.join(', ')}`);
      assert.not.ok(c.headings.some((h) => h.includes(other)), `${c.sha} (run ${c.run}) commits a log entry of run ${other}: ${c.headings.join(' | ')}`);
    }
  }
}

test('two candidates run at once: both questions arrive before either is answered; each commit holds only its own files', async () => {
  let firsts = 0;
  let overlapped = false;
  let release!: () => void;
  const bothAsked = new Promise<void>((r) => (release = r));
  const route = async (body: any): Promise<FakeReply | undefined> => {
    const a = asker(body);
    if (!a) return undefined;
    if (a.turn === 1) {
      // A barrier: the first question is held until the other candidate asks too (or 8 s pass).
      if (++firsts === 2) {
        overlapped = true;
        release();
      }
      await Promise.race([bothAsked, new Promise((r) => setTimeout(r, 8000))]);
      const files = [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }, ...(a.c === 'c2' ? [{ name: 'write_file', input: { path: 'NOTES.md', content: 'c2 was here\n' } }] : [])];
      return { tools: [...files, { name: 'note', input: { text: `${a.c} fixed add() in its worktree` } }] };
    }
    return { text: `${a.c}: add() adds` };
  };
  await withArena('', route, async (server, home) => {
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--candidates', '2']);
    await tickOk(home, server); // plan
    const out = (await tickOk(home, server)).stdout;
    assert.ok(overlapped, 'the second candidate asked while the first waited for its answer (arena.parallel defaults to 2)');
    assert.match(out, /arena: c1 won of 2/, out);
    const s = show(home, id);
    assert.equal(s.arena.map((c: any) => [c.id, c.state]), [['c1', 'done'], ['c2', 'done']]);
    // Each candidate's change is its own commit on its own branch.
    const [c1, c2] = s.arena;
    assert.equal(git(repo, ['show', '--format=', '--name-only', c1.head]).split('\n').filter(Boolean), ['add.js']);
    assert.equal(git(repo, ['show', '--format=', '--name-only', c2.head]).split('\n').filter(Boolean).sort(), ['NOTES.md', 'add.js']);
    assert.match(git(repo, ['log', '-n1', '--format=%B', c2.head]), /Aos-Candidate: c2/);
    // In the home: each run's commit holds its record, its item and its own log entries only.
    ownFilesOnly(home);
    const log = read(home, logFile());
    for (const c of ['c1', 'c2']) assert.is(log.split(`${c} fixed add() in its worktree`).length, 2, `${c}'s note is in the log once`);
    assert.is(git(home, ['status', '--porcelain', '--', 'logs', 'missions']).trim(), '', 'nothing left uncommitted');
    assert.not.ok(existsSync(join(home, '.aos/runs')) && readdirSync(join(home, '.aos/runs')).length, 'no journal left');
  });
});

test('killed while two candidates are mid-run: the next tick recovers both journals, resumes both, never asks the finished one again', async () => {
  let killed = false;
  const asked: { c: string; turn: number; afterKill: boolean }[] = [];
  const route = (body: any): FakeReply | undefined => {
    const a = asker(body);
    if (!a) return undefined;
    asked.push({ ...a, afterKill: killed });
    if (a.turn === 1) return { tools: [{ name: 'write_file', input: { path: `${a.c}.txt`, content: `${a.c}\n` } }, { name: 'note', input: { text: `note of ${a.c} mid-run` } }] };
    // c1 finishes before the kill; c2 and c3 are cut at their second question.
    if (a.c === 'c1' || killed) return { text: `${a.c} done` };
    return { hang: true };
  };
  await withArena('', route, async (server, home) => {
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--candidates', '3']);
    await tickOk(home, server); // plan
    const child = spawn(process.execPath, [AOS, 'tick', '--home', home], { env: envFor(server), detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!(asked.some((q) => q.c === 'c2' && q.turn === 2) && asked.some((q) => q.c === 'c3' && q.turn === 2)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    killed = true;
    const journals = readdirSync(join(home, '.aos/runs'));
    assert.is(journals.length, 2, `a journal per run in progress: ${journals.join(', ')}`);
    const mid = show(home, id);
    assert.equal(mid.arena.map((c: any) => [c.id, c.state]), [['c1', 'done'], ['c2', 'running'], ['c3', 'running']]);

    const out = (await tickOk(home, server)).stdout;
    const after = asked.filter((q) => q.afterKill);
    assert.not.ok(after.some((q) => q.c === 'c1'), 'the finished candidate is not asked again');
    assert.equal(after.map((q) => `${q.c}:${q.turn}`).sort(), ['c2:2', 'c3:2'], 'each cut candidate resumes from its recorded turn, asked once more');
    const s = show(home, id);
    assert.equal(s.arena.map((c: any) => [c.id, c.state]), [['c1', 'done'], ['c2', 'done'], ['c3', 'done']], out);
    assert.is(readdirSync(join(home, '.aos/runs')).length, 0, 'both journals recovered');
    // Nothing lost: every candidate's file is in its own commit, every note in the log once, committed.
    for (const c of s.arena) assert.equal(git(repo, ['show', '--format=', '--name-only', c.head]).split('\n').filter(Boolean), [`${c.id}.txt`]);
    const log = read(home, logFile());
    for (const c of ['c1', 'c2', 'c3']) assert.is(log.split(`note of ${c} mid-run`).length, 2, `${c}'s note is in the log once:\n${log}`);
    assert.match(log, /was interrupted/);
    assert.is(git(home, ['status', '--porcelain', '--', 'logs', 'missions']).trim(), '', 'nothing left uncommitted');
    ownFilesOnly(home);
  });
});

test('two candidates started together with a daily budget left for one: each stops at its share', async () => {
  const asked: string[] = [];
  const route = (body: any): FakeReply | undefined => {
    const a = asker(body);
    if (!a) return undefined;
    asked.push(`${a.c}:${a.turn}`);
    if (a.turn === 1) return { tools: [{ name: 'write_file', input: { path: `${a.c}.txt`, content: `${a.c}\n` } }], usage: { input_tokens: 1000, output_tokens: 0 } };
    return { text: `${a.c} done`, usage: { input_tokens: 1000, output_tokens: 0 } };
  };
  await withArena('', route, async (server, home) => {
    // The plan costs 15 tokens (10 in, 5 out); 1,500 are left for the day: one candidate's two questions would pass (0, then 1,000 < 1,500).
    write(home, 'agents/coder.md', read(home, 'agents/coder.md').replace('tokens_per_day: 400000', 'tokens_per_day: 1515'));
    git(home, ['commit', '-qam', 'a small budget']);
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--candidates', '2']);
    await tickOk(home, server); // plan
    const out = (await tickOk(home, server)).stdout;
    // Each holds 750: one question each (0 < 750), then 1,000 ≥ 750 stops it. Without the
    // reservation each would see the whole 1,500 and ask twice.
    assert.equal(asked.sort(), ['c1:1', 'c2:1'], out);
    assert.match(out, /daily token budget \(1515\) is spent/, out);
    const s = show(home, id);
    assert.is(s.stage, 'implement');
    assert.equal(s.arena.map((c: any) => c.state), ['running', 'running']);
  });
});

test('arena.parallel: 1 runs the candidates one after another; a bad value names aos.yaml', async () => {
  let inFlight = 0;
  let most = 0;
  const route = async (body: any): Promise<FakeReply | undefined> => {
    const a = asker(body);
    if (!a) return undefined;
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 300));
    inFlight -= 1;
    return a.turn === 1 ? { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] } : { text: `${a.c} done` };
  };
  await withArena('arena:\n  parallel: 1\n', route, async (server, home) => {
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--candidates', '2']);
    await tickOk(home, server); // plan
    await tickOk(home, server);
    assert.is(most, 1, 'never two questions at once');
    assert.equal(show(home, id).arena.map((c: any) => c.state), ['done', 'done']);
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('parallel: 1', 'parallel: 0'));
    const r = aos(['doctor', '--home', home]);
    const bad = `${r.stdout}${r.stderr}`;
    assert.match(bad, /aos\.yaml/);
    assert.match(bad, /arena/);
  });
});

test.run();
