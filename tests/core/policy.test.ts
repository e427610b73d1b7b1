// Table tests for the pure parts of the second gate: policy rules, trust, approval hashes and the
// checks an answer must pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, decide, matchWords, parsePolicy, trustOf, trustPattern, type PolicyAction, type PastAnswer } from '../../cli/core/agents/policy.js';
import { actionHash, canonicalJson, verifyAnswer, type LedgerEntry } from '../../cli/core/agents/approval.js';
import { makeRedactor } from '../../cli/core/docs/redact.js';
import type { ApprovalFront } from '../../cli/core/docs/schemas.js';

const policy = parsePolicy({
  ask: ['shell:git push *', 'http:*:post', 'file:agents/**:write', 'file:aos.yaml:write'],
  never: ['shell:rm *', 'shell:git push --force *', 'http:*.evil.example'],
  safe: ['shell:git push origin notes'],
});
assert.equal(policy.errors, []);

const sh = (cmd: string): PolicyAction => ({ kind: 'shell', resource: cmd, verb: 'execute' });
const http = (url: string, verb = 'get'): PolicyAction => ({ kind: 'http', resource: url, verb });
const file = (path: string, verb = 'write'): PolicyAction => ({ kind: 'file', resource: path, verb });

const table: [PolicyAction, 'safe' | 'ask' | 'never', string?][] = [
  [sh('git push origin main'), 'ask', 'shell:git push *'],
  [sh('git push'), 'ask', 'shell:git push *'],
  [sh('git  push   origin main'), 'ask', 'whitespace does not dodge a rule'],
  [sh('git push --force origin main'), 'never'],
  [sh('git push origin --force main'), 'ask', 'the never rule names --force right after push; it is still asked'],
  [sh('git push origin notes'), 'safe', 'a safe rule carves out of ask'],
  [sh('rm -rf /'), 'never'],
  [sh('rm'), 'never', '"rm *" covers rm with no arguments'],
  [sh('git log -n 5'), 'safe'],
  [sh('gitpush'), 'safe'],
  [http('https://api.example.com/x', 'post'), 'ask'],
  [http('https://api.example.com/x', 'get'), 'safe'],
  [http('https://a.b.evil.example/x', 'get'), 'never'],
  [http('https://evil.example/x', 'get'), 'safe', '*.evil.example is subdomains only'],
  [http('not a url', 'get'), 'never', 'an unreadable host matches every http rule; the strictest wins'],
  [file('agents/coder.md'), 'ask'],
  [file('agents/coder.md', 'read'), 'safe'],
  [file('agents/.hidden.md'), 'ask', 'dot files are covered too'],
  [file('aos.yaml'), 'ask'],
  [file('notes/aos.yaml'), 'safe'],
];

test('classify: never beats safe beats ask; default safe', () => {
  for (const [action, expected, note] of table) {
    assert.is(classify(policy.policy, action).class, expected, `${action.kind} ${action.resource} ${action.verb}${note ? ` (${note})` : ''}`);
  }
});

test('matchWords: * is any number of words, or any characters inside a word', () => {
  const cases: [string, string, boolean][] = [
    ['git push *', 'git push', true],
    ['git push *', 'git push a b c', true],
    ['git * main', 'git push origin main', true],
    ['git * main', 'git push origin master', false],
    ['curl *://*', 'curl https://x', true],
    ['ls', 'ls -la', false],
    ['*', '', true],
  ];
  for (const [p, w, want] of cases) assert.is(matchWords(p.split(' '), w ? w.split(' ') : []), want, `${p} ~ ${w}`);
});

test('parsePolicy: bad rules are errors with the rule named', () => {
  const bad = ['shells:rm *', 'http:https://x.com/a:post', 'file:notes/**:exec', 'shell:', 'file:a b:write', 'http:x\u200b.com:get'];
  for (const r of bad) {
    const { errors } = parsePolicy({ ask: [r] });
    assert.is(errors.length, 1, r);
    assert.ok(errors[0]!.includes(JSON.stringify(r).slice(1, -1).slice(0, 5)), errors[0]);
  }
  assert.is(parsePolicy(undefined).policy.autonomy, 'off');
});

