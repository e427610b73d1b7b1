// Table tests for the goal math (gap, pace, due ranking, plateaus), the in-place goal edits, the
// model answer's check, and the brief's topic suggestions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gap, goalGap, pace, plateau, parseHistory, historyLine, goalStart, PLATEAU_ENTRIES } from '../../cli/core/goals/goals.js';
import { dueness, dueSkills, rankDue, cadenceProblems } from '../../cli/core/goals/goaldue.js';
import { setSkillFields, appendHistory } from '../../cli/core/goals/goaledit.js';
import { goalFromAnswer, goalTemplate } from '../../cli/core/goals/goalnew.js';
import { parseDoc } from '../../cli/core/docs/parsedoc.js';
import { topicSuggestions } from '../../cli/core/goals/brief.js';
import type { GoalFront } from '../../cli/core/docs/schemas.js';

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

const gaps: [string, { baseline: number; current: number; target: number }, number][] = [
  ['not started', { baseline: 6.5, current: 6.5, target: 8 }, 1],
  ['half way', { baseline: 6, current: 7, target: 8 }, 0.5],
  ['reached', { baseline: 6, current: 8, target: 8 }, 0],
  ['past the target counts as reached', { baseline: 6, current: 9, target: 8 }, 0],
  ['worse than the baseline is a whole gap, not more', { baseline: 6, current: 5, target: 8 }, 1],
  ['a falling target (a 5 km time): 30 → 25, now 27.5', { baseline: 30, current: 27.5, target: 25 }, 0.5],
  ['a falling target not started', { baseline: 30, current: 31, target: 25 }, 1],
  ['target equals baseline: nothing to close', { baseline: 7, current: 7, target: 7 }, 0],
];
for (const [name, m, want] of gaps) test(`gap: ${name}`, () => assert.ok(near(gap(m), want), `${gap(m)} != ${want}`));

const skill = (id: string, weight: number, baseline: number, current: number, target: number, cadence = 'daily', last?: string) => ({
  id, name: id, weight, baseline, current, target, cadence, drill: 'd', ...(last ? { last_practiced: last } : {}),
});
const goal = (skills: ReturnType<typeof skill>[], extra: Partial<GoalFront> = {}): GoalFront => ({ title: 'G', status: 'active', owner: 'tutor', skills, ...extra }) as GoalFront;

const goalGaps: [string, GoalFront, number | undefined][] = [
  ['weights 0.6/0.4, gaps 1 and 0', goal([skill('a', 0.6, 0, 0, 10), skill('b', 0.4, 0, 10, 10)]), 0.6],
  ['weights are normalised (1 and 1)', goal([skill('a', 1, 0, 5, 10), skill('b', 1, 0, 0, 10)]), 0.75],
  ['skills win over the metric', goal([skill('a', 1, 0, 10, 10)], { metric: { name: 'm', baseline: 0, current: 0, target: 1 } }), 0],
  ['no skills: the metric', goal([], { metric: { name: 'm', baseline: 0, current: 0.25, target: 1 } }), 0.75],
  ['all weights 0: the metric', goal([skill('a', 0, 0, 0, 10)], { metric: { name: 'm', baseline: 0, current: 1, target: 1 } }), 0],
  ['nothing to measure', goal([]), undefined],
];
for (const [name, g, want] of goalGaps) {
  test(`goal gap: ${name}`, () => {
    const got = goalGap(g);
    assert.ok(want === undefined ? got === undefined : got !== undefined && near(got, want), `${got} != ${want}`);
  });
}

// Start 2026-01-01, deadline 2026-01-11: a 10-day straight line.
const paces: [string, number, string, string | undefined, string | undefined][] = [
  ['on the line', 0.5, '2026-01-06', 'on track', undefined],
  ['behind: 20% done, 50% expected', 0.2, '2026-01-06', 'behind', undefined],
  ['ahead: 90% done, 50% expected', 0.9, '2026-01-06', 'ahead', undefined],
  ['within the tolerance (47% vs 50%)', 0.47, '2026-01-06', 'on track', undefined],
  ['done', 1, '2026-01-06', 'done', undefined],
  ['deadline passed', 0.9, '2026-01-12', 'overdue', undefined],
  ['before the start: nothing expected yet', 0, '2025-12-20', 'on track', undefined],
  ['no deadline: no pace', 0.5, '2026-01-06', undefined, 'no deadline'],
  ['no start: no pace', 0.5, '2026-01-06', undefined, 'no start'],
];
for (const [name, progress, today, want, missing] of paces) {
  test(`pace: ${name}`, () => {
    const g = goal([skill('a', 1, 0, progress * 10, 10)], missing === 'no deadline' ? {} : { deadline: '2026-01-11' });
    const p = pace(g, missing === 'no start' ? undefined : '2026-01-01', today);
    assert.is(p?.verdict, want);
    if (p && name === 'on the line') assert.equal([p.expected, p.daysLeft], [0.5, 5]);
  });
}

