// Table tests for core/agents/mcpscope.ts: what an `aos mcp` client may do, as the owner (everything) or as
// an agent (its capabilities, then the owner's policy; an "ask" refuses, since an MCP call cannot wait).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goalLog, goalVisible, inboxAdd, inboxVisible, lockToken, memoryRead, memorySearch, NOT_READ, NOT_WRITTEN, policyAccess, runsAccess, type Access, type Scope } from '../../cli/core/agents/mcpscope.js';
import { actionVerdict, type Asked } from '../../cli/core/agents/verdict.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { parsePolicy, type PastAnswer } from '../../cli/core/agents/policy.js';

function agent(id: string, caps: string[]): Scope {
  const parsed = parseCapabilities(caps);
  assert.equal(parsed.errors, []);
  return { kind: 'agent', id, caps: parsed.caps };
}

const owner: Scope = { kind: 'owner' };
const reader = agent('reader', ['memory:*:read', 'inbox:*:read', 'goal:run-5k:read,write']);
const bare = agent('bare', []);
const messenger = agent('messenger', ['agent:message{to:chief}', 'inbox:*:write']);
const strict = parsePolicy({ ask: ['file:memory/private/**:read', 'file:goals/ask-me.md:write'], never: ['file:memory/secret.md:read', 'file:goals/never.md:write'] });
assert.equal(strict.errors, []);
const none = parsePolicy(undefined);
const noHistory: PastAnswer[] = [];

/** What aos mcp does for a read or a goal log: the owner may do anything; an agent's ask goes to the one verdict. */
function judged(scope: Scope, ask: (caps: Scope & { kind: 'agent' }) => Asked, parsed: ReturnType<typeof parsePolicy>, history: PastAnswer[], nothingDone: string): Access {
  if (scope.kind === 'owner') return { allowed: true, reason: "the owner's own server" };
  return policyAccess(actionVerdict({ ...ask(scope), policy: parsed, history }), nothingDone);
}
const read = (scope: Scope, file: string, parsed: ReturnType<typeof parsePolicy>, history: PastAnswer[]) => judged(scope, (a) => memoryRead(a.caps, file), parsed, history, NOT_READ);
const logGoal = (scope: Scope, slug: string, parsed: ReturnType<typeof parsePolicy>, history: PastAnswer[]) => judged(scope, (a) => goalLog(a.caps, slug), parsed, history, NOT_WRITTEN);

/** allowed / refused / ask, the shape a table can hold. */
const verdict = (a: Access) => (a.allowed ? 'allowed' : a.ask ? 'ask' : 'refused');

test('lockToken: 24 hex characters, the same for the same lock, different for another', () => {
  assert.match(lockToken('pid: 1\n'), /^[0-9a-f]{24}$/);
  assert.is(lockToken('pid: 1\n'), lockToken('pid: 1\n'));
  assert.is.not(lockToken('pid: 1\n'), lockToken('pid: 2\n'));
});

// [name, access, expected verdict, a word the reason holds]
const table: [string, () => Access, 'allowed' | 'ask' | 'refused', RegExp][] = [
  ['owner searches memory', () => memorySearch(owner), 'allowed', /owner's own server/],
  ['a reader searches memory', () => memorySearch(reader), 'allowed', /memory:\*:read/],
  ['a bare agent searches memory', () => memorySearch(bare), 'refused', /memory/],
  ['owner reads a never file', () => read(owner, 'memory/secret.md', strict, noHistory), 'allowed', /owner/],
  ['a reader reads a topic', () => read(reader, 'memory/trains.md', strict, noHistory), 'allowed', /memory:\*:read/],
  ['a reader reads a never file', () => read(reader, 'memory/secret.md', strict, noHistory), 'refused', /policy never/],
  ['a reader reads an ask file', () => read(reader, 'memory/private/x.md', strict, noHistory), 'ask', /cannot wait.*Nothing was read/],
  ['a bare agent reads a topic', () => read(bare, 'memory/trains.md', none, noHistory), 'refused', /memory/],
  ['owner logs any goal', () => logGoal(owner, 'never', strict, noHistory), 'allowed', /owner/],
  ['a reader logs its goal', () => logGoal(reader, 'run-5k', none, noHistory), 'allowed', /goal:run-5k/],
  ['a reader logs another goal', () => logGoal(reader, 'other', none, noHistory), 'refused', /goal/],
  ['a never rule on the goal file', () => logGoal(agent('g', ['goal:never:write']), 'never', strict, noHistory), 'refused', /policy never/],
  ['an ask rule on the goal file', () => logGoal(agent('g', ['goal:ask-me:write']), 'ask-me', strict, noHistory), 'ask', /Nothing was written/],
  ['owner adds an item', () => inboxAdd(owner, undefined), 'allowed', /owner/],
  ['an agent adds work for itself', () => inboxAdd(messenger, 'messenger'), 'refused', /cannot add work for itself/],
  ['a message the capability names', () => inboxAdd(messenger, 'chief'), 'allowed', /chief|inbox/],
  ['an unaddressed item with inbox:*:write', () => inboxAdd(messenger, undefined), 'allowed', /inbox:\*:write/],
  ['a message with no grant', () => inboxAdd(bare, 'chief'), 'refused', /no capability grants a message to chief/],
  ['an unaddressed item with no grant', () => inboxAdd(bare, undefined), 'refused', /inbox/],
  ['owner reads every run', () => runsAccess(owner, undefined), 'allowed', /owner/],
  ['an agent reads its own runs', () => runsAccess(bare, 'bare'), 'allowed', /its own runs/],
  ["a bare agent reads another's runs", () => runsAccess(bare, 'chief'), 'refused', /chief's runs need memory:\*:read/],
  ["a bare agent reads everyone's runs", () => runsAccess(bare, undefined), 'refused', /every agent's runs need memory:\*:read.*give agent "bare"/],
  ["a reader reads another's runs", () => runsAccess(reader, 'chief'), 'allowed', /memory:\*:read/],
];

for (const [name, access, want, reason] of table) {
  test(`access: ${name} → ${want}`, () => {
    const a = access();
    assert.is(verdict(a), want, a.reason);
    assert.match(a.reason, reason);
  });
}

// [name, scope, item or goal, visible]
const visible: [string, () => boolean, boolean][] = [
  ['owner sees every item', () => inboxVisible(owner, { to: 'x', from: 'y' }), true],
  ['inbox:*:read sees every item', () => inboxVisible(reader, { to: 'x', from: 'y' }), true],
  ['an item addressed to the agent', () => inboxVisible(bare, { to: 'bare', from: 'owner' }), true],
  ['an item the agent sent', () => inboxVisible(bare, { to: 'chief', from: 'bare' }), true],
  ["someone else's item", () => inboxVisible(bare, { to: 'chief', from: 'owner' }), false],
  ['an unaddressed item', () => inboxVisible(bare, {}), false],
  ['owner sees every goal', () => goalVisible(owner, { slug: 'x', owner: 'y' }), true],
  ['a goal the agent owns', () => goalVisible(bare, { slug: 'x', owner: 'bare' }), true],
  ['a goal its capability names', () => goalVisible(reader, { slug: 'run-5k', owner: 'tutor' }), true],
  ['a goal nothing grants', () => goalVisible(reader, { slug: 'other', owner: 'tutor' }), false],
];

for (const [name, seen, want] of visible) {
  test(`visible: ${name} → ${want}`, () => {
    assert.is(seen(), want);
  });
}

test.run();
