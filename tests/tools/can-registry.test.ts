// `aos can` knows every tool of the registry (issue 20): for each tool, each case is judged by
// `aos can` (in this process, as the command does) and by running the tool itself through the real
// policy gate (runTool + makeGate) on the same home, and the two verdicts must be the same. Each tool
// is run with an agent that holds its grants and one that holds none, so every tool is seen both
// allowed and refused. A few cases also run as real `aos can` processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { aosAsync, bareEnv, git, json, newHome, read, write } from '../helpers.js';
import { openHome } from '../../cli/home/home.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { offeredTools, runTool, TOOLS } from '../../cli/tools/registry.js';
import { makeGate } from '../../cli/tools/gate.js';
import type { RunCtx } from '../../cli/tools/runctx.js';
import { quietEnv } from '../inprocess-helpers.js';
import { CAN_TOOLS, judgeInRoster } from '../../cli/commands/can.js';
import { loadAgents } from '../../cli/home/store.js';

type Verdict = 'allowed' | 'ask' | 'refused';

const FULL = [
  'file:notes/**:read,write',
  'shell:echo,ls:execute',
  'http:127.0.0.1:get{scheme:http;private:allow;ports:9}',
  'memory:*:read',
  'memory:private:read,write',
  'goal:reading:write',
  'agent:delegate{to:helper;max:2}',
  'agent:delegate{to:a2a:http://127.0.0.1:9/a2a;max_usd:0.10}',
  'agent:message{to:helper}',
  'agent:broadcast{max:1}',
  'agent:spawn{max:1}',
  'skill:*:propose',
];

const agentFile = (name: string, role: string, caps: string[]) => `---\nname: ${name}\nrole: ${role}\ncapabilities: ${JSON.stringify(caps)}\n---\nAn agent.\n`;

/** Arguments per tool: at least one the full agent is granted, one it is not; the policy asks about notes/drafts/. */
const ARGS: Record<string, string[]> = {
  read_file: ['notes/seed.md', 'aos.yaml'],
  list_files: ['notes', 'agents'],
  write_file: ['notes/new.md', 'notes/drafts/x.md', 'agents/full.md'],
  run_shell: ['echo hi', 'rm -rf notes'],
  fetch_url: ['http://127.0.0.1:9/', 'POST http://127.0.0.1:9/', 'https://evil.example/'],
  browse_page: ['http://127.0.0.1:9/', 'render http://127.0.0.1:9/', 'https://evil.example/'],
  search_memory: ['trains'],
  read_memory: ['prefers-trains', '*'],
  recall: ['-', 'helper'],
  remember: ['a-fact'],
  note: ['an observation'],
  delegate: ['helper', 'full', 'nobody', 'chief'],
  delegate_remote: ['a2a:http://127.0.0.1:9/a2a', 'a2a:https://other.example/a2a'],
  spawn_agent: ['file:notes/**:read', 'file:**:write'],
  send_message: ['helper', 'owner', 'chief', '*', 'role:helper'],
  log_progress: ['reading', 'other'],
  edit_goal: ['reading', 'other'],
  propose_skill: ['Check the notes first'],
  finish: ['done'],
};

const testEnv = (home: string) => quietEnv(home, 'can');

function canHome(): string {
  const home = newHome();
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '') + 'policy:\n  ask: ["file:notes/drafts/**:write"]\n');
  write(home, 'agents/full.md', agentFile('Full', 'Holds every grant.', FULL));
  write(home, 'agents/bare.md', agentFile('Bare', 'Holds none.', []));
  write(home, 'agents/helper.md', agentFile('Helper', 'A helper.', []));
  write(home, 'notes/seed.md', 'seed\n');
  write(home, 'memory/prefers-trains.md', '---\ntitle: Prefers trains\ntype: preference\ndescription: Trains over planes\ncreated: 2026-01-01\nupdated: 2026-01-01\nstatus: active\n---\nTrains.\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'can home']);
  return home;
}

test('every registry tool is known to aos can by its own name', () => {
  for (const t of TOOLS) {
    assert.ok(CAN_TOOLS.includes(t.def.name), `${t.def.name} is missing from aos can`);
    assert.ok(ARGS[t.def.name], `no cases for ${t.def.name} in this test: add some`);
  }
});

