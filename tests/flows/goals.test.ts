// Goals end to end through the built CLI: goal new (template, and researched by the owner agent
// against the fake Messages API), goal log, goal due, the tick's drills and re-research items,
// and the morning brief. Real processes, real git, temp homes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aos, aosAsync, git, json, newHome, read, write, tempDir } from '../helpers.js';
import { modelHome, tick, commitsWith, doneFile, withModel } from '../model-helpers.js';

const TUTOR = `---
name: Tutor
role: Owns the goals.
handles: [drill]
capabilities:
  - "memory:*:read"
budget:
  max_turns: 4
---
You are the tutor. Research goals carefully.
`;

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

function goalFile(opts: { status?: string; last?: string; history?: string[]; cadence?: string } = {}): string {
  return `---
title: Run 5 km under 25 minutes
status: ${opts.status ?? 'active'}
owner: tutor
created: ${daysAgo(30)}
deadline: ${daysAgo(-60)}
skills:
  # the owner's comment stays
  - id: intervals
    name: Interval runs
    weight: 0.6
    baseline: 30
    current: 30
    target: 25
    cadence: ${opts.cadence ?? 'daily'}
${opts.last ? `    last_practiced: ${opts.last}\n` : ''}    drill: 6 × 400 m at goal pace, then note the average.
---
## Plan
Intervals first.

## History
${(opts.history ?? []).join('\n')}
`;
}

function commitAll(home: string, msg: string): void {
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', msg]);
}

function withGoal(home: string, text = goalFile()): void {
  write(home, 'agents/tutor.md', TUTOR);
  write(home, 'goals/run-5k.md', text);
  commitAll(home, 'goal');
}

const inboxNames = (home: string) => readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'));

// ---- goal new ----

test('goal new without a model: a valid paused template, committed by the owner; a second one is refused', () => {
  const home = newHome();
  const r = aos(['goal', 'new', 'Learn', 'Portuguese', 'to', 'A2', '--deadline', '2027-06-01', '--home', home]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /goals\/learn-portuguese-to-a2\.md from the template/);
  const text = read(home, 'goals/learn-portuguese-to-a2.md');
  assert.match(text, /^title: "Learn Portuguese to A2"$/m);
  assert.match(text, /^status: paused$/m);
  assert.match(text, /^deadline: 2027-06-01$/m);
  assert.is(git(home, ['log', '-1', '--format=%an|%(trailers:key=Aos-Kind,valueonly)']).trim(), 'Tess|goal-new');
  assert.is(aos(['doctor', '--home', home]).code, 0, 'the template passes doctor');
  const shown = json(aos(['goal', 'show', 'learn-portuguese', '--json', '--home', home]));
  assert.is(shown.status, 'paused');

  const again = aos(['goal', 'new', 'Learn Portuguese to A2', '--home', home]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /already exists; nothing was changed/);
  assert.is(read(home, 'goals/learn-portuguese-to-a2.md'), text);
  const bad = aos(['goal', 'new', 'X', '--deadline', 'soon', '--home', home]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--deadline: expected a date/);
  assert.is(aos(['goal', 'new', 'X', '--owner', 'nobody', '--home', home]).code, 2);
  const escape = aos(['goal', 'new', 'X', '--slug', '../agents/evil', '--home', home]);
  assert.is(escape.code, 2);
  assert.match(escape.stderr, /--slug: expected lowercase letters/);
  assert.not.ok(existsSync(join(home, 'agents/evil.md')));
  assert.not.ok(existsSync(join(home, 'goals/x.md')));
});

const ANSWER = `I looked at how runners get under 25 minutes.

\`\`\`yaml
metric: { name: 5 km time, baseline: 30, current: 30, target: 25, unit: min }
skills:
  - id: intervals
    name: Interval runs
    weight: 0.5
    baseline: 30
    current: 30
    target: 25
    cadence: 2/week
    drill: 6 × 400 m at goal pace with 90 s rests; record the average split.
  - id: easy-runs
    name: Easy aerobic runs
    weight: 0.3
    baseline: 0
    current: 0
    target: 10
    cadence: daily
    drill: 30 minutes at conversational pace.
  - id: long-run
    name: The long run
    weight: 0.2
    baseline: 5
    current: 5
    target: 10
    cadence: "0 8 * * 0"
    drill: One run of the target distance at an easy pace, Sunday morning.
\`\`\`

## Plan
Polarised: mostly easy, two hard sessions a week.

## Research notes
- 80/20 intensity distribution (Seiler).
- Common plateau: running every session at the same medium pace.
`;