test('trust: approvals in a row since the last denial, within the autonomy level, per narrow pattern', () => {
  const p = (autonomy: 'off' | 'low' | 'high') => parsePolicy({ ask: ['file:notes/**:write', 'shell:git push *'], autonomy, trust_after: 2 }).policy;
  const at = (n: number) => `2026-11-21T10:0${n}:00Z`;
  const a = file('notes/x.md');
  const hist = (...answers: ('approved' | 'denied')[]): PastAnswer[] => answers.map((answer, i) => ({ pattern: trustPattern(a), answer, at: at(i) }));
  assert.is(trustOf(p('low'), a, hist('approved', 'approved')).trusted, true);
  assert.is(trustOf(p('low'), a, hist('approved', 'denied', 'approved')).trusted, false);
  assert.is(trustOf(p('off'), a, hist('approved', 'approved', 'approved')).trusted, false, 'autonomy off never learns');
  assert.is(trustOf(p('low'), file('notes/sub/x.md'), hist('approved', 'approved')).trusted, false, 'another folder is another pattern');
  const push = sh('git push origin main');
  const pushes: PastAnswer[] = [0, 1].map((i) => ({ pattern: trustPattern(push), answer: 'approved', at: at(i) }));
  assert.is(trustOf(p('low'), push, pushes).trusted, false, 'low does not learn shell');
  assert.is(trustOf(p('high'), push, pushes).trusted, true);
  assert.is(trustOf(p('high'), sh('git push --force origin main'), pushes).trusted, false, 'trust never spreads to other flags');
  assert.is(decide(p('high'), push, pushes).class, 'safe');
  const never = parsePolicy({ never: ['shell:git push *'], autonomy: 'high', trust_after: 1 }).policy;
  assert.is(decide(never, push, pushes).class, 'never', 'never is never learned');
});

test('approval hashes: canonical, bound to run, agent, tool and the exact input', () => {
  assert.is(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  const h = actionHash('r-1', 'coder', 'run_shell', { command: 'git push origin main' });
  assert.match(h, /^sha256:[0-9a-f]{64}$/);
  assert.is(actionHash('r-1', 'coder', 'run_shell', { command: 'git push origin main' }), h);
  for (const other of [
    actionHash('r-2', 'coder', 'run_shell', { command: 'git push origin main' }),
    actionHash('r-1', 'chief', 'run_shell', { command: 'git push origin main' }),
    actionHash('r-1', 'coder', 'write_file', { command: 'git push origin main' }),
    actionHash('r-1', 'coder', 'run_shell', { command: 'git push origin main ' }),
  ]) assert.is.not(other, h);
});

test('verifyAnswer: only the question this device asked, unchanged, for the run and item that wait', () => {
  const ledger: LedgerEntry = { id: 'ap-1', hash: 'sha256:aaaa1111', run: 'r-1', agent: 'coder', item: 'i-1', tool: 'run_shell', tool_use_id: 't1', pattern: 'p', created: 'x', state: 'asked' };
  const front = { id: 'ap-1', agent: 'coder', run: 'r-1', action: 'shell', argument: 'x', hash: 'sha256:aaaa1111', status: 'approved', created: '2026-11-21T10:00:00Z' } as ApprovalFront;
  const waiting = { item: 'i-1', run: 'r-1', agent: 'coder' };
  assert.is(verifyAnswer(front, ledger, waiting), undefined);
  assert.match(verifyAnswer(front, undefined, waiting)!, /no run on this device asked/);
  assert.match(verifyAnswer({ ...front, hash: 'sha256:bbbb2222' }, ledger, waiting)!, /hash was changed/);
  assert.match(verifyAnswer(front, { ...ledger, state: 'performed' }, waiting)!, /already performed/);
  assert.match(verifyAnswer(front, { ...ledger, state: 'performing' }, waiting)!, /lost in a crash/);
  assert.match(verifyAnswer({ ...front, run: 'r-9' }, ledger, waiting)!, /different run/);
  assert.match(verifyAnswer(front, ledger, { ...waiting, item: 'i-2' })!, /not asked by this item/);
});

test('redaction: every known value, longest first; short values are not secrets', () => {
  const r = makeRedactor([
    { name: 'A', value: 'abcdefgh' },
    { name: 'B', value: 'abcdefgh-longer' },
    { name: 'C', value: 'short' },
  ]);
  assert.is(r('x abcdefgh-longer y abcdefgh z short'), 'x [secret:B] y [secret:A] z short');
});

test.run();
