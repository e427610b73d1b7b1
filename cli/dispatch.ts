// From parsed arguments to a command: build the env once, load the command's module, run it.
import { hostname } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeOutput, stdoutIsTTY } from './output.js';
import { randomBytes } from './home/files.js';
import type { CommandSpec } from './table.js';
import type { Args, Env, StopSignals } from './env.js';

function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'aos') return dir;
  }
  throw new Error('aos: cannot find its own package.json above ' + import.meta.url);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

function catchStop(): StopSignals {
  const ctl = new AbortController();
  let code: number | undefined;
  const on = (name: keyof typeof SIGNAL_CODES) => {
    if (code !== undefined) process.exit(code); // the second stop: the owner means now
    code = SIGNAL_CODES[name];
    ctl.abort(name);
  };
  const handlers = (Object.keys(SIGNAL_CODES) as (keyof typeof SIGNAL_CODES)[]).map((name) => [name, () => on(name)] as const);
  for (const [name, h] of handlers) process.on(name, h);
  return { signal: ctl.signal, exitCode: () => code, dispose: () => handlers.forEach(([name, h]) => process.off(name, h)) };
}

type Handler = (args: Args, env: Env) => Promise<number | void>;

function makeEnv(args: Args): Env {
  let tty: boolean | undefined;
  return {
    cwd: process.cwd(),
    homeFlag: args.home,
    vars: process.env,
    now: () => new Date(),
    randomBytes,
    hostname: hostname(),
    pid: process.pid,
    packageRoot: packageRoot(),
    execPath: process.execPath,
    // Asked only by the commands that print differently on a terminal (see stdoutIsTTY).
    get isTTY() {
      return (tty ??= stdoutIsTTY());
    },
    readStdin,
    catchStop,
    out: makeOutput(Boolean(args.json)),
  };
}

export async function dispatch(spec: CommandSpec, args: Args): Promise<void> {
  const mod = (await spec.load()) as Record<string, Handler>;
  const code = await mod[spec.handler]!(args, makeEnv(args));
  if (typeof code === 'number') process.exitCode = code;
}