test('goal start: created, else the first dated History line', () => {
  assert.is(goalStart('2026-02-01', '## History\n- 2026-01-01 a 1\n'), '2026-02-01');
  assert.is(goalStart(undefined, '## Plan\n- 2025-01-01 x\n\n## History\n- 2026-01-03 goal created\n- 2026-01-04 a 1\n'), '2026-01-03');
  assert.is(goalStart(undefined, '## Plan\nnothing\n'), undefined);
});

// today 2026-11-21 (a Saturday), UTC
const NOW = new Date('2026-11-21T12:00:00Z');
const dues: [string, string, string[], number | undefined][] = [
  ['daily, never practised: due, overdue 1', 'daily', [], 1],
  ['daily, practised today: not due', 'daily', ['2026-11-21'], undefined],
  ['daily, practised yesterday: due, 1', 'daily', ['2026-11-20'], 1],
  ['daily, 3 days ago: 3', 'daily', ['2026-11-18'], 3],
  ['a future date does not count as practice', 'daily', ['2026-11-25'], 1],
  ['3/week, practised yesterday: not due (interval 2 days)', '3/week', ['2026-11-20'], undefined],
  ['3/week, 2 days ago, twice this week: due', '3/week', ['2026-11-17', '2026-11-19'], 2 / (7 / 3)],
  ['3/week, 2 days ago but 3 times in 7 days: not due', '3/week', ['2026-11-15', '2026-11-17', '2026-11-19'], undefined],
  ['3/week, 7 days ago: overdue 3', '3/week', ['2026-11-14'], 3],
  ['weekly, 6 days ago: not due', 'weekly', ['2026-11-15'], undefined],
  ['weekly, 7 days ago: due, 1', 'weekly', ['2026-11-14'], 1],
  ['weekly, 14 days ago: 2', 'weekly', ['2026-11-07'], 2],
  ['cron weekdays 07:00, practised Thursday: Friday 07:00 passed, 1 slot', '0 7 * * 1-5', ['2026-11-19'], 1],
  ['cron weekdays 07:00, practised Friday: no slot on Saturday', '0 7 * * 1-5', ['2026-11-20'], undefined],
  ['cron daily 07:00, practised 3 days ago: 3 slots', '0 7 * * *', ['2026-11-18'], 3],
  ['cron, never practised and a slot this week: due, 1', '0 7 * * 1', [], 1],
  ['cron 18:00 today, not yet at noon, practised yesterday: not due', '0 18 * * *', ['2026-11-20'], undefined],
];
for (const [name, cadence, practiced, want] of dues) {
  test(`due: ${name}`, () => {
    const d = dueness(cadence, practiced, '2026-11-21', NOW, 'UTC');
    assert.ok(want === undefined ? d === undefined : d !== undefined && near(d.overdue, want), JSON.stringify(d));
  });
}

test('due: cron slots are read in the owner time zone', () => {
  // 23:30 UTC on the 21st is 08:30 on the 22nd in Tokyo: the 07:00 Tokyo slot has passed.
  const late = new Date('2026-11-21T23:30:00Z');
  assert.ok(dueness('0 7 * * *', ['2026-11-21'], '2026-11-22', late, 'Asia/Tokyo'));
  assert.not.ok(dueness('0 7 * * *', ['2026-11-22'], '2026-11-22', late, 'Asia/Tokyo'));
});

