// Table tests for the tick's pure decisions: routing, order, capabilities, delegation, divergence, context.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { route, hintMatches, workOrder, type RosterEntry } from '../../cli/core/agents/route.js';
import { parseCapability, parseCapabilities, checkFile, checkDelegate, checkMessage, type Capability } from '../../cli/core/agents/capabilities.js';
import { compareRuns } from '../../cli/core/runs/divergence.js';
import { assembleContext } from '../../cli/core/agents/prompt.js';
import type { RecordEntry } from '../../cli/core/runs/runrecord.js';

const roster: RosterEntry[] = [
  { id: 'chief', handles: ['triage', 'plan'], status: 'active' },
  { id: 'researcher', handles: ['research', 'find *', 'look up *'], status: 'active' },
  { id: 'coder', handles: ['fix *', 'code'], status: 'paused' },
  { id: 'broken', handles: ['broken *'], status: 'active', disabled: 'bad capability' },
];

const routes: [string, { to?: string; subject: string }, string][] = [
  ['to: wins over hints', { to: 'chief', subject: 'find trains' }, 'chief'],
  ['a glob hint', { subject: 'Find three trains to Porto' }, 'researcher'],
  ['a whole-word hint', { subject: 'some research on trains' }, 'researcher'],
  ['no partial words', { subject: 'researchers say' }, 'chief'],
  ['nothing matches: the default agent', { subject: 'water the plants' }, 'chief'],
  ['a paused agent is never routed to by hint', { subject: 'fix the build' }, 'chief'],
  ['a disabled agent is never routed to by hint', { subject: 'broken thing' }, 'chief'],
];
for (const [name, item, want] of routes) {
  test(`route: ${name}`, () => {
    const r = route(item, roster, 'chief');
    assert.ok('agent' in r, JSON.stringify(r));
    if ('agent' in r) assert.is(r.agent, want);
  });
}

test('route: an item addressed to a paused, disabled or missing agent waits and says why', () => {
  for (const [to, why] of [['coder', /is paused/], ['broken', /disabled: bad capability/], ['ghost', /does not exist/]] as const) {
    const r = route({ to, subject: 'x' }, roster, 'chief');
    assert.ok('wait' in r && why.test(r.wait), JSON.stringify(r));
  }
  const r = route({ subject: 'x' }, roster, 'coder');
  assert.ok('wait' in r && /default agent coder is paused/.test(r.wait));
});

test('route: the longest matching hint wins', () => {
  const r = route({ subject: 'look up the code' }, [...roster, { id: 'x', handles: ['look up the code *', 'look up the code'], status: 'active' }], 'chief');
  assert.ok('agent' in r && r.agent === 'x');
  assert.ok(hintMatches('what *', 'What is the time?'));
  assert.not.ok(hintMatches('', 'anything'));
  assert.not.ok(hintMatches('a.b', 'axb'), 'hint characters are literal');
});

test('workOrder: owner items, then agent work and resumes, then schedules; priority, then age', () => {
  const item = (id: string, front: object, resuming = false) => ({ id, front: { priority: 'normal', ...front } as never, resuming });
  const order = workOrder([
    item('5', { kind: 'schedule', from: 'schedule' }),
    item('4', { kind: 'delegation', from: 'chief' }),
    item('3', {}, true),
    item('2', { from: 'owner', priority: 'low' }),
    item('1', { from: 'owner' }),
    item('0', { from: 'owner', priority: 'urgent' }),
  ]).map((i) => i.id);
  assert.equal(order, ['0', '1', '2', '3', '4', '5']);
});

const goodCaps = ['memory:*:read', 'file:notes/**:read,write', 'shell:git,ls:execute{timeout:30s}', 'http:*.wikipedia.org:get', 'agent:delegate{to:coder,max:3}', 'agent:delegate{to:a,b;max:2;depth:1}', 'inbox:owner:write', 'file:/srv/data/*:read'];
for (const c of goodCaps) test(`capability parses: ${c}`, () => assert.ok('cap' in parseCapability(c), JSON.stringify(parseCapability(c))));

