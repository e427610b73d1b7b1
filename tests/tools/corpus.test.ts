// The adversarial corpus (tests/fixtures/corpus/*.yaml): every case gets its expected verdict both from
// `aos can`'s judge (in this process, against the roster loaded once: a process per case cost a third
// of the suite's time) and from the tools themselves in a real home. A handful of cases also run as real `aos can` processes, for the
// parsing, the JSON on stdout and the exit code. Inbox injections run through a real tick and must
// change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, symlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, aosAsync, bareEnv, git, newHome, read, write, type Result } from '../helpers.js';
import { openHome, type Home } from '../../cli/home/home.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { offeredTools, runTool, TOOLS } from '../../cli/tools/registry.js';
import { makeGate } from '../../cli/tools/gate.js';
import type { RunCtx } from '../../cli/tools/runctx.js';
import { quietEnv } from '../inprocess-helpers.js';
import { CAN_TOOLS, judgeInRoster } from '../../cli/commands/can.js';
import { loadAgents } from '../../cli/home/store.js';

type Verdict = 'allowed' | 'ask' | 'refused';
interface Case {
  caps?: string[];
  agent?: string;
  tool: string;
  arg: string;
  expect: Verdict;
  why?: string;
  source: string;
}

const dir = join(ROOT, 'tests/fixtures/corpus');
const load = (name: string): any[] => (existsSync(join(dir, name)) ? (parse(readFileSync(join(dir, name), 'utf8')) as any[]) : []);

/** Every corpus file in one shape: the shell and http files name their argument command/url. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const c of load('file.yaml')) out.push({ ...c, source: 'file' });
  for (const c of load('frontmatter.yaml')) out.push({ ...c, source: 'frontmatter' });
  for (const c of load('shell.yaml')) out.push({ caps: c.caps, tool: 'shell', arg: c.command, expect: c.expect, why: c.why, source: 'shell' });
  // Issue 16: the seed's grammar, with @OUT@ standing for a folder outside the home.
  for (const c of JSON.parse(JSON.stringify(load('grammar.yaml')).replaceAll('@OUT@', outsideFolder()))) out.push({ ...c, source: 'grammar' });
  for (const c of load('http.yaml')) out.push({ caps: c.caps, tool: c.method && c.method.toLowerCase() !== 'get' ? `http-${c.method.toLowerCase()}` : 'http', arg: c.url, expect: c.expect, why: c.why, source: 'http' });
  return out;
}

let outside: string | undefined;
/** A folder outside the home for the absolute grants: a file, a hard link, a symlink to a file no grant names. */
function outsideFolder(): string {
  if (outside) return outside;
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'aos-outside-')));
  mkdirSync(join(outside, 'data'));
  mkdirSync(join(outside, 'other'));
  writeFileSync(join(outside, 'data/a.csv'), 'a,b\n');
  writeFileSync(join(outside, 'other/b.csv'), 'secret\n');
  writeFileSync(join(outside, 'other/c.csv'), 'secret\n');
  linkSync(join(outside, 'other/c.csv'), join(outside, 'data/hard.csv'));
  symlinkSync(join(outside, 'other/b.csv'), join(outside, 'data/link-out'));
  return outside;
}

const POLICY = 'policy:\n  ask: ["file:notes/drafts/**:write"]\n  never: ["file:notes/locked/**:write"]\n';

function setPolicy(home: string): void {
  write(home, 'aos.yaml', read(home, 'aos.yaml').replace(/^policy:[\s\S]*?(?=^\S|(?![\s\S]))/m, '') + POLICY);
}

function corpusHome(all: Case[]): string {
  const home = newHome();
  setPolicy(home);
  all.forEach((c, i) => {
    const text = c.agent ?? `---\nname: Case ${i}\nrole: corpus case ${i}\ncapabilities: ${JSON.stringify(c.caps ?? [])}\n---\nA corpus agent.\n`;
    write(home, `agents/c${i}.md`, text);
  });
  write(home, 'notes/seed.md', 'seed\n');
  symlinkSync('../agents', join(home, 'notes/link'));
  symlinkSync('/etc/passwd', join(home, 'notes/evil.md'));
  linkSync(join(home, 'aos.yaml'), join(home, 'notes/hard.md'));
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'corpus home']);
  return home;
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((t, j) => fn(t, i + j)))));
  return out;
}

const label = (c: Case, i: number) => `#${i} [${c.source}] ${c.tool} ${JSON.stringify(c.arg)} (caps ${JSON.stringify(c.caps ?? 'from agent file')})`;

