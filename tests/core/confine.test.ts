// Table tests for core/agents/confine.ts (issue 16) and the owner-only floor of the verdict: agents/ and
// aos.yaml always ask, at any letter case, whatever the policy or the trust it has learned.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePolicy, trustPattern, type PastAnswer, type PolicyAction } from '../../cli/core/agents/policy.js';
import { actionVerdict } from '../../cli/core/agents/verdict.js';
import { nameProblem, ownerOnly, pathUses, sandboxFinding, sandboxRefusal } from '../../cli/core/agents/confine.js';
import { parseShell } from '../../cli/tools/shellparse.js';

const GRANT = { allowed: true, reason: 'granted by "file:**:read,write"' };
const learned = (a: PolicyAction, n: number): PastAnswer[] => Array.from({ length: n }, (_, i) => ({ pattern: trustPattern(a), answer: 'approved', at: `2026-11-21T10:0${i}:00Z` }));

test('agents/ and aos.yaml: a write always asks, at any letter case; safe rules, no rule and learned trust never stop it', () => {
  const trusting = parsePolicy({ safe: ['file:agents/**:write', 'file:aos.yaml:write', 'file:AOS.YAML:write'], ask: ['file:**:write'], autonomy: 'high', trust_after: 1 });
  for (const resource of ['agents/chief.md', 'Agents/x.md', 'AGENTS/sub/y.md', 'aos.yaml', 'AOS.YAML', 'Aos.Yaml']) {
    const action: PolicyAction = { kind: 'file', resource, verb: 'write' };
    for (const policy of [parsePolicy({}), trusting]) {
      const v = actionVerdict({ capability: GRANT, action, policy, history: learned(action, 10) });
      assert.is(v.verdict, 'ask', `${resource}: ${v.reason}`);
      assert.match(v.reason, /only the owner's approval writes them/);
    }
    // The owner's yes to this very action still lets it through once; a never rule still refuses.
    assert.is(actionVerdict({ capability: GRANT, action, policy: parsePolicy({}), history: [], approved: true }).verdict, 'allowed');
    assert.is(actionVerdict({ capability: GRANT, action, policy: parsePolicy({ never: ['file:**:write'] }), history: [] }).verdict, 'refused');
    // Reading them is an ordinary read.
    assert.is(actionVerdict({ capability: GRANT, action: { ...action, verb: 'read' }, policy: parsePolicy({}), history: [] }).verdict, 'allowed');
  }
  assert.ok(ownerOnly('./AGENTS/x') && !ownerOnly('notes/agents/x.md') && !ownerOnly('agents.md'));
});

test('names no device may hold: Windows device names with any extension, trailing dots and spaces, over 255 bytes', () => {
  for (const bad of ['CON', 'con.txt', 'notes/nul.tar.gz', 'Com1', 'LPT9.md', 'aux.', 'notes/prn ', 'x.', 'y ', 'notes/' + 'a'.repeat(300) + '.md', 'é'.repeat(130)]) assert.ok(nameProblem(bad), bad);
  for (const ok of ['console.md', 'notes/connect.txt', 'com10', 'lpt', 'notes/a.md', '.', 'a'.repeat(255)]) assert.is(nameProblem(ok), undefined, ok);
});

test('which words of a command are paths, and whether the program reads or writes them', async () => {
  const uses = async (cmd: string) => {
    const ast = await parseShell(cmd);
    if ('error' in ast) throw new Error(ast.error);
    return pathUses(ast).map((u) => `${u.action}${u.sure ? '!' : '?'} ${u.word}`);
  };
  assert.equal(await uses('cat notes/a.md b'), ['read! notes/a.md', 'read? b']);
  assert.equal(await uses('cat -- -/../../.bashrc'), ['read! -/../../.bashrc']);
  assert.equal(await uses('git log -n 5 HEAD~1 -- notes'), ['read? 5', 'read? HEAD~1', 'read! notes']);
  assert.equal(await uses('git log origin/main'), ['read? origin/main']);
  assert.equal(await uses('sort -o /tmp/x in'), ['write! /tmp/x', 'read? in']);
  assert.equal(await uses('sort -o/tmp/x --output=y in'), ['write! /tmp/x', 'write! y', 'read? in']);
  assert.equal(await uses('cp a b/c'), ['read? a', 'write! b/c']);
  assert.equal(await uses('touch x'), ['write! x']);
  assert.equal(await uses("sed --sandbox 's/a/b/' f"), ['read? f']);
  assert.equal(await uses('grep -e a/b -r dir'), ['read? dir']);
  assert.equal(await uses('tar -C /etc -cf out.tar passwd'), ['read! /etc', 'read? out.tar', 'read? passwd']);
  assert.equal(await uses('curl https://example.com/a/b'), ['read? https://example.com/a/b']);
  assert.equal(await uses('echo /etc/passwd'), []);
  assert.equal(await uses('cat a > /tmp/o 2>&1 < /etc/shadow'), ['read? a', 'write! /tmp/o', 'read! /etc/shadow']);
  assert.equal(await uses('cat /etc/*.conf notes/*.md $HOME/x'), ['read! /etc/', 'read! notes/']);
});

test('no sandbox: shell refused unless aos.yaml chose none; doctor: a problem, or a note once chosen', () => {
  assert.is(sandboxRefusal({ bwrap: '/usr/bin/bwrap', chosenNone: false, platform: 'linux' }), undefined);
  assert.is(sandboxRefusal({ chosenNone: true, platform: 'linux' }), undefined);
  assert.match(sandboxRefusal({ chosenNone: false, platform: 'linux' })!, /bubblewrap \(bwrap\) is not on PATH[\s\S]*sandbox: none/);
  assert.match(sandboxRefusal({ chosenNone: false, platform: 'darwin' })!, /macOS has no sandbox/);
  assert.ok(sandboxFinding({ chosenNone: false, platform: 'linux' }, ['coder']).problem);
  assert.not.ok(sandboxFinding({ chosenNone: true, platform: 'linux' }, ['coder']).problem);
  assert.match(sandboxFinding({ chosenNone: true, platform: 'darwin' }, ['coder']).note!, /this Mac is not sandboxed/);
  assert.equal(sandboxFinding({ bwrap: '/usr/bin/bwrap', chosenNone: false, platform: 'linux' }, ['coder']), {});
});

test.run();
