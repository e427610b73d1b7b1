// The pure rules of gated skills: who may enable, which are offered for a task, how a record grows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canEnable, offeredSkills, skillId, successes, withOutcome, type Skill } from '../../cli/core/skills/skills.js';
import type { SkillFront } from '../../cli/core/docs/schemas.js';

function sk(id: string, status: SkillFront['status'], when: string[] = [], promoted = 0, name = id): Skill {
  const record = Array.from({ length: promoted }, (_, i) => ({ mission: `m-${i}`, outcome: 'promoted' as const, date: '2026-12-01' }));
  return { id, file: `skills/${id}.md`, front: { name, description: 'd', status, when, created: '2026-12-01', record }, body: `procedure of ${id}` };
}

test('canEnable asks for min_successes promoted missions, failures not counted', () => {
  const s = sk('a', 'candidate', [], 2);
  assert.equal(canEnable(s, 3), { ok: false, why: 'skills/a.md has 2 promoted missions in its record; enabling needs 3 (skills.min_successes in aos.yaml)' });
  const failed = { ...s, front: withOutcome(s.front, { mission: 'm-9', outcome: 'failed', date: '2026-12-02' }) };
  assert.is(canEnable(failed, 3).ok, false);
  assert.is(canEnable(sk('b', 'candidate', [], 3), 3).ok, true);
  assert.is(canEnable(sk('c', 'retired', [], 1), 1).ok, true);
});

test('withOutcome counts a mission once: a resumed mission reporting again replaces its entry', () => {
  let f = sk('a', 'candidate').front;
  f = withOutcome(f, { mission: 'm-1', outcome: 'failed', date: '2026-12-01' });
  f = withOutcome(f, { mission: 'm-1', outcome: 'promoted', date: '2026-12-02' });
  assert.is(f.record.length, 1);
  assert.is(successes(f), 1);
});

test('offeredSkills: only enabled, not agent-changed, relevant by word; named ones first; at most max', () => {
  const skills = [
    sk('fix-tests', 'enabled', ['failing', 'test']),
    sk('cand', 'candidate', ['failing']),
    sk('old', 'retired', ['failing']),
    sk('forged', 'enabled', ['failing']),
    sk('porto-trip', 'enabled', [], 0, 'Plan a Porto trip'),
    sk('named', 'enabled', ['zzzz']),
  ];
  const ids = (task: string, named: string[] = [], max?: number) =>
    offeredSkills({ skills, agentChanged: new Set(['forged']), task, named, max }).map((s) => s.id);
  assert.equal(ids('the failing test in add.js'), ['fix-tests']);
  assert.equal(ids('book the trip to porto'), ['porto-trip']);
  assert.equal(ids('FAILING tests'), ['fix-tests']);
  assert.equal(ids('nothing here'), []);
  assert.equal(ids('a failing test', ['named']), ['named', 'fix-tests']);
  assert.equal(ids('a failing test porto trip', [], 1), ['fix-tests']);
});

test('skillId makes a file name from a name', () => {
  assert.is(skillId('Fix a failing test first'), 'fix-a-failing-test-first');
  assert.is(skillId('  Café — déjà vu!  '), 'cafe-deja-vu');
  assert.is(skillId('!!!'), 'skill');
  assert.ok(skillId('x'.repeat(100)).length <= 60);
});

test.run();
