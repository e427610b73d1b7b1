// Issue 18: skills earn their track record from missions. `aos mission new --skill <id>` names a
// candidate skill the mission tries: it is offered to that mission's runs only (an ordinary run whose
// task matches its words never sees it). Each mission's end writes its outcome into the skill's record
// as aos's own commit (no Aos-Run, so the skill does not count as changed by an agent). The owner
// cannot enable it before 3 promoted missions are in its record; after three missions are promoted
// (run side by side, one stage each per tick), `aos skill enable` switches it on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aos, git, json, read, write } from '../helpers.js';
import { addItem, withModel } from '../model-helpers.js';
import { FIXED_ADD, addCoder, newMission, show, targetRepo, tickOk } from '../mission-helpers.js';

const PROCEDURE = '1. Read the failing assertion before touching add.js.';
const SKILL = `---
name: Fix the adder
description: Read the failing assertion, then change the adder.
status: candidate
when: [adder]
created: 2026-12-01
---
${PROCEDURE}
2. Change the code until the test passes.
`;

const sent = (body: unknown) => JSON.stringify(body);

test('a candidate skill tried by 3 promoted missions earns its record; only then does aos skill enable switch it on', async () => {
  const replies = [
    { text: '1. Fix add.js.' }, { text: '1. Fix add.js.' }, { text: '1. Fix add.js.' },
    { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] }, { text: 'fixed' },
    { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] }, { text: 'fixed' },
    { tools: [{ name: 'write_file', input: { path: 'add.js', content: FIXED_ADD } }] }, { text: 'fixed' },
  ];
  await withModel({ replies, whenEmpty: { text: 'done' } }, async ({ server, home }) => {
    addCoder(home);
    write(home, 'skills/fix-the-adder.md', SKILL);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'a candidate skill']);

    // A retired or unknown skill is refused by name, and no mission is made.
    const bad = aos(['mission', 'new', 'fix add', '--repo', targetRepo(), '--skill', 'no-such', '--home', home]);
    assert.is(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--skill no-such: no valid skills\/no-such\.md/);

    const enableEarly = aos(['skill', 'enable', 'fix-the-adder', '--home', home]);
    assert.is.not(enableEarly.code, 0);
    assert.match(enableEarly.stderr, /0 promoted missions in its record; enabling needs 3/);

    const ids = [0, 1, 2].map(() => newMission(home, server, targetRepo(), ['--skill', 'fix-the-adder', '--promote', 'auto']).id);
    assert.match(read(home, `missions/${ids[0]}/mission.md`), /skills:\n  - fix-the-adder/);
    for (let i = 0; i < 5; i++) await tickOk(home, server); // plan, implement, verify, replay, promote: each mission one stage per tick
    for (const id of ids) assert.is(show(home, id).status, 'promoted', id);
    assert.is(server.requests.length, 9);
    // In trial, the candidate is in the mission's runs' context.
    for (const q of server.requests) assert.ok(sent(q.body).includes(PROCEDURE), 'the mission run was not offered its trial skill');

    const s = json(aos(['skill', 'show', 'fix-the-adder', '--home', home, '--json']));
    assert.is(s.status, 'candidate');
    assert.is(s.successes, 3);
    // In the order the tick promoted them: missions of one second go by id, whose tail is random.
    assert.equal(s.record.map((r: any) => [r.mission, r.outcome]).sort(), ids.map((id) => [id, 'promoted']).sort());
    // Written by aos, never by a run: the skill stays offerable.
    const trailers = git(home, ['log', '--format=%an|%(trailers:key=Aos-Run,valueonly)|%(trailers:key=Aos-Kind,valueonly)', '--', 'skills/fix-the-adder.md']).split('\n').filter((l) => l.trim());
    assert.equal(trailers.slice(0, 3).map((t) => t.trim()), ['aos||skill-record', 'aos||skill-record', 'aos||skill-record']);

    // A candidate is never offered outside a mission that names it, even when the task matches its words.
    const asked = server.requests.length;
    addItem(home, 'the adder is broken again', 'coder');
    await tickOk(home, server);
    assert.is(server.requests.length, asked + 1);
    assert.not.ok(sent(server.requests[asked]!.body).includes(PROCEDURE), 'a candidate skill reached an ordinary run');

    const enable = aos(['skill', 'enable', 'fix-the-adder', '--home', home]);
    assert.is(enable.code, 0, enable.stderr);
    const list = json(aos(['skill', 'list', '--home', home, '--json']));
    assert.equal(list.skills.map((k: any) => [k.id, k.status, k.offered]), [['fix-the-adder', 'enabled', true]]);
    addItem(home, 'the adder needs one more look', 'coder');
    await tickOk(home, server);
    assert.ok(sent(server.requests[asked + 1]!.body).includes(PROCEDURE), 'the enabled skill was not offered');
  });
});

test.run();
