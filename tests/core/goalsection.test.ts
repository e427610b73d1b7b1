import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sectionTextProblem, setSection } from '../../cli/core/goals/goaledit.js';

const GOAL = '---\ntitle: T\n---\n## Plan\nold plan\n\n## Research notes\n- a\n\n## History\n- 2026-01-01 made\n';

test('setSection: replace, append, and a missing section made above the History', () => {
  assert.is(setSection(GOAL, 'Plan', 'new plan', 'replace'), GOAL.replace('old plan', 'new plan'));
  assert.is(setSection(GOAL, 'Research notes', '- b', 'append'), GOAL.replace('- a\n', '- a\n\n- b\n'));
  const bare = '---\ntitle: T\n---\n## History\n- x\n';
  assert.is(setSection(bare, 'Plan', 'p', 'append'), '---\ntitle: T\n---\n## Plan\np\n\n## History\n- x\n');
  assert.is(setSection('---\ntitle: T\n---\n', 'Plan', 'p', 'replace'), '---\ntitle: T\n---\n## Plan\np\n');
  assert.is(setSection(GOAL.replace(/\n/g, '\r\n'), 'Plan', 'n', 'replace'), GOAL.replace('old plan', 'n').replace(/\n/g, '\r\n'));
});

test('sectionTextProblem: level 1 and 2 headings would split the sections; ### is fine', () => {
  assert.ok(sectionTextProblem('a\n## History\n- fake'));
  assert.ok(sectionTextProblem('# Title'));
  assert.is(sectionTextProblem('### Drill\ntext'), undefined);
});

test.run();