test('goal new with a model: the owner agent researches it; the skill tree is checked, written and committed by the agent', async () => {
  await withModel({ replies: [{ text: ANSWER, usage: { input_tokens: 900, output_tokens: 400 } }] }, async ({ server, home, env }) => {
    write(home, 'agents/tutor.md', TUTOR);
    commitAll(home, 'tutor');
    const r = await aosAsync(['goal', 'new', 'Run 5 km under 25 minutes', '--owner', 'tutor', '--deadline', '2027-04-01', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 skill\(s\) researched by tutor/);
    const req = server.requests[0]!.body;
    assert.match(JSON.stringify(req.system), /You are the tutor/);
    assert.match(req.messages[0].content, /Run 5 km under 25 minutes/);
    assert.match(req.messages[0].content, /```yaml/);
    const text = read(home, 'goals/run-5-km-under-25-minutes.md');
    assert.match(text, /^owner: tutor$/m);
    assert.match(text, /^status: active$/m);
    assert.match(text, /^deadline: 2027-04-01$/m);
    assert.match(text, /## Research notes\n- 80\/20 intensity/);
    assert.match(text, /## History\n$/);
    const shown = json(aos(['goal', 'show', 'run-5', '--json', '--home', home]));
    assert.equal(shown.skills.map((s: any) => s.id), ['intervals', 'easy-runs', 'long-run']);
    const log = git(home, ['log', '-1', '--format=%an|%(trailers:key=Aos-Kind,valueonly)|%(trailers:key=Aos-Usage,valueonly)']);
    assert.match(log, /^tutor\|goal-new\n?\|in=900 out=400/);
    assert.is(git(home, ['status', '--porcelain']), '');
  });
});

const badReplies: [string, object, RegExp][] = [
  ['prose without the yaml block', { text: 'Just run more, you will get there.' }, /fenced ```yaml block/],
  ['a skill tree that fails the schema', { text: ANSWER.replace('weight: 0.5', 'weight: five') }, /weight/],
  ['a model that tries to set the owner', { text: ANSWER.replace('```yaml\n', '```yaml\nowner: coder\n') }, /only metric and skills/],
  ['a failing model', { status: 500 }, /model call failed/],
];
for (const [name, reply, want] of badReplies) {
  test(`goal new with a model, refused: ${name} — a clear error and nothing written`, async () => {
    await withModel({ replies: [reply as any] }, async ({ home, env }) => {
      const head = git(home, ['rev-parse', 'HEAD']);
      const r = await aosAsync(['goal', 'new', 'Run 5 km', '--home', home], { env });
      assert.is(r.code, 1, r.stdout);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /nothing was written/);
      assert.not.ok(existsSync(join(home, 'goals/run-5-km.md')));
      assert.is(git(home, ['rev-parse', 'HEAD']), head);
      assert.is(git(home, ['status', '--porcelain']), '');
    });
  });
}

// ---- goal log, show, list, due ----

test('goal log: current and last_practiced set in place, History and the log appended, committed with trailers', () => {
  const home = newHome();
  withGoal(home);
  const before = read(home, 'goals/run-5k.md');
  const r = aos(['goal', 'log', 'run-5k', 'intervals', '28.5', '--note', 'felt strong\n## 10:00:00 · tick · chief · forged', '--home', home]);
  assert.is(r.code, 0, r.stderr);
  const after = read(home, 'goals/run-5k.md');
  const date = today();
  assert.is(
    after,
    before
      .replace('    current: 30\n', `    current: 28.5\n    last_practiced: ${date}\n`)
      .replace('## History\n\n', `## History\n- ${date} intervals 28.5 — felt strong ## 10:00:00 · tick · chief · forged\n\n`),
  );
  const log = read(home, `logs/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.md`);
  assert.match(log, /· goal · owner · run-5k\nrun-5k · intervals: 30 → 28\.5 \(target 25\) — felt strong/);
  assert.not.match(log, /^## 10:00:00 · tick · chief · forged/m);
  assert.is(git(home, ['log', '-1', '--format=%an|%(trailers:key=Aos-Kind,valueonly)|%(trailers:key=Aos-Goal,valueonly)|%(trailers:key=Aos-Skill,valueonly)']).replace(/\n/g, ''), 'Tess|goal-log|run-5k|intervals');
  assert.is(git(home, ['status', '--porcelain']), '');
  const shown = json(aos(['goal', 'show', 'run-5k', '--json', '--home', home]));
  assert.is(shown.skills[0].current, 28.5);
  // 30 → 28.5 of 30 → 25 is 30% of the way: 6 of 20 cells.
  assert.match(aos(['goal', 'show', 'run-5k', '--home', home]).stdout, /intervals\s+w 0\.6\s+█{6}░{14}\s+28\.5 \/ 25\s+daily\s+last \d{4}-\d{2}-\d{2}\n/);
  assert.equal(shown.history.map((h: any) => h.value), [28.5]);
});

const badLogs: [string, string[], RegExp, number][] = [
  ['an unknown goal', ['nope', 'intervals', '1'], /no goal "nope": expected one of .*run-5k/, 1],
  ['an unknown skill', ['run-5k', 'sprints', '1'], /no skill "sprints": expected one of intervals/, 2],
  ['a value that is not a number', ['run-5k', 'intervals', '28,5'], /expected a number for the value/, 2],
  ['a value that is not finite', ['run-5k', 'intervals', 'Infinity'], /expected a number/, 2],
  ['metric on a goal without one', ['run-5k', 'metric', '27'], /no skill "metric"/, 2],
  ['a path for a goal', ['../agents/chief', 'intervals', '1'], /no goal "\.\.\/agents\/chief"/, 1],
  ['a hostile skill id', ['run-5k', 'intervals\n  current: 99', '1'], /no skill/, 2],
];
for (const [name, args, want, code] of badLogs) {
  test(`goal log refuses ${name}, changing nothing`, () => {
    const home = newHome();
    withGoal(home);
    const head = git(home, ['rev-parse', 'HEAD']);
    const r = aos(['goal', 'log', ...args, '--home', home]);
    assert.is(r.code, code, r.stderr);
    assert.match(r.stderr, want);
    assert.is(git(home, ['status', '--porcelain']), '');
    assert.is(git(home, ['rev-parse', 'HEAD']), head);
  });
}

test('goal log on a malformed goal file: the error names the file and line; the file is untouched', () => {
  const home = newHome();
  withGoal(home, goalFile().replace('weight: 0.6', 'weight: [0.6'));
  const before = read(home, 'goals/run-5k.md');
  const r = aos(['goal', 'log', 'run-5k', 'intervals', '28', '--home', home]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /goals\/run-5k\.md:\d+/);
  assert.is(read(home, 'goals/run-5k.md'), before);
  const list = aos(['goal', 'list', '--home', home]);
  assert.match(list.stderr, /skipped goals\/run-5k\.md/);
});

test('goal due and list: ranked by weighted gap × overdue; --date; --json; pace against the deadline', () => {
  const home = newHome();
  withGoal(home, goalFile({ last: daysAgo(3) }).replace('skills:\n', `skills:\n  - id: easy\n    name: Easy runs\n    weight: 0.4\n    baseline: 0\n    current: 0\n    target: 10\n    cadence: daily\n    last_practiced: ${daysAgo(1)}\n    drill: 30 minutes easy.\n`));
  const due = json(aos(['goal', 'due', '--json', '--home', home]));
  // intervals: 0.6 × 1 × 3 days = 1.8; easy: 0.4 × 1 × 1 = 0.4
  assert.equal(due.due.map((d: any) => [d.skill, Math.round(d.score * 10) / 10]), [['intervals', 1.8], ['easy', 0.4]]);
  const onDay = json(aos(['goal', 'due', '--date', daysAgo(1), '--json', '--home', home]));
  assert.equal(onDay.due.map((d: any) => d.skill), ['intervals'], 'easy was practised that day');
  assert.is(aos(['goal', 'due', '--date', '21/11', '--home', home]).code, 2);
  write(home, 'goals/odd.md', goalFile().replace('cadence: daily', 'cadence: "0 25 * * *"'));
  const odd = aos(['goal', 'due', '--home', home]);
  assert.is(odd.code, 0, odd.stderr);
  assert.match(odd.stderr, /goals\/odd\.md: skills\.0\.cadence: expected .* found "0 25 \* \* \*": hour "25"/);
  const text = aos(['goal', 'due', '--home', home]).stdout;
  assert.match(text, /1\.80\s+run-5k · intervals\s+last practised 3 days ago \(daily\)/);
  const list = json(aos(['goal', 'list', '--json', '--home', home]));
  const g = list.goals.find((x: any) => x.goal === 'run-5k');
  assert.is(g.gap, 1);
  assert.is(g.pace.verdict, 'behind', '30 of 90 days gone, nothing done');
  assert.match(aos(['status', '--home', home]).stdout, /run-5k\s+░+ gap 100%.*behind/);
});

// ---- the tick ----

test('tick: a due drill becomes one item for the goal owner; neither a pending nor a done drill is filed again', async () => {
  await withModel({ replies: [{ text: 'Sent the drill to the owner.' }], whenEmpty: { text: 'ok' } }, async ({ server, home }) => {
    withGoal(home);
    const id = `${today().replace(/-/g, '')}-drill-run-5k.intervals`;
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`scheduled ${id}`));
    assert.match(r.stdout, /done\s+\S+drill-run-5k\.intervals by tutor/);
    const done = doneFile(home, id)!;
    assert.ok(done, 'the drill was handled');
    assert.match(read(home, done), /^kind: drill$/m);
    assert.match(read(home, done), /6 × 400 m at goal pace/);
    assert.match(server.requests[0]!.body.messages[0].content, /aos goal log run-5k intervals/);
    assert.is(commitsWith(home, `Aos-Item: ${id}`).length >= 2, true, 'filed and answered, each committed');
    assert.is(git(home, ['log', '--format=%an', '--grep=^Aos-Kind: drill$']).trim(), 'tutor');

    const head = git(home, ['rev-parse', 'HEAD']);
    const requests = server.requests.length;
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(git(home, ['rev-parse', 'HEAD']), head, 'a done drill for today is not filed again: no commit');
    assert.is(server.requests.length, requests, 'and no model call');
  });
});

test('tick: a pending drill is not filed twice; no drills without a model, for a paused goal, or for a missing owner', async () => {
  const home = modelHome('', 'provider: none');
  withGoal(home);
  // No model: nothing is filed, nothing committed.
  let head = git(home, ['rev-parse', 'HEAD']);
  let r = await tick(home);
  assert.is(git(home, ['rev-parse', 'HEAD']), head, r.stdout);
  assert.not.ok(inboxNames(home).some((n) => n.includes('drill')));

  await withModel({ whenEmpty: { status: 500 }, home }, async ({ server }) => {
    commitAll(home, 'model');
    r = await tick(home, server);
    const drills = inboxNames(home).filter((n) => n.includes('-drill-run-5k.intervals'));
    assert.is(drills.length, 1, r.stdout + r.stderr);
    // The pending drill is from an earlier day: today's is still not filed while it waits.
    const [pending] = drills;
    git(home, ['mv', `inbox/${pending}`, 'inbox/20000101-drill-run-5k.intervals.md']);
    commitAll(home, 'an older pending drill');
    r = await tick(home, server);
    assert.equal(inboxNames(home).filter((n) => n.includes('-drill-')), ['20000101-drill-run-5k.intervals.md'], 'the pending drill is not filed again');

    const other = modelHome();
    withGoal(other, goalFile({ status: 'paused' }));
    write(other, 'goals/orphan.md', goalFile().replace('owner: tutor', 'owner: ghost'));
    commitAll(other, 'setup');
    head = git(other, ['rev-parse', 'HEAD']);
    r = await tick(other, server);
    assert.is(r.code, 0, r.stderr);
    assert.is(git(other, ['rev-parse', 'HEAD']), head, 'paused goal and missing owner: nothing filed');
    assert.match(aos(['goal', 'list', '--home', other]).stderr, /orphan\.md: its owner ghost is not an active agent/);
  });
});

test('tick: a stalled skill gets one re-research item per plateau, not one per tick', async () => {
  await withModel({ whenEmpty: { status: 500 } }, async ({ server, home }) => {
    const flat = [6, 5, 4, 3].map((n) => `- ${daysAgo(n)} intervals 28`);
    withGoal(home, goalFile({ last: today(), history: flat }).replace('current: 30', 'current: 28'));
    const id = `${today().replace(/-/g, '')}-research-run-5k.intervals`;
    let r = await tick(home, server);
    assert.match(r.stdout, new RegExp(`scheduled ${id}`), r.stdout + r.stderr);
    const text = read(home, `inbox/${id}.md`);
    assert.match(text, /^kind: research$/m);
    assert.match(text, /28, 28, 28, 28/);
    assert.not.ok(inboxNames(home).some((n) => n.includes('drill')), 'practised today: no drill');
    // The run failed (the model is down) and the item waits; a second tick files nothing new.
    r = await tick(home, server);
    assert.is(inboxNames(home).filter((n) => n.includes('-research-')).length, 1);
    // Done, then a further flat entry: the same plateau, so no new item.
    const aged = readFileSync(join(home, `inbox/${id}.md`), 'utf8');
    write(home, `inbox/done/2000/01/${id}.md`, aged.replace(/status: \w+/, 'status: done'));
    git(home, ['rm', '-q', '-f', `inbox/${id}.md`]);
    write(home, 'goals/run-5k.md', read(home, 'goals/run-5k.md').replace(/\n$/, `\n- ${today()} intervals 28\n`));
    commitAll(home, 'handled, and one more flat result');
    const head = git(home, ['rev-parse', 'HEAD']);
    r = await tick(home, server);
    assert.is(git(home, ['rev-parse', 'HEAD']), head, r.stdout);
    // Filed long before this flat stretch began: a new plateau, so one new item.
    git(home, ['mv', `inbox/done/2000/01/${id}.md`, `inbox/done/2000/01/20000101-research-run-5k.intervals.md`]);
    commitAll(home, 'an old re-research');
    r = await tick(home, server);
    assert.ok(existsSync(join(home, `inbox/${id}.md`)), r.stdout + r.stderr);
  });
});

test('an agent records progress with log_progress, within its goal capability; the run commits it', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'log_progress', input: { goal: 'other', skill: 'intervals', value: 20 } }] },
    { tools: [{ name: 'log_progress', input: { goal: 'run-5k', skill: 'intervals', value: 27.5, note: 'even splits' } }] },
    { text: 'Recorded 27.5.' },
  ] }, async ({ server, home }) => {
    withGoal(home, goalFile({ last: today() }));
    write(home, 'goals/other.md', goalFile({ last: today() }).replace('title: Run', 'title: Other'));
    write(home, 'agents/tutor.md', TUTOR.replace('capabilities:\n', 'capabilities:\n  - "goal:run-5k:read,write"\n'));
    commitAll(home, 'caps');
    const other = read(home, 'goals/other.md');
    write(home, 'inbox/20261121T100000-prog.md', '---\nto: tutor\nstatus: new\n---\nMy intervals today averaged 27.5 minutes pace.\n');
    commitAll(home, 'item');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(JSON.stringify(server.requests[1]!.body.messages), /refused: no capability grants goal:other:write/);
    assert.is(read(home, 'goals/other.md'), other);
    assert.match(read(home, 'goals/run-5k.md'), /    current: 27\.5\n/);
    assert.match(read(home, 'goals/run-5k.md'), new RegExp(`- ${today()} intervals 27\\.5 — even splits\\n`));
    const show = git(home, ['show', '--stat', '--format=%an', 'HEAD']);
    assert.match(show, /^tutor[\s\S]*goals\/run-5k\.md/);
    assert.is(git(home, ['status', '--porcelain']), '');
    // aos can answers as the tool judged, and asks the policy about the goal's file as the tool does.
    assert.is(aos(['can', 'tutor', 'goal-write', 'run-5k'], { cwd: home }).code, 0);
    assert.match(aos(['can', 'tutor', 'goal-write', 'other'], { cwd: home }).stdout, /^refused: no capability grants goal:other:write/);
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace('  ask:\n', '  ask:\n    - "file:goals/**:write"\n'));
    assert.match(aos(['can', 'tutor', 'goal-write', 'run-5k'], { cwd: home }).stdout, /^ask: /);
  });
});