test('due ranking: weighted gap × overdue, across goals; skills at target and practised today drop out', () => {
  const a = goal([
    skill('essay', 0.6, 0, 0, 10, 'daily', '2026-11-20'), // 0.6 × 1 = 0.6
    skill('charts', 0.4, 0, 0, 10, 'weekly', '2026-11-07'), // 0.4 × 2 = 0.8
    skill('done', 0.5, 0, 10, 10, 'daily'), // at target: never due
    skill('today', 0.9, 0, 0, 10, 'daily', '2026-11-21'), // practised today
  ]);
  const b = goal([skill('vocab', 1, 0, 5, 10, 'daily', '2026-11-18')]); // 1 × 0.5 × 3 = 1.5
  const ranked = rankDue([{ name: 'a', front: a, history: [] }, { name: 'b', front: b, history: [] }, { name: 'c', front: { ...b, status: 'paused' }, history: [] }], '2026-11-21', NOW, 'UTC');
  assert.equal(ranked.map((d) => `${d.goal}.${d.skill}`), ['b.vocab', 'a.charts', 'a.essay']);
  assert.ok(near(ranked[0]!.score, 1.5) && near(ranked[1]!.score, 0.8) && near(ranked[2]!.score, 0.6));
});

test('due: a cadence that can never come due is reported and left out, never thrown', () => {
  const g = goal([skill('a', 1, 0, 0, 10, '61 * * * *'), skill('b', 1, 0, 0, 10, '0/week'), skill('c', 1, 0, 0, 10, 'daily')]);
  assert.equal(dueSkills(g, [], '2026-11-21', NOW, 'UTC').map((d) => d.skill), ['c']);
  const problems = cadenceProblems([{ file: 'goals/g.md', front: g }]);
  assert.equal(problems.map((p) => p.field), ['skills.0.cadence', 'skills.1.cadence']);
  assert.match(problems[0]!.found, /minute "61"/);
});

test('due: History dates count as practice for N/week', () => {
  const g = goal([skill('charts', 1, 0, 0, 10, '3/week', '2026-11-19')]);
  const history = parseHistory('## History\n- 2026-11-15 charts 2\n- 2026-11-17 charts 3\n- 2026-11-19 charts 3\n');
  assert.equal(dueSkills(g, history, '2026-11-21', NOW, 'UTC'), []);
  assert.is(dueSkills(g, [], '2026-11-21', NOW, 'UTC').length, 1);
});

const hist = (values: number[], skillId = 's') => values.map((value, i) => ({ date: `2026-11-${String(10 + i).padStart(2, '0')}`, skill: skillId, value }));
const plateaus: [string, number[], { baseline: number; current: number; target: number }, boolean][] = [
  ['four flat results', [6.5, 6.5, 6.5, 6.5], { baseline: 6, current: 6.5, target: 8 }, true],
  ['within 5% of the range (0.09 of 2)', [6.5, 6.55, 6.59, 6.5], { baseline: 6, current: 6.5, target: 8 }, true],
  ['a 5% move is progress', [6.5, 6.5, 6.5, 6.6], { baseline: 6, current: 6.6, target: 8 }, false],
  ['only three results', [6.5, 6.5, 6.5], { baseline: 6, current: 6.5, target: 8 }, false],
  ['earlier progress, then four flat', [6, 6.2, 7, 7, 7, 7], { baseline: 6, current: 7, target: 8 }, true],
  ['flat, then a jump', [7, 7, 7, 7, 7.5], { baseline: 6, current: 7.5, target: 8 }, false],
  ['flat at the target is not a plateau', [8, 8, 8, 8], { baseline: 6, current: 8, target: 8 }, false],
  ['a falling target, flat', [27, 27.1, 27, 27], { baseline: 30, current: 27, target: 25 }, true],
];
for (const [name, values, range, want] of plateaus) {
  test(`plateau: ${name}`, () => {
    const p = plateau({ id: 's', ...range }, [...hist(values), ...hist([1, 9, 1, 9], 'other')]);
    assert.is(Boolean(p), want, JSON.stringify(p));
    if (p) {
      assert.is(p.values.length, PLATEAU_ENTRIES);
      assert.is(p.since, hist(values)[values.length - PLATEAU_ENTRIES]!.date);
    }
  });
}

