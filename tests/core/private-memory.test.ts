// memory:private in the capability grammar and its verdict (issue 22).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile, checkPrivateMemory, checkSimple, parseCapabilities, parseCapability } from '../../cli/core/agents/capabilities.js';

const caps = (...t: string[]) => {
  const p = parseCapabilities(t);
  assert.equal(p.errors, []);
  return p.caps;
};

test('grammar: memory:private with an optional {agent:…}; the constraint nowhere else', () => {
  assert.ok('cap' in parseCapability('memory:private:read,write'));
  assert.ok('cap' in parseCapability('memory:private:read{agent:scout,chief}'));
  assert.match((parseCapability('memory:*:read{agent:scout}') as { error: string }).error, /only memory:private:… takes it/);
  assert.match((parseCapability('file:notes/**:read{agent:scout}') as { error: string }).error, /constraint "agent" is not one of/);
});

test('verdict: its own private memory with memory:private; another agent\'s only when named', () => {
  const own = caps('memory:private:read,write');
  assert.ok(checkPrivateMemory(own, 'chief', 'chief', 'read').allowed);
  assert.ok(checkPrivateMemory(own, 'chief', 'chief', 'write').allowed);
  const other = checkPrivateMemory(own, 'chief', 'scout', 'read');
  assert.not.ok(other.allowed);
  assert.match(other.reason, /memory:private:read of scout \(another agent's private memory/);
  const named = caps('memory:private:read{agent:scout}');
  assert.ok(checkPrivateMemory(named, 'chief', 'scout', 'read').allowed);
  assert.not.ok(checkPrivateMemory(named, 'chief', 'scout', 'write').allowed);
  assert.not.ok(checkPrivateMemory(named, 'chief', 'chief', 'read').allowed, 'naming another is not its own');
  // Shared memory and wide file grants reach no private memory; private grants no shared memory.
  const wide = caps('memory:*:read,write', 'file:**:read,write');
  assert.not.ok(checkPrivateMemory(wide, 'chief', 'chief', 'read').allowed);
  assert.not.ok(checkFile(wide, 'memory/agents/chief/x.md', 'read').allowed);
  assert.not.ok(checkFile(wide, 'Memory/Agents/chief/x.md', 'read').allowed);
  assert.not.ok(checkFile(wide, 'memory/agents', 'read').allowed);
  assert.ok(checkFile(wide, 'memory/agent-notes.md', 'read').allowed);
  assert.not.ok(checkSimple(own, 'memory', '*', 'read').allowed);
});

test.run();
