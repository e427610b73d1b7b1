// A CLI brain's hand-off through aos mcp belongs to the run's work: the item it files carries the
// run's item as parent and trace, so `aos trace` shows it; a key in the text is redacted first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT, aosAsync, bareEnv, git, json, read, write } from '../helpers.js';
import { modelHome, addItem, doneFile } from '../model-helpers.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AOS } from '../helpers.js';

const brain = `  profile: claude\n  program: ${JSON.stringify([process.execPath, join(ROOT, 'tests', 'fixtures', 'brain-mcp.mjs')])}\n  args: [--call, inbox_add]\n  timeout_seconds: 60\n`;

test("a brain's inbox_add inside a run carries the run's item as parent and trace", async () => {
  const home = modelHome();
  write(home, 'agents/chief.md', `---\nname: Chief\nrole: Triages.\nmodel: claude-sonnet-4-6\nbrain:\n${brain}capabilities:\n  - "agent:message{to:researcher}"\n---\nYou are the chief.\n`);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'chief thinks with a CLI brain']);
  const id = addItem(home, 'Plan the Porto trip', 'chief');
  const r = await aosAsync(['tick', '--home', home], { env: bareEnv() });
  assert.is(r.code, 0, r.stderr);
  assert.ok(doneFile(home, id), r.stdout);
  const added = git(home, ['ls-files', 'inbox']).trim().split('\n').filter((f) => /^inbox\/[^/]+\.md$/.test(f));
  assert.is(added.length, 1, `the brain's item waits for the researcher: ${added}`);
  const text = read(home, added[0]!);
  assert.match(text, new RegExp(`^parent: ${id}$`, 'm'));
  assert.match(text, new RegExp(`^trace: ${id}$`, 'm'));
  const t = await aosAsync(['trace', id, '--json', '--home', home], { env: bareEnv() });
  assert.is(t.code, 0, t.stderr);
  const tree = json(t);
  assert.equal(tree.root.children.map((n: any) => n.item.from), ['chief']);
  assert.is(tree.root.runs[0].provider, 'command');
});

test('inbox_add through aos mcp redacts a key before the file is written, as aos inbox add does', async () => {
  const home = modelHome();
  const key = `sk-ant-api03-${'A1b2C3d4'.repeat(10)}AA`;
  const client = new Client({ name: 'redact-test', version: '1.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [AOS, 'mcp', '--home', home], env: bareEnv(), stderr: 'pipe' }));
  try {
    const r = (await client.callTool({ name: 'inbox_add', arguments: { text: `Rotate the key ${key} tonight` } })) as { isError?: boolean; content: { text: string }[] };
    assert.not.ok(r.isError, r.content[0]?.text);
    const out = JSON.parse(r.content[0]!.text);
    assert.ok(out.redacted.length >= 1);
    const text = read(home, out.file);
    assert.not.ok(text.includes(key), 'the key reached the item file');
    assert.match(text, 'Rotate the key');
    assert.not.ok(git(home, ['log', '-p']).includes(key), 'the key reached git history');
  } finally {
    await client.close();
  }
});

test.run();
