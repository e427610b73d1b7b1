// Whole-process timings of the aos binary against `node -e 0`, measured in the same run so the
// ratio means something on a noisy machine. Each measure of issue 24 prints a goal line (met / NOT met):
//   - startup: `aos status`, an idle tick and a tick with items waiting (no model), in a home with
//     20 agents and 500 done items;
//   - a year-scale idle tick: 365 days of logs, 5,000 done items, 1,000 run records;
//   - a tick over 1,000 and over 2,000 waiting items with no model (linear: 1,000 items within 3 s);
//   - the search cache: refresh after one changed file (its own cost, the search after the change
//     minus the same search warm, within 2x node -e 0) and the cold index (36.5k log entries +
//     2,000 topics, within 3 s).
// Sizes come from the environment so a quick run is possible, e.g.
//   BENCH_RUNS=5 BENCH_DAYS=60 BENCH_DONE=1000 BENCH_RECORDS=200 BENCH_TOPICS=300 BENCH_WAITING=200,400 node bench/startup.mjs
// BENCH_ONLY=startup,year,waiting,search picks parts; BENCH_CPU=1 adds CPU-time ratios (perf task-clock).
// Each run has a fresh HOME, so the setup's first tick writes aos's code cache (~/.cache/aos) and the
// timed runs use it, as cron's do; BENCH_AOS builds older than the cache simply have none.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, renameSync, rmSync, appendFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aos, dropSnapshot, env, root, starter } from './build.mjs';

