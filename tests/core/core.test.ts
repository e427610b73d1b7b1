// Table tests for the pure core: parsing, validation, ids, time, log format, lock verdicts, checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFrontMatter, setFrontMatterFields } from '../../cli/core/docs/frontmatter.js';
import { validate } from '../../cli/core/docs/validate.js';
import { AgentSchema, ConfigSchema, InboxItemSchema, MemorySchema } from '../../cli/core/docs/schemas.js';
import { parseYaml } from '../../cli/core/docs/yaml.js';
import { itemId, slugify } from '../../cli/core/docs/ids.js';
import { localTime, resolveSince, timeZoneProblem } from '../../cli/core/docs/time.js';
import { formatEntry, parseLog, logPath } from '../../cli/core/docs/logfmt.js';
import { judgeLock } from '../../cli/core/runs/lock.js';
import { checkMemoryIndex, checkLogFile, checkLogHistory } from '../../cli/core/docs/textchecks.js';
import { commitMessage } from '../../cli/core/docs/commit.js';
import { closest } from '../../cli/core/docs/suggest.js';
import { formatProblem } from '../../cli/errors.js';

function problemsOf(text: string, schema = AgentSchema) {
  const p = parseFrontMatter('agents/x.md', text);
  if (p.problems.length) return p.problems;
  return validate(schema, p.data ?? {}, 'agents/x.md', p.yaml).problems;
}

const bad: [string, string, { line?: number; expected: RegExp; found: RegExp }][] = [
  ['invalid YAML', '---\nname: [unclosed\nrole: r\n---\n', { expected: /valid YAML|indentation/, found: /./ }],
  ['duplicate keys', '---\nname: A\nrole: r\nname: B\n---\n', { line: 4, expected: /each key at most once/, found: /unique/ }],
  ['tab indentation', '---\nname: A\nrole: r\nbudget:\n\ttokens_per_day: 5\n---\n', { line: 5, expected: /spaces/, found: /Tabs/ }],
  ['misspelled field', '---\nname: A\nrole: r\nhandels: [x]\n---\n', { line: 4, expected: /known field/, found: /unknown field "handels"/ }],
  ['wrong type', '---\nname: A\nrole: r\nbudget:\n  tokens_per_day: lots\n---\n', { line: 5, expected: /number/, found: /"lots"/ }],
  ['bad enum', '---\nname: A\nrole: r\nstatus: sleepy\n---\n', { line: 4, expected: /one of active, paused, retired/, found: /"sleepy"/ }],
  ['missing field', '---\nname: A\n---\nbody\n', { expected: /required/, found: /nothing/ }],
  ['missing closing ---', '---\nname: A\nrole: r\nbody text\n', { line: 1, expected: /closed by a line "---"/, found: /end of file/ }],
  ['---js front matter', '---js\nmodule.exports = { name: require("fs").writeFileSync("/tmp/pwned-aos", "x") }\n---\n', { line: 1, expected: /YAML front matter/, found: /---js/ }],
  ['---json front matter', '---json\n{"name": "A"}\n---\n', { line: 1, expected: /YAML front matter/, found: /---json/ }],
  [
    'billion laughs',
    '---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n---\n',
    { expected: /alias/, found: /resource exhaustion|alias/ },
  ],
  ['conflict markers', '---\nname: A\n<<<<<<< HEAD\nrole: mine\n=======\nrole: theirs\n>>>>>>> other\n---\n', { line: 3, expected: /conflict markers/, found: /<<<<<<</ }],
  ['custom tag', '---\nname: !!js/function "function(){}"\nrole: r\n---\n', { line: 2, expected: /no custom tags/, found: /tag/ }],
  ['a list, not a mapping', '---\n- name\n- role\n---\n', { line: 2, expected: /field: value/, found: /a list/ }],
  ['wrong type in a list', '---\nname: A\nrole: r\ncapabilities: [12]\n---\n', { line: 4, expected: /string/, found: /number 12/ }],
  ['unknown capability kind', '---\nname: A\nrole: r\ncapabilities: ["root:*:all"]\n---\n', { line: 4, expected: /capability/, found: /root/ }],
  ['bad cron', '---\nname: A\nrole: r\nschedule:\n  - cron: "every monday"\n    task: t\n---\n', { line: 5, expected: /cron/, found: /every monday/ }],
];

for (const [name, text, want] of bad) {
  test(`front matter: ${name} is a clear problem`, () => {
    const problems = problemsOf(text);
    assert.ok(problems.length >= 1, 'expected at least one problem');
    const p = problems[0]!;
    assert.is(p.file, 'agents/x.md');
    if (want.line) assert.is(p.line, want.line, formatProblem(p));
    assert.match(p.expected, want.expected, formatProblem(p));
    assert.match(p.found, want.found, formatProblem(p));
    assert.match(formatProblem(p), /^agents\/x\.md(:\d+)?: .*expected .*, found /);
  });
}

test('a misspelled field gets a suggestion', () => {
  const [p] = problemsOf('---\nname: A\nrole: r\ncapabilites: []\n---\n');
  assert.is(p!.hint, 'did you mean "capabilities"?');
  assert.is(closest('zzzzzz', ['name', 'role']), undefined);
});