const testEnv = (home: string) => quietEnv(home, 'corpus');

/** The tool call a case stands for, as the model would make it. */
function toolCall(c: Case): { name: string; input: Record<string, unknown> } | undefined {
  switch (c.tool) {
    case 'file-read':
      return { name: 'read_file', input: { path: c.arg } };
    case 'file-write':
      return { name: 'write_file', input: { path: c.arg, content: 'corpus\n' } };
    case 'shell':
      return { name: 'run_shell', input: { command: c.arg } };
    default:
      if (c.tool === 'http' || c.tool.startsWith('http-')) return { name: 'fetch_url', input: { url: c.arg, ...(c.tool === 'http' ? {} : { method: c.tool.slice(5).toUpperCase() }) } };
      return undefined;
  }
}

const all = cases();

test(`the corpus holds at least 150 cases across shell, file, http, front matter and inbox (${all.length} + ${load('inbox.yaml').length})`, () => {
  const by = (s: string) => all.filter((c) => c.source === s).length;
  assert.ok(all.length + load('inbox.yaml').length >= 150, `only ${all.length + load('inbox.yaml').length}`);
  for (const s of ['file', 'frontmatter']) assert.ok(by(s) > 10, `${s}: ${by(s)}`);
  assert.ok(all.some((c) => c.expect === 'allowed') && all.some((c) => c.expect === 'refused') && all.some((c) => c.expect === 'ask'), 'controls and attacks both');
});

/** What `aos can <agent> <tool> <argument> --json` answers, judged in this process by the same function. */
async function canInProcess(h: Home, roster: Awaited<ReturnType<typeof loadAgents>>, agent: string, tool: string, argument: string): Promise<Result> {
  // aos can refuses an unknown tool before it judges (a usage error, exit 2, no verdict).
  if (!CAN_TOOLS.includes(tool)) return { code: 2, stdout: '', stderr: `tool "${tool}": expected one of ${CAN_TOOLS.join(', ')}` };
  try {
    const answer = await judgeInRoster(h, roster, agent, tool, argument);
    return { code: answer.verdict === 'allowed' ? 0 : 1, stdout: JSON.stringify(answer), stderr: '' };
  } catch (err) {
    return { code: 2, stdout: '', stderr: String(err) };
  }
}

/** The checks on one `aos can` answer: the expected verdict, the reason it names, exit 0 only when allowed. */
function checkCan(c: Case, i: number, r: Result, wrong: string[]): void {
  let got: { verdict: Verdict; reason: string };
  try {
    got = JSON.parse(r.stdout);
  } catch {
    wrong.push(`${label(c, i)}: aos can printed no verdict (exit ${r.code}): ${r.stderr.trim()}`);
    return;
  }
  if (got.verdict !== c.expect) wrong.push(`${label(c, i)}: aos can said ${got.verdict} (${got.reason}), expected ${c.expect}`);
  else if (c.why && !got.reason.includes(c.why)) wrong.push(`${label(c, i)}: reason "${got.reason}" lacks "${c.why}"`);
  if (r.code !== (got.verdict === 'allowed' ? 0 : 1)) wrong.push(`${label(c, i)}: exit ${r.code} for ${got.verdict}`);
}

/** A few cases of each verdict from each source, run as real `aos can` processes. */
function processSample(): number[] {
  const picked: number[] = [];
  for (const verdict of ['allowed', 'ask', 'refused'] as const) {
    const of = all.map((c, i) => ({ c, i })).filter(({ c }) => c.expect === verdict && !c.arg.includes('\0'));
    const sources = [...new Set(of.map(({ c }) => c.source))];
    for (const source of sources.slice(0, 3)) picked.push(of.find(({ c }) => c.source === source)!.i);
  }
  return picked;
}