test('history: value lines under ## History only; prose lines are kept out', () => {
  const body = '## Plan\n- 2026-11-01 task2 5 — not history\n\n## History\n- 2026-11-21 goal created; baselines\n- 2026-11-20 task2-argument 6.5 — weak on counter-arguments\n- 2026-11-22 task1-data -3\n- 2026-11-23 task1-data 7 - plain dash\n\n## Later\n- 2026-11-24 task2 9\n';
  assert.equal(parseHistory(body), [
    { date: '2026-11-20', skill: 'task2-argument', value: 6.5, note: 'weak on counter-arguments' },
    { date: '2026-11-22', skill: 'task1-data', value: -3 },
    { date: '2026-11-23', skill: 'task1-data', value: 7, note: 'plain dash' },
  ]);
  assert.is(historyLine({ date: '2026-11-20', skill: 'a', value: 6.5, note: 'two\nlines' }), '- 2026-11-20 a 6.5 — two lines');
});

const GOAL = `---
title: IELTS writing 7 → 8.5   # the owner's words
status: active
owner: tutor
metric: { name: writing band, baseline: 7.0, current: 7.0, target: 8.5 }
skills:
  - id: task2-argument
    name: Task 2 argument essays
    weight: 0.6
    baseline: 6.5
    current: 6.5    # from the mock
    target: 8.0
    cadence: daily
    last_practiced: 2026-11-20
    drill: >-
      Write one essay,
      then score it.
  - id: task1-data
    name: Task 1
    weight: 0.4
    baseline: 7.0
    current: 7.0
    target: 8.5
    cadence: 3/week
    drill: Describe one chart.
---
## Plan
Task 2 first.

## History
- 2026-11-20 task2-argument 6.5 — weak on counter-arguments

## Notes
kept
`;

test('edit: set a skill in place; every other byte stays', () => {
  const out = setSkillFields('g.md', GOAL, 'task2-argument', { current: 6.8, last_practiced: '2026-11-21' });
  assert.is(out, GOAL.replace('current: 6.5    # from', 'current: 6.8    # from').replace('last_practiced: 2026-11-20', 'last_practiced: 2026-11-21'));
});

test('edit: a missing last_practiced goes after current, same indentation', () => {
  const out = setSkillFields('g.md', GOAL, 'task1-data', { current: 7.5, last_practiced: '2026-11-21' });
  assert.is(out, GOAL.replace('    current: 7.0\n    target: 8.5\n    cadence: 3/week', '    current: 7.5\n    last_practiced: 2026-11-21\n    target: 8.5\n    cadence: 3/week'));
  const parsed = parseDoc('goal', 'g.md', out);
  assert.ok(parsed.doc, JSON.stringify(parsed.problems));
});

test('edit: the metric in a flow map; a new key in a flow map; CRLF and BOM kept', () => {
  const crlf = '\uFEFF' + GOAL.replace(/\n/g, '\r\n');
  const out = setSkillFields('g.md', crlf, 'metric', { current: 7.5, unit: 'band' });
  assert.ok(out.startsWith('\uFEFF'));
  assert.not.match(out.replace(/\r\n/g, ''), /\n/);
  assert.match(out, /metric: \{ name: writing band, baseline: 7\.0, current: 7\.5, target: 8\.5, unit: band \}\r\n/);
  assert.is(out.replace('current: 7.5, target: 8.5, unit: band }', 'current: 7.0, target: 8.5 }'), crlf);
});

test('edit: an unknown skill is an error', () => {
  assert.throws(() => setSkillFields('g.md', GOAL, 'nope', { current: 1 }), /no skill "nope"/);
});

test('history: a line goes at the end of its section, before the next one; a missing section is added', () => {
  const out = appendHistory(GOAL, '- 2026-11-21 task1-data 7.5');
  assert.is(out, GOAL.replace('counter-arguments\n', 'counter-arguments\n- 2026-11-21 task1-data 7.5\n'));
  assert.is(appendHistory('---\ntitle: x\n---\n## Plan\nA.\n\n\n', '- 2026-11-21 a 1'), '---\ntitle: x\n---\n## Plan\nA.\n\n## History\n- 2026-11-21 a 1\n');
  assert.is(appendHistory('a\r\n## History\r\n- 2026-11-20 a 1\r\n', '- 2026-11-21 a 2'), 'a\r\n## History\r\n- 2026-11-20 a 1\r\n- 2026-11-21 a 2\r\n');
});

