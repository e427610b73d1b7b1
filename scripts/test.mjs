// Runs the uvu suites (TypeScript through tsx), each test file in its own uvu process, several at a
// time, and ends with the line CI reads: "N passed, N failed" (then ", N skipped").
// Files run in separate processes so one file's leftovers (timers, servers, module state) cannot
// reach another, and in parallel because most of the suite waits on child processes, git and timers.
// A file's output is printed whole when it ends, so parallel files never interleave.
//
//   node scripts/test.mjs                 every tests/**/*.test.ts
//   node scripts/test.mjs corpus tick     only the files whose path matches one of the patterns
//   node scripts/test.mjs -b              flags go to each uvu process as they are
//   node scripts/test.mjs --typecheck     also `tsc -p .` beside the files, its errors a failure (npm test)
//   AOS_TEST_JOBS=1 node scripts/test.mjs one file at a time
//   AOS_TEST_CPU=1 node scripts/test.mjs  also each file's CPU seconds (user+sys, its children included)
//   AOS_TEST_TSX=1 node scripts/test.mjs  each file through tsx, as written, instead of a bundle
//
// The files are bundled first (esbuild, one step for all of them): loading tsx and compiling the
// TypeScript again in every file's process cost about a second of CPU per file. Each source file's
// import.meta.url stays its own, so paths found from it are the same as under tsx.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TESTS = join(ROOT, 'tests');
const argv = process.argv.slice(2);
const typecheck = argv.includes('--typecheck');
const flags = argv.filter((a) => a.startsWith('-') && a !== '--typecheck');
const patterns = argv.filter((a) => !a.startsWith('-')).map((p) => new RegExp(p, 'i'));
// The files mostly wait (on processes, git, timers): on two idle cores two workers left over a third of
// the CPU unused, so the default is one worker more than the cores. Measured on two cores, the whole
// run at a load of 4-7: 3 workers 339 s, 2 workers 464 s; 20 heavy files at a load of 10-16, where
// there was no idle time to fill: 3 workers 192-210 s, 2 workers 189 s (a small loss, kept for the gain).
const jobs = Math.max(1, Number(process.env.AOS_TEST_JOBS) || availableParallelism() + 1);

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

const cpu = process.env.AOS_TEST_CPU === '1' && statSync('/usr/bin/time', { throwIfNoEntry: false }) !== undefined;

/** User plus system seconds GNU time wrote for a file's process tree (its last line; an exit status line may come first). */
function cpuOf(path) {
  try {
    const [user, sys] = readFileSync(path, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    return user + sys;
  } catch {
    return undefined;
  } finally {
    rmSync(dirname(path), { recursive: true, force: true });
  }
}

/** The test files bundled into a fresh folder under dist/ (packages stay imports), or undefined to run them through tsx. */
async function bundle() {
  if (process.env.AOS_TEST_TSX === '1' || !files.length) return undefined;
  const { build } = await import('esbuild');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const outdir = mkdtempSync(join(ROOT, 'dist', 'tests-'));
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      }));
    },
  };
  const bundled = build({
    absWorkingDir: ROOT,
    entryPoints: files.map((f) => join(TESTS, f)),
    outbase: TESTS,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    plugins: [ownUrl],
    logLevel: 'silent',
  });
  try {
    await bundled;
    return outdir;
  } catch (err) {
    // A file that does not compile fails on its own under tsx, and the others still run.
    rmSync(outdir, { recursive: true, force: true });
    console.log(`bundling the tests failed, so each file runs through tsx:\n${err.message}\n`);
    return undefined;
  }
}

/**
 * `tsc -p .` in its own process, started before the files: it takes one core for 8-18 s, time the
 * files (waiting on their children) leave free on an idle machine; run before them it added all of
 * it to `npm test`. Resolves to its output and whether it passed.
 */
function startTypecheck() {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => resolve({ ok: code === 0, out, how: signal ? `killed by ${signal}` : `exit ${code}`, ms: Date.now() - started }));
  });
}
const typechecked = typecheck ? startTypecheck() : undefined;

