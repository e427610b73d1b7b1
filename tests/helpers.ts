// Real processes, real git, real temp folders: the helpers every suite shares.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
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

// One real `aos init` per test process, copied for each home: init is the same every time, and a copy
// costs no process (the suite makes a few hundred homes).
let initialised: string | undefined;

/** A fresh home made by the real `aos init` (a copy of this process's first one). */
export function newHome(): string {
  if (!initialised) {
    const dir = join(tempDir('aos-template-'), 'home');
    const r = aos(['init', dir, '--owner', 'Tess', '--timezone', 'UTC']);
    if (r.code !== 0) throw new Error(`aos init failed: ${r.stderr}`);
    initialised = dir;
  }
  return copyHome(initialised);
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
