// The dream end to end: real processes, real git, the fake Messages API scripting the model's
// operations. Knowledge updates, refused operations, the quarter rule, hand edits, --if-due.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, read, write, type Result } from '../helpers.js';
import { type FakeServer } from '../fake-anthropic.js';
import { modelHome, envFor, withModel, logFile, note } from '../model-helpers.js';


function dream(home: string, server?: FakeServer, extra: string[] = []): Promise<Result> {
  return aosAsync(['dream', '--home', home, ...extra], { env: envFor(server) });
}

const propose = (operations: unknown[]) => ({ tools: [{ name: 'propose_operations', input: { operations } }] });

function front(home: string, slug: string): string {
  return read(home, `memory/${slug}.md`).split('---')[1]!;
}

test('a fact that changes twice: one active memory, a two-way supersede chain, the index and search show the current value', async () => {
  await withModel({}, async ({ server, home, env }) => {
    const gym = { title: 'Owner gym', type: 'fact' as const };
    const s1 = note(home, 'The owner trains at FitLisboa gym.');
    server.push(propose([{ op: 'add', slug: 'owner-gym', ...gym, description: 'Trains at FitLisboa', body: 'The owner trains at FitLisboa.', sources: [s1] }]));
    const d1 = await dream(home, server);
    assert.is(d1.code, 0, d1.stderr);
    assert.match(read(home, 'memory/MEMORY.md'), /\[Owner gym\]\(owner-gym\.md\) — Trains at FitLisboa/);
    assert.match(server.requests[0]!.body.messages[0].content, /The owner trains at FitLisboa gym\./);

    const s2 = note(home, 'The owner switched to PowerHouse gym.');
    server.push(propose([{ op: 'supersede', old: 'owner-gym', slug: 'owner-gym-2', ...gym, description: 'Trains at PowerHouse', body: 'Switched to PowerHouse.', sources: [s2] }]));
    assert.is((await dream(home, server)).code, 0);
    assert.not.match(server.requests[1]!.body.messages[0].content, /FitLisboa gym\./, 'only entries since the last dream are gathered');

    const s3 = note(home, 'The owner now goes to CrossBox gym.');
    server.push(propose([{ op: 'supersede', old: 'owner-gym-2', slug: 'owner-gym-3', ...gym, description: 'Trains at CrossBox', body: 'Now at CrossBox.', sources: [s3] }]));
    assert.is((await dream(home, server)).code, 0);

    assert.match(front(home, 'owner-gym'), /status: superseded\nsuperseded_by: owner-gym-2|superseded_by: owner-gym-2/);
    assert.match(front(home, 'owner-gym'), /status: superseded/);
    assert.match(front(home, 'owner-gym-2'), /supersedes:\n  - owner-gym/);
    assert.match(front(home, 'owner-gym-2'), /status: superseded/);
    assert.match(front(home, 'owner-gym-2'), /superseded_by: owner-gym-3/);
    assert.match(front(home, 'owner-gym-3'), /status: active/);
    assert.match(front(home, 'owner-gym-3'), /supersedes:\n  - owner-gym-2/);
    assert.match(front(home, 'owner-gym-3'), new RegExp(`sources:\\n  - ${s3.replace(/[.]/g, '\\.')}`));
    const index = read(home, 'memory/MEMORY.md');
    assert.match(index, /owner-gym-3\.md/);
    assert.not.match(index, /owner-gym\.md|owner-gym-2\.md/);
    const search = await aosAsync(['memory', 'search', 'owner gym', '--json', '--home', home], { env: envFor(undefined) });
    assert.is(search.code, 0, search.stderr);
    assert.is(JSON.parse(search.stdout).hits[0].file, 'memory/owner-gym-3.md');
    assert.match(git(home, ['log', '-1', '--format=%an%n%B']), /^dreamer[\s\S]*Aos-Kind: dream/);
    const lint = await aosAsync(['memory', 'lint', '--home', home], { env: envFor(undefined) });
    assert.is(lint.code, 0, lint.stdout + lint.stderr);

    // Nothing new: no model call, no commit.
    const head = git(home, ['rev-parse', 'HEAD']);
    const asked = server.requests.length;
    const again = await dream(home, server);
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing new/);
    assert.is(git(home, ['rev-parse', 'HEAD']), head);
    assert.is(server.requests.length, asked);
  });
});

