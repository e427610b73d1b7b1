// A busy day for one agent: 30 runs with long answers (some of them multi-turn) through the real
// SDK against the fake Messages API, which records each request body. The share of each request
// that sits before its last cache_control breakpoint is what the provider can serve from its cache;
// the goal is at least 70% for every request after the first, with the whole prompt under
// 6k tokens (estimated as characters / 4, as cli/core/agents/prompt.ts budgets).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { read, write, git } from '../helpers.js';
import { addItem, tick, withModel } from '../model-helpers.js';
import type { FakeReply } from '../fake-anthropic.js';

const RUNS = 30;
const CHARS_PER_TOKEN = 4;

/**
 * The request in the order the API caches it (tools, then system, then messages), one piece per
 * block, and how many characters come before the end of the last block that carries cache_control.
 */
export function cachedShare(body: any): { prefix: number; total: number } {
  const blocks: any[] = [...(body.tools ?? []), ...(body.system ?? [])];
  for (const m of body.messages ?? []) {
    if (typeof m.content === 'string') blocks.push({ role: m.role, text: m.content });
    else for (const b of m.content) blocks.push(b);
  }
  let total = 0;
  let prefix = 0;
  for (const b of blocks) {
    total += JSON.stringify(b).length;
    if (b.cache_control) prefix = total;
  }
  return { prefix, total };
}

/**
 * A stricter figure, printed beside the first: how much of each request an earlier request had
 * already written to the cache (a prefix ending at one of its breakpoints, block for block), which
 * is what the provider can actually read back.
 */
function reusedShares(bodies: any[]): number[] {
  const pieces = (body: any): string[] => {
    const out: string[] = [];
    const strip = ({ cache_control: _c, ...b }: any) => JSON.stringify(b);
    for (const t of body.tools ?? []) out.push(strip(t));
    for (const b of body.system ?? []) out.push(strip(b));
    for (const m of body.messages ?? []) {
      if (typeof m.content === 'string') out.push(JSON.stringify({ role: m.role, text: m.content }));
      else for (const b of m.content) out.push(m.role + strip(b));
    }
    return out;
  };
  const written = new Set<string>();
  return bodies.map((body) => {
    const ps = pieces(body);
    const marks = [...(body.tools ?? []), ...(body.system ?? []), ...(body.messages ?? []).flatMap((m: any) => (typeof m.content === 'string' ? [m] : m.content))].map((b: any) => Boolean(b.cache_control));
    let key = '';
    let reused = 0;
    let chars = 0;
    const total = ps.reduce((n, p) => n + p.length, 0);
    ps.forEach((p, i) => {
      key += '\u0000' + p;
      chars += p.length;
      if (written.has(key)) reused = chars;
      if (marks[i]) written.add(key);
    });
    return reused / total;
  });
}

function longAnswer(i: number): string {
  const para = `Run ${i}: the quarterly numbers are in. Revenue rose in the northern region while costs in logistics stayed flat; the team recommends renegotiating the freight contract before March and moving two suppliers to net-60 terms. `;
  return `${para.repeat(14)}\n\nIn short: renegotiate freight (item ${i}).`;
}

test('a busy day: 30 runs of one agent keep at least 70% of every request after the first in the cached prefix, under 6k tokens', async () => {
  const replies: FakeReply[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Every third run searches memory first: a multi-turn run, whose conversation gets a breakpoint.
    if (i % 3 === 2) replies.push({ tools: [{ name: 'search_memory', input: { query: `freight ${i}` }, id: `toolu_${i}` }] });
    replies.push({ text: longAnswer(i), usage: { input_tokens: 900, output_tokens: 700, cache_read_input_tokens: 2000 } });
  }
  await withModel({ replies }, async ({ server, home }) => {
    write(home, 'memory/freight.md', '---\ntitle: Freight contract\ntype: fact\ndescription: The freight contract renews in March\ncreated: 2026-11-01\n---\nThe freight contract with Northline renews every March; notice is due 60 days before.\n');
    write(home, 'memory/MEMORY.md', read(home, 'memory/MEMORY.md') + '- [Freight contract](freight.md) — renews in March, notice 60 days before\n');
    git(home, ['add', '-A']);
    git(home, ['commit', '-qm', 'memory']);
    // The runs come in batches, as the heartbeat would serve them through a day.
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < RUNS / 3; i++) addItem(home, `Summarise the quarterly numbers for the board, part ${batch * 10 + i}.`, 'chief');
      const r = await tick(home, server);
      assert.is(r.code, 0, r.stderr);
    }
    const reqs = server.requests.map((q) => q.body);
    assert.is(reqs.length, RUNS + RUNS / 3, 'every run asked the model (multi-turn runs twice)');
    const shares = reqs.map((b) => cachedShare(b));
    const ratios = shares.map((s) => s.prefix / s.total);
    const tokens = shares.map((s) => Math.ceil(s.total / CHARS_PER_TOKEN));
    const sorted = ratios.slice(1).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`busy day: ${reqs.length} requests; cached share after the first: min ${(sorted[0]! * 100).toFixed(1)}% median ${(median * 100).toFixed(1)}%; prompt tokens (chars/4): max ${Math.max(...tokens)} median ${tokens.slice().sort((a, b) => a - b)[Math.floor(tokens.length / 2)]}`);
    const reused = reusedShares(reqs).slice(1).sort((a, b) => a - b);
    console.log(`busy day, read back from an earlier request's breakpoints: min ${(reused[0]! * 100).toFixed(1)}% median ${(reused[Math.floor(reused.length / 2)]! * 100).toFixed(1)}%`);
    ratios.slice(1).forEach((r, i) => assert.ok(r >= 0.7, `request ${i + 2}: only ${(r * 100).toFixed(1)}% of it is in the cached prefix (${shares[i + 1]!.prefix} of ${shares[i + 1]!.total} characters)`));
    tokens.forEach((t, i) => assert.ok(t < 6000, `request ${i + 1}: about ${t} tokens`));
    // The answers themselves are kept whole where the owner reads them, whatever the prompt shows.
    assert.match(git(home, ['log', '-1', '--format=%B']), /Aos-Run:/);
  });
});

test.run();
