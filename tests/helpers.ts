// Real processes, real git, real temp folders: the helpers every suite shares.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const AOS = join(ROOT, 'dist/aos.js');

/**
 * One cache folder for every test's aos: the built CLI keeps V8's code cache (~300 KB a build) in
 * $XDG_CACHE_HOME/aos, which a fresh HOME per process would otherwise fill once per spawn.
 */
const SHARED_CACHE = join(tmpdir(), 'aos-test-code-cache');

/** A bare environment like cron's: no git identity, a HOME with no config. */
export function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'aos-userhome-'));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', XDG_CACHE_HOME: SHARED_CACHE, ...extra };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function aos(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Result {
  const r = spawnSync(process.execPath, [AOS, ...args], {
    cwd: opts.cwd ?? tmpdir(),
    input: opts.input ?? '',
    env: opts.env ?? bareEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function aosAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AOS, ...args], { cwd: opts.cwd ?? tmpdir(), env: opts.env ?? bareEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Waits for the clock's next whole second. Run ids and record times are to the second: two runs in
 * one second have no order between them (the id's tail is random), so a test about "newest first"
 * starts the later run in a later second.
 */
export function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

export function tempDir(prefix = 'aos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A copy of a ready-made home (its files' timestamps kept). .aos/created holds when init made the
 * home: the copy gets the time it was made, as `aos init` there and then would have written.
 */
export function copyHome(from: string, to = join(tempDir(), 'home')): string {
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
  writeFileSync(join(to, '.aos/created'), new Date().toISOString() + '\n');
  return to;
}

// Ready-made homes to copy, each made once: under scripts/test.mjs once for the whole run, in the
// folder AOS_TEST_SHARED names (91 files made the same `aos init` home, a process and a second each);
// run any other way, once per test process.
const made = new Map<string, string>();

/**
 * The home `make` builds in the folder it is given, made once and then only read (copy it with
 * copyHome). Parallel files may make the same one at once: each builds its own and renames it into
 * place, and a rename onto one already there fails, so all of them use the first one finished.
 */
export function template(name: string, make: (dir: string) => void): string {
  let dir = made.get(name);
  if (dir) return dir;
  const shared = process.env.AOS_TEST_SHARED;
  dir = join(shared ?? tempDir('aos-template-'), name);
  if (!shared || !existsSync(dir)) {
    const building = join(tempDir('aos-template-'), 'home');
    make(building);
    try {
      renameSync(building, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another file put its copy there first (a rename onto a non-empty folder): use that one.
      if (!shared || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw err;
      rmSync(dirname(building), { recursive: true, force: true });
    }
  }
  made.set(name, dir);
  return dir;
}

/** The home the real `aos init` made (once: init is the same every time); copy it, never change it. */
export function initTemplate(): string {
  return template('init', (dir) => {
    const r = aos(['init', dir, '--owner', 'Tess', '--timezone', 'UTC']);
    if (r.code !== 0) throw new Error(`aos init failed: ${r.stderr}`);
  });
}

/** A fresh home made by the real `aos init` (a copy of initTemplate()). */
export function newHome(): string {
  return copyHome(initTemplate());
}

export function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: bareEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }) });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function write(home: string, rel: string, text: string): void {
  mkdirSync(dirname(join(home, rel)), { recursive: true });
  writeFileSync(join(home, rel), text);
}

export function read(home: string, rel: string): string {
  return readFileSync(join(home, rel), 'utf8');
}

export function json<T = any>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${r.code}), got:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** The pids of running processes whose command line holds `marker` (Linux /proc): what a test's command left behind. */
export function processesWith(marker: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

