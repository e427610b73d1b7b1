// Devices syncing one home through a bare remote, shared by the sync suites (sync, sync-claims,
// sync-conflicts): real clones in temp folders, the built CLI in real processes, a command brain.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, aos, aosAsync, bareEnv, git, read, tempDir, write, type Result } from '../helpers.js';
import { modelHome } from '../model-helpers.js';

export const BRAIN = join(ROOT, 'tests/fixtures/brain-echo.mjs');
export const MODEL = `provider: command\n  command: ["${process.execPath}", "${BRAIN}", "padded"]\n  timeout_seconds: 20`;

export interface Device {
  name: string;
  home: string;
  env: Record<string, string>;
}

/** A home with sync.auto on, pushed to a fresh bare remote, and cloned once per further device. */
export function devices(names: string[], syncYaml = ''): { remote: string; devs: Device[] } {
  const first = modelHome('', MODEL);
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

