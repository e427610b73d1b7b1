// Issue 18: the gates before promote. Security: a change that adds an API key is refused before it is
// ever committed (the scan names file:line and the kind), and the key's text is nowhere in the
// mission's files, the home's history or the target. Bench: a configured command whose last printed
// number must meet a threshold, run in bubblewrap at the mission's head; below it, the findings go
// back to the implementing agent as a repair round (gates.md), and the repaired change promotes. A
// bench that prints no number fails the mission naming the file; bad thresholds are refused up front.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, read, write } from '../helpers.js';
import { envFor, withModel } from '../model-helpers.js';
import { BROKEN_ADD, FIXED_ADD, addCoder, newMission, show, targetRepo, tickOk } from '../mission-helpers.js';

// Built from parts so this file itself holds no key-shaped literal.
const KEY = ['sk', 'ant', 'api03', 'Zx8Qw2Lm9Rt4Yp7Kd3Vb6Nc1Hs5Gf0Jq2We8Ru4Ti7Oa'].join('-');
const SCORED_ADD = `${FIXED_ADD}exports.score = 7;\n`;
const BENCH = `node -e "console.log('score:', require('./add.js').score || 0)"`;

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Ticks until the mission leaves `active` or waits for the owner; returns all the output. */
async function untilRest(home: string, server: Parameters<typeof tickOk>[1], id: string, max = 12): Promise<string> {
  const outs: string[] = [];
  for (let i = 0; i < max && show(home, id).status === 'active' && !show(home, id).approval; i++) outs.push((await tickOk(home, server)).stdout);
  return outs.join('\n');
}

test('a change that adds an API key is refused before promote, naming file:line and the kind; the key is kept nowhere', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js and configure the client.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }, { name: 'write_file', input: { path: 'client.js', content: `// the client\nexports.key = '${KEY}';\n` } }] },
      { text: 'fixed, and the client is configured' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id } = newMission(home, server, repo, ['--promote', 'auto']);
    const all = await untilRest(home, server, id);
    const s = show(home, id);
    assert.is(s.status, 'refused', all);
    assert.is(s.stage, 'implement');
    assert.match(s.reason, /security gate/);
    assert.match(s.reason, /client\.js:2 \(Anthropic API key\)/);
    assert.match(read(home, `missions/${id}/risk.md`), /client\.js:2 \(Anthropic API key\)/);
    // Nothing promoted, nothing committed on the mission branch, the worktree back at the base.
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
    assert.is(git(repo, ['rev-parse', `aos/mission/${id}`]).trim(), s.base);
    assert.not.ok(existsSync(join(s.worktree, 'client.js')), 'the refused change is dropped from the worktree');
    // The key's text: not in the mission's files, not in any file of the home, not in its history.
    for (const f of filesUnder(join(home, 'missions', id))) assert.not.ok(readFileSync(f, 'utf8').includes(KEY), f);
    for (const f of filesUnder(home).filter((p) => !p.includes(`${join(home, '.git')}/`))) assert.not.ok(readFileSync(f).includes(KEY), f);
    assert.not.ok(git(home, ['log', '-p', '--all']).includes(KEY), 'no commit of the home holds the key');
    assert.not.ok(git(repo, ['log', '-p', '--all']).includes(KEY), 'no commit of the target holds the key');
  });
});

test('a bench below its threshold stops promote and goes back as a repair; the repaired change measures enough and promotes', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'fixed' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: SCORED_ADD } }] },
      { text: 'scored' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo, ['--promote', 'auto', '--repair-rounds', '1', '--bench', BENCH, '--bench-min', '5']);
    assert.equal(front.bench, { command: BENCH, min: 5 });
    const all = await untilRest(home, server, id, 14);
    assert.match(all, /promote: the bench gate failed: the bench `[^`]+` measured 0; it must be at least 5; back to implement \(repair round 1 of 1\)/, all);
    assert.match(all, /promote: promoted into main/, all);
    // The repair run was told the gate's findings.
    const repair = JSON.stringify(server.requests[3]!.body.messages[0]);
    assert.match(repair, /The benchmark gate before promote failed on your last change/);
    assert.match(repair, /measured 0; it must be at least 5/);
    const gates = read(home, `missions/${id}/gates.md`);
    assert.match(gates, /Latest: PASSED/);
    assert.match(gates, /## Round 1: passed/);
    assert.match(gates, /## Round 0: failed/);
    assert.match(gates, /must measure at least 5: passed, measured 7; exit code 0, \d+ ms, output sha256:[0-9a-f]{64}/);
    assert.match(gates, /secret scan of the diff: clean \(1 file\)/);
    assert.is(git(repo, ['show', 'main:add.js']), SCORED_ADD);
    assert.is(show(home, id).status, 'promoted');
    // gates.md was committed with the mission.
    assert.match(git(home, ['log', '--format=%s', '--', `missions/${id}/gates.md`]), /promote/);
  });
});

test('a bench that prints no number fails the mission naming the file; nothing is promoted', async () => {
  await withModel({
    replies: [
      { text: '1. Fix add.js.' },
      { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] },
      { text: 'fixed' },
    ],
  }, async ({ server, home }) => {
    addCoder(home);
    write(home, 'aos.yaml', `${read(home, 'aos.yaml')}\nmission:\n  bench:\n    command: echo fast\n    max: 3\n`);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'a bench for every mission']);
    const repo = targetRepo();
    const { id, front } = newMission(home, server, repo, ['--promote', 'auto']);
    assert.equal(front.bench, { command: 'echo fast', max: 3 }, 'aos.yaml mission.bench is the default');
    await untilRest(home, server, id);
    const s = show(home, id);
    assert.is(s.status, 'failed');
    assert.match(s.reason, new RegExp(`missions/${id}/mission\\.md .*the bench \`echo fast\` printed no number`));
    assert.is(git(repo, ['show', 'main:add.js']), BROKEN_ADD);
  });
});

test('bad bench thresholds are refused with the option or the file named', async () => {
  await withModel({ replies: [] }, async ({ server, home }) => {
    addCoder(home);
    const repo = targetRepo();
    const env = { env: envFor(server) };
    const base = ['mission', 'new', 'fix add', '--repo', repo, '--home', home];
    let r = aos([...base, '--bench', 'node b.js'], env);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--bench "node b.js": give its threshold, --bench-min N/);
    r = aos([...base, '--bench', 'node b.js', '--bench-min', 'fast'], env);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--bench-min "fast": expected a number/);
    r = aos([...base, '--bench-max', '3'], env);
    assert.is(r.code, 2);
    assert.match(r.stderr, /name the bench command too/);
    write(home, 'aos.yaml', `${read(home, 'aos.yaml')}\nmission:\n  bench:\n    command: node b.js\n`);
    r = aos([...base], env);
    assert.is.not(r.code, 0);
    assert.match(r.stderr, /aos\.yaml/);
    assert.match(r.stderr, /a threshold: min/);
    assert.is(aos(['mission', 'list', '--home', home, '--json']).stdout.includes('fix add'), false, 'no mission was made');
  });
});

test.run();
