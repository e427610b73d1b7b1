// Scopes (issue 22): memory/ is shared; memory/agents/<id>/ is an agent's private long-term memory,
// written through its remember tool, read back by it (recall, and its index in its prompt), and
// out of reach of every other agent: refused, and nothing of it in their prompts or search results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, read, write } from '../helpers.js';
import { CHIEF, RESEARCHER, addItem, envFor, tick, withModel } from '../model-helpers.js';

const SECRET = 'SECRETWORD-PLUM';

test("an agent's private memory: the owner agent writes and reads it; another agent is refused and sees nothing of it", async () => {
  await withModel({
    replies: [
      // 1. chief remembers.
      { tools: [{ name: 'remember', input: { title: 'Board prefers bullet points', description: 'The board wants three bullets, never prose', body: `The board (Ana, Rui) wants three bullet points. Code word ${SECRET}.` }, id: 'toolu_r1' }] },
      { text: 'Noted for later.' },
      // 2. researcher tries every way in.
      { tools: [
        { name: 'recall', input: { agent: 'chief' }, id: 'toolu_x1' },
        { name: 'read_file', input: { path: 'memory/agents/chief/board-prefers-bullet-points.md' }, id: 'toolu_x2' },
        { name: 'search_memory', input: { query: 'board bullet points code word plum' }, id: 'toolu_x3' },
        { name: 'list_files', input: { path: 'memory/agents/chief' }, id: 'toolu_x4' },
      ] },
      { text: 'I could not find it.' },
      // 3. chief reads its own.
      { tools: [{ name: 'recall', input: { slug: 'board-prefers-bullet-points' }, id: 'toolu_c1' }] },
      { text: 'Three bullets.' },
    ],
  }, async ({ server, home, env }) => {
    write(home, 'agents/chief.md', CHIEF.replace('  - "memory:*:read"\n', '  - "memory:*:read"\n  - "memory:private:read,write"\n'));
    write(home, 'agents/researcher.md', RESEARCHER.replace('  - "memory:*:read"\n', '  - "memory:*:read"\n  - "memory:private:read,write"\n  - "file:**:read"\n'));
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'grants']);
    addItem(home, 'Remember how the board wants its reports.', 'chief');
    addItem(home, 'find how the board wants its reports', 'researcher');
    addItem(home, 'How does the board want its reports?', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(server.requests.length, 6, r.stdout);

    // Written by the remember tool: a topic and its index line, in chief's run commit.
    const topic = 'memory/agents/chief/board-prefers-bullet-points.md';
    assert.ok(existsSync(join(home, topic)));
    assert.match(read(home, topic), /title: Board prefers bullet points[\s\S]*status: active[\s\S]*SECRETWORD-PLUM/);
    assert.match(read(home, 'memory/agents/chief/MEMORY.md'), /^# Private memory of chief\n- \[Board prefers bullet points\]\(board-prefers-bullet-points\.md\) — The board wants three bullets/);
    const commits = git(home, ['log', '--format=%an %s', '--', topic]).trim().split('\n');
    assert.is(commits.length, 1);
    assert.match(commits[0]!, /^chief /);
    assert.is(git(home, ['status', '--porcelain']), '');

    const bodies = server.requests.map((q) => q.body);
    const isResearcher = (b: any) => /You are Researcher/.test(b.system[0].text);
    const theirs = bodies.filter(isResearcher);
    assert.is(theirs.length, 2);
    // Refused every way, and nothing of it reached the researcher's model.
    for (const b of theirs) assert.not.ok(JSON.stringify(b).includes(SECRET), 'the private text never reaches another agent');
    for (const b of theirs) assert.not.ok(JSON.stringify(b).includes('Board prefers bullet points'), 'nor its index line');
    const results = theirs[1].messages[2].content as { tool_use_id: string; content: string; is_error?: boolean }[];
    const of = (id: string) => results.find((x) => x.tool_use_id === id)!;
    assert.ok(of('toolu_x1').is_error);
    assert.match(of('toolu_x1').content, /refused: no capability grants memory:private:read of chief \(another agent's private memory/);
    assert.ok(of('toolu_x2').is_error);
    assert.match(of('toolu_x2').content, /memory\/agents\/ holds agents' private memories/);
    assert.ok(of('toolu_x4').is_error, of('toolu_x4').content);
    assert.not.match(of('toolu_x3').content, /memory\/agents/);

    // The owner agent sees its private index in its prompt and reads the topic back.
    const chiefLast = bodies.filter((b) => !isResearcher(b)).slice(-2);
    assert.match(chiefLast[0].system[0].text, /# Your private memory \(memory\/agents\/chief\/MEMORY\.md[^\n]*\n\n# Private memory of chief\n- \[Board prefers bullet points\]/);
    assert.match(JSON.stringify(chiefLast[1].messages), /SECRETWORD-PLUM/);

    // The owner: aos memory show --agent; shared search finds nothing private.
    const show = await aosAsync(['memory', 'show', '--agent', 'chief', '--json', '--home', home], { env });
    assert.is(show.code, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).entries.map((e: any) => e.slug), ['board-prefers-bullet-points']);
    const one = await aosAsync(['memory', 'show', 'board-prefers-bullet-points', '--agent', 'chief', '--home', home], { env });
    assert.match(one.stdout, /SECRETWORD-PLUM/);
    const none = await aosAsync(['memory', 'show', '--agent', 'researcher', '--home', home], { env });
    assert.match(none.stdout, /researcher has no private memory yet/);
    const search = await aosAsync(['memory', 'search', SECRET, '--json', '--home', home], { env: envFor(undefined) });
    assert.is(search.code, 0, search.stderr);
    assert.not.ok(JSON.parse(search.stdout).hits.some((h: any) => String(h.file).startsWith('memory/agents/')), 'shared search never shows a private memory');
    // The private folder is part of a healthy home: doctor and memory lint accept it.
    const doctor = await aosAsync(['doctor', '--home', home], { env: envFor(undefined) });
    // (The roster home has a goal whose owner agent was removed: that is doctor's one complaint.)
    assert.not.match(doctor.stdout + doctor.stderr, /memory\/agents/);
    const lint = await aosAsync(['memory', 'lint', '--home', home], { env: envFor(undefined) });
    assert.is(lint.code, 0, lint.stdout + lint.stderr);
  });
});

test.run();
