// The file tools against a swap race (issue 16): while another process swaps notes/sub for a symbolic
// link to a folder outside the home and back, as fast as it can, 300 reads and 300 writes through
// read_file and write_file. Checking a path and then opening it again by name let reads return the
// outside file and writes land outside; opening once and verifying the descriptor reaches nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bareEnv, git, newHome, tempDir, ROOT } from '../helpers.js';
import { openHome } from '../../cli/home/home.js';
import { parseCapabilities } from '../../cli/core/agents/capabilities.js';
import { offeredTools, runTool } from '../../cli/tools/registry.js';
import { makeGate } from '../../cli/tools/gate.js';
import type { RunCtx } from '../../cli/tools/runctx.js';
import type { Env } from '../../cli/env.js';

const SWAPPER = `
const fs = require('fs');
const [sub, real, outside, counter] = process.argv.slice(1);
let swaps = 0;
for (;;) {
  try { fs.renameSync(sub, real); } catch {}
  try { fs.symlinkSync(outside, sub); } catch {}
  // A folder a write made while the real one was away is moved aside (it stays in the home).
  try { if (fs.lstatSync(sub).isSymbolicLink()) fs.unlinkSync(sub); else fs.renameSync(sub, sub + '.made' + swaps); } catch {}
  try { fs.renameSync(real, sub); } catch {}
  if (++swaps % 200 === 0) try { fs.writeFileSync(counter + '.tmp', String(swaps)); fs.renameSync(counter + '.tmp', counter); } catch {}
}
`;

function testEnv(home: string): Env {
  const quiet = { json: false, line() {}, write() {}, data() {}, warn() {} };
  return { cwd: home, homeFlag: home, vars: bareEnv(), now: () => new Date(), randomBytes: (n) => new Uint8Array(n).map(() => Math.floor(Math.random() * 256)), hostname: 'race', pid: process.pid, packageRoot: ROOT, isTTY: false, readStdin: async () => '', out: quiet };
}

test('300 reads and 300 writes while notes/ is swapped for a link out of the home: nothing outside is read or written', async () => {
  const home = newHome();
  const outside = tempDir('aos-outside-');
  writeFileSync(join(outside, 'a.md'), 'OUTSIDE SECRET\n');
  mkdirSync(join(home, 'notes/sub'), { recursive: true });
  writeFileSync(join(home, 'notes/sub/a.md'), 'inside\n');
  git(home, ['add', '-A']);
  git(home, ['commit', '-qm', 'race home']);

  const h = await openHome(testEnv(home));
  const { caps } = parseCapabilities(['file:notes/**:read,write']);
  const ctx = { home: h, env: testEnv(home), agent: { id: 'racer', caps }, item: { id: 'race', file: 'inbox/race.md', chain: ['racer'], children: [] }, run: 'r-20261121T000000-race', touched: new Set<string>(), onTouch: async () => {}, children: [], messages: [], gate: async () => {} } as RunCtx;
  ctx.gate = makeGate(ctx, { subject: 'race', currentCall: () => 'toolu_race', approved: {} });
  const tools = offeredTools(caps);

  const swapper = spawn(process.execPath, ['-e', SWAPPER, join(home, 'notes/sub'), join(home, 'notes/sub.real'), outside, join(home, 'swaps')], { stdio: 'ignore' });
  const outcomes = { read: 0, wrote: 0, refused: 0, failed: 0 };
  const leaked: string[] = [];
  try {
    // Let the swapping start before the first call.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 300; i++) {
      const r = await runTool(tools, 'read_file', { path: 'notes/sub/a.md' }, ctx);
      if (r.content.includes('OUTSIDE')) leaked.push(`read ${i}: ${r.content}`);
      if (r.is_error) outcomes[/refused/.test(r.content) ? 'refused' : 'failed']++;
      else outcomes.read++;
      const w = await runTool(tools, 'write_file', { path: `notes/sub/w${i}.md`, content: `write ${i}\n` }, ctx);
      if (w.is_error) outcomes[/refused/.test(w.content) ? 'refused' : 'failed']++;
      else outcomes.wrote++;
    }
  } finally {
    swapper.kill('SIGKILL');
  }
  const swaps = Number(readFileSync(join(home, 'swaps'), 'utf8'));
  assert.ok(swaps >= 200, `the swapper ran (${swaps} swaps)`);
  assert.equal(leaked, [], 'no read returned the outside file');
  assert.equal(readdirSync(outside), ['a.md'], 'nothing was created outside the home');
  assert.is(readFileSync(join(outside, 'a.md'), 'utf8'), 'OUTSIDE SECRET\n');
  // Both sides of the race were exercised: some calls went through, and the link was met.
  assert.ok(outcomes.read + outcomes.wrote > 0, JSON.stringify(outcomes));
  console.log(`file-race: ${swaps} swaps; ${JSON.stringify(outcomes)}`);
});

test.run();
