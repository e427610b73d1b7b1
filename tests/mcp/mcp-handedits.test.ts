// Issue 15 (hand edits first in every command that commits): an `aos mcp` write commits the owner's
// uncommitted hand edits as the owner's own commit first, so the write's commit takes none of them,
// even when the write touches the very file the owner edited (today's log).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AOS, bareEnv, git, newHome, read, write } from '../helpers.js';
import { logFile, today } from '../model-helpers.js';

test('log_note after hand edits: the owner\'s edits are their own commit, the note\'s commit holds only the note', async () => {
  const home = newHome();
  const log = logFile();
  write(home, log, `# ${today()}\n\nThe owner's own line, written by hand.\n`);
  write(home, 'agents/chief.md', read(home, 'agents/chief.md') + '\nA hand-written line for the chief.\n');
  const transport = new StdioClientTransport({ command: process.execPath, args: [AOS, 'mcp', '--home', home], env: bareEnv(), stderr: 'pipe' });
  const client = new Client({ name: 'handedits-test', version: '1.0' });
  await client.connect(transport);
  try {
    const r = (await client.callTool({ name: 'log_note', arguments: { text: 'Noted by the client' } })) as { isError?: boolean; content: { text: string }[] };
    assert.not.ok(r.isError, r.content[0]?.text);
  } finally {
    await client.close();
  }
  assert.is(git(home, ['status', '--porcelain']), '');
  // HEAD: the note alone — its diff adds the note and nothing the owner wrote.
  const note = git(home, ['show', '--format=%s', 'HEAD']);
  assert.match(note, /Noted by the client/);
  assert.not.match(note, /^\+.*(written by hand|hand-written)/m);
  assert.equal(git(home, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n'), [log]);
  // Before it: the owner's commit with both files.
  assert.match(git(home, ['log', '-1', '--format=%an|%s', 'HEAD~1']), /^Tess\|owner: hand edits \(2 files\)/);
  assert.equal(git(home, ['show', '--name-only', '--format=', 'HEAD~1']).trim().split('\n').sort(), ['agents/chief.md', log].sort());
  assert.match(git(home, ['show', 'HEAD~1']), /The owner's own line, written by hand/);
});

test.run();
