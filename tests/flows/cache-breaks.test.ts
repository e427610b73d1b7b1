// Cache breaks and compaction, end to end: the built CLI, the real SDK against the fake Messages API.
// Each run records its prompt-prefix hash (run record and commit trailer); `aos runs --cache` says
// when an agent's prefix changed and why. A long run's older turns are sent compacted once the
// conversation passes the threshold, while its run record keeps every turn whole.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, read, write } from '../helpers.js';
import { addItem, envFor, tick, withModel, doneFile, runIdOf } from '../model-helpers.js';
import { COMPACT_AT_CHARS } from '../../cli/core/runs/compact.js';

test('aos runs --cache: the prefix hash per run, and why it changed (instructions, MEMORY.md, model)', async () => {
  await withModel({ whenEmpty: { text: 'ok' } }, async ({ server, home }) => {
    const runOnce = async (label: string) => {
      addItem(home, `Task ${label}`, 'chief');
      const r = await tick(home, server);
      assert.is(r.code, 0, r.stderr);
    };
    const commitAll = (m: string) => {
      git(home, ['add', '-A']);
      git(home, ['commit', '-qm', m]);
    };
    await runOnce('one');
    await runOnce('two'); // same prefix: no break
    write(home, 'agents/chief.md', read(home, 'agents/chief.md').replace('You are the chief.', 'You are the chief. Be brief.'));
    commitAll('edit instructions');
    await runOnce('three');
    write(home, 'memory/MEMORY.md', read(home, 'memory/MEMORY.md') + '- [Tea](tea.md) — green tea\n');
    write(home, 'memory/tea.md', '---\ntitle: Tea\ntype: preference\ndescription: green tea\ncreated: 2026-11-01\n---\nGreen tea.\n');
    commitAll('memory');
    await runOnce('four');
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('  model: claude-sonnet-4-6\n  max_retries', '  model: claude-opus-4-1\n  max_retries'));
    commitAll('model');
    await runOnce('five');

    const trailers = git(home, ['log', '--format=%(trailers:key=Aos-Prefix,valueonly)', '--author=chief']).split('\n').filter(Boolean);
    assert.is(trailers.length, 5, 'every run commit names its prefix');
    assert.is(trailers[3], trailers[4], 'runs one and two (oldest last) share their prefix');

    const r = aos(['runs', '--cache', '--agent', 'chief', '--json', '--home', home], { env: envFor(server) });
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.runs, 5);
    assert.equal(out.breaks.map((b: any) => b.why), [
      ['first run shown: nothing cached before it'],
      ['instructions edited'],
      ['MEMORY.md changed'],
      ['model changed (claude-sonnet-4-6 → claude-opus-4-1)'],
    ]);
    assert.is(out.breaks[1].prefix, trailers[2]);
    const text = aos(['runs', '--cache', '--home', home], { env: envFor(server) });
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, /5 run\(s\); the prompt prefix changed 4 time/);
    assert.match(text.stdout, /chief .*instructions edited/);
  });
});

test('a long run: older turns are sent compacted past the threshold; the run record keeps them whole', async () => {
  const big = (c: string) => `${c.repeat(70)}\n`.repeat(Math.ceil(COMPACT_AT_CHARS / 3 / 71) + 10);
  await withModel({
    replies: [
      { tools: [{ name: 'read_file', input: { path: 'notes/a.md' }, id: 'toolu_a' }] },
      { tools: [{ name: 'read_file', input: { path: 'notes/b.md' }, id: 'toolu_b' }] },
      { tools: [{ name: 'read_file', input: { path: 'notes/c.md' }, id: 'toolu_c' }] },
      { tools: [{ name: 'read_file', input: { path: 'notes/d.md' }, id: 'toolu_d' }] },
      { text: 'read all four' },
    ],
  }, async ({ server, home }) => {
    for (const [f, c] of [['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D']] as const) write(home, `notes/${f}.md`, big(c));
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'notes']);
    const id = addItem(home, 'Read the four notes.', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 5);
    const sent = (i: number) => JSON.stringify(server.requests[i]!.body.messages);
    const json = (t: string) => JSON.stringify(t.trim()).slice(1, -1);
    // Before the threshold every result goes whole.
    assert.ok(sent(2).includes(json(big('A'))) && sent(2).includes(json(big('B'))));
    assert.not.match(sent(2), /compacted:/);
    // Past it, the older results are cut, the latest ones and the task stay whole, every call keeps its result.
    const last = server.requests[4]!.body.messages;
    assert.match(sent(4), /AAAA… \[compacted: \d+ characters in all; the run record keeps them whole\]/);
    assert.ok(sent(4).includes(json(big('D'))), 'the latest result is whole');
    assert.match(last[0].content, /Read the four notes/);
    assert.is(last.filter((m: any) => m.role === 'assistant').length, 4);
    assert.not.ok(sent(4).includes(json(big('A'))) || sent(4).includes(json(big('B'))), 'the older results are cut');
    assert.ok(sent(4).includes(json(big('C'))), 'the last turns are whole');
    assert.ok(sent(4).length < COMPACT_AT_CHARS, `the conversation sent stays under the threshold (${sent(4).length})`);
    const run = runIdOf(home, doneFile(home, id)!);
    const record = read(home, `logs/runs/${run.slice(2, 6)}/${run.slice(6, 8)}/${run}.md`);
    for (const c of ['A', 'B', 'C', 'D']) assert.ok(record.includes(`${c.repeat(70)}\n${c.repeat(70)}`), `the record keeps ${c} whole`);
    assert.not.match(record, /compacted:/);
  });
});

test.run();