const num = (name, dflt) => Number(process.env[name] ?? dflt);
const runs = num('BENCH_RUNS', 25);
const DAYS = num('BENCH_DAYS', 365);
const ENTRIES_PER_DAY = num('BENCH_ENTRIES', 100);
const DONE = num('BENCH_DONE', 5000);
const RECORDS = num('BENCH_RECORDS', 1000);
const TOPICS = num('BENCH_TOPICS', 2000);
const WAITING = (process.env.BENCH_WAITING ?? '1000,2000').split(',').filter(Boolean).map(Number);
const only = new Set((process.env.BENCH_ONLY ?? 'startup,year,waiting,search').split(','));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (n, w = 2) => String(n).padStart(w, '0');
// BENCH_CPU=1: also the CPU time of each process and its children (perf's task-clock), which a
// machine shared with other work disturbs far less than the wall clock; printed beside the wall ratios.
const CPU = process.env.BENCH_CPU === '1' && spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', 'true'], { encoding: 'utf8' }).status === 0;
function run(args, cwd, check = true) {
  const t0 = process.hrtime.bigint();
  const out = CPU
    ? spawnSync('perf', ['stat', '-x,', '--log-fd', '3', '-e', 'task-clock', process.execPath, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
    : spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (check && out.status !== 0) throw new Error(`${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  const cpu = CPU ? parseFloat(String(out.output[3] ?? '').trim().split('\n').filter((l) => l.includes('task-clock')).at(-1) ?? 'NaN') : undefined;
  return { ms, out, cpu };
}
function newHome(prefix) {
  const home = join(mkdtempSync(join(tmpdir(), `aos-bench-${prefix}-`)), 'home');
  const init = spawnSync(process.execPath, [starter, 'init', home, '--timezone', 'UTC'], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  return home;
}
function write(home, rel, text) {
  mkdirSync(dirname(join(home, rel)), { recursive: true });
  writeFileSync(join(home, rel), text);
}
function commitAll(home) {
  spawnSync('git', ['add', '-A'], { cwd: home });
  spawnSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'bench data'], { cwd: home });
}
function addAgents(home, n) {
  for (let i = 0; i < n; i++) {
    write(home, `agents/bench-${i}.md`, `---\nname: Bench ${i}\nrole: A generated agent for the startup benchmark.\nhandles: [bench${i}, "topic ${i} *"]\ncapabilities:\n  - "memory:*:read"\n  - "file:notes/**:read,write"\nbudget:\n  tokens_per_day: 100000\nstatus: active\n---\nYou are bench agent ${i}.\n`);
  }
}
/** Moves the items the first tick created (the starter schedules') to done, so later ticks are idle. */
function settle(home) {
  spawnSync(process.execPath, [aos, 'tick'], { cwd: home, env });
  mkdirSync(join(home, 'inbox/done/2026/01'), { recursive: true });
  for (const f of readdirSync(join(home, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(home, 'inbox', f), join(home, 'inbox/done/2026/01', f));
  spawnSync(process.execPath, [aos, 'tick'], { cwd: home, env });
}
/** Interleaved timings, so drift in machine load hits every command alike; medians in ms. */
function interleaved(commands, n) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const cpus = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let r = 0; r < n; r++)
    for (const [name, [args, cwd]] of Object.entries(commands)) {
      const { ms, cpu } = run(args, cwd);
      times[name].push(ms);
      cpus[name].push(cpu);
    }
  if (CPU) {
    const base = median(cpus['node -e 0']);
    console.log(`CPU time (task-clock), median of ${n}: ${Object.keys(cpus).map((k) => `${k} ${median(cpus[k]).toFixed(1)} ms ${(median(cpus[k]) / base).toFixed(2)}x`).join('; ')}`);
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}
const goals = [];
function goal(text, met, figure) {
  const line = `goal: ${text} — ${met ? 'met' : 'NOT met'} (${figure})`;
  goals.push(line);
  console.log(line);
}
const NODE = [['-e', '0'], root];

// ---------------------------------------------------------------- startup, a small home

if (only.has('startup')) {
  const home = newHome('small');
  addAgents(home, 15);
  mkdirSync(join(home, 'inbox/done/2026/10'), { recursive: true });
  for (let i = 0; i < 500; i++) {
    const id = `20261001T${String(100000 + i).slice(0, 6)}-b${String(i).padStart(3, '0')}`;
    writeFileSync(join(home, `inbox/done/2026/10/${id}.md`), `---\nid: ${id}\nstatus: done\nhandled_by: chief\n---\nDone item ${i}.\n\n## Result\nFine.\n`);
  }
  for (let i = 0; i < 5; i++) spawnSync(process.execPath, [aos, 'inbox', 'add', `pending ${i}`], { cwd: home, env });
  commitAll(home);
  // The first tick creates the starter schedules' items; the timed ones find nothing new.
  spawnSync(process.execPath, [aos, 'tick'], { cwd: home, env });
  // The same home with nothing due, as cron finds it most of the time.
  const idle = join(mkdtempSync(join(tmpdir(), 'aos-bench-idle-')), 'home');
  cpSync(home, idle, { recursive: true });
  for (const f of readdirSync(join(idle, 'inbox')).filter((f) => f.endsWith('.md'))) renameSync(join(idle, 'inbox', f), join(idle, 'inbox/done/2026/10', f));
  spawnSync(process.execPath, [aos, 'tick'], { cwd: idle, env });

  const m = interleaved(
    {
      'node -e 0': NODE,
      'aos --version': [[aos, '--version'], home],
      'aos status': [[aos, 'status'], home],
      'aos inbox list': [[aos, 'inbox', 'list'], home],
      // Items pending but no model configured: the tick routes them and says they wait.
      'aos tick (waiting)': [[aos, 'tick'], home],
      'aos tick (idle)': [[aos, 'tick'], idle],
    },
    runs,
  );
  const base = m['node -e 0'];
  console.log(`startup, median of ${runs} runs, home with 20 agents and 500 done items`);
  for (const [name, ms] of Object.entries(m)) console.log(`${name.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}x`);
  const r = (k) => m[k] / base;
  goal('idle aos tick within 2.0x of node -e 0', r('aos tick (idle)') <= 2.0, `${r('aos tick (idle)').toFixed(2)}x`);
  goal('aos status within 2.0x of node -e 0', r('aos status') <= 2.0, `${r('aos status').toFixed(2)}x`);
  goal('aos tick with items waiting (no model) within 2.5x of node -e 0', r('aos tick (waiting)') <= 2.5, `${r('aos tick (waiting)').toFixed(2)}x`);
}

// ---------------------------------------------------------------- a year-scale home

const WORDS = 'train flight hotel ferry invoice budget taxes pension recipe sourdough soup deploy migration release incident boiler leak lease novel chapter piano scales appointment prescription running intervals'.split(' ');
let seed = 24;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const sentence = () => `The ${pick(WORDS)} and the ${pick(WORDS)} went ${pick(['well', 'badly', 'late', 'early'])} near the ${pick(WORDS)}.`;
const days = [];
for (let t = Date.parse('2025-12-01T00:00:00Z'); days.length < DAYS; t += 86400000) days.push(new Date(t).toISOString().slice(0, 10));
const AGENTS = ['chief', 'researcher', 'writer', 'coach'];

function yearHome() {
  const home = newHome('year');
  addAgents(home, 16);
  days.forEach((day) => {
    const lines = [`# ${day}`];
    let secs = 6 * 3600;
    for (let e = 0; e < ENTRIES_PER_DAY; e++) {
      secs = Math.min(secs + 60 + Math.floor(rnd() * 500), 86399);
      const time = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor((secs % 3600) / 60))}:${pad(secs % 60)}`;
      lines.push('', `## ${time} · note · ${pick(AGENTS)} · r-${day.replace(/-/g, '')}T${time.replace(/:/g, '')}-${pad(e, 4)}`, `${sentence()} ${sentence()}`);
    }
    write(home, `logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, lines.join('\n') + '\n');
  });
  for (let i = 0; i < DONE; i++) {
    const day = days[i % days.length];
    const id = `${day.replace(/-/g, '')}T${pad(6 + (i % 16))}${pad(i % 60)}00-d${pad(i, 4)}`;
    write(home, `inbox/done/${day.slice(0, 4)}/${day.slice(5, 7)}/${id}.md`, `---\nid: ${id}\nfrom: owner\nkind: task\ncreated: ${day}T09:00:00+00:00\nstatus: done\nhandled_by: ${pick(AGENTS)}\nfinished: ${day}T10:00:00+00:00\n---\nItem ${i}: ${sentence()}\n\n## Result\n${sentence()}\n`);
  }
  for (let i = 0; i < RECORDS; i++) {
    const day = days[i % days.length];
    const run = `r-${day.replace(/-/g, '')}T${pad(6 + (i % 16))}${pad(i % 60)}00-${pad(i, 4)}`;
    write(home, `logs/runs/${day.slice(0, 4)}/${day.slice(5, 7)}/${run}.md`, `---\nrun: ${run}\nagent: ${pick(AGENTS)}\ntrigger: inbox\nprovider: anthropic\nmodel: claude\ndevice: bench\nstarted: ${day}T09:00:00Z\nended: ${day}T09:01:00Z\noutcome: done\nusage: { input: 1000, output: 200, cache_read: 0, cache_write: 0 }\n---\n\n## outcome\n\n\`\`\`text\n${sentence()}\n\`\`\`\n`);
  }
  for (let i = 0; i < TOPICS; i++) {
    write(home, `memory/topic-${i}.md`, `---\ntitle: "Topic ${i} about the ${pick(WORDS)}"\ntype: fact\ndescription: "${sentence()}"\ncreated: ${pick(days)}\nstatus: active\ntags: [${pick(WORDS)}]\n---\n${sentence()} ${sentence()} ${sentence()}\n`);
  }
  commitAll(home);
  settle(home);
  commitAll(home);
  return home;
}

let year;
if (only.has('year') || only.has('search')) {
  const t0 = Date.now();
  year = yearHome();
  console.log(`\nyear-scale home (generated in ${((Date.now() - t0) / 1000).toFixed(1)} s): ${DAYS} days of logs (${DAYS * ENTRIES_PER_DAY} entries), ${DONE} done items, ${RECORDS} run records, ${TOPICS} memory topics`);
}
if (only.has('year')) {
  // Cron's ticks come minutes apart: a second after the home was written, so the warm-up tick finds
  // the folders' facts old enough to keep (a fact within a second of a tick's start is unknown).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1100);
  spawnSync(process.execPath, [aos, 'tick'], { cwd: year, env });
  const m = interleaved({ 'node -e 0': NODE, 'aos tick (idle, year)': [[aos, 'tick'], year], 'aos status (year)': [[aos, 'status'], year] }, runs);
  const base = m['node -e 0'];
  for (const [name, ms] of Object.entries(m)) console.log(`${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}x`);
  const r = m['aos tick (idle, year)'] / base;
  goal('idle aos tick in a year-scale home within 2.0x of node -e 0', r <= 2.0, `${r.toFixed(2)}x`);
}

// ---------------------------------------------------------------- many waiting items, no model

if (only.has('waiting') && WAITING.length) {
  console.log('\ntick over many waiting items, no model (one tick each, whole process)');
  const perItem = [];
  for (const n of WAITING) {
    const home = newHome(`waiting-${n}`);
    // Time enough for every item: the default budget (240 s) would cut a slow tick short.
    const config = join(home, 'aos.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/budget_seconds: \d+/, 'budget_seconds: 3600'));
    settle(home);
    for (let i = 0; i < n; i++) {
      const id = `20261101T${pad(Math.floor(i / 3600) % 24)}${pad(Math.floor(i / 60) % 60)}${pad(i % 60)}-w${pad(i, 4)}`;
      write(home, `inbox/${id}.md`, `---\nid: ${id}\nfrom: owner\nkind: task\ncreated: 2026-11-01T09:00:00+00:00\nstatus: new\n---\nWaiting item ${i}: ${sentence()}\n`);
    }
    commitAll(home);
    const base = median(Array.from({ length: 5 }, () => run(...NODE).ms));
    // Exit 0 or 1 (problems) both fine: the items must be reported as waiting.
    const { ms, out } = run([aos, 'tick'], home, false);
    const waiting = (out.stdout.match(/^waiting /gm) ?? []).length;
    if (waiting !== n) throw new Error(`expected ${n} waiting lines, found ${waiting}: ${out.stderr.slice(0, 500)}`);
    perItem.push({ n, ms });
    console.log(`${String(n).padStart(6)} items  ${(ms / 1000).toFixed(2).padStart(7)} s  ${(ms / n).toFixed(2)} ms/item  (${(ms / base).toFixed(1)}x node -e 0)`);
  }
  const k = perItem.find((p) => p.n === 1000);
  if (k) goal('tick over 1,000 waiting items within 3 s', k.ms <= 3000, `${(k.ms / 1000).toFixed(2)} s`);
  if (perItem.length > 1) {
    const [a, b] = [perItem[0], perItem.at(-1)];
    // Linear: the per-item cost of the larger tick at most 1.5x that of the smaller (start-up is shared).
    const growth = b.ms / b.n / (a.ms / a.n);
    goal(`per-item cost linear (${b.n} vs ${a.n} items, at most 1.5x per item)`, growth <= 1.5, `${growth.toFixed(2)}x per item`);
  }
}

// ---------------------------------------------------------------- the search cache

if (only.has('search')) {
  console.log('\nsearch cache, year-scale home');
  rmSync(join(year, '.aos/search'), { recursive: true, force: true });
  const cold = run([aos, 'memory', 'search', 'ferry invoice'], year);
  console.log(`cold index                 ${(cold.ms / 1000).toFixed(2).padStart(7)} s`);
  goal(`cold search index (${DAYS * ENTRIES_PER_DAY} entries + ${TOPICS} topics) within 3 s`, cold.ms <= 3000, `${(cold.ms / 1000).toFixed(2)} s`);
  const lastLog = join(year, `logs/${days.at(-1).slice(0, 4)}/${days.at(-1).slice(5, 7)}/${days.at(-1)}.md`);
  // Interleaved: an entry appended, the search that refreshes the cache for it, node -e 0, then
  // (after a search that settles the cache: the refresh left the new file to be read once more)
  // the same search warm. The refresh's own cost is the first minus the last.
  const search = [aos, 'memory', 'search', 'quokka sanctuary'];
  const t = { refresh: [], warm: [], node: [] };
  const cpu = { refresh: [], warm: [], node: [] };
  const timed = (k, ...args) => {
    const { ms, cpu: c } = run(...args);
    t[k].push(ms);
    cpu[k].push(c);
  };
  for (let i = 0; i < Math.max(5, Math.min(runs, 15)); i++) {
    appendFileSync(lastLog, `\n## 23:59:${pad(i % 60)} · note · chief · r-bench-${i}\nThe owner asked about the quokka sanctuary visit number ${i}.\n`);
    timed('refresh', search, year);
    timed('node', ...NODE);
    run(search, year);
    timed('warm', search, year);
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const base = m.node;
  const r = m.refresh / base;
  const cost = (m.refresh - m.warm) / base;
  console.log(`search after one changed log  ${m.refresh.toFixed(0).padStart(7)} ms  ${r.toFixed(2)}x`);
  console.log(`the same search, warm         ${m.warm.toFixed(0).padStart(7)} ms  ${(m.warm / base).toFixed(2)}x`);
  console.log(`the refresh's own cost        ${(m.refresh - m.warm).toFixed(0).padStart(7)} ms  ${cost.toFixed(2)}x  (node -e 0 ${base.toFixed(1)} ms)`);
  if (CPU) {
    const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
    console.log(`CPU time (task-clock), median of ${t.node.length}: search after a change ${c.refresh.toFixed(1)} ms ${(c.refresh / c.node).toFixed(2)}x; warm ${c.warm.toFixed(1)} ms ${(c.warm / c.node).toFixed(2)}x; the refresh's own cost ${(c.refresh - c.warm).toFixed(1)} ms ${((c.refresh - c.warm) / c.node).toFixed(2)}x; node -e 0 ${c.node.toFixed(1)} ms`);
  }
  goal('search cache refresh after one changed file (its cost over a warm search) within 2.0x of node -e 0', cost <= 2.0, `${cost.toFixed(2)}x`);
}

console.log(`\n${goals.filter((g) => g.includes('— met')).length} of ${goals.length} goals met`);
dropSnapshot();