const badCaps: [string, RegExp][] = [
  ['root:*:all', /kind "root"/],
  ['file:notes/**:obliterate', /action "obliterate"/],
  // Absolute grants are the seed's grammar (file:/home/user/data/*:read), but never of /proc or all of /.
  ['file:/proc/**:read', /never granted/],
  ['file:/**:read', /names its first folder/],
  ['file:~/notes/**:read', /relative to the home/],
  ['file:../x:read', /relative to the home/],
  ['file:notes/**:read:write', /exactly kind:resource:actions/],
  ['agent:delegate{to:coder;max:lots}', /max must be a whole number/],
  ['agent:delegate{to:coder;sudo:yes}', /constraint "sudo"/],
  ['agent:delegate{to:a;to:b}', /given twice/],
  ['file:notes/**:read,', /action ""/],
  ['file:no tes/**:read', /spaces/],
  ['file:notes\u200b/**:read', /invisible/],
  ['memory::read', /empty resource/],
  ['file:!notes/**:read,write', /only \*, \*\* and \?/],
  ['file:@(agents|notes)/**:write', /only \*, \*\* and \?/],
  ['file:notes/[a-z]*:write', /only \*, \*\* and \?/],
];
for (const [c, why] of badCaps) {
  test(`capability refused: ${JSON.stringify(c)}`, () => {
    const p = parseCapability(c);
    assert.ok('error' in p && why.test(p.error), JSON.stringify(p));
  });
}

const caps = (...texts: string[]): Capability[] => {
  const r = parseCapabilities(texts);
  assert.equal(r.errors, []);
  return r.caps;
};

const files: [string, 'read' | 'write', boolean][] = [
  ['notes/a.md', 'write', true],
  ['notes/deep/er/a.md', 'write', true],
  ['./notes/a.md', 'write', true],
  ['notes', 'read', true],
  ['notesx/a.md', 'write', false],
  ['projects/a.md', 'read', false],
  ['notes/../aos.yaml', 'write', false],
  ['/etc/passwd', 'read', false],
  ['~/x', 'read', false],
  ['notes/.git/config', 'write', false],
  ['notes/.GIT/config', 'write', false],
  ['notes/a\u0000.md', 'write', false],
  ['notes\\..\\aos.yaml', 'write', false],
  ['.aos/lock', 'write', false],
  ['notes/.hidden', 'read', false],
];
for (const [path, action, want] of files) {
  test(`file ${action} ${JSON.stringify(path)} → ${want ? 'allowed' : 'refused'}`, () => {
    const v = checkFile(caps('file:notes/**:read,write'), path, action);
    assert.is(v.allowed, want, v.reason);
  });
}

test('a write grant on ** still never writes .git', () => {
  assert.not.ok(checkFile(caps('file:**:read,write'), '.git/hooks/pre-commit', 'write').allowed);
  assert.not.ok(checkFile(caps('file:**:read,write'), 'x/.Git/config', 'write').allowed);
  assert.ok(checkFile(caps('file:**:read,write'), 'x/y.md', 'write').allowed);
});

test('delegation: not granted, wrong target, loop, depth and fan-out are refused with the reason', () => {
  const c = caps('agent:delegate{to:coder,researcher;max:2;depth:2}');
  assert.ok(checkDelegate(c, 'coder', ['chief'], 0).allowed);
  assert.match(checkDelegate(caps('memory:*:read'), 'coder', ['chief'], 0).reason, /no capability grants agent:delegate/);
  assert.match(checkDelegate(c, 'tutor', ['chief'], 0).reason, /not granted/);
  assert.match(checkDelegate(c, 'researcher', ['researcher', 'coder'], 0).reason, /delegation loop: researcher → coder → researcher/);
  assert.match(checkDelegate(c, 'coder', ['a', 'b', 'chief'], 0).reason, /depth 3 is over the limit of 2/);
  assert.match(checkDelegate(c, 'coder', ['chief'], 2).reason, /at most 2/);
  assert.match(checkDelegate(caps('agent:delegate{depth:9}'), 'e', ['a', 'b', 'c', 'd'], 0).reason, /chain of 4 agents/);
});