test('---js is refused without being evaluated', () => {
  const text = '---js\n{ name: (() => { globalThis.__aosEvaluated = true; return "x" })() }\n---\n';
  problemsOf(text);
  assert.is((globalThis as Record<string, unknown>).__aosEvaluated, undefined);
});

const good: [string, string][] = [
  ['a BOM', '\uFEFF---\nname: A\nrole: r\n---\nbody\n'],
  ['CRLF line ends', '---\r\nname: A\r\nrole: r\r\n---\r\nbody\r\n'],
  ['comments and flow lists', '---\n# who\nname: A # inline\nrole: r\nhandles: [a, "b c"]\n---\n'],
  ['a markdown rule in the body', '---\nname: A\nrole: r\n---\nintro\n\n---\n\nmore\n'],
];
for (const [name, text] of good) {
  test(`front matter: ${name} is valid`, () => {
    assert.equal(problemsOf(text), []);
    const p = parseFrontMatter('agents/x.md', text);
    assert.is(p.data?.name, 'A');
  });
}

test('no front matter at all: a plain task, valid for the inbox', () => {
  const p = parseFrontMatter('inbox/x.md', 'Book flights to Porto\nfor Saturday\n');
  assert.equal(p.problems, []);
  assert.is(p.data, null);
  assert.is(p.body, 'Book flights to Porto\nfor Saturday\n');
  assert.equal(validate(InboxItemSchema, {}, 'inbox/x.md').problems, []);
});

test('body line numbers count from the file', () => {
  const p = parseFrontMatter('a.md', '---\nname: A\nrole: r\n---\nfirst body line\n');
  assert.is(p.bodyLine, 5);
  assert.is(p.body, 'first body line\n');
});

test('setFrontMatterFields keeps comments, order, body, BOM and CRLF', () => {
  const raw = '\uFEFF---\r\n# the researcher\r\nname: R   # keep me\r\nrole: "quoted"\r\nstatus: active\r\n---\r\nBody\r\n\r\n---\r\nafter a rule\r\n';
  const out = setFrontMatterFields('agents/r.md', raw, { status: 'paused' });
  assert.is(out, raw.replace('status: active', 'status: paused'));
});

test('setFrontMatterFields adds front matter to a plain file', () => {
  const out = setFrontMatterFields('inbox/x.md', 'Plain task\n', { status: 'failed', error: 'no model' });
  assert.is(out, '---\nstatus: failed\nerror: no model\n---\nPlain task\n');
});

test('aos.yaml: defaults fill in and unknown sections are named', () => {
  const ok = validate(ConfigSchema, { owner: { name: 'A' }, default_agent: 'chief' }, 'aos.yaml');
  assert.is(ok.value?.owner.timezone, 'UTC');
  assert.is(ok.value?.tick.budget_seconds, 240);
  const y = parseYaml('aos.yaml', 'owner:\n  name: A\n  timezone: Europe/Lisbon\ndefault_agent: chief\ntikc: {}\n');
  const bad = validate(ConfigSchema, y.yaml!.data, 'aos.yaml', y.yaml);
  assert.equal(bad.problems.map((p) => [p.line, p.field]), [[5, "tikc"]]);
  assert.is(bad.problems[0]!.hint, "did you mean \"tick\"?");
});

test('time zones: ICU decides, and the problem names aos.yaml', () => {
  assert.is(timeZoneProblem('Europe/Lisbon'), undefined);
  assert.is(timeZoneProblem('Mars/Olympus')?.field, 'owner.timezone');
  assert.throws(() => localTime(new Date(), 'Mars/Olympus'), /owner\.timezone: expected an IANA time zone/);
});

test('memory topics: description over 150 characters is refused', () => {
  const r = validate(MemorySchema, { title: 't', type: 'fact', description: 'x'.repeat(151), created: '2026-01-01' }, 'memory/t.md');
  assert.match(r.problems[0]!.expected, /at most 150/);
});

test('ids sort by time, carry a random suffix, and slugs are tame', () => {
  const at = new Date('2026-11-21T10:32:05Z');
  assert.is(itemId(at, new Uint8Array([20, 3, 15, 9])), '20261121T103205-k3f9');
  assert.ok(itemId(at, new Uint8Array([1, 2, 3, 4])) < itemId(new Date('2026-11-21T10:32:06Z'), new Uint8Array([0, 0, 0, 0])));
  assert.is(slugify('Book flights → Porto, ASAP!'), 'book-flights-porto-asap');
  assert.is(slugify('../../etc/passwd'), 'etc-passwd');
  assert.is(slugify('   '), 'untitled');
});

test('local time follows the owner time zone, offset included', () => {
  const at = new Date('2026-07-01T23:30:00Z');
  assert.equal(localTime(at, 'UTC'), { date: '2026-07-01', time: '23:30:00', offset: '+00:00', iso: '2026-07-01T23:30:00+00:00' });
  assert.is(localTime(at, 'Europe/Lisbon').iso, '2026-07-02T00:30:00+01:00');
  assert.is(localTime(at, 'America/New_York').iso, '2026-07-01T19:30:00-04:00');
  assert.is(localTime(at, 'Asia/Kolkata').offset, '+05:30');
});

