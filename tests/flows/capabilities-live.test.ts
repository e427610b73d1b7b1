// Issue 16, the seed's capability grammar in real ticks (real aos processes, real git, the fake
// Messages API): agent:spawn makes ephemeral helpers with a subset of the parent's capabilities that
// live for one item; removing a capability from an agent file revokes it at the next tool call, in
// a run waiting between turns and in a run waiting for an approval; {rate} refuses the use over the
// limit; `aos audit` lists every capability use from the run records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aosAsync, git, json, nextSecond, read, write } from '../helpers.js';
import { addItem, doneFile, envFor, runIdOf, tick, withModel } from '../model-helpers.js';

const agentFile = (caps: string[]) => `---\nname: Chief\nrole: Triages.\ncapabilities: ${JSON.stringify(caps)}\nbudget:\n  max_turns: 6\n---\nYou are the chief.\n`;

function setChief(home: string, caps: string[], message = 'chief capabilities'): void {
  write(home, 'agents/chief.md', agentFile(caps));
  write(home, 'notes/a.md', 'A-CONTENT\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', message]);
}

function records(home: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(join(home, dir))) return;
    for (const e of readdirSync(join(home, dir), { withFileTypes: true })) e.isDirectory() ? walk(`${dir}/${e.name}`) : out.push(`${dir}/${e.name}`);
  };
  walk('logs/runs');
  return out.sort();
}

/** The tool results of a request the fake received, in order. */
function toolResults(body: any): { content: string; is_error?: boolean }[] {
  const last = body.messages[body.messages.length - 1];
  return (Array.isArray(last.content) ? last.content : []).filter((b: any) => b.type === 'tool_result');
}

test('agent:spawn: helpers get at most the parent\'s capabilities, live one item, are removed after; their records stay', async () => {
  await withModel({ replies: [
    { tools: [
      { name: 'spawn_agent', input: { task: 'Read notes/a.md and report it.', capabilities: ['file:notes/**:read'] } },
      { name: 'spawn_agent', input: { task: 'Run git.', capabilities: ['file:notes/**:read', 'shell:git:execute'] } },
      { name: 'spawn_agent', input: { task: 'Write all.', capabilities: ['file:**:read,write'] } },
    ] },
    { text: 'Waiting for the helper.' },
  ], whenEmpty: { text: 'unexpected' } }, async ({ server, home }) => {
    setChief(home, ['memory:*:read', 'file:notes/**:read,write', 'agent:spawn{max:5}']);
    const id = addItem(home, 'Summarise notes', 'chief');
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const results = toolResults(server.requests[1]!.body);
    assert.match(results[0]!.content, /^Spawned chief-sp-[a-z0-9]{6} for inbox item/);
    assert.match(results[1]!.content, /refused: capability "shell:git:execute" is more than the parent holds: the parent holds no shell capability/);
    assert.match(results[2]!.content, /refused: capability "file:\*\*:read,write" is more than the parent holds: \*\* is not inside "file:notes\/\*\*:read,write"/);
    const helper = /Spawned (chief-sp-[a-z0-9]{6})/.exec(results[0]!.content)![1]!;
    const helperFile = `agents/${helper}.md`;
    assert.ok(existsSync(join(home, helperFile)), 'the helper exists after the spawn');
    assert.match(read(home, helperFile), /capabilities:\n\s+- file:notes\/\*\*:read\n/);
    assert.match(read(home, helperFile), /spawned:\n\s+by: chief\n\s+item: /);
    assert.is(git(home, ['status', '--porcelain']), '', 'the spawn is committed with the parent\'s run');
    assert.match(read(home, `inbox/${id}.md`), /status: waiting/);

    // The helper runs (its agent file is read at the next tick), reads within its grant and is refused beyond it.
    server.push(
      { tools: [{ name: 'read_file', input: { path: 'notes/a.md' } }, { name: 'write_file', input: { path: 'notes/b.md', content: 'x' } }] },
      { text: 'notes/a.md says A-CONTENT' },
      { text: 'Final: A-CONTENT' },
    );
    for (let i = 0; i < 3 && !doneFile(home, id); i++) {
      r = await tick(home, server);
      assert.is(r.code, 0, r.stderr);
    }
    const helperResults = toolResults(server.requests[3]!.body);
    assert.match(helperResults[0]!.content, /A-CONTENT/);
    assert.match(helperResults[1]!.content, /^refused: no capability grants write_file$/, 'the helper is not even offered what it was not given');
    assert.ok(doneFile(home, id), 'the parent finished with the helper\'s result');
    assert.match(read(home, doneFile(home, id)!), /Final: A-CONTENT/);
    assert.not.ok(existsSync(join(home, helperFile)), 'the helper is removed once its item is done');
    assert.is(git(home, ['ls-files', helperFile]).trim(), '', 'and its removal is committed');
    assert.match(git(home, ['log', '--format=%an', '--', helperFile]), new RegExp(`${helper}\\nchief`), 'added by the parent, removed by the helper\'s own run');
    const helperRecord = records(home).find((f) => read(home, f).includes(`agent: ${helper}`));
    assert.ok(helperRecord, 'the helper\'s run record is kept');
    assert.ok(git(home, ['ls-files', helperRecord!]).trim(), 'and committed');
    const audit = json(await aosAsync(['audit', helper, '--home', home, '--json'], { env: envFor(undefined) }));
    assert.equal(audit.uses.map((u: any) => [u.tool, u.argument, u.verdict]).reverse(), [['read_file', 'notes/a.md', 'allowed'], ['write_file', 'notes/b.md', 'refused']]);
    const parentAudit = json(await aosAsync(['audit', 'chief', '--home', home, '--json'], { env: envFor(undefined) }));
    assert.equal(parentAudit.uses.filter((u: any) => u.tool === 'spawn_agent').map((u: any) => u.verdict).reverse(), ['allowed', 'refused', 'refused']);
    assert.match(parentAudit.uses.find((u: any) => u.verdict === 'allowed' && u.tool === 'spawn_agent').rule, /^"agent:spawn\{max:5\}"$/);
  });
});

