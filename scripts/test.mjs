// Runs the uvu suites (TypeScript through tsx), each test file in its own uvu process, several at a
// time, and ends with the line CI reads: "N passed, N failed" (then ", N skipped").
// Files run in separate processes so one file's leftovers (timers, servers, module state) cannot
// reach another, and in parallel because most of the suite waits on child processes, git and timers.
// A file's output is printed whole when it ends, so parallel files never interleave.
//
//   node scripts/test.mjs                 every tests/**/*.test.ts
//   node scripts/test.mjs corpus tick     only the files whose path matches one of the patterns
//   node scripts/test.mjs -b              flags go to each uvu process as they are
//   AOS_TEST_JOBS=1 node scripts/test.mjs one file at a time
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TESTS = join(ROOT, 'tests');
const argv = process.argv.slice(2);
const flags = argv.filter((a) => a.startsWith('-'));
const patterns = argv.filter((a) => !a.startsWith('-')).map((p) => new RegExp(p, 'i'));
// At least two: the files mostly wait (on processes, git, timers), so even one core keeps two busy.
const jobs = Math.max(1, Number(process.env.AOS_TEST_JOBS) || Math.max(2, availableParallelism()));

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.')) return [];
      if (statSync(path).isDirectory()) return testFiles(path);
      return /\.test\.ts$/.test(name) ? [relative(TESTS, path)] : [];
    })
    .sort();
}

// Last run's durations, to start the slowest files first (a slow file started last holds up the end).
const timesFile = join(tmpdir(), `aos-test-times-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.json`);
let times = {};
try {
  times = JSON.parse(readFileSync(timesFile, 'utf8'));
} catch {
  // No earlier run here: the order is alphabetical.
}
const files = testFiles(TESTS)
  .filter((f) => !patterns.length || patterns.some((p) => p.test(f)))
  .sort((a, b) => (times[b] ?? Infinity) - (times[a] ?? Infinity) || a.localeCompare(b));

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One file in its own uvu process: its counts, and its output to print in one piece. */
function runFile(file) {
  const started = Date.now();
  return new Promise((resolve) => {
    const args = ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'tests', `^${escape(file)}$`, ...flags];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
      const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(clean)?.[1] ?? NaN);
      const [total, passed, skipped] = [num('Total'), num('Passed'), num('Skipped') || 0];
      const ms = Date.now() - started;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        const how = signal ? `killed by ${signal}` : `exit ${code}`;
        resolve({ file, ms, out: `${out}\n${file}: the run stopped before its summary (${how})\n`, passed: 0, failed: 1, skipped: 0, ok: false });
        return;
      }
      // uvu's Total counts the tests it ran (a skipped test is not in it): what did not pass failed.
      const failed = total - passed;
      // A file that fails after its summary (an uncaught error, a hook) fails once, with its output.
      if (!failed && code !== 0) resolve({ file, ms, out: `${out}\n${file}: exit ${code ?? signal} after all its tests passed\n`, passed, failed: 1, skipped, ok: false });
      else resolve({ file, ms, out, passed, failed, skipped, ok: failed === 0 && code === 0 });
    });
  });
}

const started = Date.now();
const queue = [...files];
const results = [];
async function worker() {
  for (let file = queue.shift(); file; file = queue.shift()) {
    const r = await runFile(file);
    results.push(r);
    // A passing file's uvu totals are in its summary line below; a failing file shows all it printed.
    const text = r.ok ? r.out.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\s*(Total|Passed|Skipped|Duration):.*$/gm, '').replace(/\n\s*(?=\n)/g, '') : r.out;
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)} s)\n\n`);
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));

if (!patterns.length) writeFileSync(timesFile, JSON.stringify(Object.fromEntries(results.map((r) => [r.file, r.ms]))));
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const bad = results.filter((r) => !r.ok).map((r) => r.file);
console.log(`${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s on ${jobs} workers${bad.length ? `; failing: ${bad.join(', ')}` : ''}`);
if (!files.length) console.log('no test file matched');
console.log(`\n${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(bad.length || !files.length ? 1 : 0);
