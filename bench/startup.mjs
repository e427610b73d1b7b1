// Whole-process startup of the aos binary against `node -e 0`, measured in the same run so the
// ratio means something on a noisy machine. Home: 20 agents, 500 done items, a few pending.
// Goal (issue 2): `aos status` within 2.5x of `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const aos = join(root, 'dist/aos.js');
if (!existsSync(aos)) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const runs = Number(process.env.BENCH_RUNS ?? 25);
const env = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'aos-bench-user-')) };

const home = join(mkdtempSync(join(tmpdir(), 'aos-bench-')), 'home');
const init = spawnSync(process.execPath, [aos, 'init', home, '--timezone', 'UTC'], { env, encoding: 'utf8' });
if (init.status !== 0) throw new Error(init.stderr);
for (let i = 0; i < 15; i++) {
  writeFileSync(
    join(home, `agents/bench-${i}.md`),
    `---\nname: Bench ${i}\nrole: A generated agent for the startup benchmark.\nhandles: [bench${i}, "topic ${i} *"]\ncapabilities:\n  - "memory:*:read"\n  - "file:notes/**:read,write"\nbudget:\n  tokens_per_day: 100000\nstatus: active\n---\nYou are bench agent ${i}.\n`,
  );
}
mkdirSync(join(home, 'inbox/done/2026/10'), { recursive: true });
for (let i = 0; i < 500; i++) {
  const id = `20261001T${String(100000 + i).slice(0, 6)}-b${String(i).padStart(3, '0')}`;
  writeFileSync(join(home, `inbox/done/2026/10/${id}.md`), `---\nid: ${id}\nstatus: done\nhandled_by: chief\n---\nDone item ${i}.\n\n## Result\nFine.\n`);
}
for (let i = 0; i < 5; i++) spawnSync(process.execPath, [aos, 'inbox', 'add', `pending ${i}`], { cwd: home, env });
spawnSync('git', ['add', '-A'], { cwd: home });
spawnSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'bench data'], { cwd: home });
// The first tick creates the starter schedules' items; the timed ones find nothing new.
spawnSync(process.execPath, [aos, 'tick'], { cwd: home, env });

// A home with nothing due, as cron finds it most of the time.
const idle = join(mkdtempSync(join(tmpdir(), 'aos-bench-idle-')), 'home');
spawnSync(process.execPath, [aos, 'init', idle, '--timezone', 'UTC'], { env });
spawnSync(process.execPath, [aos, 'tick'], { cwd: idle, env });
mkdirSync(join(idle, 'inbox/done/2026/01'), { recursive: true });
for (const f of readdirSync(join(idle, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(idle, 'inbox', f), join(idle, 'inbox/done/2026/01', f));
spawnSync(process.execPath, [aos, 'tick'], { cwd: idle, env });

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'aos --version': [process.execPath, [aos, '--version']],
  'aos status': [process.execPath, [aos, 'status']],
  'aos inbox list': [process.execPath, [aos, 'inbox', 'list']],
  // Items pending but no model configured: the tick routes them and says they wait.
  'aos tick (waiting)': [process.execPath, [aos, 'tick']],
  'aos tick (idle)': [process.execPath, [aos, 'tick', '--home', idle]],
};
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let r = 0; r < runs; r++) {
  // Interleaved, so drift in machine load hits every command alike.
  for (const [name, [cmd, args]] of Object.entries(commands)) {
    const t0 = process.hrtime.bigint();
    const out = spawnSync(cmd, args, { cwd: home, env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (out.status !== 0) throw new Error(`${name} failed: ${out.stderr}`);
    times[name].push(ms);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times['node -e 0']);
console.log(`startup, median of ${runs} runs, home with 20 agents and 500 done items`);
for (const name of Object.keys(commands)) {
  const m = median(times[name]);
  console.log(`${name.padEnd(20)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x`);
}
const ratio = median(times['aos status']) / base;
console.log(`goal: aos status within 2.5x of node -e 0 — ${ratio <= 2.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