test('bad operations are refused with their reason in the log; the valid ones in the same batch apply', async () => {
  await withModel({}, async ({ server, home }) => {
    const s = note(home, 'The owner likes green tea.');
    const ok = { title: 'Green tea', type: 'preference', description: 'Likes green tea', body: 'Green tea.', sources: [s] };
    server.push(
      propose([
        { op: 'add', slug: '../../aos', ...ok },
        { op: 'delete', slug: 'how-aos-works', sources: [s] },
        { op: 'add', slug: 'tea-long', ...ok, index: `- [Green tea](tea-long.md) — ${'x'.repeat(150)}` },
        { op: 'add', slug: 'tea-uncited', ...ok, sources: ['logs/2020/01/2020-01-01.md#L3'] },
        { op: 'supersede', old: 'no-such-topic', slug: 'tea-2', ...ok },
        { op: 'add', slug: 'green-tea', ...ok },
      ]),
    );
    const r = await dream(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.ok(existsSync(join(home, 'memory/green-tea.md')));
    for (const slug of ['tea-long', 'tea-uncited', 'tea-2']) assert.not.ok(existsSync(join(home, `memory/${slug}.md`)), slug);
    assert.ok(existsSync(join(home, 'memory/how-aos-works.md')));
    const log = read(home, logFile());
    assert.match(log, /· dream · dreamer/);
    assert.match(log, /refused .*\.\.\/\.\.\/aos.*outside memory\//);
    assert.match(log, /refused .*delete.*never deleted/);
    assert.match(log, /refused .*tea-long.*index line is \d+ characters \(at most 150\)/);
    assert.match(log, /refused .*tea-uncited.*unknown: logs\/2020/);
    assert.match(log, /refused .*no-such-topic.*does not exist/);
    assert.match(log, /added green-tea/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

test('a model that answers with invalid JSON instead of the tool: refused and reported, nothing written but the log', async () => {
  await withModel({ replies: [{ text: '{"operations": [ {op: add' }] }, async ({ server, home }) => {
    note(home, 'Something worth remembering.');
    const index = read(home, 'memory/MEMORY.md');
    const r = await dream(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /refused .*invalid JSON/);
    assert.is(read(home, 'memory/MEMORY.md'), index);
    assert.match(read(home, logFile()), /refused .*invalid JSON/);
  });
});

test('the quarter rule: a dream that would drop more than a quarter of the index is refused and changes nothing', async () => {
  const home = modelHome('', 'provider: none');
  for (const slug of ['how-aos-works', 'memory-conventions']) {
    write(home, `memory/${slug}.md`, read(home, `memory/${slug}.md`).replace('status: active', 'status: superseded'));
  }
  const index = read(home, 'memory/MEMORY.md');
  const r = await dream(home);
  assert.is(r.code, 1);
  assert.match(r.stderr, /refused: it would take 2 of 3 entries out/);
  assert.is(read(home, 'memory/MEMORY.md'), index);
});

test('without a model: the deterministic prune runs, hand edits to MEMORY.md survive, and the log waits for a real dream', async () => {
  const home = modelHome('', 'provider: none');
  const s = note(home, 'A fact for later.');
  // The owner's own style in the index: a comment line, odd spacing, a line aos did not write.
  const hand = read(home, 'memory/MEMORY.md').replace('# Memory\n', '# Memory\n<!-- my own note: keep -->\n') + '-   [Spaced](memory-conventions.md)   —   odd   spacing\n';
  write(home, 'memory/MEMORY.md', hand);
  write(home, 'memory/owner-prefers-short-answers.md', read(home, 'memory/owner-prefers-short-answers.md').replace('status: active', 'status: stale'));
  const r = await dream(home);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /owner-prefers-short-answers is stale/);
  const after = read(home, 'memory/MEMORY.md');
  assert.not.match(after, /owner-prefers-short-answers\.md/);
  assert.match(after, /<!-- my own note: keep -->/);
  assert.match(after, /-   \[Spaced\]\(memory-conventions\.md\)   —   odd   spacing/);
  assert.ok(existsSync(join(home, 'memory/owner-prefers-short-answers.md')), 'the file stays');
  assert.match(git(home, ['log', '-1', '--format=%B']), /Aos-Kind: dream-prune/);
  // A dream with a model later still gathers that entry.
  await withModel({ replies: [propose([])], home, model: 'provider: anthropic\n  model: claude-sonnet-4-6\n  max_retries: 0' }, async ({ server }) => {
    const d = await dream(home, server);
    assert.is(d.code, 0, d.stderr);
    assert.match(server.requests[0]!.body.messages[0].content, new RegExp(s.replace(/[.]/g, '\\.')));
  });
});

test('--if-due: not before dream.min_hours and dream.min_runs have passed', async () => {
  const home = modelHome('', 'provider: none');
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/min_hours: \d+\n  min_runs: \d+/, 'min_hours: 24\n  min_runs: 0'));
  const r1 = await dream(home, undefined, ['--if-due', '--json']);
  assert.is(r1.code, 0, r1.stderr);
  assert.not.ok(JSON.parse(r1.stdout).due === false, 'never dreamt: due');
  await withModel({ replies: [propose([])], home, model: 'provider: anthropic\n  model: claude-sonnet-4-6' }, async ({ server }) => {
    note(home, 'x');
    assert.is((await dream(home, server)).code, 0);
    note(home, 'y');
    const r2 = await dream(home, server, ['--if-due', '--json']);
    assert.is(r2.code, 0);
    assert.match(JSON.parse(r2.stdout).reason, /min_hours: 24/);
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('min_hours: 24\n  min_runs: 0', 'min_hours: 0\n  min_runs: 5'));
    const r3 = await dream(home, server, ['--if-due', '--json']);
    assert.match(JSON.parse(r3.stdout).reason, /0 run\(s\) since the last dream \(dream.min_runs: 5\)/);
    assert.is(server.requests.length, 1);
  });
});

test.run();