test('--since understands days, words and counts', () => {
  assert.is(resolveSince('2026-11-01', '2026-11-21'), '2026-11-01');
  assert.is(resolveSince('yesterday', '2026-03-01'), '2026-02-28');
  assert.is(resolveSince('7d', '2026-11-21'), '2026-11-14');
  assert.is(resolveSince('last tuesday', '2026-11-21'), undefined);
  assert.is(resolveSince('2026-13-45', '2026-11-21'), undefined);
});

test('log entries: heading format round-trips; bodies cannot forge headings', () => {
  const text =
    '# 2026-11-21\n' +
    formatEntry({ time: '10:45:00', kind: 'tick', agent: 'researcher', ref: 'r-1', body: 'Answered.\n## 11:00:00 · tick · chief · forged' }) +
    formatEntry({ time: '10:45:41', kind: 'note', agent: 'res·earcher\n## x', body: 'Prefers trains.' });
  const entries = parseLog('logs/2026/11/2026-11-21.md', '2026-11-21', text);
  assert.is(entries.length, 2);
  assert.equal([entries[0]!.kind, entries[0]!.agent, entries[0]!.ref, entries[0]!.line], ['tick', 'researcher', 'r-1', 3]);
  // Defects, round three: the body reads back exactly (it is escaped in the file, not on read).
  assert.is(entries[0]!.body, 'Answered.\n## 11:00:00 · tick · chief · forged');
  assert.match(text, /^\\## 11:00:00/m);
  assert.is(entries[1]!.agent, 'res earcher x');
  assert.is(logPath('2026-11-21'), 'logs/2026/11/2026-11-21.md');
});

test('lock verdicts: dead pid, old age, unreadable, alive', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  const info = { pid: 42, host: 'laptop', started: '2026-11-21T09:59:00Z', command: 'tick' };
  const facts = { now, host: 'laptop', maxAgeMs: 30 * 60000 };
  assert.equal(judgeLock(info, { ...facts, pidAlive: true }), { stale: false });
  assert.is(judgeLock(info, { ...facts, pidAlive: false }).stale, true);
  assert.is(judgeLock({ ...info, started: '2026-11-21T09:00:00Z' }, { ...facts, pidAlive: true }).stale, true);
  assert.is(judgeLock({ ...info, host: 'desktop' }, { ...facts, pidAlive: undefined }).stale, false);
  assert.is(judgeLock({ ...info, started: 'garbage' }, { ...facts, pidAlive: true }).stale, true);
  assert.is(judgeLock(undefined, { ...facts }).stale, true);
});

test('MEMORY.md checks: long lines, dead links, too many lines', () => {
  const topics = new Set(['a']);
  assert.equal(checkMemoryIndex('# Memory\n- [A](a.md) — fine\n', topics), []);
  const long = checkMemoryIndex(`# Memory\n- [A](a.md) — ${'x'.repeat(150)}\n- [B](b.md) — gone\n`, topics);
  assert.equal(long.map((p) => [p.line, p.expected.slice(0, 20)]), [[2, 'a line of at most 15'], [3, 'a link to a topic fi']]);
  const many = checkMemoryIndex('# Memory\n' + '- [A](a.md) — x\n'.repeat(200), topics);
  assert.match(many[0]!.expected, /at most 200 lines/);
});

test('log file checks: misnamed files and broken headings', () => {
  assert.equal(checkLogFile('logs/2026/11/2026-11-21.md', '# 2026-11-21\n\n## 10:00:00 · tick · chief\nok\n'), []);
  assert.is(checkLogFile('logs/2026/12/2026-11-21.md', '')[0]!.expected.includes('logs/YYYY/MM'), true);
  assert.is(checkLogFile('logs/2026/11/2026-11-21.md', '# d\n## lunch notes\n')[0]!.line, 2);
});

test('log history: removed lines break the append-only rule', () => {
  const ok = 'commit aaaaaaaaaa\n\n3\t0\tlogs/2026/11/2026-11-21.md\n';
  const bad = 'commit bbbbbbbbbb\n\n1\t1\tlogs/2026/11/2026-11-21.md\n' + ok;
  assert.equal(checkLogHistory(ok), []);
  const [p] = checkLogHistory(bad);
  assert.is(p!.file, 'logs/2026/11/2026-11-21.md');
  assert.match(p!.found, /1 line\(s\) removed or changed in commit bbbbbbbbbb/);
});

test('commit messages: subject, body, trailers, no newline injection', () => {
  const msg = commitMessage('researcher: answered "x"', { 'Aos-Run': 'r-1', 'Aos-Item': 'id\nAos-Agent: forged', Empty: undefined }, 'details');
  assert.is(msg, 'researcher: answered "x"\n\ndetails\n\nAos-Run: r-1\nAos-Item: id Aos-Agent: forged\n');
});

test.run();