test('revocation: a capability removed while the run waits between turns is refused at the next call', async () => {
  await withModel({ replies: [
    { tools: [{ name: 'read_file', input: { path: 'notes/a.md' } }] },
    // Held back while the owner edits the agent file; the call it carries comes after the edit.
    { tools: [{ name: 'read_file', input: { path: 'notes/a.md' } }, { name: 'fetch_url', input: { url: 'https://api.example.invalid/x' } }], delayMs: 2500 },
    { text: 'done' },
  ] }, async ({ server, home }) => {
    setChief(home, ['file:notes/**:read', 'http:api.example.invalid:*']);
    const id = addItem(home, 'Read twice', 'chief');
    const running = tick(home, server);
    await server.waitForRequests(2, 60_000);
    // The owner removes the file grant mid-run (no commit: the gate reads the file as it is now).
    write(home, 'agents/chief.md', agentFile(['http:api.example.invalid:*']));
    const r = await running;
    assert.is(r.code, 0, r.stderr);
    assert.match(toolResults(server.requests[1]!.body)[0]!.content, /A-CONTENT/, 'allowed before the edit');
    const after = toolResults(server.requests[2]!.body);
    assert.match(after[0]!.content, /^refused: no capability grants read_file any more/);
    assert.ok(after[0]!.is_error);
    assert.not.match(after[1]!.content, /^refused/, 'the capability left in the file still works');
    const record = read(home, records(home).find((f) => read(home, f).includes(`item: ${id}`))!);
    assert.match(record, /uses:\n {2}- \{ at: [^}]*tool: read_file, argument: notes\/a\.md, verdict: allowed, rule: '"file:notes\/\*\*:read"; [^}]*\}\n {2}- \{[^}]*tool: read_file, argument: notes\/a\.md, verdict: refused/);
  });
});

test('revocation reaches a run that waits for an approval: the approved action is refused once the grant is gone', async () => {
  await withModel({ replies: [{ tools: [{ name: 'write_file', input: { path: 'notes/plan.md', content: 'plan\n' } }] }, { text: 'could not write' }] }, async ({ server, home }) => {
    setChief(home, ['file:notes/**:read,write']);
    write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '') + 'policy:\n  ask: ["file:notes/**:write"]\n');
    git(home, ['commit', '-qam', 'policy']);
    const id = addItem(home, 'Write the plan', 'chief');
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const approval = readdirSync(join(home, 'inbox/approvals')).find((n) => n.endsWith('.md'))!.slice(0, -3);
    setChief(home, ['file:notes/**:read'], 'owner revokes the write grant');
    r = await aosAsync(['approve', approval, '--home', home], { env: envFor(undefined) });
    assert.is(r.code, 0, r.stderr);
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.not.ok(existsSync(join(home, 'notes/plan.md')), 'the approved write did not happen: the grant is gone');
    assert.match(toolResults(server.requests[1]!.body)[0]!.content, /^refused: no capability grants write_file/);
    assert.ok(doneFile(home, id));
  });
});