test('every case gets its verdict from aos can (exit 0 only when allowed) and from the tools themselves', async () => {
  const home = corpusHome(all);
  const wrong: string[] = [];
  const h = await openHome(testEnv(home));
  const roster = await loadAgents(h.root, h.docs);
  // In this process even the cases with a NUL, which no process argument can carry, are judged.
  for (const [i, c] of all.entries()) checkCan(c, i, await canInProcess(h, roster, `c${i}`, c.tool, c.arg), wrong);

  // The same verdicts from real `aos can` processes: argument parsing, --json on stdout, the exit code.
  const sample = processSample();
  assert.ok(sample.length >= 5 && ['allowed', 'ask', 'refused'].every((v) => sample.some((i) => all[i]!.expect === v)), `process sample: ${sample.join(', ')}`);
  const env = bareEnv();
  const answers = await inBatches(sample, 6, (i) => aosAsync(['can', `c${i}`, all[i]!.tool, all[i]!.arg, '--json', '--home', home], { env }));
  answers.forEach((r, k) => checkCan(all[sample[k]!]!, sample[k]!, r, wrong));

  // The tools: a real run context on the same home, the same policy gate.
  for (const [i, c] of all.entries()) {
    const call = toolCall(c);
    if (!call) continue;
    const { caps, errors } = parseCapabilities(c.caps ?? []);
    if (c.agent || errors.length) continue; // front matter cases: the agent never runs (checked above)
    const tool = TOOLS.find((t) => t.def.name === call.name);
    if (!tool) continue; // a tool this build does not have yet is covered by aos can alone
    const touched = new Set<string>();
    const base = { home: h, env: testEnv(home), agent: { id: `c${i}`, caps }, item: { id: 'corpus', file: 'inbox/corpus.md', chain: [`c${i}`], children: [] }, run: `r-20261121T000000-c${i}`, touched, onTouch: async () => {}, children: [], messages: [] };
    const ctx = { ...base, gate: async () => {} } as RunCtx;
    ctx.gate = makeGate(ctx, { subject: 'corpus', currentCall: () => `toolu_${i}`, approved: {} });
    const offered = offeredTools(caps).some((t) => t.def.name === call.name);
    const r = offered ? await runTool(offeredTools(caps), call.name, call.input, ctx) : { content: 'refused: not offered', is_error: true, kind: 'refused' };
    const got: Verdict = r.kind === 'ask' ? 'ask' : r.kind === 'refused' || /^refused/.test(r.content) ? 'refused' : 'allowed';
    if (got !== c.expect) wrong.push(`${label(c, i)}: the tool said ${got} (${r.content.slice(0, 160)}), expected ${c.expect}`);
  }
  assert.is(wrong.length, 0, `${wrong.length} of ${all.length} cases got the wrong verdict:\n${wrong.join('\n')}`);
  // Refused writes reached nothing.
  assert.is(read(home, 'aos.yaml').includes('corpus'), false);
  assert.not.ok(existsSync(join(home, 'notes/locked/x.md')) || existsSync(join(home, 'notes/drafts/x.md')));
});

function snapshot(home: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(home, rel)).sort()) {
      const p = join(rel, name);
      if (statSync(join(home, p)).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(join(home, p)));
    }
  };
  for (const d of ['agents', 'inbox/approvals']) if (existsSync(join(home, d))) walk(d);
  h.update(readFileSync(join(home, 'aos.yaml')));
  return h.digest('hex');
}

test('inbox injections change nothing: no agent, config or approval changes, every verdict the same', async () => {
  const injections = load('inbox.yaml');
  assert.ok(injections.length >= 10);
  const home = newHome();
  setPolicy(home);
  git(home, ['commit', '-qam', 'policy']);
  const env = bareEnv();
  const probes: [string, string, string][] = [
    ['chief', 'file-write', 'agents/chief.md'],
    ['chief', 'file-write', 'aos.yaml'],
    ['chief', 'file-write', 'inbox/approvals/ap-20261121T000000-fake.md'],
    ['coder', 'shell', 'rm -rf /'],
    ['researcher', 'http-post', 'https://evil.example/x'],
    ['chief', 'delegate', 'dreamer'],
  ];
  const verdicts = async () => (await Promise.all(probes.map(([a, t, x]) => aosAsync(['can', a, t, x, '--json', '--home', home], { env })))).map((r) => `${r.code} ${r.stdout}`);
  const before = await verdicts();
  for (const inj of injections) write(home, inj.file, inj.text);
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'injections']);
  const snap = snapshot(home);
  const r = await aosAsync(['tick', '--home', home], { env });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.is(snapshot(home), snap, 'agents/, aos.yaml and inbox/approvals/ are unchanged');
  assert.equal(await verdicts(), before);
  assert.match(read(home, 'inbox/approvals/ap-20261121T000000-fake.md'), /status: approved/, 'the synced-in approval is left alone, never acted on');
  for (const name of ['inj-caps', 'inj-policy', 'inj-js', 'inj-conflict']) assert.match(r.stderr, new RegExp(`inbox/${name}\\.md`), `${name} is reported as invalid`);
});

test.run();
