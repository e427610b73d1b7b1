// Table tests for core/missions/: the stage after each stage's result (the one decision a mission's
// tick applies), the ladder `aos mission show` prints, and mission.md read back as written or
// refused naming the file and field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { afterStage, parseMission, renderMission, stageLadder, type MissionFront } from '../../cli/core/missions/mission.js';
import { ValidationError } from '../../cli/errors.js';

const SHA = 'a'.repeat(40);
const base: MissionFront = {
  id: 'm-20261207t140000-ab12', goal: 'fix add()', repo: '/src/app', branch: 'main', base: SHA, mission_branch: 'aos/mission/m-20261207t140000-ab12',
  worktree: '/home/h/.aos/missions/m-20261207t140000-ab12/worktree', agent: 'coder', checks: ['npm test'], check_timeout_seconds: 300,
  stage: 'plan', status: 'active', repair_rounds: 2, round: 0, promote: 'ask', merge: 'ff', runs: [], created: '2026-12-07T14:00:00+00:00', updated: '2026-12-07T14:00:00+00:00',
};
const at = (over: Partial<MissionFront>): MissionFront => ({ ...base, ...over });

test('the happy path: plan, implement, verify, replay, promote, done', () => {
  assert.is(afterStage(base, { stage: 'plan', ok: true }).stage, 'implement');
  const impl = afterStage(at({ stage: 'implement' }), { stage: 'implement', ok: true, head: 'b'.repeat(40), run: 'r-1' });
  assert.equal([impl.stage, impl.head, impl.runs], ['verify', 'b'.repeat(40), ['r-1']]);
  assert.is(afterStage(at({ stage: 'verify' }), { stage: 'verify', ok: true }).stage, 'replay');
  assert.is(afterStage(at({ stage: 'replay' }), { stage: 'replay', ok: true }).stage, 'promote');
  const done = afterStage(at({ stage: 'promote' }), { stage: 'promote', ok: true });
  assert.equal([done.stage, done.status], ['done', 'promoted']);
});

test('a failed verify goes back to implement until the repair rounds are used, then fails', () => {
  const r1 = afterStage(at({ stage: 'verify', round: 0 }), { stage: 'verify', ok: false, reason: 'npm test exit code 1' });
  assert.equal([r1.stage, r1.status, r1.round], ['implement', 'active', 1]);
  const r2 = afterStage(at({ stage: 'verify', round: 2 }), { stage: 'verify', ok: false, reason: 'npm test exit code 1' });
  assert.equal([r2.stage, r2.status, r2.round], ['verify', 'failed', 2]);
  assert.match(r2.reason!, /after 2 repair rounds: npm test exit code 1/);
  const none = afterStage(at({ stage: 'verify', repair_rounds: 0 }), { stage: 'verify', ok: false });
  assert.is(none.status, 'failed');
});

test('refusals and failures stop the mission at its stage with the reason', () => {
  const refused = afterStage(at({ stage: 'implement' }), { stage: 'implement', ok: false, refused: 'rulebook', reason: 'node_modules/x.js: node-modules' });
  assert.equal([refused.stage, refused.status, refused.reason], ['implement', 'refused', 'node_modules/x.js: node-modules']);
  const replay = afterStage(at({ stage: 'replay' }), { stage: 'replay', ok: false, reason: 'trees differ' });
  assert.equal([replay.stage, replay.status], ['replay', 'failed']);
  assert.match(replay.reason!, /trees differ/);
  const promote = afterStage(at({ stage: 'promote' }), { stage: 'promote', ok: false, reason: 'main moved on' });
  assert.equal([promote.stage, promote.status], ['promote', 'failed']);
});

test('the ladder: done below the stage, current (or stopped) at it, todo above', () => {
  assert.equal(stageLadder(at({ stage: 'verify' })).map((s) => s.state), ['done', 'done', 'current', 'todo', 'todo']);
  assert.equal(stageLadder(at({ stage: 'verify', status: 'failed' })).map((s) => s.state), ['done', 'done', 'stopped', 'todo', 'todo']);
  assert.equal(stageLadder(at({ stage: 'done', status: 'promoted' })).map((s) => s.state), ['done', 'done', 'done', 'done', 'done']);
});

test('mission.md round-trips, and a bad field is named with its file', () => {
  const text = renderMission({ front: base, body: 'Fix add() so 2 + 3 is 5.' });
  const back = parseMission('missions/x/mission.md', text);
  assert.equal(back.front, base);
  assert.is(back.body, 'Fix add() so 2 + 3 is 5.');
  try {
    parseMission('missions/x/mission.md', text.replace('stage: plan', 'stage: banana'));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ValidationError);
    assert.match((err as Error).message, /missions\/x\/mission\.md.*stage/);
  }
  assert.throws(() => parseMission('missions/x/mission.md', 'no front matter'), /missions\/x\/mission\.md/);
});

test.run();