test('for every tool in the registry, aos can answers as the tool gate does in-process (allowed, ask or refused)', async () => {
  const home = canHome();
  const h = await openHome(testEnv(home));
  const roster = await loadAgents(h.root, h.docs);
  const wrong: string[] = [];
  const seen = new Map<string, Set<Verdict>>();
  let n = 0;
  for (const tool of TOOLS) {
    for (const agent of ['full', 'bare']) {
      const { caps } = parseCapabilities(agent === 'full' ? FULL : []);
      for (const arg of ARGS[tool.def.name]!) {
        const said = await judgeInRoster(h, roster, agent, tool.def.name, arg);
        // The tool itself, through the real gate, on an item of its own.
        const item = `can-${n++}`;
        write(home, `inbox/${item}.md`, `---\nid: ${item}\nfrom: owner\nto: ${agent}\nkind: task\ncreated: 2026-11-21T10:00:00+00:00\nstatus: new\n---\nA task.\n`);
        const base = { home: h, env: testEnv(home), agent: { id: agent, caps }, item: { id: item, file: `inbox/${item}.md`, chain: [agent], children: [] }, run: `r-20261121T10${String(Math.floor(n / 60)).padStart(2, "0")}${String(n % 60).padStart(2, "0")}-c${String(n).padStart(3, "0")}`, touched: new Set<string>(), onTouch: async () => {}, children: [], messages: [] };
        const ctx = { ...base, gate: async () => {} } as unknown as RunCtx;
        ctx.gate = makeGate(ctx, { subject: 'can', currentCall: () => `toolu_${item}`, approved: {} });
        const r = await runTool(offeredTools(caps), tool.def.name, tool.can.call(arg), ctx);
        const did: Verdict = r.kind === 'ask' ? 'ask' : /^refused/.test(r.content) ? 'refused' : 'allowed';
        if (r.kind === 'invalid' || r.kind === 'unknown') wrong.push(`${tool.def.name} ${JSON.stringify(arg)}: the call the argument stands for is not valid: ${r.content}`);
        if (did !== said.verdict) wrong.push(`${agent} ${tool.def.name} ${JSON.stringify(arg)}: aos can said ${said.verdict} (${said.reason}), the gate ${did} (${r.content.slice(0, 200)})`);
        if (!seen.has(tool.def.name)) seen.set(tool.def.name, new Set());
        seen.get(tool.def.name)!.add(said.verdict);
      }
    }
  }
  assert.is(wrong.length, 0, `${wrong.length} disagreements:\n${wrong.join('\n')}`);
  // Each tool was seen allowed and refused (finish and note are every agent's); the policy's ask too.
  for (const [tool, verdicts] of seen) {
    if (tool !== 'finish' && tool !== 'note') assert.ok(verdicts.has('refused'), `${tool} was never refused`);
    assert.ok(verdicts.has('allowed'), `${tool} was never allowed`);
  }
  assert.ok(seen.get('write_file')!.has('ask'), 'the policy asks about notes/drafts/');
});

test('real aos can processes: a tool by its registry name, the JSON verdict and the exit code', async () => {
  const home = canHome();
  const env = bareEnv();
  const run = (agent: string, tool: string, arg: string) => aosAsync(['can', agent, tool, arg, '--json', '--home', home], { env });
  let r = await run('full', 'browse_page', 'http://127.0.0.1:9/');
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(json(r).verdict, 'allowed');
  r = await run('bare', 'browse_page', 'http://127.0.0.1:9/');
  assert.is(r.code, 1);
  assert.is(json(r).verdict, 'refused');
  r = await run('full', 'send_message', '*');
  assert.is(r.code, 1, 'a broadcast to 2 agents over agent:broadcast{max:1}');
  assert.match(json(r).reason, /over the limit of 1/);
  r = await run('full', 'write_file', 'notes/drafts/x.md');
  assert.is(json(r).verdict, 'ask');
  r = await aosAsync(['can', 'full', 'teleport', 'x', '--home', home], { env });
  assert.is(r.code, 2);
  assert.match(r.stderr, /tool "teleport": expected one of read_file, list_files, write_file, .*browse_page.*propose_skill/);
  assert.ok(!join(home, 'x').includes('teleport'));
});

test.run();
