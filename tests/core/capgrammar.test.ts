// Table tests for the seed's capability grammar (issue 16): every form seed 001 writes, the URI form,
// {rate}, agent:spawn, absolute file grants, and the bad forms with their errors; the subset check
// a parent's delegation passes; the rate decision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile, parseCapabilities, parseCapability, type Capability } from '../../cli/core/agents/capabilities.js';
import { checkShell } from '../../cli/core/agents/shellcheck.js';
import { checkHttp } from '../../cli/core/agents/urlcheck.js';
import { checkSpawn, delegatedCapabilities, notCovered } from '../../cli/core/agents/capsubset.js';
import { parseShell } from '../../cli/tools/shellparse.js';
import { grantingCapability, rateDecision } from '../../cli/core/agents/caprate.js';

const cap = (text: string): Capability => {
  const p = parseCapability(text);
  if ('error' in p) throw new Error(p.error);
  return p.cap;
};

// [written, kind, resources, actions, constraints]
const GOOD: [string, string, string[], string[], Record<string, string[]>][] = [
  ['http:api.example.com:*', 'http', ['api.example.com'], ['get', 'head', 'post', 'put', 'patch', 'delete'], {}],
  ['shell:*:execute{timeout:30s}', 'shell', ['*'], ['execute'], { timeout: ['30s'] }],
  ['file:/home/user/data/*:read', 'file', ['/home/user/data/*'], ['read'], {}],
  ['file:/home/user/data/**:read,write', 'file', ['/home/user/data/**'], ['read', 'write'], {}],
  ['agent:spawn{max:5}', 'agent', ['*'], ['spawn'], { max: ['5'] }],
  ['file:notes/**:read{rate:100/min}', 'file', ['notes/**'], ['read'], { rate: ['100/min'] }],
  ['http:api.example.com:get{rate:10/sec;timeout:5s}', 'http', ['api.example.com'], ['get'], { rate: ['10/sec'], timeout: ['5s'] }],
  ['shell:git:execute{rate:3/hour}', 'shell', ['git'], ['execute'], { rate: ['3/hour'] }],
  ['agent:delegate{to:coder;max:2;rate:20/day}', 'agent', ['*'], ['delegate'], { to: ['coder'], max: ['2'], rate: ['20/day'] }],
  ['memory:*:read{rate:100/min}', 'memory', ['*'], ['read'], { rate: ['100/min'] }],
  ['capability://file/Users/data/*?action=read', 'file', ['/Users/data/*'], ['read'], {}],
  ['capability://file/Users/data/**?action=read,write&rate=100/min', 'file', ['/Users/data/**'], ['read', 'write'], { rate: ['100/min'] }],
  ['capability://file/Users/data/**?action=read&action=write', 'file', ['/Users/data/**'], ['read', 'write'], {}],
  ['capability://http/api.example.com?action=get', 'http', ['api.example.com'], ['get'], {}],
  ['capability://http/api.example.com?action=*', 'http', ['api.example.com'], ['get', 'head', 'post', 'put', 'patch', 'delete'], {}],
  ['capability://shell/git,ls?action=execute&timeout=30s', 'shell', ['git', 'ls'], ['execute'], { timeout: ['30s'] }],
  ['capability://agent/spawn?max=5', 'agent', ['*'], ['spawn'], { max: ['5'] }],
  ['capability://agent?action=delegate&to=coder', 'agent', ['*'], ['delegate'], { to: ['coder'] }],
  ['capability://memory/*?action=read', 'memory', ['*'], ['read'], {}],
  ['capability://file/Users/caf%C3%A9/x.md?action=read', 'file', ['/Users/café/x.md'], ['read'], {}],
];

test('every form of the seed grammar parses into the same structure', () => {
  for (const [text, kind, resources, actions, constraints] of GOOD) {
    const p = parseCapability(text);
    assert.ok('cap' in p, `${text}: ${'error' in p ? p.error : ''}`);
    if (!('cap' in p)) continue;
    assert.equal({ kind: p.cap.kind, resources: p.cap.resources, actions: p.cap.actions, constraints: p.cap.constraints }, { kind, resources, actions, constraints }, text);
    assert.is(p.cap.text, text, 'a capability keeps the text the owner wrote');
  }
});