const built = await bundle();
// Homes the files copy (tests/helpers.ts template()): made once for the whole run, not once per file.
const shared = mkdtempSync(join(tmpdir(), 'aos-test-shared-'));
const childEnv = { ...process.env, AOS_TEST_SHARED: shared };
process.on('exit', () => {
  if (built) rmSync(built, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Said, so a run cut short (by a person, a CI timeout, another process) is never taken for one that ended.
    console.log(`\nstopped by ${signal} before the files finished`);
    process.exit(1);
  });
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One file in its own uvu process: its counts, and its output to print in one piece. */
function runFile(file) {
  const started = Date.now();
  return new Promise((resolve) => {
    const args = built
      ? [join(ROOT, 'node_modules/uvu/bin.js'), relative(ROOT, built), `^${escape(file.replace(/\.ts$/, '.mjs'))}$`, ...flags]
      : ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'tests', `^${escape(file)}$`, ...flags];
    // On a shared machine wall time says little: GNU time counts the CPU of the file and its children.
    const cpuFile = cpu && join(mkdtempSync(join(tmpdir(), 'aos-test-cpu-')), 'cpu');
    const child = cpuFile
      ? spawn('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
      const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(clean)?.[1] ?? NaN);
      const [total, passed, skipped] = [num('Total'), num('Passed'), num('Skipped') || 0];
      const ms = Date.now() - started;
      const cpuSeconds = cpuFile ? cpuOf(cpuFile) : undefined;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        const how = signal ? `killed by ${signal}` : `exit ${code}`;
        resolve({ file, ms, cpuSeconds, out: `${out}\n${file}: the run stopped before its summary (${how})\n`, passed: 0, failed: 1, skipped: 0, ok: false });
        return;
      }
      // uvu's Total counts the tests it ran (a skipped test is not in it): what did not pass failed.
      const failed = total - passed;
      // A file that fails after its summary (an uncaught error, a hook) fails once, with its output.
      if (!failed && code !== 0) resolve({ file, ms, cpuSeconds, out: `${out}\n${file}: exit ${code ?? signal} after all its tests passed\n`, passed, failed: 1, skipped, ok: false });
      else resolve({ file, ms, cpuSeconds, out, passed, failed, skipped, ok: failed === 0 && code === 0 });
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
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)} s${r.cpuSeconds === undefined ? '' : `, cpu ${r.cpuSeconds.toFixed(1)} s`})\n\n`);
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));

// The typecheck's errors come last, after every file's output, and count as one failure.
let typeFailed = false;
if (typechecked) {
  const t = await typechecked;
  typeFailed = !t.ok;
  if (t.ok) console.log(`ok   typecheck (tsc -p .): no errors (${(t.ms / 1000).toFixed(1)} s)\n`);
  else {
    process.stdout.write(t.out.endsWith('\n') ? t.out : `${t.out}\n`);
    console.log(`FAIL typecheck (tsc -p .): ${t.how} (${(t.ms / 1000).toFixed(1)} s)\n`);
  }
}

if (!patterns.length) writeFileSync(timesFile, JSON.stringify(Object.fromEntries(results.map((r) => [r.file, r.ms]))));
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const bad = [...results.filter((r) => !r.ok).map((r) => r.file), ...(typeFailed ? ['typecheck (tsc -p .)'] : [])];
const cpuTotal = cpu ? `, cpu ${results.reduce((n, r) => n + (r.cpuSeconds ?? 0), 0).toFixed(1)} s` : '';
console.log(`${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s${cpuTotal} on ${jobs} workers${bad.length ? `; failing: ${bad.join(', ')}` : ''}`);
if (!files.length) console.log('no test file matched');
console.log(`\n${sum('passed')} passed, ${sum('failed') + (typeFailed ? 1 : 0)} failed, ${sum('skipped')} skipped`);
process.exit(bad.length || !files.length ? 1 : 0);
