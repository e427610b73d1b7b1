// Devices syncing one home through a bare remote (real clones in temp folders), shared by the sync
// suites (sync, sync-claims, sync-conflicts, fault-claims, fault-rebase); and a way to stop a real aos at an exact git step so a test can kill it there.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AOS, ROOT, aos, aosAsync, bareEnv, git, read, tempDir, write, type Result } from './helpers.js';
import { modelHome } from './model-helpers.js';

export const BRAIN = join(ROOT, 'tests/fixtures/brain-echo.mjs');
export const MODEL = `provider: command\n  command: ["${process.execPath}", "${BRAIN}", "padded"]\n  timeout_seconds: 20`;

export interface Device {
  name: string;
  home: string;
  env: Record<string, string>;
}

/** A home with sync.auto on, pushed to a fresh bare remote, and cloned once per further device. */
export function devices(names: string[], syncYaml = '', model = MODEL): { remote: string; devs: Device[] } {
  const first = modelHome('', model);
  write(first, 'aos.yaml', read(first, 'aos.yaml').replace('sync:\n  auto: false', `sync:\n  auto: true${syncYaml}`));
  git(first, ['commit', '-qam', 'sync on']);
  const remote = join(tempDir('aos-remote-'), 'remote.git');
  git(ROOT, ['init', '-q', '--bare', '-b', 'main', remote]);
  git(first, ['remote', 'add', 'origin', remote]);
  git(first, ['push', '-q', 'origin', 'main']);
  git(first, ['branch', '-q', '--set-upstream-to', 'origin/main']);
  const devs = names.map((name, i) => {
    let home = first;
    if (i > 0) {
      home = join(tempDir(), name);
      git(ROOT, ['clone', '-q', remote, home]);
    }
    return { name, home, env: bareEnv({ AOS_DEVICE: name }) };
  });
  return { remote, devs };
}

export const run = (d: Device, args: string[]): Result => aos([...args, '--home', d.home], { env: d.env });
export const runAsync = (d: Device, args: string[]): Promise<Result> => aosAsync([...args, '--home', d.home], { env: d.env });
export const head = (dir: string, ref = 'HEAD') => git(dir, ['rev-parse', ref]).trim();
export const today = () => new Date().toISOString().slice(0, 10);
export const logFile = (date = today()) => `logs/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.md`;

/** Every run record's text under logs/runs/. */
export function runRecords(home: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.md')) out.push(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(home, 'logs/runs'));
  return out;
}

export async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1800 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

/**
 * Makes git in `home` stop (sleep) right after a ref update that `when` (a shell condition, with
 * $new the updated commit) accepts, once `armed` exists; `stopped` appears when it does. git's
 * reference-transaction hook runs after the update is on disk, so what stopped there is done and
 * whatever the caller does next (a push, the next rebase step) is not.
 */
export function pauseGitAfter(home: string, when: string): { armed: string; stopped: string } {
  const dir = tempDir('aos-pause-');
  const armed = join(dir, 'armed');
  const stopped = join(dir, 'stopped');
  const hook = join(home, '.git/hooks/reference-transaction');
  writeFileSync(
    hook,
    `#!/bin/sh\n[ "$1" = committed ] || exit 0\n[ -f '${armed}' ] || exit 0\nwhile read old new ref; do\n  if ${when}; then rm -f '${armed}'; touch '${stopped}'; sleep 600; fi\ndone\nexit 0\n`,
  );
  chmodSync(hook, 0o755);
  writeFileSync(armed, '');
  return { armed, stopped };
}

/** Starts `aos tick` in its own process group, waits until `stopped` appears, and kills the whole group with SIGKILL. */
export async function tickKilledAt(d: Device, stopped: string): Promise<void> {
  const child = spawn(process.execPath, [AOS, 'tick', '--home', d.home], { env: d.env, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await until('git to stop at the chosen step', () => existsSync(stopped));
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }
}