const base = { title: 'Run 5 km under 25 minutes', owner: 'tutor', created: '2026-11-21', deadline: '2027-04-01' };
const SKILLS = 'skills:\n  - id: intervals\n    name: Interval runs\n    weight: 0.6\n    baseline: 30\n    current: 30\n    target: 25\n    cadence: 2/week\n    drill: 6 × 400 m at goal pace.\n';

test('goal from the model: the yaml block and the plan make a valid goal; title, owner and dates are aos’s', () => {
  const answer = `Here it is.\n\n\`\`\`yaml\nmetric: { name: 5 km time, baseline: 30, current: 30, target: 25, unit: min }\n${SKILLS}\`\`\`\n\n## Plan\nIntervals first.\n\n## Research notes\n- Polarised training (source).\n`;
  const r = goalFromAnswer('goals/run.md', answer, base);
  assert.equal(r.problems, []);
  const doc = parseDoc('goal', 'goals/run.md', r.text!);
  const front = doc.doc!.front as GoalFront;
  assert.equal([front.title, front.owner, front.status, front.created, front.deadline, front.skills[0]!.id], [base.title, 'tutor', 'active', '2026-11-21', '2027-04-01', 'intervals']);
  assert.match(r.text!, /## Plan\nIntervals first\.\n\n## Research notes\n- Polarised training \(source\)\.\n\n## History\n$/);
});

const badAnswers: [string, string, RegExp][] = [
  ['no yaml block', 'I think you should run more.', /fenced ```yaml block/],
  ['broken yaml', '```yaml\nskills: [\n```', /\S/],
  ['fields the model may not set', `\`\`\`yaml\nowner: coder\n${SKILLS}\`\`\``, /only metric and skills.*owner/],
  ['no skills', '```yaml\nmetric: { name: m, baseline: 0, current: 0, target: 1 }\n```', /skills: expected a list of at least one skill/],
  ['a weight over 1', '```yaml\n' + SKILLS.replace('weight: 0.6', 'weight: 6') + '```', /weight.*expected a weight from 0 to 1/],
  ['a bad cadence', '```yaml\n' + SKILLS.replace('2/week', 'often') + '```', /cadence.*expected a cadence/],
  ['a missing drill', '```yaml\n' + SKILLS.replace('    drill: 6 × 400 m at goal pace.\n', '') + '```', /drill/],
  ['a hostile id', '```yaml\n' + SKILLS.replace('id: intervals', 'id: ../../etc') + '```', /id: expected a file name/],
];
for (const [name, answer, want] of badAnswers) {
  test(`goal from the model refused: ${name}`, () => {
    const r = goalFromAnswer('goals/run.md', answer, base);
    assert.is(r.text, undefined);
    assert.ok(r.problems.length);
    assert.match(JSON.stringify(r.problems.map((p) => `${p.field ?? ''}: expected ${p.expected}, found ${p.found}`)), want);
  });
}

test('the template is a valid goal, paused', () => {
  const doc = parseDoc('goal', 'goals/x.md', goalTemplate({ title: 'Learn "Portuguese": A2', owner: 'tutor', created: '2026-11-21' }));
  assert.ok(doc.doc, JSON.stringify(doc.problems));
  assert.equal([(doc.doc!.front as GoalFront).title, (doc.doc!.front as GoalFront).status], ['Learn "Portuguese": A2', 'paused']);
});

const topics: [string, string[], string, string[]][] = [
  ['three items on one topic, no goal', ['Book a Portuguese tutor', 'Portuguese verbs list', 'find portuguese podcasts', 'trains to Porto'], 'ielts writing', ['portuguese']],
  ['two are not enough', ['Portuguese tutor', 'Portuguese verbs'], '', []],
  ['a goal covers it', ['Portuguese tutor', 'Portuguese verbs', 'Portuguese podcast'], 'learn-portuguese Learn Portuguese', []],
  ['stop words never make a topic', ['please find this', 'please find that', 'please find those'], '', []],
  ['one item mentioning it twice counts once', ['sourdough sourdough sourdough', 'sourdough starter'], '', []],
];
for (const [name, subjects, goalText, want] of topics) {
  test(`suggestions: ${name}`, () => assert.equal(topicSuggestions(subjects, goalText).map((s) => s.topic), want));
}

test.run();
