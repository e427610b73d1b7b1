// Table tests for the one verdict on an action (core/agents/verdict.ts) that the tool gate, `aos can` and
// `aos mcp --agent` all reach through tools/judge.ts, and for how aos mcp words it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePolicy, trustPattern, type PastAnswer, type PolicyAction } from '../../cli/core/agents/policy.js';
import { actionVerdict, APPROVED, type ActionVerdict, type VerdictState } from '../../cli/core/agents/verdict.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { goalLog, memoryRead, NOT_READ, policyAccess } from '../../cli/core/agents/mcpscope.js';

const policy = parsePolicy({
  ask: ['shell:git push *', 'file:notes/**:write', 'file:memory/**:read'],
  never: ['shell:git push --force *', 'file:goals/secret.md'],
  safe: ['shell:git push origin notes'],
  autonomy: 'low',
  trust_after: 2,
});
assert.equal(policy.errors, []);
const invalid = parsePolicy({ ask: ['ftp:somewhere'] });
assert.is(invalid.errors.length, 1);

const GRANT = { allowed: true, reason: 'shell:git:execute grants it' };
const DENY = { allowed: false, reason: 'no capability grants git' };
const push: PolicyAction = { kind: 'shell', resource: 'git push origin main', verb: 'execute' };
const force: PolicyAction = { kind: 'shell', resource: 'git push --force origin main', verb: 'execute' };
const note: PolicyAction = { kind: 'file', resource: 'notes/a.md', verb: 'write' };
const learned = (a: PolicyAction, n: number): PastAnswer[] => Array.from({ length: n }, (_, i) => ({ pattern: trustPattern(a), answer: 'approved', at: `2026-11-21T10:0${i}:00Z` }));

const state = (over: Partial<VerdictState>): VerdictState => ({ capability: GRANT, policy, history: [], ...over });

const table: [string, VerdictState, Pick<ActionVerdict, 'verdict' | 'by'> & { reason: string; decided?: string }][] = [
  ['a refused capability decides, whatever the policy', state({ capability: DENY, action: force }), { verdict: 'refused', by: 'capability', reason: DENY.reason }],
  ['a refused capability beats an invalid policy', state({ capability: DENY, action: push, policy: invalid }), { verdict: 'refused', by: 'capability', reason: DENY.reason }],
  ['no action the policy covers: the capability decides', state({ policy: invalid }), { verdict: 'allowed', by: 'capability', reason: GRANT.reason }],
  ['an invalid policy refuses every action it could cover', state({ action: note, policy: invalid }), { verdict: 'refused', by: 'policy-invalid', reason: `aos.yaml's policy is invalid, so nothing it could cover runs: ${invalid.errors[0]}` }],
  ['an invalid policy refuses even an approved action', state({ action: push, policy: invalid, approved: true }), { verdict: 'refused', by: 'policy-invalid', reason: `aos.yaml's policy is invalid, so nothing it could cover runs: ${invalid.errors[0]}` }],
  ['never', state({ action: force }), { verdict: 'refused', by: 'policy', decided: 'policy never: "shell:git push --force *"', reason: `${GRANT.reason}, but policy never: "shell:git push --force *"` }],
  ['ask', state({ action: push }), { verdict: 'ask', by: 'policy', decided: 'policy ask: "shell:git push *"', reason: `${GRANT.reason}; policy ask: "shell:git push *": the owner is asked first` }],
  ['a safe rule carves out of ask', state({ action: { ...push, resource: 'git push origin notes' } }), { verdict: 'allowed', by: 'policy', reason: `${GRANT.reason}; policy safe: "shell:git push origin notes"` }],
  ['no rule: safe by default', state({ action: { ...push, resource: 'git status' } }), { verdict: 'allowed', by: 'policy', decided: 'no policy rule asks for it', reason: `${GRANT.reason}; no policy rule asks for it` }],
  ['the approved action passes, even one asked about', state({ action: push, approved: true }), { verdict: 'allowed', by: 'approval', decided: APPROVED, reason: `${GRANT.reason}; ${APPROVED}` }],
  ['the approved action passes even if now never', state({ action: force, approved: true }), { verdict: 'allowed', by: 'approval', reason: `${GRANT.reason}; ${APPROVED}` }],
  ['too few approvals are not yet trust', state({ action: note, history: learned(note, 1) }), { verdict: 'ask', by: 'policy', reason: `${GRANT.reason}; policy ask: "file:notes/**:write": the owner is asked first` }],
  [
    'enough approvals in a row are trust (autonomy low learns files)',
    state({ action: note, history: learned(note, 2) }),
    { verdict: 'allowed', by: 'trust', reason: `${GRANT.reason}; trusted after 2 approvals in a row of file:write:notes/* (policy ask: "file:notes/**:write", autonomy low)` },
  ],
  ['autonomy low never learns shell', state({ action: push, history: learned(push, 5) }), { verdict: 'ask', by: 'policy', reason: `${GRANT.reason}; policy ask: "shell:git push *": the owner is asked first` }],
];

test('actionVerdict: capability, then an invalid policy, the approval, the rules and learned trust', () => {
  for (const [name, s, want] of table) {
    const got = actionVerdict(s);
    assert.is(got.verdict, want.verdict, name);
    assert.is(got.by, want.by, name);
    assert.is(got.reason, want.reason, name);
    if (want.decided !== undefined) assert.is(got.decided, want.decided, name);
  }
});

test('aos mcp words the same verdict: ask is refused with a note, never and capability refusals as aos can', () => {
  const { caps } = parseCapabilities(['memory:*:read', 'goal:ielts:write']);
  const read = (file: string) => policyAccess(actionVerdict({ ...memoryRead(caps, file), policy, history: [] }), NOT_READ);
  assert.equal(read('memory/MEMORY.md'), {
    allowed: false,
    ask: true,
    reason: `policy ask: "file:memory/**:read": the owner's approval is needed, and an MCP call cannot wait for it. ${NOT_READ}`,
  });
  assert.is(read('notes/x.md').allowed, true);
  const log = (slug: string) => policyAccess(actionVerdict({ ...goalLog(caps, slug), policy, history: [] }), 'Nothing was written');
  assert.is(log('ielts').allowed, true);
  const refused = log('secret');
  assert.is(refused.allowed, false);
  assert.match(refused.reason, /^no capability/, 'the capability is checked before the policy, as the tools do');
  const noRead = parseCapabilities(['goal:secret:write']).caps;
  const never = policyAccess(actionVerdict({ ...goalLog(noRead, 'secret'), policy, history: [] }), 'Nothing was written');
  assert.equal(never.allowed, false);
  assert.match(never.reason, /, but policy never: "file:goals\/secret\.md"$/);
  assert.is((never as { ask?: boolean }).ask, undefined);
});

test.run();
