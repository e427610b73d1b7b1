// aos can <agent> memory-read <topic> asks what read_memory and aos mcp's memory_read ask: the
// memory:*:read capability, then the owner's policy for the read of the topic's file (the one judge,
// tools/judge.ts). It used to stop at the capability and say "allowed" where the tools ask or refuse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AOS, aos, bareEnv, git, json, newHome, read, write } from '../helpers.js';

test('memory-read: the policy decides as it does for aos mcp memory_read; a bad topic is a usage error', async () => {
  const home = newHome();
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace('  never:\n', '  never:\n    - "file:memory/private-*.md:read"\n').replace('  ask:\n', '  ask:\n    - "file:memory/health-*.md:read"\n'));
  write(home, 'memory/private-diary.md', '---\ntype: note\ndescription: a diary\n---\nDear diary.\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'policy for memory reads']);

  const never = aos(['can', 'chief', 'memory-read', 'private-diary', '--json'], { cwd: home });
  assert.is(never.code, 1, never.stderr);
  assert.is(json(never).verdict, 'refused');
  assert.match(json(never).reason, /file:memory\/private-\*\.md:read/);
  const asked = aos(['can', 'chief', 'memory-read', 'memory/health-sleep.md'], { cwd: home });
  assert.is(asked.code, 1);
  assert.match(asked.stdout, /^ask: .*file:memory\/health-\*\.md:read/);
  const fine = aos(['can', 'chief', 'memory-read', 'prefers-trains'], { cwd: home });
  assert.is(fine.code, 0, fine.stdout + fine.stderr);
  assert.is(aos(['can', 'chief', 'memory-read', '*'], { cwd: home }).code, 0);
  // The coder has memory:*:read too; an agent without it is refused by its capability.
  write(home, 'agents/mute.md', '---\nname: Mute\nrole: Nothing.\n---\nNothing.\n');
  const mute = aos(['can', 'mute', 'memory-read', 'prefers-trains'], { cwd: home });
  assert.is(mute.code, 1);
  assert.match(mute.stdout, /^refused: no capability grants memory:\*:read/);
  const bad = aos(['can', 'chief', 'memory-read', '../aos.yaml'], { cwd: home });
  assert.is(bad.code, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /memory-read "\.\.\/aos\.yaml": expected a topic/);

  // aos mcp --agent chief agrees: the same refusal for the same read.
  const transport = new StdioClientTransport({ command: process.execPath, args: [AOS, 'mcp', '--agent', 'chief', '--home', home], env: bareEnv(), stderr: 'pipe' });
  const client = new Client({ name: 'can-test', version: '1.0' });
  await client.connect(transport);
  try {
    const r = (await client.callTool({ name: 'memory_read', arguments: { slug: 'private-diary' } })) as { isError?: boolean; content: { text: string }[] };
    assert.ok(r.isError);
    assert.match(r.content[0]!.text, /refused: .*file:memory\/private-\*\.md:read/);
  } finally {
    await client.close();
  }
});

test.run();