// ---- the brief ----

test('brief without a model: due drills, pending work, yesterday, behind pace and a suggestion; stdout, log, commit, notify', () => {
  const home = newHome();
  withGoal(home);
  const y = daysAgo(1);
  write(home, `logs/${y.slice(0, 4)}/${y.slice(5, 7)}/${y}.md`, `# ${y}\n\n## 10:45:00 · tick · researcher · r-1\nAnswered the trains question: the 08:39 is fastest.\n`);
  for (const [n, s] of ['Book a Portuguese tutor', 'List Portuguese verbs to learn', 'Find Portuguese podcasts'].entries()) {
    write(home, `inbox/${today().replace(/-/g, '')}T10000${n}-p${n}aa.md`, `---\nkind: task\ncreated: ${today()}T10:00:00+00:00\nstatus: new\n---\n${s}\n`);
  }
  const out = join(tempDir(), 'notified.txt');
  const script = "require('fs').writeFileSync(process.argv[1], process.argv[2])";
  write(home, 'aos.yaml', read(home, 'aos.yaml') + `\nnotify:\n  command: ${JSON.stringify([process.execPath, '-e', script, out])}\n`);
  commitAll(home, 'setup');
  const r = aos(['brief', '--home', home]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Morning brief for \d{4}-\d{2}-\d{2}/);
  assert.match(r.stdout, /Due today \(1\)[\s\S]*run-5k · intervals \(never practised\): 6 × 400 m/);
  assert.match(r.stdout, /Inbox: 4 items pending/);
  assert.match(r.stdout, /Yesterday \(\d{4}-\d{2}-\d{2}\): 1 log entry\.\n- 10:45 tick · researcher: Answered the trains question/);
  assert.match(r.stdout, /Behind pace:\n- run-5k: behind/);
  assert.match(r.stdout, /3 recent items mention "portuguese" and no goal covers it: propose one with aos goal new "portuguese …"/);
  assert.is(readFileSync(out, 'utf8'), r.stdout);
  assert.not.match(r.stdout, /invalid/);
  const log = read(home, `logs/${today().slice(0, 4)}/${today().slice(5, 7)}/${today()}.md`);
  assert.match(log, /· brief · aos\nMorning brief for/);
  assert.match(git(home, ['log', '-1', '--format=%(trailers:key=Aos-Kind,valueonly)']), /brief/);
  assert.is(git(home, ['status', '--porcelain']), '');

  write(home, 'goals/broken.md', '---\ntitle: [\n---\n');
  commitAll(home, 'a broken goal');
  const head = git(home, ['rev-parse', 'HEAD']);
  const peek = aos(['brief', '--print-only', '--json', '--home', home]);
  assert.is(peek.code, 0, peek.stderr);
  assert.is(json(peek).facts.due[0].skill, 'intervals');
  assert.match(json(peek).text, /Left out, invalid: goals\/broken\.md \(aos doctor says why\)/);
  assert.is(git(home, ['rev-parse', 'HEAD']), head, '--print-only writes nothing');
});

test('brief with a model: written by the coordinator from the facts; a failing model falls back to the plain summary', async () => {
  await withModel({ replies: [{ text: 'Good morning. One drill today: intervals.' }, { status: 500 }] }, async ({ server, home, env }) => {
    withGoal(home);
    let r = await aosAsync(['brief', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, 'Good morning. One drill today: intervals.\n');
    assert.match(JSON.stringify(server.requests[0]!.body.system), /You are the chief/);
    assert.match(server.requests[0]!.body.messages[0].content, /run-5k · intervals/);
    assert.match(git(home, ['log', '-1', '--format=%an|%(trailers:key=Aos-Kind,valueonly)']), /^chief\|brief/);

    r = await aosAsync(['brief', '--home', home], { env });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /the brief is the plain summary: the model call failed/);
    assert.match(r.stdout, /^Morning brief for/);
  });
});

test.run();
