// Helpers for suites that call aos's own functions in the test process (an Env that prints
// nothing) or check a command left a home exactly as it was (every file, .git included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../cli/env.js';
import { ROOT, bareEnv } from './helpers.js';

/** An Env for calling aos's functions in this process on a home: a bare environment, no output. */
export function quietEnv(home: string, hostname: string): Env {
  const quiet = { json: false, line() {}, write() {}, data() {}, warn() {} };
  return {
    cwd: home,
    homeFlag: home,
    vars: bareEnv(),
    now: () => new Date(),
    randomBytes: (n) => new Uint8Array(Array.from({ length: n }, () => Math.floor(Math.random() * 256))),
    hostname,
    pid: process.pid,
    packageRoot: ROOT,
    isTTY: false,
    readStdin: async () => '',
    out: quiet,
  };
}

/** Every file under a folder, .git included, with its size, mtime and content. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.set(p.slice(root.length + 1), `${st.size}:${st.mtimeMs}:${readFileSync(p).toString('base64')}`);
      }
    }
  };
  walk(root);
  return out;
}

/** The files added, removed or changed between two snapshots. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
}