test('{rate:2/hour}: the third use in the window is refused, counted across runs; aos audit shows each verdict and rule', async () => {
  const read3 = { tools: [{ name: 'read_file', input: { path: 'notes/a.md' } }, { name: 'read_file', input: { path: 'notes/a.md' } }] };
  await withModel({ replies: [read3, { text: 'one' }, { tools: [{ name: 'read_file', input: { path: 'notes/a.md' } }] }, { text: 'two' }] }, async ({ server, home }) => {
    setChief(home, ['file:notes/**:read{rate:2/hour}']);
    addItem(home, 'Read it twice', 'chief');
    let r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const first = toolResults(server.requests[1]!.body);
    assert.match(first[0]!.content, /A-CONTENT/);
    assert.match(first[1]!.content, /A-CONTENT/);
    const second = addItem(home, 'Read it again', 'chief');
    // "Newest first" needs the second run in a later second than the first (ids and times are to the second).
    await nextSecond();
    r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    assert.match(toolResults(server.requests[3]!.body)[0]!.content, /^refused: "file:notes\/\*\*:read\{rate:2\/hour\}" was used 2 times in the last hour, its limit/);
    const a = await aosAsync(['audit', 'chief', '--home', home, '--json'], { env: envFor(undefined) });
    assert.is(a.code, 0, a.stderr);
    const uses = json(a).uses;
    assert.is(uses.length, 3);
    assert.equal(uses.map((u: any) => u.verdict), ['refused', 'allowed', 'allowed'], 'newest first');
    assert.match(uses[0].rule, /used 2 times/);
    assert.match(uses[1].rule, /^"file:notes\/\*\*:read\{rate:2\/hour\}"; /);
    assert.ok(uses.every((u: any) => u.tool === 'read_file' && u.argument === 'notes/a.md' && /^r-/.test(u.run) && /^\d{4}-\d\d-\d\dT/.test(u.at)));
    assert.is(uses[0].run, runIdOf(home, doneFile(home, second)!));
    const text = await aosAsync(['audit', 'chief', '--home', home, '--since', '1d'], { env: envFor(undefined) });
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, /TIME +RUN +TOOL +ARGUMENT +VERDICT +RULE/);
    assert.match(text.stdout, /read_file +notes\/a\.md +refused/);
    const none = await aosAsync(['audit', 'researcher', '--home', home], { env: envFor(undefined) });
    assert.match(none.stdout, /No capability uses by researcher/);
  });
});

test('{rate} counts the tools that act without the gate too: send_message and search_memory over their limit are refused', async () => {
  const calls = { tools: [
    { name: 'send_message', input: { to: 'owner', text: 'first' } },
    { name: 'send_message', input: { to: 'owner', text: 'second' } },
    { name: 'search_memory', input: { query: 'anything' } },
    { name: 'search_memory', input: { query: 'anything' } },
  ] };
  await withModel({ replies: [calls, { text: 'done' }] }, async ({ server, home }) => {
    setChief(home, ['inbox:owner:write{rate:1/day}', 'memory:*:read{rate:1/min}']);
    addItem(home, 'Tell me twice', 'chief');
    const r = await tick(home, server);
    assert.is(r.code, 0, r.stderr);
    const results = toolResults(server.requests[1]!.body);
    assert.match(results[0]!.content, /^Sent to the owner/);
    assert.match(results[1]!.content, /^refused: "inbox:owner:write\{rate:1\/day\}" was used 1 time/);
    assert.not.match(results[2]!.content, /^refused/);
    assert.match(results[3]!.content, /^refused: "memory:\*:read\{rate:1\/min\}" was used 1 time/);
    const log = git(home, ['log', '-p', '--format=']);
    assert.match(log, /first/);
    assert.not.match(log, /\+second/, 'the refused message was never sent');
  });
});

test.run();