test('the URI form and the short form are the same capability', () => {
  const pairs: [string, string][] = [
    ['capability://file/Users/data/*?action=read', 'file:/Users/data/*:read'],
    ['capability://http/api.example.com?action=get,post&rate=5/min', 'http:api.example.com:get,post{rate:5/min}'],
    ['capability://agent/spawn?max=5', 'agent:spawn{max:5}'],
  ];
  for (const [uri, short] of pairs) {
    const { text: _a, ...a } = cap(uri);
    const { text: _b, ...b } = cap(short);
    assert.equal(a, b, uri);
  }
});

// [written, a substring of the error]
const BAD: [string, string][] = [
  ['http:api.example.com:fetch', 'action "fetch" is not one of'],
  ['shell:*:run', 'action "run"'],
  ['file:notes/**:read{rate:lots}', 'rate "lots" is not like 100/min'],
  ['file:notes/**:read{rate:0/min}', 'rate "0/min"'],
  ['file:notes/**:read{rate:5/week}', 'rate "5/week"'],
  ['file:notes/**:read{rate:5/min;rate:6/min}', 'given twice'],
  ['agent:spawn{max:many}', 'max must be a whole number'],
  ['agent:spawn,delegate{max:5}', 'agent:spawn stands alone'],
  ['agent:fork{max:5}', 'action "fork" is not one of delegate, message, spawn'],
  ['file:/**:read', 'an absolute grant names its first folder'],
  ['file:/*/x:read', 'an absolute grant names its first folder'],
  ['file:/proc/**:read', '/proc holds live process and device state'],
  ['file:/sys/x:read', '/sys holds live'],
  ['file:/home/user/../etc/*:read', 'plainly'],
  ['file:/home//user/*:read', 'plainly'],
  ['file:/home/./user/*:read', 'plainly'],
  ['file:~/data/*:read', 'relative to the home (or absolute'],
  ['file:/home/{a,b}/*:read', 'file globs may use only'],
  ['capability://file/Users/data/*', 'names no action'],
  ['capability://file?action=read', 'names its resource'],
  ['capability://agent', 'names its action'],
  ['capability://file/Users/data/*?action=read#x', 'fragment'],
  ['capability://file/Users/%zz?action=read', 'bad %-escape'],
  ['capability://file/Users/data?action', 'is not key=value'],
  ['capability://file/Users/data?action=read&timeout=1s}', 'holds : { } or ;'],
  ['capability://file/Users/data?action=read&rate=lots', 'read as "file:/Users/data:read{rate:lots}"'],
  ['capability://http/api.example.com:8443?action=get', 'holds ":"'],
  ['capability://file/Users/My%20Data/x.md?action=read', 'spaces, control or invisible characters'],
  ['capability://files/x?action=read', 'kind "files" is not one of'],
  ['capability://file/Users/../etc/passwd?action=read', 'plainly'],
  ['capability://file/Users/%2e%2e/etc?action=read', 'plainly'],
];

test('bad forms fail with an error naming the capability', () => {
  for (const [text, why] of BAD) {
    const p = parseCapability(text);
    assert.ok('error' in p, `${text} should be refused`);
    if (!('error' in p)) continue;
    assert.ok(p.error.includes(`capability "${text}"`), `${text}: the error names it: ${p.error}`);
    assert.ok(p.error.includes(why), `${text}: expected "${why}" in: ${p.error}`);
  }
});

test('an agent file with a bad capability: the error names the file and the capability', () => {
  const { caps, errors } = parseCapabilities(['file:notes/**:read', 'http:api.example.com:fetch'], 'agents/scout.md');
  assert.is(caps.length, 1);
  assert.equal(errors, ['agents/scout.md: capability "http:api.example.com:fetch": action "fetch" is not one of get, head, post, put, patch, delete']);
});

test('http:host:* grants every method on that host only', () => {
  const caps = [cap('http:api.example.com:*')];
  for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(checkHttp(caps, m, 'https://api.example.com/x').allowed, m);
  assert.not.ok(checkHttp(caps, 'GET', 'https://evil.example.com/x').allowed);
});

