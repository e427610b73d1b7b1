// Issue 20 with 17: each mission stage is announced as the event mission.stage, so an agent that
// subscribes to mission.* gets one item per stage; an agent that does not gets nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, read, write } from '../helpers.js';
import { withModel } from '../model-helpers.js';
import { addCoder, newMission, targetRepo, tickOk } from '../mission-helpers.js';

const WATCHER = `---\nname: Watcher\nrole: Keeps an eye on missions.\nsubscribes: ["mission.*"]\n---\nYou watch missions.\n`;

test('a subscriber to mission.* gets the plan stage as an event item; the others get nothing', async () => {
  await withModel({ replies: [{ text: '1. Change add.js.\nRisk: none.' }] }, async ({ server, home }) => {
    addCoder(home);
    write(home, 'agents/watcher.md', WATCHER);
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'the watcher']);
    const { id } = newMission(home, server, targetRepo());
    await tickOk(home, server);
    const items = readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md')).map((f) => read(home, `inbox/${f}`));
    const events = items.filter((t) => /^kind: event$/m.test(t));
    assert.is(events.length, 1, items.join('\n---\n'));
    assert.match(events[0]!, /^to: watcher$/m);
    assert.match(events[0]!, /^topic: mission\.stage$/m);
    assert.match(events[0]!, new RegExp(`Mission ${id} \\("fix add\\(\\) so its test passes"\\): plan: plan written`));
    assert.match(git(home, ['log', '-1', '--format=%s%n%b', '--fixed-strings', '--grep=Aos-Topic: mission.stage']), new RegExp(`event mission.stage \\(${id}\\): to watcher`));
  });
});

test.run();
