// Conversational recall: generated multi-session conversations (bench/recallgen.mjs) written as
// daily-log entries in a real home made by `aos init`, and questions whose evidence is one turn,
// turns of different sessions, a date, or an interest said in other words. Every question is asked
// through the real CLI, `aos memory search <question> --json --limit 10 --as-of <the day it is asked>`,
// a new process each time, as an agent would. Scored per question:
//   Hit@10     some evidence turn is within the top 10 hits
//   recall@10  the share of its evidence turns within the top 10 hits
// A hit holds a turn when it is that entry (file and heading line) or, for a hit that spans
// neighbouring entries, when the turn's heading is inside its line span.
// The baseline, measured in the same run: plain minisearch (its default options) over the same entries.
// Two data sets with different seeds by default, so nothing is tuned to one (BENCH_SEEDS=1,2,3).
// BENCH_TOPICS=1 adds what a dream would have extracted: a memory topic per person whose facts cite
// the turns they came from (its `sources`); BENCH_TOPICS=facts a topic per fact instead. The
// questions and their evidence stay the turns.
// BENCH_VERBOSE=1 lists the missed questions; BENCH_KEEP=1 keeps the homes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { generate } from './recallgen.mjs';
import { aos, dropSnapshot, env, root, starter } from './build.mjs';

const seeds = (process.env.BENCH_SEEDS ?? '1,2').split(',').map(Number);
const TYPES = ['single-hop', 'multi-hop', 'temporal', 'open-domain'];

function run(args, cwd) {
  const r = spawnSync(process.execPath, [aos, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`aos ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
// Whether this build knows the question's day (an older build answers without it).
const asOf = /--as-of/.test(spawnSync(process.execPath, [aos, 'memory', 'search', '--help'], { env, encoding: 'utf8' }).stdout);

const holds = (hit, ev) => hit.file === ev.file && (hit.span ? hit.span[0] <= ev.line && ev.line <= hit.span[1] : hit.line === ev.line);

function score(questions, hitsOf) {
  const rows = questions.map((q) => {
    const hits = hitsOf(q);
    const found = q.evidence.filter((ev) => hits.some((h) => holds(h, ev))).length;
    return { q, hit: found > 0 ? 1 : 0, recall: found / q.evidence.length, lines: hits.reduce((n, h) => n + (h.span ? h.span[2] ?? 1 : 1), 0) };
  });
  const by = (type) => rows.filter((r) => !type || r.q.type === type);
  const mean = (rs, k) => (rs.length ? rs.reduce((s, r) => s + r[k], 0) / rs.length : 0);
  const out = { all: { n: rows.length, hit: mean(rows, 'hit'), recall: mean(rows, 'recall') }, rows };
  for (const t of TYPES) out[t] = { n: by(t).length, hit: mean(by(t), 'hit'), recall: mean(by(t), 'recall') };
  return out;
}

function table(label, s) {
  const f = (x) => x.toFixed(3);
  console.log(`  ${label.padEnd(22)} Hit@10 ${f(s.all.hit)}  recall@10 ${f(s.all.recall)}   ` + TYPES.map((t) => `${t} ${f(s[t].hit)}/${f(s[t].recall)}`).join('  '));
}

const results = [];
for (const seed of seeds) {
  const world = generate(seed, { topics: process.env.BENCH_TOPICS === 'facts' ? 'facts' : process.env.BENCH_TOPICS === '1' });
  const base = mkdtempSync(join(tmpdir(), 'aos-bench-recall-'));
  const home = join(base, 'home');
  const init = spawnSync(process.execPath, [join(root, 'dist/aos.js'), 'init', home, '--timezone', 'UTC', '--owner', 'Alex'], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  for (const { file, text } of world.files) {
    mkdirSync(dirname(join(home, file)), { recursive: true });
    writeFileSync(join(home, file), text);
  }
  const counts = Object.fromEntries(TYPES.map((t) => [t, world.questions.filter((q) => q.type === t).length]));
  console.log(`data set seed ${seed}: ${world.people} people, ${world.sessions} sessions, ${world.turns} conversation turns among ${world.files.reduce((n, f) => n + (f.text.match(/^## /gm) ?? []).length, 0)} log entries in ${world.days} daily files${world.topics ? `, ${world.topics} memory topics citing their turns` : ''}; ${world.questions.length} questions (${TYPES.map((t) => `${counts[t]} ${t}`).join(', ')})`);

  // The baseline: plain minisearch over the same entries (heading and body), default options.
  const ms = new MiniSearch({ fields: ['title', 'body'], storeFields: ['file', 'line'] });
  const docs = [];
  for (const { file, text } of world.files) {
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      if (l.startsWith('## ')) docs.push({ id: `${file}#${i + 1}`, file, line: i + 1, title: l.slice(3), body: '' });
      else if (docs.length && docs.at(-1).file === file && l.trim()) docs.at(-1).body += l + '\n';
    });
  }
  ms.addAll(docs);
  const baseline = score(world.questions, (q) => ms.search(q.text).slice(0, 10).map((r) => ({ file: r.file, line: r.line })));

  run(['memory', 'search', 'warm up the cache', '--json'], home);
  const t = Date.now();
  const aosScore = score(world.questions, (q) => JSON.parse(run(['memory', 'search', q.text, '--json', '--limit', '10', ...(asOf ? ['--as-of', q.asked] : [])], home)).hits);
  const perQuery = (Date.now() - t) / world.questions.length;
  table('plain minisearch', baseline);
  table('aos memory search', aosScore);
  console.log(`  (${perQuery.toFixed(0)} ms a question, whole process${asOf ? '' : '; this build has no --as-of'})`);
  if (process.env.BENCH_VERBOSE) for (const r of aosScore.rows.filter((r) => r.recall < 1)) console.log(`    missed ${r.q.type}: "${r.q.text}" (${(r.recall * 100).toFixed(0)}%)`);
  results.push(aosScore);
  if (!process.env.BENCH_KEEP) rmSync(base, { recursive: true, force: true });
  else console.log(`  home kept at ${home}`);
}
const worst = Math.min(...results.map((r) => r.all.recall));
console.log(`goal: recall@10 at least 0.85 on every data set, no network, no model call at query time — ${worst >= 0.85 ? 'met' : 'NOT met'} (lowest ${worst.toFixed(3)})`);
dropSnapshot();
rmSync(env.HOME, { recursive: true, force: true });