test('shell:* names any program; every other rule still applies', async () => {
  const caps = [cap('shell:*:execute{timeout:30s}')];
  const resolved = { ls: { path: '/usr/bin/ls' }, bash: { path: '/usr/bin/bash' }, env: { path: '/usr/bin/env' }, git: { path: '/usr/bin/git' } };
  const judge = async (command: string) => checkShell(caps, command, await parseShell(command), resolved);
  const ls = await judge('ls -la');
  assert.ok(ls.allowed, ls.reason);
  assert.is(ls.limits.timeoutMs, 30_000);
  const sh = await judge('bash -c id');
  assert.not.ok(sh.allowed, 'a shell is never granted by name, * included');
  assert.match(sh.reason, /is a shell/);
  assert.not.ok((await judge('env ls')).allowed, 'launchers stay refused');
  assert.not.ok((await judge('/tmp/x')).allowed, 'a program named by path is still refused');
  assert.not.ok((await judge('ls | ls')).allowed, 'syntax stays refused unless granted');
  assert.not.ok((await judge('git -c core.pager=x log')).allowed, "git's flag rules still apply");
  assert.not.ok(checkShell(caps, 'rg x', await parseShell('rg x'), { rg: { refused: 'program "rg" is not installed' } }).allowed, 'the program must still be found in the safe PATH');
});

test('absolute file grants judge absolute paths only; home paths keep their rules', () => {
  const caps = [cap('file:/home/user/data/*:read'), cap('file:notes/**:read,write')];
  const table: [string, 'read' | 'write', boolean, string?][] = [
    ['/home/user/data/a.csv', 'read', true],
    ['/home/user/data//a.csv', 'read', true],
    ['/home/user/data/./a.csv', 'read', true],
    ['/home/user/data/sub/a.csv', 'read', false, 'one * is one level'],
    ['/home/user/data/a.csv', 'write', false],
    ['/home/user/data/../secret', 'read', false],
    ['/home/user/other.txt', 'read', false],
    ['/proc/self/environ', 'read', false],
    ['/home/user/data/a\u0000b', 'read', false],
    ['notes/a.md', 'write', true],
    ['.git/config', 'write', false],
    ['home/user/data/a.csv', 'read', false, 'a relative path never matches an absolute grant'],
  ];
  for (const [path, action, allowed, why] of table) assert.is(checkFile(caps, path, action).allowed, allowed, `${path} ${action} ${why ?? ''}`);
  assert.match(checkFile([cap('file:notes/**:read')], '/etc/passwd', 'read').reason, /not absolute/, 'without an absolute grant, absolute paths are refused as before');
  assert.match(checkFile(caps, '/proc/1/environ', 'read').reason, /never readable/);
});

// [parent caps, child cap, covered?]
const SUBSET: [string[], string, boolean][] = [
  [['file:notes/**:read,write'], 'file:notes/**:read', true],
  [['file:notes/**:read,write'], 'file:notes/trips/*.md:read', true],
  [['file:notes/**:read,write'], 'file:notes/a.md:write', true],
  [['file:notes/**:read'], 'file:notes/**:write', false],
  [['file:notes/**:read'], 'file:**:read', false],
  [['file:notes/*:read'], 'file:notes/**:read', false],
  [['file:notes/*:read'], 'file:notes/a.md:read', true],
  [['file:**:read'], 'file:notes/**:read', true],
  [['file:**:read'], 'file:/etc/*:read', false],
  [['file:/home/user/data/**:read'], 'file:/home/user/data/2026/*:read', true],
  [['file:/home/user/data/*:read'], 'file:/home/user/*:read', false],
  [['shell:git,ls:execute'], 'shell:git:execute', true],
  [['shell:git:execute'], 'shell:*:execute', false],
  [['shell:*:execute'], 'shell:rg:execute', true],
  [['shell:git:execute{timeout:30s}'], 'shell:git:execute{timeout:10s}', true],
  [['shell:git:execute{timeout:30s}'], 'shell:git:execute{timeout:2m}', false],
  [['shell:git:execute{timeout:30s}'], 'shell:git:execute', false],
  [['shell:git:execute'], 'shell:git:execute{network:on}', false],
  [['shell:git:execute{network:on}'], 'shell:git:execute', true],
  [['shell:git:execute{write:notes}'], 'shell:git:execute{write:notes,drafts}', false],
  [['shell:git:execute'], 'shell:git:execute{syntax:pipe}', false],
  [['shell:git:execute{cwd:scratch}'], 'shell:git:execute', false],
  [['http:api.example.com:*'], 'http:api.example.com:get', true],
  [['http:api.example.com:get'], 'http:api.example.com:post', false],
  [['http:*.example.com:get'], 'http:api.example.com:get', true],
  [['http:*.example.com:get'], 'http:*.api.example.com:get', true],
  [['http:*.example.com:get'], 'http:*:get', false],
  [['http:api.example.com:get'], 'http:api.example.com:get{private:allow}', false],
  [['http:*:get'], 'http:127.0.0.1:get', false],
  [['memory:*:read'], 'memory:*:read', true],
  [['memory:*:read'], 'memory:*:write', false],
  [['file:notes/**:read{rate:100/min}'], 'file:notes/**:read', false],
  [['file:notes/**:read{rate:100/min}'], 'file:notes/**:read{rate:10/min}', true],
  [['file:notes/**:read{rate:100/min}'], 'file:notes/**:read{rate:2/sec}', false],
  [['file:notes/**:read'], 'file:notes/**:read{rate:1/min}', true],
  [['agent:delegate{to:coder}'], 'agent:delegate{to:coder}', true],
  [['agent:delegate{to:coder}'], 'agent:delegate', false],
  [['agent:delegate{to:coder}'], 'agent:delegate{to:chief}', false],
  [['agent:spawn{max:5}'], 'agent:spawn{max:2}', false],
  [['capability://file/Users/data/**?action=read'], 'file:/Users/data/x.csv:read', true],
  [['file:notes/**:read'], 'capability://file/Users/data/*?action=read', false],
];