test('messages: the owner needs inbox:owner:write; agents need inbox or agent:message', () => {
  assert.ok(checkMessage(caps('inbox:owner:write'), 'owner').allowed);
  assert.not.ok(checkMessage(caps('inbox:owner:write'), 'coder').allowed);
  assert.ok(checkMessage(caps('inbox:*:read,write'), 'coder').allowed);
  assert.ok(checkMessage(caps('agent:message{to:coder}'), 'coder').allowed);
  assert.not.ok(checkMessage(caps('agent:message{to:coder}'), 'owner').allowed);
});

const model = (turn: number, request: string, calls: [string, unknown][]): RecordEntry => ({
  type: 'model',
  turn,
  content: calls.map(([name, input], i) => ({ type: 'tool_use', id: `t${turn}${i}`, name, input })),
  stop: 'tool_use',
  usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
  request,
});
const results = (turn: number, contents: string[]): RecordEntry => ({
  type: 'user',
  turn,
  content: contents.map((c, i) => ({ type: 'tool_result', tool_use_id: `t${turn}${i}`, content: c })),
  toolNames: Object.fromEntries(contents.map((_, i) => [`t${turn}${i}`, 'read_file'])),
});

test('divergence: same, a changed request, a changed result, fresh ids masked, a shorter replay', () => {
  const cap = (s: string) => s;
  const a = [model(1, 'aaa', [['read_file', { path: 'x' }]]), results(1, ['item 20261121T103205-k3f9 made'])];
  assert.is(compareRuns(a, [model(1, 'aaa', [['read_file', { path: 'x' }]]), results(1, ['item 20261122T000000-zzzz made'])], { live: false, cap }).divergedAt, null);
  assert.match(compareRuns(a, [model(1, 'bbb', [['read_file', { path: 'x' }]]), a[1]!], { live: false, cap }).reason!, /request to the model differs/);
  assert.match(compareRuns(a, [a[0]!, results(1, ['other'])], { live: false, cap }).reason!, /tool results differ: read_file/);
  assert.match(compareRuns(a, [a[0]!], { live: false, cap }).reason!, /the replay had stopped/);
  assert.match(compareRuns(a, [model(1, 'zzz', [['list_files', {}]]), a[1]!], { live: true, cap }).reason!, /recorded read_file.*now list_files/);
});

test('context: the stable prefix does not change with the run, time, memories or log; the budget trims and says so', () => {
  const base = {
    agent: { id: 'chief', name: 'Chief', role: 'r', instructions: 'Be brief.' },
    owner: { name: 'Tess', timezone: 'UTC' },
    memoryIndex: '# Memory\n- [a](a.md) — a',
    memories: [{ file: 'memory/a.md', title: 'A', text: 'x'.repeat(100) }],
    recentLog: [{ heading: 'h1', body: 'old' }, { heading: 'h2', body: 'new' }],
    now: '2026-11-21 10:00',
    run: 'r-1',
    toolNames: ['note'],
    budgetTokens: 1000,
  };
  const one = assembleContext(base);
  const two = assembleContext({ ...base, run: 'r-2', now: '2026-11-22 11:00', memories: [], recentLog: [] });
  assert.is(one.stable, two.stable);
  assert.not.equal(one.dynamic, two.dynamic);
  assert.match([...one.recent, one.dynamic].join('\n\n'), /h2\nnew/); // the log digest follows the prefix (issue 22)
  const tight = assembleContext({ ...base, budgetTokens: 30 });
  assert.ok(tight.omitted.length > 0);
  assert.match(tight.dynamic, /Left out to fit the context budget/);
});

test.run();