test('a child gets a subset of its parent, never more', () => {
  for (const [parents, child, covered] of SUBSET) {
    const why = notCovered(cap(child), parents.map(cap));
    assert.is(why === undefined, covered, `${JSON.stringify(parents)} ⊇ ${child}? ${why ?? 'covered'}`);
  }
  const d = delegatedCapabilities(['file:notes/**:read', 'shell:git:execute'], [cap('file:notes/**:read')]);
  assert.ok('error' in d && d.error.includes('"shell:git:execute" is more than the parent holds'), JSON.stringify(d));
  const bad = delegatedCapabilities(['file:notes/**:exec'], [cap('file:notes/**:read')]);
  assert.ok('error' in bad && bad.error.includes('action "exec"'));
});

test('agent:spawn{max}: at most max children per item', () => {
  const caps = [cap('agent:spawn{max:5}')];
  assert.ok(checkSpawn(caps, 4).allowed);
  assert.not.ok(checkSpawn(caps, 5).allowed);
  assert.match(checkSpawn(caps, 5).reason, /at most 5 spawned agents per item/);
  assert.not.ok(checkSpawn([cap('agent:delegate')], 0).allowed);
  assert.ok(checkSpawn([cap('agent:spawn')], 2).allowed, 'the default max is 3');
  assert.not.ok(checkSpawn([cap('agent:spawn')], 3).allowed);
});

test('{rate}: a sliding window over the recent uses', () => {
  const c = cap('file:notes/**:read{rate:3/min}');
  const t0 = Date.UTC(2026, 11, 7, 10, 0, 0);
  let uses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const d = rateDecision(c, uses, t0 + i * 1000);
    assert.ok(d.allowed, `use ${i + 1}`);
    uses = d.keep;
  }
  const fourth = rateDecision(c, uses, t0 + 3000);
  assert.not.ok(fourth.allowed);
  assert.match(fourth.reason!, /used 3 times in the last min, its limit; try again in 57 s/);
  assert.ok(rateDecision(c, uses, t0 + 60_001).allowed, 'the first use has left the window');
  assert.ok(rateDecision(cap('file:notes/**:read'), [t0, t0, t0, t0], t0).allowed, 'no rate, no limit');
  assert.ok(rateDecision(c, [t0 + 120_000, t0 + 120_000, t0 + 120_000], t0).allowed, 'uses stamped in the future (a clock change) do not count');
  assert.is(grantingCapability([c], 'granted by "file:notes/**:read{rate:3/min}"'), c);
  assert.is(grantingCapability([c], 'granted by "other"'), undefined);
});

test.run();
